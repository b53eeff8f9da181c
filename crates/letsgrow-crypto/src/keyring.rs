//! The keyring: several data-encryption keys by id, one of them active.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::collections::BTreeMap;
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

use crate::sealed::{NONCE_LEN, PREFIX, Sealed};
use crate::{CryptoError, SecretBytes, SecretString};

/// Longest accepted key id.
pub const MAX_KEY_ID_LEN: usize = 32;

/// Checks a key id against `[A-Za-z0-9_-]{1,32}`. The id is not echoed in the
/// error (it might be a key pasted into the wrong place).
pub fn validate_key_id(key_id: &str) -> Result<(), CryptoError> {
    let ok = (1..=MAX_KEY_ID_LEN).contains(&key_id.len())
        && key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CryptoError::InvalidKeyId {
            len: key_id.chars().count(),
        })
    }
}

/// A fresh random 256-bit data-encryption key from the operating system.
pub fn generate_key() -> Result<[u8; 32], CryptoError> {
    let mut key = [0u8; 32];
    fill_random(&mut key)?;
    Ok(key)
}

/// A key in the form configuration accepts (`crypto.keys.<id>`,
/// `LETSGROW__CRYPTO__KEYS__<ID>`): standard base64 with padding, 44 characters.
#[must_use]
pub fn encode_key(key: &[u8; 32]) -> SecretString {
    SecretString::new(STANDARD.encode(key))
}

/// [`generate_key`] then [`encode_key`], for `letsgrow keys generate`.
pub fn generate_key_base64() -> Result<SecretString, CryptoError> {
    let mut key = generate_key()?;
    let encoded = encode_key(&key);
    key.zeroize();
    Ok(encoded)
}

/// The associated data that binds a secret to its place: `"<kind>:<id>:<field>"`,
/// e.g. `row_aad("channel", "42", "access_token")`. Writers and `keys rotate`
/// must build it the same way, so build it here.
#[must_use]
pub fn row_aad(kind: &str, id: &str, field: &str) -> Vec<u8> {
    format!("{kind}:{id}:{field}").into_bytes()
}

fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|e| CryptoError::Rng(e.to_string()))
}

/// Data-encryption keys by id, one of them active for new secrets.
///
/// Not `Clone` on purpose (fewer copies of key material): share it as
/// `Arc<Keyring>`. `Debug` lists key ids only. Keys are zeroed on drop.
pub struct Keyring {
    ciphers: BTreeMap<String, XChaCha20Poly1305>,
    active: String,
}

impl Keyring {
    /// Builds a keyring from configuration (`SecretMaterial { data_keys,
    /// active_key_id, .. }`). Fails if an id is invalid, a key is all zeros, or
    /// the active id is not among the keys. The map's key bytes are wiped.
    pub fn new(
        keys: BTreeMap<String, [u8; 32]>,
        active_key_id: &str,
    ) -> Result<Keyring, CryptoError> {
        let mut ciphers = BTreeMap::new();
        let mut error = None;
        for (id, mut bytes) in keys {
            if error.is_none() {
                if let Err(e) = validate_key_id(&id) {
                    error = Some(e);
                } else if bytes.iter().all(|&b| b == 0) {
                    error = Some(CryptoError::WeakKey { key_id: id.clone() });
                } else {
                    let mut key = Key::from(bytes);
                    ciphers.insert(id, XChaCha20Poly1305::new(&key));
                    key.as_mut_slice().zeroize();
                }
            }
            bytes.zeroize();
        }
        if let Some(e) = error {
            return Err(e);
        }
        validate_key_id(active_key_id)?;
        if ciphers.is_empty() {
            return Err(CryptoError::NoKeys);
        }
        if !ciphers.contains_key(active_key_id) {
            return Err(CryptoError::ActiveKeyMissing {
                key_id: active_key_id.to_owned(),
                configured: ciphers.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
        Ok(Keyring {
            ciphers,
            active: active_key_id.to_owned(),
        })
    }

    /// The id of the key that seals new secrets.
    #[must_use]
    pub fn active_key_id(&self) -> &str {
        &self.active
    }

    /// All configured key ids, sorted.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.ciphers.keys().map(String::as_str)
    }

    #[must_use]
    pub fn has_key(&self, key_id: &str) -> bool {
        self.ciphers.contains_key(key_id)
    }

    /// Encrypts under the active key with a fresh random 192-bit nonce. `aad`
    /// names the secret's place (see [`row_aad`]); opening needs the same bytes.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Sealed, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        self.seal_with_nonce(&self.active, nonce, plaintext, aad)
    }

    fn seal_with_nonce(
        &self,
        key_id: &str,
        nonce: [u8; NONCE_LEN],
        plaintext: &[u8],
        aad: &[u8],
    ) -> Result<Sealed, CryptoError> {
        let cipher = self.cipher(key_id)?;
        // Holds plaintext until encrypted in place: wiped if encryption fails.
        let mut buffer =
            Zeroizing::new(Vec::with_capacity(plaintext.len() + crate::sealed::TAG_LEN));
        buffer.extend_from_slice(plaintext);
        cipher
            .encrypt_in_place(&XNonce::from(nonce), &full_aad(key_id, aad), &mut *buffer)
            .map_err(|_| CryptoError::TooLarge)?;
        Ok(Sealed::from_parts(
            key_id.to_owned(),
            nonce,
            std::mem::take(&mut *buffer),
        ))
    }

    /// Decrypts with whichever configured key sealed the secret.
    pub fn open(&self, sealed: &Sealed, aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        let key_id = sealed.key_id();
        let cipher = self.cipher(key_id)?;
        let mut buffer = Zeroizing::new(sealed.ciphertext().to_vec());
        cipher
            .decrypt_in_place(
                &XNonce::from(*sealed.nonce()),
                &full_aad(key_id, aad),
                &mut *buffer,
            )
            .map_err(|_| CryptoError::DecryptFailed {
                key_id: key_id.to_owned(),
            })?;
        Ok(SecretBytes::new(std::mem::take(&mut *buffer)))
    }

    /// [`open`](Self::open) for text secrets (tokens, passwords).
    pub fn open_string(&self, sealed: &Sealed, aad: &[u8]) -> Result<SecretString, CryptoError> {
        self.open(sealed, aad)?.into_secret_string()
    }

    /// True when the secret is not sealed under the active key.
    #[must_use]
    pub fn needs_rotation(&self, sealed: &Sealed) -> bool {
        sealed.key_id() != self.active
    }

    /// Decrypts and re-encrypts under the active key (fresh nonce, same `aad`).
    /// The plaintext only lives in a wiped buffer in between.
    pub fn reseal(&self, sealed: &Sealed, aad: &[u8]) -> Result<Sealed, CryptoError> {
        let plaintext = self.open(sealed, aad)?;
        self.seal(plaintext.expose(), aad)
    }

    fn cipher(&self, key_id: &str) -> Result<&XChaCha20Poly1305, CryptoError> {
        self.ciphers
            .get(key_id)
            .ok_or_else(|| CryptoError::UnknownKeyId {
                key_id: key_id.to_owned(),
            })
    }
}

/// The AEAD's associated data: the scheme prefix and key id (so the visible
/// header is authenticated too), a NUL (key ids contain none), then the
/// caller's binding.
fn full_aad(key_id: &str, aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(PREFIX.len() + key_id.len() + 1 + aad.len());
    full.extend_from_slice(PREFIX.as_bytes());
    full.extend_from_slice(key_id.as_bytes());
    full.push(0);
    full.extend_from_slice(aad);
    full
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("active", &self.active)
            .field("key_ids", &self.ciphers.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: [u8; 32] = [0x11; 32];
    const K2: [u8; 32] = [0x22; 32];
    const AAD: &[u8] = b"channel:42:access_token";
    const TOKEN: &str = "ya29.super-secret-access-token";

    fn ring(keys: &[(&str, [u8; 32])], active: &str) -> Keyring {
        let map = keys.iter().map(|(id, k)| ((*id).to_owned(), *k)).collect();
        Keyring::new(map, active).unwrap()
    }

    fn assert_no_secret(text: &str) {
        assert!(!text.contains(TOKEN), "{text}");
        for key in [K1, K2] {
            assert!(!text.contains(&STANDARD.encode(key)), "{text}");
            assert!(!text.contains(&format!("{key:?}")), "{text}");
            assert!(
                !text.contains("17, 17, 17") && !text.contains("34, 34, 34"),
                "{text}"
            );
        }
    }

    #[test]
    fn round_trip() {
        let kr = ring(&[("k1", K1)], "k1");
        let sealed = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        assert_eq!(sealed.key_id(), "k1");
        let stored = sealed.to_string();
        let opened = kr
            .open_string(&Sealed::parse(&stored).unwrap(), AAD)
            .unwrap();
        assert_eq!(opened.expose(), TOKEN);
        // Empty secrets work too.
        let empty = kr.seal(b"", AAD).unwrap();
        assert!(kr.open(&empty, AAD).unwrap().is_empty());
    }

    #[test]
    fn wrong_aad_fails() {
        let kr = ring(&[("k1", K1)], "k1");
        let sealed = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        for other in [
            &b"channel:43:access_token"[..],
            b"channel:42:refresh_token",
            b"",
        ] {
            let err = kr.open(&sealed, other).unwrap_err();
            assert!(matches!(err, CryptoError::DecryptFailed { ref key_id } if key_id == "k1"));
            assert_no_secret(&format!("{err} {err:?}"));
        }
        assert_eq!(row_aad("channel", "42", "access_token"), AAD.to_vec());
    }

    #[test]
    fn tampering_anywhere_fails() {
        let kr = ring(&[("k1", K1)], "k1");
        let sealed = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        let nonce = *sealed.nonce();
        let ct = sealed.ciphertext().to_vec();
        for i in 0..nonce.len() {
            let mut n = nonce;
            n[i] ^= 0x01;
            let bad = Sealed::from_parts("k1".into(), n, ct.clone());
            assert!(matches!(
                kr.open(&bad, AAD),
                Err(CryptoError::DecryptFailed { .. })
            ));
        }
        for i in 0..ct.len() {
            let mut c = ct.clone();
            c[i] ^= 0x80;
            let bad = Sealed::from_parts("k1".into(), nonce, c);
            assert!(matches!(
                kr.open(&bad, AAD),
                Err(CryptoError::DecryptFailed { .. })
            ));
        }
        // Cutting the tag short fails too.
        let short = Sealed::from_parts("k1".into(), nonce, ct[..ct.len() - 1].to_vec());
        assert!(kr.open(&short, AAD).is_err());
    }

    #[test]
    fn relabelled_key_id_fails() {
        // Same key bytes under two ids: the id is authenticated, so editing
        // the visible id of a stored value does not go unnoticed.
        let kr = ring(&[("k1", K1), ("k1b", K1)], "k1");
        let stored = kr.seal(TOKEN.as_bytes(), AAD).unwrap().to_string();
        let relabelled = Sealed::parse(&stored.replacen("lg1:k1:", "lg1:k1b:", 1)).unwrap();
        assert!(matches!(
            kr.open(&relabelled, AAD),
            Err(CryptoError::DecryptFailed { .. })
        ));
    }

    #[test]
    fn unknown_key_id_is_named_and_leaks_nothing() {
        let old = ring(&[("k0", K1)], "k0");
        let sealed = old.seal(TOKEN.as_bytes(), AAD).unwrap();
        let new = ring(&[("k2", K2)], "k2");
        let err = new.open(&sealed, AAD).unwrap_err();
        assert_eq!(
            err.to_string(),
            "secret was encrypted with key k0, which is not configured"
        );
        assert_no_secret(&format!("{err} {err:?}"));
        assert!(matches!(
            new.reseal(&sealed, AAD),
            Err(CryptoError::UnknownKeyId { .. })
        ));
    }

    #[test]
    fn rotation_from_k1_to_k2() {
        let before = ring(&[("k1", K1)], "k1");
        let old = before.seal(TOKEN.as_bytes(), AAD).unwrap();

        let during = ring(&[("k1", K1), ("k2", K2)], "k2");
        assert!(during.needs_rotation(&old));
        // Old ciphertext still opens while k1 is configured.
        assert_eq!(during.open_string(&old, AAD).unwrap().expose(), TOKEN);
        let new = during.reseal(&old, AAD).unwrap();
        assert_eq!(new.key_id(), "k2");
        assert!(!during.needs_rotation(&new));
        assert_ne!(new.to_string(), old.to_string());
        // Resealing keeps the row binding.
        assert!(during.open(&new, b"channel:43:access_token").is_err());
        // A wrong AAD during rotation is an error, not a silent re-binding.
        assert!(during.reseal(&old, b"wrong").is_err());

        let after = ring(&[("k2", K2)], "k2");
        assert_eq!(after.open_string(&new, AAD).unwrap().expose(), TOKEN);
        assert!(matches!(
            after.open(&old, AAD),
            Err(CryptoError::UnknownKeyId { .. })
        ));
    }

    #[test]
    fn nonces_differ_across_seals() {
        let kr = ring(&[("k1", K1)], "k1");
        let a = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        let b = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        assert_ne!(a.nonce(), b.nonce());
        assert_ne!(a.ciphertext(), b.ciphertext());
        assert_ne!(a.to_string(), b.to_string());
    }

    #[test]
    fn format_is_pinned() {
        // A value sealed by this version must open forever: if this fails, the
        // storage format or the associated-data layout changed.
        let kr = ring(&[("k1", K1)], "k1");
        let fixed = kr
            .seal_with_nonce("k1", [0x33; NONCE_LEN], TOKEN.as_bytes(), AAD)
            .unwrap()
            .to_string();
        assert_eq!(fixed, GOLDEN);
        let opened = kr
            .open_string(&Sealed::parse(GOLDEN).unwrap(), AAD)
            .unwrap();
        assert_eq!(opened.expose(), TOKEN);
    }

    /// Cross-checked against libsodium's
    /// `crypto_aead_xchacha20poly1305_ietf_encrypt` with key `[0x11; 32]`,
    /// nonce `[0x33; 24]` and associated data `b"lg1:k1\0channel:42:access_token"`.
    const GOLDEN: &str = "lg1:k1:MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzw8VFsFYYdkfn5gXXq46Ms_9qHZ0v1gf_xhD5EfV5F9ty90hoMzk4dii8SE5cGw";

    #[test]
    fn construction_errors() {
        let err = Keyring::new(BTreeMap::new(), "k1").unwrap_err();
        assert!(matches!(err, CryptoError::NoKeys));

        let err = Keyring::new(BTreeMap::from([("k1".into(), K1)]), "k2").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the active key id k2 is not among the configured keys (k1)"
        );

        for bad in [
            "",
            "k:1",
            "k 1",
            "ké",
            &"k".repeat(33),
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            let err = Keyring::new(BTreeMap::from([(bad.to_owned(), K1)]), "k1").unwrap_err();
            assert!(matches!(err, CryptoError::InvalidKeyId { .. }), "{bad:?}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad), "{err}");
            }
            let err = Keyring::new(BTreeMap::from([("k1".into(), K1)]), bad).unwrap_err();
            assert!(matches!(err, CryptoError::InvalidKeyId { .. }), "{bad:?}");
        }
        let err = Keyring::new(BTreeMap::from([("k1".into(), [0; 32])]), "k1").unwrap_err();
        assert!(matches!(err, CryptoError::WeakKey { .. }));

        validate_key_id("K_1-x").unwrap();
        validate_key_id(&"a".repeat(32)).unwrap();
    }

    #[test]
    fn debug_lists_ids_only() {
        let kr = ring(&[("k1", K1), ("k2", K2)], "k2");
        let text = format!("{kr:?} {kr:#?}");
        assert!(text.contains("k1") && text.contains("\"k2\""));
        assert_no_secret(&text);
        let sealed = kr.seal(TOKEN.as_bytes(), AAD).unwrap();
        assert_no_secret(&format!("{sealed:?}"));
        let opened = kr.open(&sealed, AAD).unwrap();
        assert_no_secret(&format!("{opened:?} {opened}"));
    }

    #[test]
    fn generated_keys() {
        let a = generate_key().unwrap();
        let b = generate_key().unwrap();
        assert_ne!(a, b);
        let text = generate_key_base64().unwrap();
        assert_eq!(text.len(), 44);
        assert_eq!(STANDARD.decode(text.expose()).unwrap().len(), 32);
        assert_eq!(STANDARD.decode(encode_key(&a).expose()).unwrap(), a);
        ring(&[("fresh", a)], "fresh");
    }
}
