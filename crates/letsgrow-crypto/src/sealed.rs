//! The storage encoding of an encrypted secret: one line of ASCII that fits a
//! TEXT column.
//!
//! ```text
//! lg1:<key_id>:<base64url, no padding, of nonce(24) || ciphertext || tag(16)>
//! ```
//!
//! `lg1` names the whole scheme (XChaCha20-Poly1305, 192-bit random nonce,
//! associated data as built by `Keyring`); a future scheme gets a new prefix
//! and old values keep opening. Key ids never contain `:`, so the three parts
//! split unambiguously. Parsing is strict (no whitespace, no padding,
//! canonical base64), so `parse(s)?.to_string() == s` always holds.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;
use std::str::FromStr;

use crate::CryptoError;
use crate::keyring::validate_key_id;

/// Format prefix, including its separator.
pub(crate) const PREFIX: &str = "lg1:";
/// XChaCha20 nonce length.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub(crate) const TAG_LEN: usize = 16;

/// An encrypted secret with the id of the key that sealed it.
///
/// `Display` gives the storage encoding (ciphertext is not secret); `Debug`
/// shows only the key id and the length, to keep logs short.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    key_id: String,
    nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the 16-byte tag.
    ciphertext: Vec<u8>,
}

impl Sealed {
    pub(crate) fn from_parts(key_id: String, nonce: [u8; NONCE_LEN], ciphertext: Vec<u8>) -> Self {
        Sealed {
            key_id,
            nonce,
            ciphertext,
        }
    }

    pub(crate) fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    pub(crate) fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    /// The id of the key this secret was sealed with.
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Parses the storage encoding. Never panics; errors never quote the input.
    pub fn parse(text: &str) -> Result<Sealed, CryptoError> {
        let rest = text.strip_prefix(PREFIX).ok_or_else(|| {
            if text.starts_with("lg") && text[2..].split_once(':').is_some() {
                CryptoError::Malformed("unsupported format version (expected lg1)")
            } else {
                CryptoError::Malformed("missing the lg1: prefix")
            }
        })?;
        let (key_id, payload) = rest
            .split_once(':')
            .ok_or(CryptoError::Malformed("missing the key id separator"))?;
        validate_key_id(key_id).map_err(|_| CryptoError::Malformed("invalid key id"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| CryptoError::Malformed("payload is not unpadded base64url"))?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed("payload is too short"));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let mut n = [0u8; NONCE_LEN];
        n.copy_from_slice(nonce);
        Ok(Sealed {
            key_id: key_id.to_owned(),
            nonce: n,
            ciphertext: ciphertext.to_vec(),
        })
    }
}

impl FromStr for Sealed {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sealed::parse(s)
    }
}

impl fmt::Display for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut payload = Vec::with_capacity(NONCE_LEN + self.ciphertext.len());
        payload.extend_from_slice(&self.nonce);
        payload.extend_from_slice(&self.ciphertext);
        write!(
            f,
            "{PREFIX}{}:{}",
            self.key_id,
            URL_SAFE_NO_PAD.encode(payload)
        )
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("key_id", &self.key_id)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sealed {
        Sealed::from_parts("k1".into(), [7; NONCE_LEN], vec![9; TAG_LEN + 5])
    }

    #[test]
    fn encoding_round_trips_exactly() {
        let s = sample();
        let text = s.to_string();
        assert!(text.starts_with("lg1:k1:"));
        assert!(text.is_ascii() && !text.contains('='));
        let back = Sealed::parse(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.to_string(), text);
        assert_eq!(back.key_id(), "k1");
        assert_eq!(text.parse::<Sealed>().unwrap(), s);
    }

    #[test]
    fn debug_is_short() {
        assert_eq!(
            format!("{:?}", sample()),
            "Sealed { key_id: \"k1\", ciphertext_len: 21, .. }"
        );
    }

    #[test]
    fn every_truncation_is_a_parse_error() {
        let text = sample().to_string();
        for cut in 0..text.len() {
            // Cuts inside the base64 may still decode; they must then be too
            // short or non-canonical. Only lengths that leave a full nonce+tag
            // and canonical base64 may parse, and those are checked below.
            match Sealed::parse(&text[..cut]) {
                Err(CryptoError::Malformed(_)) => {}
                Ok(s) => assert!(s.ciphertext().len() >= TAG_LEN, "cut {cut}"),
                Err(e) => panic!("unexpected error {e:?} at cut {cut}"),
            }
        }
    }

    #[test]
    fn specific_garbage_is_rejected_with_reasons() {
        let good = sample().to_string();
        let payload = good.rsplit_once(':').unwrap().1;
        let cases = [
            ("", "missing the lg1: prefix"),
            ("lg1", "missing the lg1: prefix"),
            ("LG1:k1:AAAA", "missing the lg1: prefix"),
            ("lg2:k1:AAAA", "unsupported format version (expected lg1)"),
            ("lg1:k1", "missing the key id separator"),
            ("lg1::AAAA", "invalid key id"),
            ("lg1:k 1:AAAA", "invalid key id"),
            ("lg1:k1:", "payload is too short"),
            ("lg1:k1:AAAA", "payload is too short"),
            ("lg1:k1:!!!!", "payload is not unpadded base64url"),
            ("lg1:k1:AAA=", "payload is not unpadded base64url"),
        ];
        for (input, reason) in cases {
            match Sealed::parse(input) {
                Err(CryptoError::Malformed(r)) => assert_eq!(r, reason, "{input:?}"),
                other => panic!("{input:?} gave {other:?}"),
            }
        }
        for bad in [
            format!(" {good}"),
            format!("{good}\n"),
            format!("{good}="),
            format!("lg1:k1:x:{payload}"),
            format!("lg1:{}:{payload}", "k".repeat(33)),
            good.replace('-', "+").replace('_', "/") + "+",
        ] {
            assert!(Sealed::parse(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        // A small deterministic xorshift keeps the test reproducible without
        // a property-testing dependency.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: Vec<char> = "lg1:kK0_-=+/ABCxyz09é€😀\0\n ".chars().collect();
        let good = sample().to_string();
        for i in 0..20_000 {
            let text: String = match i % 3 {
                // Pure garbage from a hostile alphabet.
                0 => (0..next() % 80)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect(),
                // A valid prefix with garbage after it.
                1 => {
                    let mut t = String::from("lg1:k1:");
                    for _ in 0..next() % 120 {
                        t.push(alphabet[(next() % alphabet.len() as u64) as usize]);
                    }
                    t
                }
                // A valid encoding with one character replaced.
                _ => {
                    let mut chars: Vec<char> = good.chars().collect();
                    let at = (next() % chars.len() as u64) as usize;
                    chars[at] = alphabet[(next() % alphabet.len() as u64) as usize];
                    chars.into_iter().collect()
                }
            };
            if let Ok(s) = Sealed::parse(&text) {
                // Anything accepted must be canonical.
                assert_eq!(s.to_string(), text);
            }
        }
    }
}
