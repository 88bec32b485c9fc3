//! Webhook header secrets and API tokens: long random values of which only a SHA-256 digest
//! is kept.
//!
//! A fast digest is right here, unlike for passwords: the values carry 256 random bits, so
//! there is nothing to guess, and argon2 would cost milliseconds on every webhook delivery.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::CryptoRng;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a generated value is for; its prefix tells a reader (or a secret scanner) which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// The value Kaddio sends in a custom header with every webhook delivery.
    WebhookSecret,
    /// A bearer token for the JSON API.
    ApiToken,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::WebhookSecret => "ppw_",
            Self::ApiToken => "ppt_",
        }
    }
}

/// A secret in the clear. It is shown once, when generated, and never printed by `Debug`.
pub struct SecretValue(SecretString);

impl SecretValue {
    const RANDOM_BYTES: usize = 32;

    pub fn generate(kind: SecretKind, rng: &mut impl CryptoRng) -> Self {
        let mut bytes = [0u8; Self::RANDOM_BYTES];
        rng.fill_bytes(&mut bytes);
        let value = format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(bytes));
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn digest(&self) -> SecretDigest {
        SecretDigest::of(self.expose().as_bytes())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

/// The SHA-256 digest of a secret: what the store keeps in the secret's place.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    /// The digest of a value presented by a client, to compare with stored ones.
    pub fn of(presented: &[u8]) -> Self {
        Self(Sha256::digest(presented).into())
    }

    /// A digest read back from the store; `None` if it has the wrong length.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Compares in constant time, so response timing says nothing about how close a guess
    /// came.
    pub fn matches(&self, other: &SecretDigest) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    /// A short, non-secret name for the value: the first 8 hex digits of its SHA-256, so
    /// `printf %s "$VALUE" | sha256sum | cut -c1-8` finds it from the value.
    pub fn fingerprint(&self) -> String {
        self.0[..4]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretDigest({})", self.fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_carry_their_kind_and_256_bits() {
        let value = SecretValue::generate(SecretKind::ApiToken, &mut rand::rng());
        let encoded = value.expose().strip_prefix("ppt_").unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(encoded).unwrap().len(), 32);
    }

    #[test]
    fn debug_output_hides_the_value() {
        let value = SecretValue::generate(SecretKind::WebhookSecret, &mut rand::rng());
        let shown = format!("{value:?} {:?}", value.digest());
        assert!(!shown.contains(value.expose()), "{shown}");
        assert!(!shown.contains(&value.expose()[4..12]), "{shown}");
    }

    #[test]
    fn a_digest_matches_only_its_own_value() {
        let value = SecretValue::generate(SecretKind::WebhookSecret, &mut rand::rng());
        let stored = value.digest();
        assert!(stored.matches(&SecretDigest::of(value.expose().as_bytes())));
        assert!(!stored.matches(&SecretDigest::of(b"ppw_guess")));
    }

    #[test]
    fn the_fingerprint_is_the_head_of_the_hex_digest() {
        // sha256("abc") = ba7816bf...
        assert_eq!(SecretDigest::of(b"abc").fingerprint(), "ba7816bf");
    }
}
