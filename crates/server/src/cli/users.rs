use std::io::{self, BufRead, IsTerminal};

use anyhow::{Context, ensure};
use clap::Subcommand;
use portal_core::{Email, Password, PasswordHash, Role};
use portal_store::Store;

use super::output::{print_table, status, when};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password (12 characters or more) is read from standard input when
    /// that is not a terminal, and otherwise asked for twice.
    Add {
        email: String,
        /// What the user may do: admin (everything) or staff (bookings).
        #[arg(long, value_name = "admin|staff")]
        role: String,
    },
    /// List every user.
    List,
    /// Set a user's password, read like `user add` reads it.
    Passwd { email: String },
    /// Stop a user from signing in; their account and history stay.
    Disable { email: String },
}

impl UserCommand {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        match self {
            Self::Add { email, role } => {
                let email = Email::parse(&email)?;
                let role: Role = role.parse()?;
                let hash = hash(read_password()?).await?;
                store.add_user(&email, role, &hash).await?;
                println!("added {role} {email}");
            }
            Self::List => {
                let users = store.users().await?;
                let rows: Vec<_> = users
                    .into_iter()
                    .map(|user| {
                        let active = user.disabled_at.is_none();
                        [
                            user.email.to_string(),
                            user.role.to_string(),
                            status(active),
                            when(user.created_at),
                        ]
                    })
                    .collect();
                if rows.is_empty() {
                    println!(
                        "no users yet; add the first admin with: partner-portal user add EMAIL --role admin"
                    );
                } else {
                    print_table(["EMAIL", "ROLE", "STATUS", "CREATED"], &rows);
                }
            }
            Self::Passwd { email } => {
                let email = Email::parse(&email)?;
                let hash = hash(read_password()?).await?;
                store.set_password(&email, &hash).await?;
                println!("changed the password of {email}");
            }
            Self::Disable { email } => {
                let email = Email::parse(&email)?;
                store.disable_user(&email).await?;
                println!("disabled {email}");
            }
        }
        Ok(())
    }
}

/// Reads a password: one line from standard input when it is redirected (for scripts),
/// otherwise twice from the terminal without echo.
fn read_password() -> anyhow::Result<Password> {
    let text = if io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12 characters or more): ")?;
        let again = rpassword::prompt_password("The same password again: ")?;
        ensure!(
            first == again,
            "the two passwords differ; nothing was changed"
        );
        first
    } else {
        let mut line = String::new();
        let read = io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password")?;
        ensure!(
            read > 0,
            "no password on standard input; pipe it in as one line, or run this in a terminal"
        );
        let line = line.strip_suffix('\n').unwrap_or(&line);
        line.strip_suffix('\r').unwrap_or(line).to_owned()
    };
    Ok(Password::parse(text)?)
}

/// Hashing is slow on purpose; it runs off the async threads.
async fn hash(password: Password) -> anyhow::Result<PasswordHash> {
    Ok(tokio::task::spawn_blocking(move || password.hash()).await?)
}
