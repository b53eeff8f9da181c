//! The LetsGrow HTTP API: router, extractors, the error envelope, the
//! OpenAPI document, request metrics and the embedded web UI.
//!
//! This is the only crate that knows HTTP. Handlers are thin: they extract,
//! call a service of `letsgrow_app` and map the result.

pub mod error;
pub mod extract;
pub mod http;
pub mod metrics;
pub mod state;

pub use http::openapi_document;

use letsgrow_app::App;
use letsgrow_config::{Config, SecretMaterial};
use letsgrow_db::Db;
use state::{AppState, ServerState};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Wraps the application's services for the HTTP layer.
pub fn server_state(app: Arc<App>) -> AppState {
    Arc::new(ServerState {
        app,
        metrics: metrics::Metrics::default(),
    })
}

/// Builds the services and the HTTP state from configuration, key material
/// and a migrated database (the tests' and `serve`'s one call).
pub async fn build_state(
    config: Config,
    secrets: &SecretMaterial,
    db: Db,
) -> anyhow::Result<AppState> {
    Ok(server_state(Arc::new(
        App::build(config, secrets, db).await?,
    )))
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
