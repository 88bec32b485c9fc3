//! People who sign in: staff and admins.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, PasswordHash as ParsedHash};
use secrecy::{ExposeSecret, SecretString};

use crate::ValidationError;

/// An e-mail address, kept in lower case so one person cannot hold two accounts by case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let value = value.trim();
        let refuse = || ValidationError::new(format!("{value:?} is not an e-mail address"));
        let (local, domain) = value.split_once('@').ok_or_else(refuse)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && value.len() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(refuse());
        }
        Ok(Self(value.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a user may do: admins manage users, partners, providers, secrets and tokens;
/// staff create and follow bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "admin" => Ok(Self::Admin),
            "staff" => Ok(Self::Staff),
            other => Err(ValidationError::new(format!(
                "role {other:?} is not one of admin, staff"
            ))),
        }
    }
}

/// A password in the clear, long enough to resist guessing. Length is the only rule:
/// composition rules make passwords harder to remember, not harder to guess.
pub struct Password(SecretString);

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(value: String) -> Result<Self, ValidationError> {
        let chars = value.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(ValidationError::new(format!(
                "the password must have at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if chars > Self::MAX_CHARS {
            return Err(ValidationError::new(format!(
                "the password must have at most {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(value.into()))
    }

    /// Hashes with argon2id and a fresh salt. Slow by design: call it off the async threads.
    pub fn hash(&self) -> PasswordHash {
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(self.0.expose_secret().as_bytes(), &salt)
            .expect("argon2 with default parameters hashes any password");
        PasswordHash(hash.to_string())
    }

    /// Whether this password is the one behind `hash`. Slow by design, like [`Self::hash`].
    pub fn verify(&self, hash: &PasswordHash) -> bool {
        ParsedHash::new(&hash.0).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(self.0.expose_secret().as_bytes(), &parsed)
                .is_ok()
        })
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// An argon2 hash in PHC string form, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn things_that_are_not_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_counted_as_characters() {
        assert!(Password::parse("elva tecken".into()).is_err());
        assert!(Password::parse("tolv tecken!".into()).is_ok());
        assert!(Password::parse("åäöåäöåäöåäö".into()).is_ok());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = Password::parse("correct horse battery".into()).unwrap();
        let hash = password.hash();
        assert!(password.verify(&hash));
        assert!(
            !Password::parse("wrong horse battery".into())
                .unwrap()
                .verify(&hash)
        );
        assert!(!format!("{hash:?} {password:?}").contains("horse"));
    }
}
