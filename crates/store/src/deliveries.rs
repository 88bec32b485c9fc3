//! The webhook's one write: a delivery, stored with its effect in a single transaction.
//!
//! [`Store::record_delivery`] is the whole "store, then answer" path: the webhook answers
//! Kaddio only after it returns, so a 200 means the delivery is on disk.

use std::time::{Duration, Instant};

use portal_core::{
    Booking, ConfirmOutcome, Confirmation, DeliveryOutcome, MatchKeys, PartnerId, PayloadError,
    PayloadFields,
};
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::bookings::{booking_by_own_ref, booking_by_reference};
use crate::credentials::mark_used;
use crate::{BookingChange, Error, Store};

/// How long a delivery is tried again while the database is locked by another process.
const BUSY_RETRY_FOR: Duration = Duration::from_secs(15);
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(50);
const LAST_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// One authenticated request to the webhook.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub received_at: OffsetDateTime,
    /// The webhook secret it carried; `None` when unauthenticated deliveries are allowed.
    pub credential_id: Option<i64>,
    pub content_type: Option<String>,
    pub received: Received,
}

/// What the webhook made of a delivery before storing it.
#[derive(Debug, Clone)]
pub enum Received {
    /// Refused without reading the body, which is therefore not kept.
    Refused { outcome: Refusal, detail: String },
    /// A body that is not a valid confirmation.
    Unreadable { body: Vec<u8>, error: PayloadError },
    /// The body was cut off, the connection broken or too slow; `partial` is what arrived.
    Interrupted { partial: Vec<u8>, detail: String },
    /// A valid confirmation.
    Confirmation {
        body: Vec<u8>,
        confirmation: Confirmation,
    },
}

impl Received {
    /// The body as it arrived, whole or in part; `None` when it was refused unread.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Self::Refused { .. } => None,
            Self::Unreadable { body, .. } | Self::Confirmation { body, .. } => Some(body),
            Self::Interrupted { partial, .. } => Some(partial),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    UnsupportedMediaType,
}

impl From<Refusal> for DeliveryOutcome {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::TooLarge => Self::TooLarge,
            Refusal::UnsupportedMediaType => Self::UnsupportedMediaType,
        }
    }
}

/// A stored delivery and what it did.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub delivery_id: i64,
    pub outcome: DeliveryOutcome,
    /// The booking the delivery confirmed (or was a duplicate for), as it now stands.
    pub booking: Option<Booking>,
    /// Why the delivery was refused or matched nothing, in words for people.
    pub detail: Option<String>,
}

/// What a delivery does, decided inside its transaction.
struct Effect {
    outcome: DeliveryOutcome,
    booking: Option<Booking>,
    changed: bool,
    detail: Option<String>,
    unmatched: Option<(PayloadFields, String)>,
}

impl Store {
    /// Stores a delivery together with its effect on a booking or the unmatched inbox, in
    /// one transaction, and announces the changed booking after it commits.
    ///
    /// While another process holds the database's write lock, it tries again for 15
    /// seconds, and an attempt begun by then may wait its busy timeout out: Kaddio will not
    /// send the delivery again, so waiting beats refusing.
    pub async fn record_delivery(&self, delivery: &Delivery) -> Result<Recorded, Error> {
        let started = Instant::now();
        let mut pause = FIRST_RETRY_PAUSE;
        loop {
            match self.try_record_delivery(delivery).await {
                Err(error) if error.is_busy() && started.elapsed() < BUSY_RETRY_FOR => {
                    tracing::warn!(%error, "the database is busy; storing the delivery again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LAST_RETRY_PAUSE);
                }
                result => return result,
            }
        }
    }

    async fn try_record_delivery(&self, delivery: &Delivery) -> Result<Recorded, Error> {
        let mut tx = self.write().await?;
        let effect = match &delivery.received {
            Received::Refused { outcome, detail } => refused(*outcome, detail),
            Received::Unreadable { error, .. } => unreadable(error),
            Received::Interrupted { detail, .. } => interrupted(detail),
            Received::Confirmation { confirmation, .. } => {
                confirm(&mut tx, confirmation, delivery.received_at).await?
            }
        };

        let delivery_id = insert_delivery(&mut tx, delivery, &effect).await?;
        if let Some((fields, reason)) = &effect.unmatched {
            insert_unmatched(&mut tx, delivery_id, delivery.received_at, fields, reason).await?;
        }
        if let Some(credential_id) = delivery.credential_id {
            mark_used(&mut tx, credential_id, delivery.received_at).await?;
        }
        tx.commit().await?;

        if let (true, Some(booking)) = (effect.changed, &effect.booking) {
            self.announce(BookingChange::from(booking));
        }
        Ok(Recorded {
            delivery_id,
            outcome: effect.outcome,
            booking: effect.booking,
            detail: effect.detail,
        })
    }
}

fn refused(refusal: Refusal, detail: &str) -> Effect {
    Effect {
        outcome: refusal.into(),
        booking: None,
        changed: false,
        detail: Some(detail.to_owned()),
        unmatched: None,
    }
}

/// A body cut short: what arrived may still name the booking, so staff get to see it.
fn interrupted(detail: &str) -> Effect {
    Effect {
        outcome: DeliveryOutcome::IncompleteBody,
        booking: None,
        changed: false,
        detail: Some(detail.to_owned()),
        unmatched: Some((PayloadFields::default(), detail.to_owned())),
    }
}

/// A body Kaddio will never send again in better shape: it goes to the unmatched inbox.
fn unreadable(error: &PayloadError) -> Effect {
    let outcome = match error {
        PayloadError::Malformed(_) => DeliveryOutcome::MalformedJson,
        PayloadError::Invalid { .. } => DeliveryOutcome::InvalidPayload,
    };
    Effect {
        outcome,
        booking: None,
        changed: false,
        detail: Some(error.to_string()),
        unmatched: Some((error.fields(), error.to_string())),
    }
}

async fn confirm(
    conn: &mut SqliteConnection,
    confirmation: &Confirmation,
    received_at: OffsetDateTime,
) -> Result<Effect, Error> {
    let Some(booking) = find_booking(conn, &confirmation.additional_info).await? else {
        let reason = format!(
            "no booking has the reference {:?}",
            confirmation.additional_info
        );
        return Ok(Effect {
            outcome: DeliveryOutcome::Unmatched,
            booking: None,
            changed: false,
            detail: Some(reason.clone()),
            unmatched: Some((confirmation.fields(), reason)),
        });
    };

    match booking.confirm(confirmation, received_at) {
        ConfirmOutcome::Duplicate => Ok(Effect {
            outcome: DeliveryOutcome::Duplicate,
            booking: Some(booking),
            changed: false,
            detail: None,
            unmatched: None,
        }),
        ConfirmOutcome::Confirmed(confirmed) => {
            update_booking(conn, &confirmed).await?;
            Ok(Effect {
                outcome: DeliveryOutcome::Confirmed,
                booking: Some(*confirmed),
                changed: true,
                detail: None,
                unmatched: None,
            })
        }
    }
}

/// The booking `AdditionalInfo` names: by partner and own reference when it starts with a
/// configured partner ID, otherwise by the whole value as an own reference (see
/// [`MatchKeys`]).
async fn find_booking(
    conn: &mut SqliteConnection,
    additional_info: &str,
) -> Result<Option<Booking>, Error> {
    let keys = MatchKeys::from_additional_info(additional_info);
    if let Some(reference) = &keys.prefixed {
        // A booking found proves its partner is configured; only a miss needs asking.
        let found = booking_by_reference(conn, reference).await?;
        if found.is_some() || partner_exists(conn, &reference.partner).await? {
            return Ok(found);
        }
    }
    match &keys.whole {
        Some(own_ref) => booking_by_own_ref(conn, own_ref).await,
        None => Ok(None),
    }
}

/// Whether the partner ID is configured here, enabled or not: a disabled partner's
/// bookings are still confirmed.
async fn partner_exists(conn: &mut SqliteConnection, partner: &PartnerId) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM partners WHERE partner_id = ?")
        .bind(partner.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

async fn update_booking(conn: &mut SqliteConnection, booking: &Booking) -> Result<(), Error> {
    let kaddio_ids = serde_json::to_string(&booking.kaddio_booking_ids)
        .expect("a list of strings always serializes");
    sqlx::query(
        "UPDATE bookings SET status = ?, kaddio_booking_ids = ?, second_kaddio_booking = ?, \
         care_provider_mismatch = ?, confirmed_after_cancel = ?, confirmed_at = ? WHERE id = ?",
    )
    .bind(booking.status.as_str())
    .bind(kaddio_ids)
    .bind(booking.flags.second_kaddio_booking)
    .bind(booking.flags.care_provider_mismatch)
    .bind(booking.flags.confirmed_after_cancel)
    .bind(booking.confirmed_at)
    .bind(booking.id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_delivery(
    conn: &mut SqliteConnection,
    delivery: &Delivery,
    effect: &Effect,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO deliveries (received_at, outcome, http_status, credential_id, \
         content_type, body, booking_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(delivery.received_at)
    .bind(effect.outcome.as_str())
    .bind(effect.outcome.http_status())
    .bind(delivery.credential_id)
    .bind(delivery.content_type.as_deref())
    .bind(delivery.received.body())
    .bind(effect.booking.as_ref().map(|booking| booking.id))
    .bind(effect.detail.as_deref())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

async fn insert_unmatched(
    conn: &mut SqliteConnection,
    delivery_id: i64,
    received_at: OffsetDateTime,
    fields: &PayloadFields,
    reason: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO unmatched (delivery_id, received_at, additional_info, external_booking_id, \
         care_provider, reason) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(delivery_id)
    .bind(received_at)
    .bind(fields.additional_info.as_deref())
    .bind(fields.external_booking_id.as_deref())
    .bind(fields.care_provider.as_deref())
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}
