//! Secret values in configuration, and the key material the server runs with.
//!
//! In the embedded default a random token-signing key and a data-encryption key
//! are generated once into `<data_dir>/secrets.toml` (mode 0600) and reused. In
//! production both must be supplied, and start-up refuses missing or weak ones.

use crate::{Config, ConfigError, Environment};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A configuration string that must never be printed: `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Decoded key material. `Debug` is redacted.
#[derive(Clone)]
pub struct SecretMaterial {
    /// HMAC key for access tokens.
    pub signing_key: Vec<u8>,
    /// Data-encryption keys by key id (32 bytes each).
    pub data_keys: BTreeMap<String, [u8; 32]>,
    /// The key id that encrypts new secrets.
    pub active_key_id: String,
}

impl fmt::Debug for SecretMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretMaterial")
            .field("signing_key", &"**redacted**")
            .field("data_keys", &self.data_keys.keys().collect::<Vec<_>>())
            .field("active_key_id", &self.active_key_id)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    signing_key: String,
    active_key_id: String,
    data_keys: BTreeMap<String, String>,
}

const SECRETS_FILE: &str = "secrets.toml";

/// Resolves the key material: configured values win; in development, missing
/// ones come from (or are generated into) `<data_dir>/secrets.toml`.
pub fn load_or_create_secrets(config: &Config) -> Result<SecretMaterial, ConfigError> {
    let production = config.env == Environment::Production;
    let configured_signing = config
        .auth
        .signing_key
        .as_ref()
        .map(|s| decode_key("auth.signing_key", s.expose(), None))
        .transpose()?;
    let mut configured_keys = BTreeMap::new();
    for (id, value) in &config.crypto.keys {
        let bytes = decode_key("crypto.keys", value.expose(), Some(32))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        configured_keys.insert(id.clone(), key);
    }

    if production {
        let signing_key = configured_signing.ok_or(ConfigError::Rule {
            key: "auth.signing_key",
            reason: "is required when env = production (LETSGROW__AUTH__SIGNING_KEY: base64 of at least 32 random bytes, e.g. `openssl rand -base64 48`)".into(),
        })?;
        if configured_keys.is_empty() {
            return Err(ConfigError::Rule {
                key: "crypto.keys",
                reason: "needs at least one key when env = production (LETSGROW__CRYPTO__KEYS__K1: base64 of exactly 32 random bytes, e.g. `openssl rand -base64 32`)".into(),
            });
        }
        let active_key_id = resolve_active(config, &configured_keys)?;
        return Ok(SecretMaterial {
            signing_key,
            data_keys: configured_keys,
            active_key_id,
        });
    }

    let file = load_or_create_file(&config.server.data_dir)?;
    let signing_key = match configured_signing {
        Some(k) => k,
        None => decode_key("secrets.toml signing_key", &file.signing_key, None)?,
    };
    let (data_keys, active_key_id) = if configured_keys.is_empty() {
        let mut keys = BTreeMap::new();
        for (id, value) in &file.data_keys {
            let bytes = decode_key("secrets.toml data_keys", value, Some(32))?;
            let mut key = [0u8; 32];
            key.copy_from_slice(&bytes);
            keys.insert(id.clone(), key);
        }
        if !keys.contains_key(&file.active_key_id) {
            return Err(ConfigError::Rule {
                key: "crypto.active_key_id",
                reason: format!(
                    "secrets.toml names active key {:?}, which it does not contain",
                    file.active_key_id
                ),
            });
        }
        (keys, file.active_key_id)
    } else {
        let active = resolve_active(config, &configured_keys)?;
        (configured_keys, active)
    };
    Ok(SecretMaterial {
        signing_key,
        data_keys,
        active_key_id,
    })
}

fn resolve_active(
    config: &Config,
    keys: &BTreeMap<String, [u8; 32]>,
) -> Result<String, ConfigError> {
    match &config.crypto.active_key_id {
        Some(id) => Ok(id.clone()),
        None if keys.len() == 1 => Ok(keys.keys().next().cloned().unwrap_or_default()),
        None => Err(ConfigError::Rule {
            key: "crypto.active_key_id",
            reason: "is required when crypto.keys has more than one key".into(),
        }),
    }
}

/// Decodes base64 key material and refuses short or low-entropy keys.
fn decode_key(
    key: &'static str,
    value: &str,
    exact_len: Option<usize>,
) -> Result<Vec<u8>, ConfigError> {
    let bytes = B64.decode(value.trim()).map_err(|_| ConfigError::Rule {
        key,
        reason: "must be base64 (standard alphabet, with padding)".into(),
    })?;
    match exact_len {
        Some(n) if bytes.len() != n => {
            return Err(ConfigError::Rule {
                key,
                reason: format!("must decode to exactly {n} bytes, not {}", bytes.len()),
            });
        }
        None if bytes.len() < 32 => {
            return Err(ConfigError::Rule {
                key,
                reason: format!(
                    "is too weak: it decodes to {} bytes; at least 32 random bytes are required",
                    bytes.len()
                ),
            });
        }
        _ => {}
    }
    let mut seen = [false; 256];
    for b in &bytes {
        seen[usize::from(*b)] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    if distinct < 12 {
        return Err(ConfigError::Rule {
            key,
            reason: "is too weak: it is not random (too few distinct bytes)".into(),
        });
    }
    Ok(bytes)
}

fn random_b64(len: usize) -> String {
    let mut buf = vec![0u8; len];
    rand::rng().fill_bytes(&mut buf);
    B64.encode(buf)
}

fn load_or_create_file(data_dir: &Path) -> Result<SecretsFile, ConfigError> {
    let io_err = |source| ConfigError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io_err)?;
    // The data directory holds the database, media and keys: owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io_err)?;
    }
    let path = data_dir.join(SECRETS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            ConfigError::Invalid(format!(
                "{} is not a valid secrets file: {e}",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let file = SecretsFile {
                signing_key: random_b64(48),
                active_key_id: "k1".into(),
                data_keys: BTreeMap::from([("k1".to_owned(), random_b64(32))]),
            };
            let text = toml::to_string(&file)
                .map_err(|e| ConfigError::Invalid(format!("could not write secrets: {e}")))?;
            write_private(&path, text.as_bytes()).map_err(io_err)?;
            Ok(file)
        }
        Err(e) => Err(io_err(e)),
    }
}

/// Writes a file readable only by its owner, never leaving a partial file behind.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut f = options.open(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev_config(dir: &Path) -> Config {
        let mut c = Config::default();
        c.server.data_dir = dir.to_path_buf();
        c
    }

    #[test]
    fn development_generates_once_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let c = dev_config(dir.path());
        let a = load_or_create_secrets(&c).unwrap();
        let b = load_or_create_secrets(&c).unwrap();
        assert_eq!(a.signing_key, b.signing_key);
        assert_eq!(a.data_keys, b.data_keys);
        assert_eq!(a.active_key_id, "k1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRETS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{a:?}").contains(&B64.encode(&a.signing_key)));
    }

    #[test]
    fn production_refuses_missing_and_weak_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = dev_config(dir.path());
        c.env = Environment::Production;
        let err = load_or_create_secrets(&c).unwrap_err().to_string();
        assert!(
            err.contains("auth.signing_key") && err.contains("required"),
            "{err}"
        );

        c.auth.signing_key = Some(Secret::new(B64.encode([7u8; 64])));
        let err = load_or_create_secrets(&c).unwrap_err().to_string();
        assert!(
            err.contains("auth.signing_key") && err.contains("weak"),
            "{err}"
        );

        c.auth.signing_key = Some(Secret::new(B64.encode(b"short")));
        let err = load_or_create_secrets(&c).unwrap_err().to_string();
        assert!(err.contains("weak"), "{err}");

        c.auth.signing_key = Some(Secret::new(random_b64(48)));
        let err = load_or_create_secrets(&c).unwrap_err().to_string();
        assert!(err.contains("crypto.keys"), "{err}");

        c.crypto
            .keys
            .insert("k1".into(), Secret::new(random_b64(16)));
        let err = load_or_create_secrets(&c).unwrap_err().to_string();
        assert!(err.contains("exactly 32 bytes"), "{err}");

        c.crypto
            .keys
            .insert("k1".into(), Secret::new(random_b64(32)));
        let m = load_or_create_secrets(&c).unwrap();
        assert_eq!(m.active_key_id, "k1");
        assert!(
            !dir.path().join(SECRETS_FILE).exists(),
            "production never writes secrets"
        );
    }
}
