//! Operations endpoints: liveness, readiness and Prometheus metrics.

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use letsgrow_app::ratelimit::RedisHealth;
use serde::Serialize;
use std::fmt::Write;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, or `degraded` when Redis is configured but unreachable (the
    /// process serves on, with per-process rate limits).
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// `ok`, `unavailable` (configured but not answering), or `not_configured`
    /// when no Redis URL is set.
    pub redis: String,
}

/// The process is alive.
#[utoipa::path(get, path = "/api/health", operation_id = "ops_health", tag = "ops",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn health() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
    })
}

/// The process can serve: database reachable and migrated. Redis is not the
/// system of record: when it is unreachable the answer is still 200, with
/// `status: degraded` and `redis: unavailable`.
#[utoipa::path(get, path = "/api/ready", operation_id = "ops_ready", tag = "ops",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Not ready; `message` says why", body = crate::error::ErrorBody),
    ))]
pub async fn ready(State(state): State<AppState>) -> Result<axum::Json<Readiness>, ApiError> {
    let unavailable = |what: &str, why: String| {
        tracing::warn!(dependency = what, reason = %why, "not ready");
        let mut e = ApiError::new(
            ErrorCode::Unavailable,
            format!("Not ready: {what} is unavailable."),
        )
        .with_detail("dependency", what);
        e.retry_after = Some(5);
        e
    };
    state
        .db
        .check_ready()
        .await
        .map_err(|why| unavailable("database", why))?;
    let redis = state.limiter.redis_health().await;
    let database = match state.db.backend() {
        letsgrow_db::Backend::Sqlite => "sqlite",
        letsgrow_db::Backend::Postgres => "postgres",
    };
    let status = match redis {
        RedisHealth::Unavailable => "degraded",
        RedisHealth::Ok | RedisHealth::NotConfigured => "ready",
    };
    Ok(axum::Json(Readiness {
        status: status.into(),
        database: database.into(),
        redis: redis.as_str().into(),
    }))
}

/// Prometheus text format, for a scraper that sends
/// `Authorization: Bearer <server.metrics_token>`. Without a configured token
/// the endpoint is off: it names routes and counts failed log-ins.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = &state.config.server.metrics_token else {
        return ApiError::new(
            ErrorCode::NotFound,
            "Metrics are turned off. Set server.metrics_token and send it as a bearer token to read them.",
        )
        .into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(presented.as_bytes().ct_eq(expected.expose().as_bytes())) {
        let mut r = ApiError::unauthorized(
            "Send the metrics token from server.metrics_token as `Authorization: Bearer <token>`.",
        )
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    let mut text = state.metrics.render();
    let health = state.limiter.redis_health_now();
    let _ = write!(
        text,
        "# HELP letsgrow_redis_up Whether Redis answers (1), is unreachable (0); absent when not configured.\n\
         # TYPE letsgrow_redis_up gauge\n"
    );
    if health != RedisHealth::NotConfigured {
        let _ = writeln!(
            text,
            "letsgrow_redis_up {}",
            u8::from(health == RedisHealth::Ok)
        );
    }
    let _ = write!(
        text,
        "# HELP letsgrow_ratelimit_fallback_total Rate-limit checks answered in this process because Redis was unreachable.\n\
         # TYPE letsgrow_ratelimit_fallback_total counter\n\
         letsgrow_ratelimit_fallback_total {}\n",
        state.limiter.fallback_checks()
    );
    write_task_gauges(&mut text, &state).await;
    let mut resp = text.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}

/// Task counts by kind and state, and how long each kind's oldest due task
/// has waited (a stuck or missing worker shows as a growing age).
async fn write_task_gauges(text: &mut String, state: &AppState) {
    let stats = match state.jobs.stats().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "could not read task counts for /metrics");
            return;
        }
    };
    let now = state.jobs.now_ms();
    let _ = write!(
        text,
        "# HELP letsgrow_tasks Background tasks by kind and state (queued, running, failed).\n\
         # TYPE letsgrow_tasks gauge\n"
    );
    for s in &stats {
        let _ = writeln!(
            text,
            "letsgrow_tasks{{kind=\"{}\",state=\"{}\"}} {}",
            crate::metrics::escape(&s.kind),
            s.state,
            s.count
        );
    }
    let _ = write!(
        text,
        "# HELP letsgrow_tasks_oldest_due_seconds How long the oldest due, still queued task of each kind has waited.\n\
         # TYPE letsgrow_tasks_oldest_due_seconds gauge\n"
    );
    for s in stats.iter().filter(|s| s.state == "queued") {
        let age = s.oldest_due.map_or(0, |t| (now - t).max(0));
        let _ = writeln!(
            text,
            "letsgrow_tasks_oldest_due_seconds{{kind=\"{}\"}} {:.3}",
            crate::metrics::escape(&s.kind),
            age as f64 / 1000.0
        );
    }
}
