//! The LetsGrow server: HTTP API, auth services, rate limits, metrics.
//!
//! This is the only crate that knows HTTP. Handlers are thin: they extract,
//! call a service (`auth::AuthService`, …) and map the result.

pub mod auth;
pub mod error;
pub mod extract;
pub mod http;
pub mod metrics;
pub mod ratelimit;
pub mod state;
pub mod telemetry;

pub use http::openapi_document;

use anyhow::Context;
use letsgrow_config::{Config, SecretMaterial};
use letsgrow_db::Db;
use state::{AppInner, AppState};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Connects to Redis when configured.
pub async fn connect_redis(
    config: &Config,
) -> anyhow::Result<Option<redis::aio::ConnectionManager>> {
    let Some(url) = &config.redis.url else {
        return Ok(None);
    };
    let client = redis::Client::open(url.expose()).context("redis.url is not a valid Redis URL")?;
    let conn = tokio::time::timeout(
        Duration::from_secs(10),
        redis::aio::ConnectionManager::new(client),
    )
    .await
    .context("timed out connecting to Redis (redis.url)")?
    .context("could not connect to Redis (redis.url)")?;
    Ok(Some(conn))
}

/// Builds the shared state from configuration, key material and a migrated database.
pub async fn build_state(
    config: Config,
    secrets: &SecretMaterial,
    db: Db,
) -> anyhow::Result<AppState> {
    let redis = connect_redis(&config).await?;
    let limiter = match &redis {
        Some(conn) => ratelimit::RateLimiter::redis(conn.clone(), config.redis.key_prefix.clone()),
        None => ratelimit::RateLimiter::memory(),
    };
    let auth = auth::AuthService::new(db.clone(), &secrets.signing_key, &config.auth)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Arc::new(AppInner {
        config,
        db,
        auth,
        limiter,
        metrics: metrics::Metrics::default(),
        redis,
    }))
}

/// Serves the application on `listener` until `shutdown` resolves, then drains
/// in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
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
