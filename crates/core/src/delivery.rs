//! What became of a webhook delivery, and what Kaddio was answered.

use std::fmt;
use std::str::FromStr;

use crate::ValidationError;

/// The outcome of one authenticated delivery, as kept in the delivery log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryOutcome {
    /// A booking was confirmed, or a confirmed one took another Kaddio ID.
    Confirmed,
    /// The same Kaddio ID was already on the booking; nothing changed.
    Duplicate,
    /// A valid confirmation for no booking we know; it waits in the unmatched inbox.
    Unmatched,
    /// The body was not JSON; it waits in the unmatched inbox.
    MalformedJson,
    /// JSON, but not a valid confirmation; it waits in the unmatched inbox.
    InvalidPayload,
    /// The body was cut off (the connection broke, or it came too slowly); what did
    /// arrive is kept, and it waits in the unmatched inbox.
    IncompleteBody,
    /// Refused unread: the body was over the size limit.
    TooLarge,
    /// Refused unread: the body was not declared as JSON.
    UnsupportedMediaType,
}

impl DeliveryOutcome {
    pub const ALL: [Self; 8] = [
        Self::Confirmed,
        Self::Duplicate,
        Self::Unmatched,
        Self::MalformedJson,
        Self::InvalidPayload,
        Self::IncompleteBody,
        Self::TooLarge,
        Self::UnsupportedMediaType,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Duplicate => "duplicate",
            Self::Unmatched => "unmatched",
            Self::MalformedJson => "malformed_json",
            Self::InvalidPayload => "invalid_payload",
            Self::IncompleteBody => "incomplete_body",
            Self::TooLarge => "too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
        }
    }

    /// The HTTP status Kaddio is answered with. Everything that was a well-formed
    /// confirmation gets 200, matched or not: it is stored, and Kaddio has nothing to fix.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Confirmed | Self::Duplicate | Self::Unmatched => 200,
            Self::MalformedJson | Self::IncompleteBody => 400,
            Self::InvalidPayload => 422,
            Self::TooLarge => 413,
            Self::UnsupportedMediaType => 415,
        }
    }
}

impl fmt::Display for DeliveryOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryOutcome {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == value)
            .ok_or_else(|| ValidationError::new(format!("{value:?} is not a delivery outcome")))
    }
}
