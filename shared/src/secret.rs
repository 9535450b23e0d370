//! Webhook secrets: generation, and the SHA-256 digest under which they are looked up.
//!
//! Secrets are 256-bit random strings, so an unkeyed SHA-256 digest is a safe index (no dictionary
//! to attack) and lets the webhook function verify a delivery without a KMS call on its hot path.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in a generated secret.
pub const SECRET_BYTES: usize = 32;

/// Longest secret value a delivery may present; anything longer cannot be ours.
pub const MAX_PRESENTED_SECRET_LEN: usize = 512;

/// A fresh secret: 32 bytes from the thread-local CSPRNG (seeded from the OS), base64url without
/// padding (43 chars), safe in a URL query without escaping.
pub fn generate() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a secret. Deliberately not `PartialEq`: compare with [`SecretDigest::matches`].
#[derive(Clone, Copy)]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn from_hex(hex_digest: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_digest, &mut out).ok()?;
        Some(Self(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Constant-time equality.
    pub fn matches(&self, other: &SecretDigest) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl std::fmt::Debug for SecretDigest {
    // A digest of a random secret reveals nothing, but keep it out of debug output all the same.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}

/// The one digest that all presented secret values agree on, or `None` when there is no value, a
/// value is over-long, or two values differ. Every value is hashed and compared, so the time taken
/// does not depend on which one is wrong.
pub fn agreed_digest<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<SecretDigest> {
    let mut agreed: Option<SecretDigest> = None;
    let mut consistent = true;
    for value in values {
        consistent &= value.len() <= MAX_PRESENTED_SECRET_LEN;
        let digest = SecretDigest::of(value);
        match &agreed {
            None => agreed = Some(digest),
            Some(first) => consistent &= first.matches(&digest),
        }
    }
    agreed.filter(|_| consistent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_long_distinct_and_url_safe() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn digest_hex_round_trips_and_compares() {
        let d = SecretDigest::of("s3cret");
        let back = SecretDigest::from_hex(&d.to_hex()).unwrap();
        assert!(d.matches(&back));
        assert!(!d.matches(&SecretDigest::of("s3cret ")));
        assert!(SecretDigest::from_hex("zz").is_none());
        assert_eq!(format!("{d:?}"), "SecretDigest(..)");
    }

    #[test]
    fn presented_values_must_all_agree() {
        assert!(agreed_digest([]).is_none());
        let one = agreed_digest(["abc"]).unwrap();
        assert!(one.matches(&SecretDigest::of("abc")));
        assert!(agreed_digest(["abc", "abc"]).is_some());
        assert!(agreed_digest(["abc", "abd"]).is_none());
        let long = "x".repeat(MAX_PRESENTED_SECRET_LEN + 1);
        assert!(agreed_digest([long.as_str()]).is_none());
    }
}
