//! The LetsGrow services: accounts and sessions (`auth`), channels, posts,
//! media, notifications and the publisher, plus rate budgets.
//!
//! Nothing here knows HTTP. The server's handlers, the CLI, the workers and
//! the tests call these services directly; [`App::build`] wires them from
//! configuration once per process.

pub mod auth;
pub mod channels;
pub mod maintenance;
pub mod media;
pub mod notifications;
pub mod posts;
pub mod publisher;
pub mod ratelimit;
pub mod telemetry;

use anyhow::Context;
use letsgrow_config::{Config, SecretMaterial};
use letsgrow_db::Db;
use std::sync::Arc;
use std::time::Duration;

/// Every service of one process, wired from one configuration.
pub struct App {
    pub config: Config,
    pub db: Db,
    pub auth: auth::AuthService,
    pub channels: channels::ChannelService,
    pub notifications: notifications::NotificationService,
    pub limiter: Arc<ratelimit::RateLimiter>,
    pub posts: posts::PostService,
    pub media: media::MediaLibrary,
    /// Wakes this process's scheduler when something becomes due.
    pub wake: publisher::Wake,
    /// The background task queue (enqueue, list, retry, cancel, counts).
    pub jobs: letsgrow_jobs::Queue,
    /// Wakes this process's task runner when a task is queued.
    pub jobs_wake: letsgrow_jobs::Wake,
}

impl App {
    /// Builds the services from configuration, key material and a migrated database.
    pub async fn build(config: Config, secrets: &SecretMaterial, db: Db) -> anyhow::Result<App> {
        let limiter = rate_limiter(&config)?;
        if limiter.redis_health().await == ratelimit::RedisHealth::Unavailable {
            tracing::warn!(
                "Redis (redis.url) is not reachable: starting anyway with per-process rate limits; LetsGrow keeps trying and shares the limits again once Redis answers"
            );
        }
        let auth = auth::AuthService::new(db.clone(), &secrets.signing_key, &config.auth)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let keyring = Arc::new(keyring(secrets)?);
        let registry = letsgrow_providers::registry(&provider_options(&config))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let notifications = notifications::NotificationService::new(db.clone());
        let channels = channels::ChannelService::new(
            db.clone(),
            keyring,
            registry.clone(),
            notifications.clone(),
        )
        .with_oauth_clients(oauth_clients(&config));
        let media = media::MediaLibrary::new(
            db.clone(),
            config.server.data_dir.clone(),
            media_signing_key(secrets),
            config.server.public_url.clone(),
        )
        .with_quota(config.media.quota_bytes_per_user);
        let wake = publisher::Wake::default();
        let posts = posts::PostService::new(db.clone(), registry, media.clone(), wake.clone());
        let jobs_wake = letsgrow_jobs::Wake::default();
        let jobs = letsgrow_jobs::Queue::new(db.clone(), jobs_wake.clone());
        Ok(App {
            config,
            db,
            auth,
            channels,
            notifications,
            limiter: Arc::new(limiter),
            posts,
            media,
            wake,
            jobs,
            jobs_wake,
        })
    }

    /// The task runner with every kind this build handles and its
    /// recurring schedules; failures that concern a user notify them.
    pub fn task_runner(&self) -> letsgrow_jobs::Runner {
        let t = &self.config.tasks;
        let config = letsgrow_jobs::RunnerConfig {
            concurrency: t.concurrency,
            lease: Duration::from_secs(t.lease_secs),
            poll: Duration::from_millis(t.poll_ms),
            ..letsgrow_jobs::RunnerConfig::default()
        };
        letsgrow_jobs::Runner::new(self.jobs.clone(), config)
            .register(maintenance::Prune::new(self.db.clone()))
            .with_schedule(maintenance::Prune::schedule())
            .report_failures_to(Arc::new(notifications::TaskFailureNotices(
                self.notifications.clone(),
            )))
    }

    /// What the publisher needs, and nothing more.
    pub fn publisher_deps(&self) -> publisher::PublisherDeps {
        publisher::PublisherDeps {
            db: self.db.clone(),
            worker: self.config.worker.clone(),
            channels: self.channels.clone(),
            notifications: self.notifications.clone(),
            posts: self.posts.clone(),
            media: self.media.clone(),
            limiter: self.limiter.clone(),
            wake: self.wake.clone(),
        }
    }
}

/// The rate limiter: in Redis when configured (connected on first use, so a
/// Redis that is down only means starting degraded), in memory otherwise.
pub fn rate_limiter(config: &Config) -> anyhow::Result<ratelimit::RateLimiter> {
    let Some(url) = &config.redis.url else {
        return Ok(ratelimit::RateLimiter::memory());
    };
    let client = redis::Client::open(url.expose()).context("redis.url is not a valid Redis URL")?;
    let r = &config.redis;
    Ok(ratelimit::RateLimiter::redis(
        client,
        ratelimit::RedisOptions {
            prefix: r.key_prefix.clone(),
            connect_timeout: Duration::from_millis(r.connect_timeout_ms),
            command_timeout: Duration::from_millis(r.command_timeout_ms),
            retry_after: Duration::from_secs(r.retry_after_secs),
            processes: r.processes,
        },
    ))
}

/// The key that signs public media URLs: derived from the token-signing key
/// with a distinct label, so neither can stand in for the other.
fn media_signing_key(secrets: &SecretMaterial) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"letsgrow media url v1|");
    h.update(&secrets.signing_key);
    h.finalize().to_vec()
}

/// The data-encryption keyring from the configured key material.
pub fn keyring(secrets: &SecretMaterial) -> anyhow::Result<letsgrow_crypto::Keyring> {
    letsgrow_crypto::Keyring::new(secrets.data_keys.clone(), &secrets.active_key_id)
        .map_err(|e| anyhow::anyhow!("crypto.keys: {e}"))
}

/// Provider options from configuration.
pub fn provider_options(config: &Config) -> letsgrow_providers::ProviderOptions {
    let mut opts = letsgrow_providers::ProviderOptions::default();
    opts.network.allow_private = config.network.allow_private;
    opts.network.connect_timeout = Duration::from_secs(config.network.connect_timeout_secs);
    opts.network.timeout = Duration::from_secs(config.network.request_timeout_secs);
    for (id, p) in &config.platforms {
        if let Ok(platform) = id.parse() {
            opts.platforms.insert(
                platform,
                letsgrow_providers::PlatformSettings {
                    client: oauth_client(p),
                    api_base: p.api_base.clone(),
                    auth_base: p.auth_base.clone(),
                },
            );
        }
    }
    opts
}

fn oauth_client(p: &letsgrow_config::PlatformConfig) -> Option<letsgrow_providers::OAuthClient> {
    let id = p
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    Some(letsgrow_providers::OAuthClient {
        client_id: id.to_owned(),
        client_secret: p
            .client_secret
            .as_ref()
            .map(|s| letsgrow_providers::SecretString::new(s.expose())),
    })
}

/// The OAuth apps configured per platform.
fn oauth_clients(
    config: &Config,
) -> std::collections::BTreeMap<letsgrow_core::Platform, letsgrow_providers::OAuthClient> {
    config
        .platforms
        .iter()
        .filter_map(|(id, p)| Some((id.parse().ok()?, oauth_client(p)?)))
        .collect()
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
