//! The partner portal's durable state, behind one seam: [`Store`].
//!
//! SQLite is the embedded backend. Every write goes through a single connection, because
//! SQLite admits one writer at a time anyway; reads use a small pool of their own, which
//! WAL mode lets run beside the writer. Each write that changes a booking is announced on a
//! change feed after it commits (see [`Store::subscribe`]).

mod bookings;
mod credentials;
mod deliveries;
mod directory;
mod error;
mod inbox;
mod page;
mod users;

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portal_core::{BookingStatus, Reference};
use sqlx::migrate::MigrateError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::broadcast;

pub use bookings::NewBooking;
pub use credentials::{Credential, CredentialKind, KnownCredential};
pub use deliveries::{Delivery, Received, Recorded, Refusal};
pub use directory::{CareProviderRecord, Partner};
pub use error::Error;
pub use inbox::{LoggedDelivery, UnmatchedDelivery};
pub use page::{Page, PageRequest};
pub use users::User;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// How long a connection waits for another process's write (the CLI's, say) to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READ_CONNECTIONS: u32 = 4;
/// How many unread changes a slow subscriber may fall behind before it misses some.
const CHANGE_FEED_CAPACITY: usize = 1024;

/// A booking that changed, announced after the change committed. Subscribers read the
/// booking again for its new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingChange {
    pub booking_id: i64,
    pub reference: Reference,
    pub status: BookingStatus,
}

/// A handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    reader: SqlitePool,
    writer: SqlitePool,
    changes: broadcast::Sender<BookingChange>,
    /// The tokens whose last use is being written, so that at most one such write per
    /// token waits for the writer (see [`Store::authenticate_token`]).
    noting_token_use: Arc<Mutex<HashSet<i64>>>,
}

impl Store {
    /// Opens the database at `url` (`sqlite://path/to/portal.db`), creating the file and its
    /// folder if missing, and migrates it to the current schema.
    pub async fn open(url: &str) -> Result<Self, Error> {
        if !url.starts_with("sqlite:") {
            let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
            return Err(Error::UnsupportedUrl(scheme.to_owned()));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an answered delivery survives a power cut.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let in_memory = options.get_filename().as_os_str() == ":memory:";
        if !in_memory {
            create_parent_folder(options.get_filename())?;
        }

        let writer = open_writer(&options).await?;
        // An in-memory database lives in its one connection; nothing else can read it.
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(READ_CONNECTIONS)
                .connect_with(options)
                .await?
        };
        let (changes, _) = broadcast::channel(CHANGE_FEED_CAPACITY);
        Ok(Self {
            reader,
            writer,
            changes,
            noting_token_use: Arc::default(),
        })
    }

    /// Whether the database answers a query. The writer is not asked: it may be busy with
    /// deliveries, and a probe must not queue behind them.
    pub async fn ping(&self) -> Result<(), Error> {
        if self.writer.is_closed() {
            return Err(Error::Database(sqlx::Error::PoolClosed));
        }
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// Changes to bookings from now on, each sent after its transaction committed.
    pub fn subscribe(&self) -> broadcast::Receiver<BookingChange> {
        self.changes.subscribe()
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    /// A write transaction that holds SQLite's write lock from its first statement, so a
    /// transaction that reads before it writes never fails to upgrade its lock.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, Error> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    fn announce(&self, change: BookingChange) {
        // Nobody listening is fine: the change is committed either way.
        let _ = self.changes.send(change);
    }
}

/// How often opening is tried when other processes open the same new database at the
/// same moment.
const OPEN_ATTEMPTS: usize = 5;
const OPEN_PAUSE: Duration = Duration::from_millis(100);

/// The writer's connection, with the schema brought up to date.
///
/// SQLite's migrator takes no lock, so a `serve` and CLI commands started together on a
/// new database race: one may fail to apply a migration another just applied, or find the
/// database locked while another switches it to WAL. The loser finds all done when it
/// tries again. Any other failure (a changed or unknown migration) would only fail again,
/// and is returned.
async fn open_writer(options: &SqliteConnectOptions) -> Result<SqlitePool, Error> {
    let mut attempt = 1;
    loop {
        match connect_and_migrate(options).await {
            Err(error) if attempt < OPEN_ATTEMPTS && lost_setup_race(&error) => {
                tracing::debug!(%error, attempt, "opening the database again");
                attempt += 1;
                tokio::time::sleep(OPEN_PAUSE).await;
            }
            result => return result,
        }
    }
}

async fn connect_and_migrate(options: &SqliteConnectOptions) -> Result<SqlitePool, Error> {
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await?;
    MIGRATOR.run(&writer).await?;
    Ok(writer)
}

fn lost_setup_race(error: &Error) -> bool {
    error.is_busy()
        || matches!(
            error,
            Error::Migrate(MigrateError::Execute(_) | MigrateError::ExecuteMigration(..))
        )
}

fn create_parent_folder(path: &std::path::Path) -> Result<(), Error> {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            std::fs::create_dir_all(folder).map_err(|source| Error::Folder {
                path: folder.to_owned(),
                source,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pragma<T>(pool: &SqlitePool, name: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + Send + Unpin,
    {
        sqlx::query_scalar(&format!("PRAGMA {name}"))
            .fetch_one(pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn every_connection_commits_durably_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("portal.db").display());
        let store = Store::open(&url).await.unwrap();

        for pool in [&store.writer, &store.reader] {
            assert_eq!(pragma::<String>(pool, "journal_mode").await, "wal");
            // 2 is FULL: the WAL is synced at every commit.
            assert_eq!(pragma::<i64>(pool, "synchronous").await, 2);
            assert_eq!(pragma::<i64>(pool, "foreign_keys").await, 1);
        }
        store.close().await;
    }
}
