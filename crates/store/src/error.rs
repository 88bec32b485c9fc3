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
    /// The URL's scheme names a database this build cannot use. Only the scheme is kept:
    /// the rest of a URL may hold a password.
    #[error(
        "unsupported database URL scheme {0:?}: this build stores data in SQLite, \
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

/// SQLite's primary result codes for "another connection holds the lock".
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

impl Error {
    /// Whether the failure was another connection holding the database's lock, so the same
    /// operation may succeed a moment later.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::PoolTimedOut) => true,
            Self::Database(sqlx::Error::Database(error)) => error
                .code()
                .and_then(|code| code.parse::<i64>().ok())
                // Extended result codes keep the primary code in their low byte.
                .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED)),
            _ => false,
        }
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }
}
