//! Redacted wrappers for decrypted secrets, and constant-time comparison.
//!
//! Neither wrapper implements `Serialize`, `Deref` or a revealing `Display`:
//! the only way to the value is an explicit `expose()`, which is easy to grep
//! for. Memory is wiped on drop (best effort: copies the caller makes of the
//! exposed value are the caller's responsibility).

use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::CryptoError;

const REDACTED: &str = "**redacted**";

/// Compares two byte strings in time independent of their contents (only of
/// their lengths, which are not treated as secret). Use it for webhook
/// signatures, OAuth `state` values and any other secret-against-input check.
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Secret text (an access token, an app password): `Debug` and `Display` print
/// `**redacted**`, equality is constant-time, memory is zeroed on drop.
#[derive(Clone, Default)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(Zeroizing::new(value.into()))
    }

    /// The secret itself. Never log, format into an error, or serialize it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString::new(value)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({REDACTED})")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for SecretString {}

/// Secret bytes, as [`Keyring::open`](crate::Keyring::open) returns them:
/// redacted `Debug`/`Display`, constant-time equality, zeroed on drop.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(value.into()))
    }

    /// The secret itself. Never log, format into an error, or serialize it.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Converts to text without copying; the bytes are wiped if they are not UTF-8.
    pub fn into_secret_string(mut self) -> Result<SecretString, CryptoError> {
        let bytes = std::mem::take(&mut *self.0);
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SecretString(Zeroizing::new(text))),
            Err(e) => {
                e.into_bytes().zeroize();
                Err(CryptoError::NotUtf8)
            }
        }
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(value: Vec<u8>) -> Self {
        SecretBytes::new(value)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({REDACTED})")
    }
}

impl fmt::Display for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

impl Eq for SecretBytes {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = SecretString::new("hunter2-token");
        assert_eq!(format!("{s:?}"), "SecretString(**redacted**)");
        assert_eq!(format!("{s}"), "**redacted**");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    SecretString(**redacted**),\n)"
        );
        let b = SecretBytes::new(b"hunter2-token".to_vec());
        assert!(!format!("{b:?}{b}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-token");
    }

    #[test]
    fn equality_and_constant_time_eq() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
        assert_eq!(SecretString::from("x"), SecretString::from("x".to_owned()));
        assert_ne!(SecretString::from("x"), SecretString::from("y"));
        assert_eq!(SecretBytes::from(vec![1, 2]), SecretBytes::new([1u8, 2]));
    }

    #[test]
    fn bytes_to_string() {
        let text = SecretBytes::new(b"t\xc3\xa9".to_vec())
            .into_secret_string()
            .unwrap();
        assert_eq!(text.expose(), "té");
        let err = SecretBytes::new(vec![0xff, 0xfe])
            .into_secret_string()
            .unwrap_err();
        assert!(matches!(err, CryptoError::NotUtf8));
    }
}
