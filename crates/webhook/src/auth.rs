//! Kaddio authenticates with custom headers configured once at partner setup: the header's
//! value is the whole secret.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use portal_core::SecretDigest;
use portal_store::{CredentialKind, Error, KnownCredential, Store};

/// At most one warning per this long about refused deliveries, so a flood of bad requests
/// cannot flood the log.
const WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// Why a delivery was refused before anything was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unauthorized {
    NoSecretConfigured,
    MissingHeader,
    WrongValue,
    /// The value of a revoked secret: after a rotation, Kaddio still sends the old one.
    RevokedValue,
}

impl Unauthorized {
    fn as_str(self) -> &'static str {
        match self {
            Self::NoSecretConfigured => "no webhook secret is configured",
            Self::MissingHeader => "no secret header",
            Self::WrongValue => "wrong secret value",
            Self::RevokedValue => "a revoked secret; Kaddio may still be sending the old value",
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
    let (active, revoked): (Vec<_>, Vec<_>) = store
        .known_credentials(CredentialKind::WebhookSecret)
        .await?
        .into_iter()
        .partition(|secret| !secret.revoked);
    if active.is_empty() {
        return Ok(if allow_unauthenticated {
            Access::Open
        } else {
            Access::Refused(Unauthorized::NoSecretConfigured)
        });
    }

    let mut carried_header = false;
    let mut matched = None;
    for secret in &active {
        for value in headers.get_all(secret.label.as_str()) {
            carried_header = true;
            // Every candidate is compared, so timing does not reveal which one came close.
            if secret.accepts(&SecretDigest::of(value.as_bytes())) {
                matched = Some(secret.id);
            }
        }
    }
    if let Some(id) = matched {
        return Ok(Access::Secret(id));
    }
    Ok(Access::Refused(if presents_any(headers, &revoked) {
        Unauthorized::RevokedValue
    } else if carried_header {
        Unauthorized::WrongValue
    } else {
        Unauthorized::MissingHeader
    }))
}

/// Whether the request carries the value of one of `secrets`, each in its own header.
fn presents_any(headers: &HeaderMap, secrets: &[KnownCredential]) -> bool {
    secrets.iter().any(|secret| {
        headers
            .get_all(secret.label.as_str())
            .iter()
            .any(|value| secret.accepts(&SecretDigest::of(value.as_bytes())))
    })
}

/// Counts refused deliveries and warns about them in the log, at most once a minute.
/// The presented value is never logged.
#[derive(Debug, Default)]
pub(crate) struct RejectionCounter(Mutex<Tally>);

#[derive(Debug, Default)]
struct Tally {
    total: u64,
    since_warning: u64,
    revoked_since_warning: u64,
    last_warning: Option<Instant>,
}

/// What a warning reports: refusals since the one before (and how many of them presented
/// a revoked secret), and refusals since the server started.
#[derive(Debug, PartialEq, Eq)]
struct Warning {
    refused: u64,
    revoked: u64,
    total: u64,
}

impl RejectionCounter {
    pub(crate) fn record(&self, reason: Unauthorized) {
        if let Some(warning) = self.count(reason, Instant::now()) {
            tracing::warn!(
                refused = warning.refused,
                revoked_secret_presented = warning.revoked,
                refused_since_start = warning.total,
                latest_reason = reason.as_str(),
                "webhook deliveries refused with 401 since the last warning"
            );
        }
    }

    /// Counts a refusal at `now`, and says what to warn about if no warning was given in
    /// the last [`WARNING_INTERVAL`].
    fn count(&self, reason: Unauthorized, now: Instant) -> Option<Warning> {
        let mut tally = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        tally.total += 1;
        tally.since_warning += 1;
        if reason == Unauthorized::RevokedValue {
            tally.revoked_since_warning += 1;
        }
        if tally
            .last_warning
            .is_some_and(|at| now.duration_since(at) < WARNING_INTERVAL)
        {
            return None;
        }
        tally.last_warning = Some(now);
        Some(Warning {
            refused: std::mem::take(&mut tally.since_warning),
            revoked: std::mem::take(&mut tally.revoked_since_warning),
            total: tally.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_warned_about_once_an_interval_with_those_held_back_counted() {
        let counter = RejectionCounter::default();
        let start = Instant::now();
        let at = |seconds| start + Duration::from_secs(seconds);
        let wrong = Unauthorized::WrongValue;
        let warning = |refused, revoked, total| {
            Some(Warning {
                refused,
                revoked,
                total,
            })
        };

        assert_eq!(counter.count(wrong, at(0)), warning(1, 0, 1));
        assert_eq!(counter.count(Unauthorized::RevokedValue, at(1)), None);
        assert_eq!(counter.count(wrong, at(59)), None);
        assert_eq!(counter.count(wrong, at(60)), warning(3, 1, 4));
        assert_eq!(counter.count(wrong, at(61)), None);
    }
}
