//! The partner portal's domain, free of I/O.
//!
//! Every identifier is a type that can only hold a valid value: parse it once at the edge
//! (CLI, API, webhook) and the rest of the program never checks again.

pub mod booking;
pub mod confirmation;
pub mod delivery;
pub mod partner;
pub mod provider;
pub mod reference;
pub mod secret;
pub mod user;

mod clock;
mod error;

pub use booking::{Booking, BookingStatus, ConfirmOutcome, Flags};
pub use clock::now;
pub use confirmation::{Confirmation, PayloadError, PayloadFields};
pub use delivery::DeliveryOutcome;
pub use error::ValidationError;
pub use partner::PartnerId;
pub use provider::CareProvider;
pub use reference::{MatchKeys, OwnRef, Reference};
pub use secret::{SecretDigest, SecretKind, SecretValue};
pub use user::{Email, Password, PasswordHash, Role};
