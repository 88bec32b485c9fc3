//! Webhook header secrets and API tokens. Both are random values shown once at creation;
//! only their SHA-256 digests are stored.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use portal_core::{SecretDigest, SecretKind, SecretValue};
use sqlx::SqliteConnection;
use time::{Duration, OffsetDateTime};
use tracing::{Instrument, Span};

use crate::{Error, Store};

/// A credential used within this long is not marked as used again, to spare a write per
/// request.
const LAST_USED_PRECISION: Duration = Duration::minutes(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// Sent by Kaddio in a custom header; the label is the header's name.
    WebhookSecret,
    /// A bearer token for the JSON API; the label is a name for people.
    ApiToken,
}

impl CredentialKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::WebhookSecret => "webhook_secret",
            Self::ApiToken => "api_token",
        }
    }

    fn secret_kind(self) -> SecretKind {
        match self {
            Self::WebhookSecret => SecretKind::WebhookSecret,
            Self::ApiToken => SecretKind::ApiToken,
        }
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WebhookSecret => "webhook secret",
            Self::ApiToken => "API token",
        })
    }
}

/// What may be shown about a credential: everything but its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: i64,
    pub kind: CredentialKind,
    pub label: String,
    pub fingerprint: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl Credential {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A credential as needed to check a presented value against it.
#[derive(Debug, Clone)]
pub struct KnownCredential {
    pub id: i64,
    pub label: String,
    /// Revoked credentials are known too, to tell a caller that kept using one.
    pub revoked: bool,
    digest: SecretDigest,
    last_used_at: Option<OffsetDateTime>,
}

impl KnownCredential {
    /// Whether `presented` is this credential's value, compared in constant time.
    pub fn accepts(&self, presented: &SecretDigest) -> bool {
        self.digest.matches(presented)
    }
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    id: i64,
    label: String,
    fingerprint: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl CredentialRow {
    fn into_credential(self, kind: CredentialKind) -> Credential {
        Credential {
            id: self.id,
            kind,
            label: self.label,
            fingerprint: self.fingerprint,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct KnownRow {
    id: i64,
    label: String,
    revoked: bool,
    digest: Vec<u8>,
    last_used_at: Option<OffsetDateTime>,
}

impl TryFrom<KnownRow> for KnownCredential {
    type Error = Error;

    fn try_from(row: KnownRow) -> Result<Self, Error> {
        let digest = SecretDigest::from_slice(&row.digest)
            .ok_or_else(|| Error::corrupt(format!("credential {} has a bad digest", row.id)))?;
        Ok(Self {
            id: row.id,
            label: row.label,
            revoked: row.revoked,
            digest,
            last_used_at: row.last_used_at,
        })
    }
}

const CREDENTIAL_COLUMNS: &str = "id, label, fingerprint, created_at, last_used_at, revoked_at";

impl Store {
    /// Generates a new credential and stores its digest. The returned value exists nowhere
    /// else: show it to the person now, it cannot be read back.
    pub async fn create_credential(
        &self,
        kind: CredentialKind,
        label: &str,
    ) -> Result<(Credential, SecretValue), Error> {
        let value = SecretValue::generate(kind.secret_kind(), &mut rand::rng());
        let digest = value.digest();
        let created_at = portal_core::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO credentials (kind, label, digest, fingerprint, created_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(label)
        .bind(digest.as_bytes())
        .bind(digest.fingerprint())
        .bind(created_at)
        .fetch_one(&self.writer)
        .await?;
        let credential = Credential {
            id,
            kind,
            label: label.to_owned(),
            fingerprint: digest.fingerprint(),
            created_at,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((credential, value))
    }

    /// Every credential of a kind, revoked ones included, oldest first.
    pub async fn credentials(&self, kind: CredentialKind) -> Result<Vec<Credential>, Error> {
        let rows: Vec<CredentialRow> = sqlx::query_as(&format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE kind = ? ORDER BY id"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_credential(kind))
            .collect())
    }

    /// Revokes a credential from the next request on. Also says whether it was active until
    /// now: revoking a revoked credential changes nothing.
    pub async fn revoke_credential(
        &self,
        kind: CredentialKind,
        id: i64,
    ) -> Result<(Credential, bool), Error> {
        let revoked: Option<CredentialRow> = sqlx::query_as(&format!(
            "UPDATE credentials SET revoked_at = ? \
             WHERE kind = ? AND id = ? AND revoked_at IS NULL RETURNING {CREDENTIAL_COLUMNS}"
        ))
        .bind(portal_core::now())
        .bind(kind.as_str())
        .bind(id)
        .fetch_optional(&self.writer)
        .await?;
        if let Some(row) = revoked {
            return Ok((row.into_credential(kind), true));
        }

        let existing: Option<CredentialRow> = sqlx::query_as(&format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE kind = ? AND id = ?"
        ))
        .bind(kind.as_str())
        .bind(id)
        .fetch_optional(&self.writer)
        .await?;
        existing
            .map(|row| (row.into_credential(kind), false))
            .ok_or_else(|| Error::NotFound(format!("there is no {kind} with ID {id}")))
    }

    /// The credentials of a kind that are accepted now. Read on every request, so a change
    /// made by another process (the CLI) applies from the next request on.
    pub async fn active_credentials(
        &self,
        kind: CredentialKind,
    ) -> Result<Vec<KnownCredential>, Error> {
        self.load_credentials(kind, "AND revoked_at IS NULL").await
    }

    /// Every credential of a kind, revoked ones included, to check a presented value
    /// against. Read on every request, like [`Self::active_credentials`].
    pub async fn known_credentials(
        &self,
        kind: CredentialKind,
    ) -> Result<Vec<KnownCredential>, Error> {
        self.load_credentials(kind, "").await
    }

    async fn load_credentials(
        &self,
        kind: CredentialKind,
        condition: &str,
    ) -> Result<Vec<KnownCredential>, Error> {
        let rows: Vec<KnownRow> = sqlx::query_as(&format!(
            "SELECT id, label, revoked_at IS NOT NULL AS revoked, digest, last_used_at \
             FROM credentials WHERE kind = ? {condition}"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(KnownCredential::try_from).collect()
    }

    /// The ID of the active API token whose value was presented, marking it used.
    ///
    /// The mark is written in the background: a request never waits for it, even while
    /// another process holds the database's write lock, and at most one such write per
    /// token waits at a time.
    pub async fn authenticate_token(&self, presented: &str) -> Result<Option<i64>, Error> {
        let presented = SecretDigest::of(presented.as_bytes());
        let tokens = self.active_credentials(CredentialKind::ApiToken).await?;
        // Compare with every token, not just until the first match, so timing says nothing.
        let matched = tokens.iter().fold(None, |found, token| {
            if token.accepts(&presented) {
                Some(token)
            } else {
                found
            }
        });
        let Some(token) = matched else {
            return Ok(None);
        };

        let now = portal_core::now();
        let stale = token
            .last_used_at
            .is_none_or(|at| now - at >= LAST_USED_PRECISION);
        if stale && let Some(noting) = NotingUse::start(&self.noting_token_use, token.id) {
            let store = self.clone();
            let noted = async move {
                if let Err(error) = store.mark_token_used(noting.token_id, now).await {
                    tracing::warn!(%error, token_id = noting.token_id, "could not note when the API token was used");
                }
            };
            tokio::spawn(noted.instrument(Span::current()));
        }
        Ok(Some(token.id))
    }

    async fn mark_token_used(&self, id: i64, at: OffsetDateTime) -> Result<(), Error> {
        let mut conn = self.writer.acquire().await?;
        mark_used(&mut conn, id, at).await
    }
}

/// A token whose last use is being written. At most one write per token waits for the
/// writer; the token is free again when this is dropped, however the write ended.
struct NotingUse {
    token_id: i64,
    noting: Arc<Mutex<HashSet<i64>>>,
}

impl NotingUse {
    fn start(noting: &Arc<Mutex<HashSet<i64>>>, token_id: i64) -> Option<Self> {
        let mut tokens = noting.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.insert(token_id).then(|| Self {
            token_id,
            noting: Arc::clone(noting),
        })
    }
}

impl Drop for NotingUse {
    fn drop(&mut self) {
        let mut tokens = self.noting.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.remove(&self.token_id);
    }
}

/// Notes that a credential was used at `at`, unless that was noted in the minute before:
/// the single writer is spared a row write on every request.
pub(crate) async fn mark_used(
    conn: &mut SqliteConnection,
    id: i64,
    at: OffsetDateTime,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE credentials SET last_used_at = ? WHERE id = ? \
         AND (last_used_at IS NULL OR julianday(last_used_at) < julianday(?))",
    )
    .bind(at)
    .bind(id)
    .bind(at - LAST_USED_PRECISION)
    .execute(conn)
    .await?;
    Ok(())
}
