//! A booking and what a Kaddio confirmation does to it.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::{CareProvider, Confirmation, Reference, ValidationError};

/// Where a booking stands. Kaddio only ever reports confirmations, so a booking that stays
/// `Pending` is one whose end user has not booked, or whose confirmation never arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    Pending,
    Confirmed,
    Cancelled,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BookingStatus {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "pending" => Ok(Self::Pending),
            "confirmed" => Ok(Self::Confirmed),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(ValidationError::new(format!(
                "status {other:?} is not one of pending, confirmed, cancelled"
            ))),
        }
    }
}

/// Things staff should look at, raised by confirmations that did not go as planned.
/// A flag, once raised, stays raised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// The booking link was used more than once: Kaddio confirmed several bookings.
    pub second_kaddio_booking: bool,
    /// Kaddio's confirmation came from another care provider than the booking's.
    pub care_provider_mismatch: bool,
    /// The end user booked after staff cancelled the booking here.
    pub confirmed_after_cancel: bool,
}

impl Flags {
    /// The raised flags' names, in a fixed order.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.second_kaddio_booking, "second_kaddio_booking"),
            (self.care_provider_mismatch, "care_provider_mismatch"),
            (self.confirmed_after_cancel, "confirmed_after_cancel"),
        ]
        .into_iter()
        .filter_map(|(raised, name)| raised.then_some(name))
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The store's key: newer bookings have larger ids.
    pub id: i64,
    pub reference: Reference,
    pub care_provider: CareProvider,
    pub label: Option<String>,
    pub status: BookingStatus,
    /// Kaddio's IDs for the bookings made through this booking's link, oldest first.
    pub kaddio_booking_ids: Vec<String>,
    pub flags: Flags,
    pub created_at: OffsetDateTime,
    pub confirmed_at: Option<OffsetDateTime>,
    pub cancelled_at: Option<OffsetDateTime>,
}

impl Booking {
    pub const MAX_LABEL_CHARS: usize = 200;

    /// A staff note on the booking, trimmed; blank means none.
    pub fn parse_label(label: Option<&str>) -> Result<Option<String>, ValidationError> {
        let Some(label) = label.map(str::trim).filter(|label| !label.is_empty()) else {
            return Ok(None);
        };
        if label.chars().count() > Self::MAX_LABEL_CHARS {
            return Err(ValidationError::new(format!(
                "the label must have at most {} characters",
                Self::MAX_LABEL_CHARS
            )));
        }
        if label.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "the label must not hold control characters",
            ));
        }
        Ok(Some(label.to_owned()))
    }
}

/// What a confirmation does to a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Kaddio's ID is already on the booking: this confirmation was delivered before.
    Duplicate,
    /// The booking as it stands after the confirmation.
    Confirmed(Box<Booking>),
}

impl Booking {
    /// Applies a confirmation received at `received_at`.
    ///
    /// Nothing is refused: the end user's booking exists at Kaddio whatever state ours is in,
    /// so a surprising confirmation is applied and flagged for staff instead.
    pub fn confirm(
        &self,
        confirmation: &Confirmation,
        received_at: OffsetDateTime,
    ) -> ConfirmOutcome {
        let kaddio_id = &confirmation.external_booking_id;
        if self.kaddio_booking_ids.contains(kaddio_id) {
            return ConfirmOutcome::Duplicate;
        }

        let mut booking = self.clone();
        booking.flags.second_kaddio_booking |= !self.kaddio_booking_ids.is_empty();
        booking.flags.care_provider_mismatch |= confirmation.care_provider != self.care_provider;
        booking.flags.confirmed_after_cancel |= self.status == BookingStatus::Cancelled;
        booking.status = BookingStatus::Confirmed;
        booking.confirmed_at = self.confirmed_at.or(Some(received_at));
        booking.kaddio_booking_ids.push(kaddio_id.clone());
        ConfirmOutcome::Confirmed(Box::new(booking))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::{OwnRef, PartnerId};

    fn pending_booking() -> Booking {
        Booking {
            id: 1,
            reference: Reference::new(
                PartnerId::parse("acme").unwrap(),
                OwnRef::parse("ORD_7").unwrap(),
            ),
            care_provider: CareProvider::parse("https://example.kaddio.com").unwrap(),
            label: None,
            status: BookingStatus::Pending,
            kaddio_booking_ids: vec![],
            flags: Flags::default(),
            created_at: datetime!(2026-12-01 10:00 UTC),
            confirmed_at: None,
            cancelled_at: None,
        }
    }

    fn confirmation(provider: &str, kaddio_id: &str) -> Confirmation {
        Confirmation {
            care_provider: CareProvider::parse(provider).unwrap(),
            additional_info: "acme_ORD_7".into(),
            external_booking_id: kaddio_id.into(),
        }
    }

    fn confirmed(outcome: ConfirmOutcome) -> Booking {
        match outcome {
            ConfirmOutcome::Confirmed(booking) => *booking,
            ConfirmOutcome::Duplicate => panic!("expected a change, got a duplicate"),
        }
    }

    #[test]
    fn pending_booking_becomes_confirmed_at_receipt() {
        let at = datetime!(2026-12-02 09:30 UTC);
        let booking = confirmed(
            pending_booking().confirm(&confirmation("https://example.kaddio.com", "k1"), at),
        );
        assert_eq!(booking.status, BookingStatus::Confirmed);
        assert_eq!(booking.kaddio_booking_ids, ["k1"]);
        assert_eq!(booking.confirmed_at, Some(at));
        assert_eq!(booking.flags, Flags::default());
    }

    #[test]
    fn a_second_kaddio_id_is_appended_and_flagged_keeping_the_first_time() {
        let first = datetime!(2026-12-02 09:30 UTC);
        let once = confirmed(
            pending_booking().confirm(&confirmation("https://example.kaddio.com", "k1"), first),
        );
        let twice = confirmed(once.confirm(
            &confirmation("https://example.kaddio.com", "k2"),
            datetime!(2026-12-02 10:00 UTC),
        ));
        assert_eq!(twice.kaddio_booking_ids, ["k1", "k2"]);
        assert!(twice.flags.second_kaddio_booking);
        assert_eq!(twice.confirmed_at, Some(first));
    }

    #[test]
    fn another_care_provider_is_applied_and_flagged() {
        let booking = confirmed(pending_booking().confirm(
            &confirmation("https://other.kaddio.com", "k1"),
            datetime!(2026-12-02 09:30 UTC),
        ));
        assert_eq!(booking.status, BookingStatus::Confirmed);
        assert_eq!(booking.flags.names(), ["care_provider_mismatch"]);
    }

    #[test]
    fn a_cancelled_booking_is_confirmed_and_flagged() {
        let mut cancelled = pending_booking();
        cancelled.status = BookingStatus::Cancelled;
        let booking = confirmed(cancelled.confirm(
            &confirmation("https://example.kaddio.com", "k1"),
            datetime!(2026-12-02 09:30 UTC),
        ));
        assert_eq!(booking.status, BookingStatus::Confirmed);
        assert_eq!(booking.flags.names(), ["confirmed_after_cancel"]);
    }

    #[test]
    fn the_same_kaddio_id_again_is_a_duplicate() {
        let at = datetime!(2026-12-02 09:30 UTC);
        let delivery = confirmation("https://example.kaddio.com", "k1");
        let booking = confirmed(pending_booking().confirm(&delivery, at));
        assert_eq!(booking.confirm(&delivery, at), ConfirmOutcome::Duplicate);
    }
}
