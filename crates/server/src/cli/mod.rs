//! The `partner-portal` command line. Every command opens (creating and migrating) the
//! database first, so any of them can be the first one run.

mod credentials;
mod directory;
mod output;
mod serve;
mod users;

use anyhow::Context;
use clap::{Parser, Subcommand};
use portal_store::Store;
use url::Url;

pub use credentials::{SecretCommand, TokenCommand};
pub use directory::{PartnerCommand, ProviderCommand};
pub use serve::ServeArgs;
pub use users::UserCommand;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/portal.db";

/// The partner portal: bookings with Kaddio care providers for a partner company's staff,
/// and the webhook through which Kaddio confirms them.
// No `Debug`: the database URL may hold a password.
#[derive(Parser)]
#[command(name = "partner-portal", version, propagate_version = true)]
pub struct Cli {
    /// Where the portal keeps its data. A SQLite file and its folder are created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Kaddio's webhook, the JSON API and the health probes.
    Serve(ServeArgs),
    /// Manage the people who sign in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage partner IDs assigned by Kaddio.
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Manage the care providers bookings may be made with.
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Manage the header secrets Kaddio sends with each webhook delivery.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Manage bearer tokens for the JSON API.
    #[command(subcommand)]
    Token(TokenCommand),
}

impl Command {
    pub fn is_serve(&self) -> bool {
        matches!(self, Self::Serve(_))
    }
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let store = Store::open(&self.database_url)
            .await
            .with_context(|| format!("cannot open the database {}", shown(&self.database_url)))?;
        let result = match self.command {
            Command::Serve(args) => args.run(&store).await,
            Command::User(command) => command.run(&store).await,
            Command::Partner(command) => command.run(&store).await,
            Command::Provider(command) => command.run(&store).await,
            Command::Secret(command) => command.run(&store).await,
            Command::Token(command) => command.run(&store).await,
        };
        store.close().await;
        result
    }
}

/// A failed command as one line for standard error: `error: ` and the chain of causes,
/// each said once (a database error repeats its cause in its own message).
pub fn error_line(error: &anyhow::Error) -> String {
    let busy = error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<portal_store::Error>())
        .any(portal_store::Error::is_busy);
    if busy {
        return "error: the database is locked by another process (a sqlite3 shell, a backup?); \
                nothing was changed, try again once it is done"
            .to_owned();
    }

    let mut line = String::from("error: ");
    let mut said = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if said.contains(&text) {
            continue;
        }
        if !said.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
        said = text;
    }
    line
}

/// A database URL as it may be shown: with its password, should it hold one, masked.
fn shown(database_url: &str) -> String {
    match Url::parse(database_url) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("****"));
            url.to_string()
        }
        _ => database_url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::{error_line, shown};

    #[test]
    fn an_error_line_says_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let error = Err::<(), _>(anyhow::Error::new(io).context("could not read: no such file"))
            .context("cannot open the database")
            .unwrap_err();
        assert_eq!(
            error_line(&error),
            "error: cannot open the database: could not read: no such file"
        );
    }

    #[test]
    fn a_password_in_the_database_url_is_never_shown() {
        let masked = shown("postgres://portal:hunter2hunter2@db.example.com/portal");
        assert_eq!(masked, "postgres://portal:****@db.example.com/portal");
        assert_eq!(shown("sqlite://data/portal.db"), "sqlite://data/portal.db");
    }
}
