//! Booking references: `acme_7K3QW9PZ2M4TXB8D` is partner `acme` and own reference
//! `7K3QW9PZ2M4TXB8D`.

use std::fmt;

use rand::Rng;

use crate::{PartnerId, ValidationError};

/// Crockford's base32 alphabet: no I, L, O or U, so a reference read aloud or retyped from
/// paper survives.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The partner's own part of a booking reference, unique across all partners.
///
/// Either generated (16 Crockford base32 characters, 80 random bits) or supplied by the
/// partner's backend: letters, digits, `-` and `_`, 1 to 64 of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnRef(String);

impl OwnRef {
    pub const MAX_LEN: usize = 64;
    pub const GENERATED_LEN: usize = 16;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let valid_chars = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if value.is_empty() || value.len() > Self::MAX_LEN || !valid_chars {
            return Err(ValidationError::new(format!(
                "internal reference {value:?} must be 1 to {} letters, digits, '-' or '_'",
                Self::MAX_LEN
            )));
        }
        Ok(Self(value.to_owned()))
    }

    /// A fresh random reference: 80 bits make a collision across a partner's lifetime of
    /// bookings vanishingly unlikely, and the store's uniqueness check covers the rest.
    pub fn generate(rng: &mut impl Rng) -> Self {
        let mut bytes = [0u8; Self::GENERATED_LEN];
        rng.fill(&mut bytes);
        // 32 divides 256, so masking to five bits keeps every character uniform.
        let text = bytes
            .iter()
            .map(|byte| char::from(CROCKFORD[usize::from(byte & 0x1f)]))
            .collect();
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OwnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A whole booking reference as the end user carries it to Kaddio: `{partner}_{own}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub partner: PartnerId,
    pub own: OwnRef,
}

impl Reference {
    pub fn new(partner: PartnerId, own: OwnRef) -> Self {
        Self { partner, own }
    }

    /// Splits at the first `_`: a partner ID never holds one, an own reference may.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let Some((partner, own)) = value.split_once('_') else {
            return Err(ValidationError::new(format!(
                "reference {value:?} must look like PARTNER_REFERENCE, e.g. acme_7K3QW9PZ2M4TXB8D"
            )));
        };
        Ok(Self::new(PartnerId::parse(partner)?, OwnRef::parse(own)?))
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.partner, self.own)
    }
}

/// The ways a confirmation's `AdditionalInfo` may name a booking.
///
/// Kaddio routes a reference by its prefix and sends unprefixed ones to a fallback
/// configuration, so the value is either `{partner}_{own}` or an own reference alone. When
/// it reads as `{partner}_{own}` with a configured partner ID, only that reading counts;
/// otherwise the whole value is an own reference. Kaddio's sample handler splits on `_`
/// and keeps the second piece, which truncates own references that contain `_`; this
/// keeps everything after the first `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchKeys {
    /// The value read as `{partner}_{own}`; the store checks the partner is one of ours.
    pub prefixed: Option<Reference>,
    /// The whole value read as an own reference.
    pub whole: Option<OwnRef>,
}

impl MatchKeys {
    pub fn from_additional_info(value: &str) -> Self {
        Self {
            prefixed: Reference::parse(value).ok(),
            whole: OwnRef::parse(value).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_reference_with_underscores_survives_the_split() {
        let reference = Reference::parse("acme_ORD_7").unwrap();
        assert_eq!(reference.partner.as_str(), "acme");
        assert_eq!(reference.own.as_str(), "ORD_7");
        assert_eq!(reference.to_string(), "acme_ORD_7");
    }

    #[test]
    fn reference_without_separator_is_refused_with_an_example() {
        let error = Reference::parse("ABC123").unwrap_err().to_string();
        assert!(error.contains("PARTNER_REFERENCE"), "{error}");
    }

    #[test]
    fn unprefixed_additional_info_is_only_an_own_reference() {
        let keys = MatchKeys::from_additional_info("7K3QW9PZ2M4TXB8D");
        assert_eq!(keys.prefixed, None);
        assert_eq!(keys.whole.unwrap().as_str(), "7K3QW9PZ2M4TXB8D");
    }

    #[test]
    fn additional_info_with_spaces_matches_nothing() {
        let keys = MatchKeys::from_additional_info("acme ABC");
        assert_eq!(
            keys,
            MatchKeys {
                prefixed: None,
                whole: None
            }
        );
    }
}
