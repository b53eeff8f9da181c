//! Operations endpoints: liveness, readiness and Prometheus metrics.

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// `ok`, or `not_configured` when no Redis URL is set.
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

/// The process can serve: database reachable and migrated, Redis reachable when configured.
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
    let redis = match &state.redis {
        None => "not_configured",
        Some(conn) => {
            let mut conn = conn.clone();
            let pong: Result<String, _> = redis::cmd("PING").query_async(&mut conn).await;
            pong.map_err(|e| unavailable("redis", e.to_string()))?;
            "ok"
        }
    };
    let database = match state.db.backend() {
        letsgrow_db::Backend::Sqlite => "sqlite",
        letsgrow_db::Backend::Postgres => "postgres",
    };
    Ok(axum::Json(Readiness {
        status: "ready".into(),
        database: database.into(),
        redis: redis.into(),
    }))
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut resp = state.metrics.render().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}
