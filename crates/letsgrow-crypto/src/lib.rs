//! Secrets at rest for LetsGrow: platform OAuth tokens, app passwords and
//! webhook secrets are stored encrypted, each ciphertext carrying the id of
//! the key that sealed it.
//!
//! - [`Keyring`]: data-encryption keys by id (from configuration), one active.
//!   [`Keyring::seal`] encrypts under the active key; [`Keyring::open`] uses
//!   whichever configured key the stored value names.
//! - [`Sealed`]: one line of ASCII for a TEXT column,
//!   `lg1:<key_id>:<base64url(nonce || ciphertext || tag)>`.
//! - The cipher is XChaCha20-Poly1305 with a random 192-bit nonce per seal,
//!   so no nonce counter or per-key message limit has to be tracked across
//!   processes and restarts (tokens are re-sealed on every OAuth refresh).
//! - Associated data binds a value to its place ([`row_aad`]): a ciphertext
//!   copied to another row or column does not open.
//! - [`SecretString`] / [`SecretBytes`]: redacted `Debug`/`Display`, no
//!   `Serialize`, constant-time equality, wiped on drop. Errors
//!   ([`CryptoError`]) never carry plaintext, key bytes or ciphertext.
//!
//! # Example
//!
//! ```
//! use letsgrow_crypto::{Keyring, Sealed, generate_key, row_aad};
//! use std::collections::BTreeMap;
//!
//! # fn main() -> Result<(), letsgrow_crypto::CryptoError> {
//! let keys = BTreeMap::from([("k1".to_owned(), generate_key()?)]);
//! let keyring = Keyring::new(keys, "k1")?;
//! let aad = row_aad("channel", "42", "access_token");
//!
//! let stored: String = keyring.seal(b"token", &aad)?.to_string(); // into the TEXT column
//! let token = keyring.open_string(&Sealed::parse(&stored)?, &aad)?;
//! assert_eq!(token.expose(), "token");
//! assert_eq!(format!("{token:?}"), "SecretString(**redacted**)");
//! # Ok(())
//! # }
//! ```
//!
//! # Rotation
//!
//! 1. Add a new key (`letsgrow keys generate`) next to the old one and make it
//!    active; restart. New secrets are sealed under it; old ones still open.
//! 2. `letsgrow keys rotate`: for every stored value with
//!    [`Keyring::needs_rotation`], [`Keyring::reseal`] with the same
//!    associated data and write it back.
//! 3. When rotate reports no failures and nothing left under the old key,
//!    remove the old key from configuration.

mod error;
mod keyring;
mod sealed;
mod secret;

pub use error::CryptoError;
pub use keyring::{
    Keyring, MAX_KEY_ID_LEN, encode_key, generate_key, generate_key_base64, row_aad,
    validate_key_id,
};
pub use sealed::Sealed;
pub use secret::{SecretBytes, SecretString, constant_time_eq};
