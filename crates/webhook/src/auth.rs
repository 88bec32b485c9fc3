//! Kaddio authenticates with custom headers configured once at partner setup: the header's
//! value is the whole secret.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use portal_core::SecretDigest;
use portal_store::{CredentialKind, Error, Store};

/// At most one warning per this long about refused deliveries, so a flood of bad requests
/// cannot flood the log.
const WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// Why a delivery was refused before anything was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unauthorized {
    NoSecretConfigured,
    MissingHeader,
    WrongValue,
}

impl Unauthorized {
    fn as_str(self) -> &'static str {
        match self {
            Self::NoSecretConfigured => "no webhook secret is configured",
            Self::MissingHeader => "no secret header",
            Self::WrongValue => "wrong secret value",
        }
    }
}

/// What a delivery's headers entitle it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// It carried the active webhook secret with this ID.
    Secret(i64),
    /// No secret is active and the server was told to accept deliveries without one.
    Open,
    Refused(Unauthorized),
}

/// Finds the active webhook secret whose header the request carries with the right value.
/// Several secrets may be active at once, so a rotation never refuses a delivery.
pub(crate) async fn authenticate(
    store: &Store,
    headers: &HeaderMap,
    allow_unauthenticated: bool,
) -> Result<Access, Error> {
    let secrets = store
        .active_credentials(CredentialKind::WebhookSecret)
        .await?;
    if secrets.is_empty() {
        return Ok(if allow_unauthenticated {
            Access::Open
        } else {
            Access::Refused(Unauthorized::NoSecretConfigured)
        });
    }

    let mut carried_header = false;
    let mut matched = None;
    for secret in &secrets {
        for value in headers.get_all(secret.label.as_str()) {
            carried_header = true;
            // Every candidate is compared, so timing does not reveal which one came close.
            if secret.accepts(&SecretDigest::of(value.as_bytes())) {
                matched = Some(secret.id);
            }
        }
    }
    Ok(match (matched, carried_header) {
        (Some(id), _) => Access::Secret(id),
        (None, false) => Access::Refused(Unauthorized::MissingHeader),
        (None, true) => Access::Refused(Unauthorized::WrongValue),
    })
}

/// Counts refused deliveries and warns about them in the log, at most once a minute.
/// The presented value is never logged.
#[derive(Debug)]
pub(crate) struct RejectionCounter {
    total: AtomicU64,
    since_warning: AtomicU64,
    last_warning: Mutex<Option<Instant>>,
}

impl Default for RejectionCounter {
    fn default() -> Self {
        Self {
            total: AtomicU64::new(0),
            since_warning: AtomicU64::new(0),
            last_warning: Mutex::new(None),
        }
    }
}

impl RejectionCounter {
    pub(crate) fn record(&self, reason: Unauthorized) {
        let total = self.total.fetch_add(1, Ordering::Relaxed) + 1;
        self.since_warning.fetch_add(1, Ordering::Relaxed);

        let mut last_warning = self
            .last_warning
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if last_warning.is_some_and(|at| at.elapsed() < WARNING_INTERVAL) {
            return;
        }
        *last_warning = Some(Instant::now());
        let refused = self.since_warning.swap(0, Ordering::Relaxed);
        tracing::warn!(
            refused,
            refused_since_start = total,
            latest_reason = reason.as_str(),
            "webhook deliveries refused with 401 since the last warning"
        );
    }
}
