use std::fmt;

use crate::ValidationError;

/// The ID Kaddio assigns a partner company, such as `acme`.
///
/// Letters, digits and `-`, 1 to 64 of them, compared exactly. It never holds `_`, because
/// `_` separates it from the partner's own reference in a booking reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerId(String);

impl PartnerId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let valid_chars = value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if value.is_empty() || value.len() > Self::MAX_LEN || !valid_chars {
            return Err(ValidationError::new(format!(
                "partner ID {value:?} must be 1 to {} letters, digits or '-'",
                Self::MAX_LEN
            )));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_ids_take_letters_digits_and_dashes() {
        assert!(PartnerId::parse("acme").is_ok());
        assert!(PartnerId::parse("Acme-2").is_ok());
        assert!(PartnerId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn partner_ids_refuse_underscores_spaces_and_bad_lengths() {
        for bad in ["", "ac_me", "ac me", "åke", &"a".repeat(65)] {
            assert!(PartnerId::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
