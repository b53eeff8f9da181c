//! The one error type of this crate.
//!
//! Invariant: no variant carries plaintext, key bytes or ciphertext. The only
//! strings that may appear are key ids, and only after they passed
//! [`validate_key_id`](crate::validate_key_id) (so a key pasted by mistake
//! where an id belongs is never echoed back).

/// Everything that can go wrong while configuring keys, sealing or opening.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A key id outside `[A-Za-z0-9_-]{1,32}`. The id itself is not echoed: it
    /// might be a key pasted into the wrong place.
    #[error(
        "invalid key id ({len} characters): a key id is 1 to 32 characters of A-Z, a-z, 0-9, '_' or '-'"
    )]
    InvalidKeyId { len: usize },

    /// The keyring was given no keys at all.
    #[error("no data-encryption keys are configured")]
    NoKeys,

    /// The active key id names no configured key.
    #[error("the active key id {key_id} is not among the configured keys ({configured})")]
    ActiveKeyMissing { key_id: String, configured: String },

    /// A configured key is all zero bytes: almost certainly a configuration mistake.
    #[error("key {key_id} is all zero bytes; a key must be 32 random bytes")]
    WeakKey { key_id: String },

    /// The stored secret names a key that is not configured (removed too early
    /// after a rotation, or a database restored under different keys).
    #[error("secret was encrypted with key {key_id}, which is not configured")]
    UnknownKeyId { key_id: String },

    /// Authentication failed: wrong key material under this id, a ciphertext
    /// copied from another record (other associated data), or altered bytes.
    #[error(
        "secret could not be decrypted with key {key_id}: it belongs to another record, the key differs from the one that sealed it, or the data was altered"
    )]
    DecryptFailed { key_id: String },

    /// The stored text is not a sealed secret. The reason is fixed text; the
    /// input is never quoted.
    #[error("stored secret is malformed: {0}")]
    Malformed(&'static str),

    /// The decrypted bytes were expected to be UTF-8 text and are not.
    #[error("decrypted secret is not valid UTF-8")]
    NotUtf8,

    /// The plaintext exceeds what the cipher can encrypt under one nonce.
    #[error("secret is too large to encrypt")]
    TooLarge,

    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Rng(String),
}
