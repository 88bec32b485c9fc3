use std::path::PathBuf;

/// Why a store operation failed.
///
/// `Conflict`, `Rejected` and `NotFound` carry a sentence meant for the person who asked;
/// the others are the operator's business.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The change would clash with what is stored (a duplicate, a state that forbids it).
    #[error("{0}")]
    Conflict(String),
    /// The request names something that cannot be used (unknown or disabled).
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "unsupported database URL {0:?}: this build stores data in SQLite, \
         e.g. sqlite://data/portal.db"
    )]
    UnsupportedUrl(String),
    #[error("could not create the database folder {path:?}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses: the database was edited by hand, or is newer.
    #[error("the database holds a value this version cannot read: {0}")]
    Corrupt(String),
}

impl Error {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }
}
