//! LetsGrow configuration.
//!
//! Sources, lowest precedence first: built-in defaults, an optional TOML file
//! (`--config PATH`), then `LETSGROW__SECTION__KEY` environment variables
//! (for example `LETSGROW__DATABASE__URL`). Command-line flags applied by the
//! binary override all three. The result is validated once at start-up and
//! passed explicitly; there are no global statics.

mod secrets;

pub use secrets::{Secret, SecretMaterial, load_or_create_secrets};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the configuration came from, for error messages and `--help`.
pub const ENV_PREFIX: &str = "LETSGROW__";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value could not be read or has the wrong type. The message names the key.
    #[error("configuration error: {0}")]
    Invalid(String),
    #[error("configuration error: `{key}` {reason}")]
    Rule { key: &'static str, reason: String },
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `development` (default) or `production`. Production refuses generated secrets.
    pub env: Environment,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub auth: AuthConfig,
    pub crypto: CryptoConfig,
    pub rate_limit: RateLimitConfig,
    pub log: LogConfig,
    pub network: NetworkConfig,
    pub worker: WorkerConfig,
    /// The background task runner (runs wherever the workers run: `serve`
    /// with `worker.enabled`, and `letsgrow worker`).
    pub tasks: TasksConfig,
    pub media: MediaConfig,
    /// OAuth app credentials and endpoint overrides by platform id
    /// (`[platforms.x]`, `LETSGROW__PLATFORMS__X__CLIENT_ID`).
    pub platforms: BTreeMap<String, PlatformConfig>,
}

/// One platform's OAuth app and endpoints.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PlatformConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    /// API base URL (tests point it at a local peer).
    pub api_base: Option<String>,
    /// Authorization page base URL.
    pub auth_base: Option<String>,
}

/// Outbound HTTP to platforms and user-supplied URLs (webhooks, PDS URLs).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// Allow user-supplied URLs on private, loopback and link-local addresses
    /// (off by default: it would let users probe your internal network).
    pub allow_private: bool,
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            allow_private: false,
            connect_timeout_secs: 10,
            request_timeout_secs: 30,
        }
    }
}

/// The scheduler and publish workers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Run the scheduler and workers inside `letsgrow serve` (the embedded
    /// default). Turn off to run API-only processes next to `letsgrow worker`.
    pub enabled: bool,
    /// Channels published to at the same time by one process (each channel
    /// is always published to one post at a time).
    pub concurrency: usize,
    /// How long a worker owns a claimed post or channel before the sweeper
    /// presumes it dead and reconciles. Must exceed the request timeout.
    pub lease_secs: u64,
    /// Attempts before a post that keeps failing temporarily is marked failed.
    pub max_attempts: u32,
    /// How often to look for due posts written by other processes, in
    /// milliseconds (PostgreSQL also wakes at once through LISTEN/NOTIFY).
    pub poll_ms: u64,
}

/// The background task runner (metrics collection, reports, housekeeping).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TasksConfig {
    /// Tasks one process runs at the same time.
    pub concurrency: usize,
    /// How long a worker owns a task without renewing it before another
    /// worker presumes it dead and runs the task again (renewed every third
    /// of this while the task runs).
    pub lease_secs: u64,
    /// How often to look for tasks queued by other processes, in
    /// milliseconds (PostgreSQL also wakes at once through LISTEN/NOTIFY).
    pub poll_ms: u64,
}

impl Default for TasksConfig {
    fn default() -> Self {
        TasksConfig {
            concurrency: 4,
            lease_secs: 60,
            poll_ms: 1000,
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            enabled: true,
            concurrency: 64,
            lease_secs: 90,
            max_attempts: 8,
            poll_ms: 1000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            env: Environment::Development,
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            redis: RedisConfig::default(),
            auth: AuthConfig::default(),
            crypto: CryptoConfig::default(),
            rate_limit: RateLimitConfig::default(),
            log: LogConfig::default(),
            network: NetworkConfig::default(),
            worker: WorkerConfig::default(),
            tasks: TasksConfig::default(),
            media: MediaConfig::default(),
            platforms: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// Folder for the SQLite database, generated secrets and media.
    pub data_dir: PathBuf,
    /// The URL people reach this server at (`https://…` turns on Secure cookies and HSTS).
    pub public_url: Option<String>,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Origins allowed to call the API from a browser. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Read the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Bearer token Prometheus must send to read `/metrics`. Unset: `/metrics`
    /// is turned off (it names routes and counts failed log-ins).
    pub metrics_token: Option<Secret>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".into(),
            port: 5000,
            data_dir: PathBuf::from("./data"),
            public_url: None,
            max_body_bytes: 256 * 1024,
            cors_origins: Vec::new(),
            trust_proxy: false,
            metrics_token: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://…` or `sqlite://…`. Unset: `letsgrow.db` in the data directory.
    pub url: Option<Secret>,
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: None,
            max_connections: 10,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisConfig {
    /// `redis://…`. Unset: shared state (rate-limit budgets) stays in this process.
    pub url: Option<Secret>,
    /// Prefix of every key LetsGrow writes, so several deployments can share a server.
    pub key_prefix: String,
    /// How long to wait for a connection to Redis, in milliseconds.
    pub connect_timeout_ms: u64,
    /// How long to wait for one Redis command, in milliseconds.
    pub command_timeout_ms: u64,
    /// After a Redis failure, how long to stop asking Redis (limits use this
    /// process's share meanwhile) before trying again, in seconds.
    pub retry_after_secs: u64,
    /// How many processes share the Redis budgets. While Redis is unreachable
    /// each process enforces `1/processes` of every limit on its own.
    pub processes: u32,
}

impl Default for RedisConfig {
    fn default() -> Self {
        RedisConfig {
            url: None,
            key_prefix: "letsgrow:".into(),
            connect_timeout_ms: 500,
            command_timeout_ms: 250,
            retry_after_secs: 10,
            processes: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    pub issuer: String,
    pub audience: String,
    /// Base64 of at least 32 random bytes. Required in production; generated into the
    /// data directory otherwise.
    pub signing_key: Option<Secret>,
    /// Seconds after a refresh token was used in which presenting it again
    /// returns the same new tokens (two tabs refreshing together) instead of
    /// ending the session as a theft. `0` turns the grace off.
    pub refresh_reuse_window_secs: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            issuer: "letsgrow".into(),
            audience: "letsgrow-api".into(),
            signing_key: None,
            refresh_reuse_window_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CryptoConfig {
    /// Data-encryption keys by key id, each base64 of 32 random bytes. Required in
    /// production; generated into the data directory otherwise.
    pub keys: BTreeMap<String, Secret>,
    /// Which key encrypts new secrets. Defaults to the only key when there is one.
    pub active_key_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Password checks (log-ins and password changes) allowed per client
    /// address per minute.
    pub login_per_ip_per_minute: u32,
    /// Log-in attempts allowed per email address from one client address per
    /// 15 minutes.
    pub login_per_email_per_15_minutes: u32,
    /// Log-in attempts per email (from any address) before each further
    /// attempt must wait: 1 s, then 2 s, 4 s, … up to `login_email_max_delay_secs`.
    pub login_email_free_attempts: u32,
    /// The longest wait between log-in attempts for one email, in seconds. A
    /// device that logged in before (its signed device cookie) skips the wait.
    pub login_email_max_delay_secs: u64,
    /// Current-password checks (password changes) per account per 15 minutes.
    pub password_change_per_user_per_15_minutes: u32,
    /// Token refreshes allowed per client address per minute.
    pub refresh_per_ip_per_minute: u32,
    /// Registrations allowed per client address per hour.
    pub register_per_ip_per_hour: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            login_per_ip_per_minute: 30,
            login_per_email_per_15_minutes: 10,
            login_email_free_attempts: 5,
            login_email_max_delay_secs: 30,
            password_change_per_user_per_15_minutes: 5,
            refresh_per_ip_per_minute: 60,
            register_per_ip_per_hour: 20,
        }
    }
}

/// The media library.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    /// Bytes of media one account may store (uploads beyond it are refused).
    pub quota_bytes_per_user: u64,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            quota_bytes_per_user: 1024 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `letsgrow=debug,info`. `RUST_LOG` wins when set.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

impl Config {
    /// Loads defaults, then the TOML file when given, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(file, Env::prefixed(ENV_PREFIX).split("__"))
    }

    fn load_with_env(file: Option<&Path>, env: Env) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::Invalid(format!(
                    "the configuration file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError::Invalid(describe_figment_error(e)))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks rules that types alone cannot express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.auth.access_token_ttl_secs < 30 || self.auth.access_token_ttl_secs > 24 * 3600 {
            return Err(ConfigError::Rule {
                key: "auth.access_token_ttl_secs",
                reason: "must be between 30 and 86400 seconds".into(),
            });
        }
        if self.auth.refresh_token_ttl_days == 0 || self.auth.refresh_token_ttl_days > 365 {
            return Err(ConfigError::Rule {
                key: "auth.refresh_token_ttl_days",
                reason: "must be between 1 and 365 days".into(),
            });
        }
        if self.worker.concurrency == 0 || self.worker.concurrency > 10_000 {
            return Err(ConfigError::Rule {
                key: "worker.concurrency",
                reason: "must be between 1 and 10000".into(),
            });
        }
        if self.worker.lease_secs < 2 || self.worker.lease_secs > 3600 {
            return Err(ConfigError::Rule {
                key: "worker.lease_secs",
                reason: "must be between 2 and 3600 seconds".into(),
            });
        }
        if self.worker.max_attempts == 0 || self.worker.max_attempts > 100 {
            return Err(ConfigError::Rule {
                key: "worker.max_attempts",
                reason: "must be between 1 and 100".into(),
            });
        }
        if self.tasks.concurrency == 0 || self.tasks.concurrency > 1_000 {
            return Err(ConfigError::Rule {
                key: "tasks.concurrency",
                reason: "must be between 1 and 1000".into(),
            });
        }
        if self.tasks.lease_secs < 2 || self.tasks.lease_secs > 3600 {
            return Err(ConfigError::Rule {
                key: "tasks.lease_secs",
                reason: "must be between 2 and 3600 seconds".into(),
            });
        }
        if self.tasks.poll_ms < 50 || self.tasks.poll_ms > 600_000 {
            return Err(ConfigError::Rule {
                key: "tasks.poll_ms",
                reason: "must be between 50 and 600000".into(),
            });
        }
        if self.worker.poll_ms < 50 || self.worker.poll_ms > 600_000 {
            return Err(ConfigError::Rule {
                key: "worker.poll_ms",
                reason: "must be between 50 and 600000".into(),
            });
        }
        if self.server.max_body_bytes < 1024 {
            return Err(ConfigError::Rule {
                key: "server.max_body_bytes",
                reason: "must be at least 1024".into(),
            });
        }
        if let Some(url) = &self.database.url {
            let url = url.expose();
            if !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
            {
                return Err(ConfigError::Rule {
                    key: "database.url",
                    reason: "must start with postgres://, postgresql:// or sqlite:".into(),
                });
            }
        }
        if let Some(url) = &self.redis.url
            && !(url.expose().starts_with("redis://") || url.expose().starts_with("rediss://"))
        {
            return Err(ConfigError::Rule {
                key: "redis.url",
                reason: "must start with redis:// or rediss://".into(),
            });
        }
        if let Some(url) = &self.server.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Rule {
                key: "server.public_url",
                reason: "must start with http:// or https://".into(),
            });
        }
        for (rule, value) in [
            (
                "rate_limit.login_per_ip_per_minute",
                self.rate_limit.login_per_ip_per_minute,
            ),
            (
                "rate_limit.login_per_email_per_15_minutes",
                self.rate_limit.login_per_email_per_15_minutes,
            ),
            (
                "rate_limit.register_per_ip_per_hour",
                self.rate_limit.register_per_ip_per_hour,
            ),
            (
                "rate_limit.password_change_per_user_per_15_minutes",
                self.rate_limit.password_change_per_user_per_15_minutes,
            ),
            (
                "rate_limit.refresh_per_ip_per_minute",
                self.rate_limit.refresh_per_ip_per_minute,
            ),
            ("redis.processes", self.redis.processes),
        ] {
            if value == 0 {
                return Err(ConfigError::Rule {
                    key: rule,
                    reason: "must be at least 1".into(),
                });
            }
        }
        if self.rate_limit.login_email_max_delay_secs == 0
            || self.rate_limit.login_email_max_delay_secs > 3600
        {
            return Err(ConfigError::Rule {
                key: "rate_limit.login_email_max_delay_secs",
                reason: "must be between 1 and 3600 seconds".into(),
            });
        }
        if self.auth.refresh_reuse_window_secs > 300 {
            return Err(ConfigError::Rule {
                key: "auth.refresh_reuse_window_secs",
                reason: "must be between 0 and 300 seconds".into(),
            });
        }
        for (key, value, max) in [
            (
                "redis.connect_timeout_ms",
                self.redis.connect_timeout_ms,
                60_000,
            ),
            (
                "redis.command_timeout_ms",
                self.redis.command_timeout_ms,
                60_000,
            ),
            ("redis.retry_after_secs", self.redis.retry_after_secs, 3600),
        ] {
            if value == 0 || value > max {
                return Err(ConfigError::Rule {
                    key,
                    reason: format!("must be between 1 and {max}"),
                });
            }
        }
        if self.media.quota_bytes_per_user < 1024 * 1024 {
            return Err(ConfigError::Rule {
                key: "media.quota_bytes_per_user",
                reason: "must be at least 1048576 (1 MiB)".into(),
            });
        }
        if let Some(t) = &self.server.metrics_token
            && t.expose().len() < 16
        {
            return Err(ConfigError::Rule {
                key: "server.metrics_token",
                reason: "must be at least 16 characters (try `openssl rand -hex 32`)".into(),
            });
        }
        if self.network.connect_timeout_secs == 0 || self.network.request_timeout_secs == 0 {
            return Err(ConfigError::Rule {
                key: "network.request_timeout_secs",
                reason: "timeouts must be at least 1 second".into(),
            });
        }
        const PLATFORMS: [&str; 6] = [
            "x",
            "mastodon",
            "linkedin",
            "reddit",
            "instagram",
            "threads",
        ];
        for (id, p) in &self.platforms {
            if !PLATFORMS.contains(&id.as_str()) {
                return Err(ConfigError::Rule {
                    key: "platforms",
                    reason: format!(
                        "has unknown platform {id:?}; expected one of {}",
                        PLATFORMS.join(", ")
                    ),
                });
            }
            for url in [&p.api_base, &p.auth_base].into_iter().flatten() {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError::Rule {
                        key: "platforms.*.api_base",
                        reason: format!("{url:?} must start with http:// or https://"),
                    });
                }
            }
        }
        if let Some(active) = &self.crypto.active_key_id
            && !self.crypto.keys.contains_key(active)
        {
            return Err(ConfigError::Rule {
                key: "crypto.active_key_id",
                reason: format!("names key {active:?}, which is not in crypto.keys"),
            });
        }
        Ok(())
    }

    /// True when cookies must carry `Secure` and HSTS is sent.
    pub fn serves_https(&self) -> bool {
        self.server
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// figment's messages name the key path (`for key "default.database.url"`); keep
/// that but say which environment variable or file key it is.
fn describe_figment_error(e: figment::Error) -> String {
    let mut parts = Vec::new();
    for err in e {
        let key = err.path.join(".");
        let source = err
            .metadata
            .as_ref()
            .map(|m| m.name.to_string())
            .unwrap_or_default();
        let env_name = format!("{ENV_PREFIX}{}", err.path.join("__").to_uppercase());
        let mut msg = format!("{}", err.kind);
        if !key.is_empty() {
            msg = format!("key `{key}` (environment variable {env_name}): {msg}");
        }
        if !source.is_empty() {
            msg = format!("{msg} [from {source}]");
        }
        parts.push(msg);
    }
    parts.join("; ")
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail closures return figment::Error
mod tests {
    use super::*;

    /// An environment source that matches nothing, so these tests ignore the
    /// real process environment; `figment::Jail` tests cover variables.
    fn no_env() -> Env {
        Env::prefixed("LETSGROW_TEST_UNUSED__").split("__")
    }

    #[test]
    fn defaults_are_valid() {
        let c = Config::load_with_env(None, no_env()).unwrap();
        assert_eq!(c.server.port, 5000);
        assert_eq!(c.server.data_dir, PathBuf::from("./data"));
        assert_eq!(c.env, Environment::Development);
        assert!(!c.serves_https());
    }

    #[test]
    fn environment_overrides_file_and_names_bad_keys() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[server]\nport = 7000\nhost = \"0.0.0.0\"\n")?;
            jail.set_env("LETSGROW__SERVER__PORT", "7001");
            jail.set_env(
                "LETSGROW__DATABASE__URL",
                "postgres://postgres@127.0.0.1/test",
            );
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.server.port, 7001);
            assert_eq!(c.server.host, "0.0.0.0");
            assert_eq!(
                c.database.url.as_ref().map(|u| u.expose().to_owned()),
                Some("postgres://postgres@127.0.0.1/test".to_owned())
            );
            jail.set_env("LETSGROW__SERVER__PORT", "not-a-port");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("server.port"), "{err}");
            assert!(err.contains("LETSGROW__SERVER__PORT"), "{err}");
            jail.set_env("LETSGROW__SERVER__PORT", "7002");
            jail.set_env("LETSGROW__SERVER__PROT", "1");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("prot"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn rules_name_the_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LETSGROW__DATABASE__URL", "mysql://x");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("database.url"), "{err}");
            jail.set_env("LETSGROW__DATABASE__URL", "sqlite://x.db");
            jail.set_env("LETSGROW__AUTH__ACCESS_TOKEN_TTL_SECS", "5");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("auth.access_token_ttl_secs"), "{err}");
            jail.set_env("LETSGROW__AUTH__ACCESS_TOKEN_TTL_SECS", "900");
            jail.set_env("LETSGROW__REDIS__PROCESSES", "0");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("redis.processes"), "{err}");
            jail.set_env("LETSGROW__REDIS__PROCESSES", "3");
            jail.set_env("LETSGROW__SERVER__METRICS_TOKEN", "short");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("server.metrics_token"), "{err}");
            jail.set_env(
                "LETSGROW__SERVER__METRICS_TOKEN",
                "a-long-enough-metrics-token",
            );
            jail.set_env("LETSGROW__AUTH__REFRESH_REUSE_WINDOW_SECS", "301");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("auth.refresh_reuse_window_secs"), "{err}");
            jail.set_env("LETSGROW__AUTH__REFRESH_REUSE_WINDOW_SECS", "30");
            jail.set_env("LETSGROW__MEDIA__QUOTA_BYTES_PER_USER", "10");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("media.quota_bytes_per_user"), "{err}");
            jail.set_env("LETSGROW__MEDIA__QUOTA_BYTES_PER_USER", "2097152");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                (c.redis.processes, c.media.quota_bytes_per_user),
                (3, 2_097_152)
            );
            Ok(())
        });
    }

    #[test]
    fn missing_config_file_is_an_error() {
        let err = Config::load_with_env(Some(Path::new("/nonexistent/letsgrow.toml")), no_env())
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}
