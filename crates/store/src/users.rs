//! Accounts of the people who sign in.

use portal_core::{Email, PasswordHash, Role};
use time::OffsetDateTime;

use crate::{Error, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    role: String,
    created_at: OffsetDateTime,
    disabled_at: Option<OffsetDateTime>,
}

impl TryFrom<UserRow> for User {
    type Error = Error;

    fn try_from(row: UserRow) -> Result<Self, Error> {
        Ok(Self {
            id: row.id,
            email: Email::parse(&row.email).map_err(Error::corrupt)?,
            role: row.role.parse().map_err(Error::corrupt)?,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        })
    }
}

impl Store {
    /// Adds a user; fails with `Conflict` if the address is taken.
    pub async fn add_user(
        &self,
        email: &Email,
        role: Role,
        password: &PasswordHash,
    ) -> Result<User, Error> {
        let created_at = portal_core::now();
        let inserted = sqlx::query(
            "INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (email) DO NOTHING",
        )
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(password.as_str())
        .bind(created_at)
        .execute(&self.writer)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::Conflict(format!(
                "a user with the address {email} already exists"
            )));
        }
        Ok(User {
            id: inserted.last_insert_rowid(),
            email: email.clone(),
            role,
            created_at,
            disabled_at: None,
        })
    }

    /// Every user, in the order they were added.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        let rows: Vec<UserRow> = sqlx::query_as(
            "SELECT id, email, role, created_at, disabled_at FROM users ORDER BY id",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// How many admins can sign in: none means the portal still needs its first one.
    pub async fn active_admin_count(&self) -> Result<i64, Error> {
        let count = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(count)
    }

    pub async fn set_password(&self, email: &Email, password: &PasswordHash) -> Result<(), Error> {
        let updated = sqlx::query("UPDATE users SET password_hash = ? WHERE email = ?")
            .bind(password.as_str())
            .bind(email.as_str())
            .execute(&self.writer)
            .await?;
        require_user(updated.rows_affected(), email)
    }

    /// Stops a user from signing in; the account and its history stay.
    pub async fn disable_user(&self, email: &Email) -> Result<(), Error> {
        let updated =
            sqlx::query("UPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE email = ?")
                .bind(portal_core::now())
                .bind(email.as_str())
                .execute(&self.writer)
                .await?;
        require_user(updated.rows_affected(), email)
    }
}

fn require_user(rows_affected: u64, email: &Email) -> Result<(), Error> {
    if rows_affected == 0 {
        return Err(Error::NotFound(format!("no user has the address {email}")));
    }
    Ok(())
}
