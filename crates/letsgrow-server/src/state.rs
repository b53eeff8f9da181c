//! Shared state handed to every handler: the application's services plus
//! what only the HTTP layer keeps (request metrics).

use crate::metrics::Metrics;
use letsgrow_app::App;
use std::ops::Deref;
use std::sync::Arc;

pub type AppState = Arc<ServerState>;

pub struct ServerState {
    pub app: Arc<App>,
    pub metrics: Metrics,
}

/// Handlers reach the services as `state.posts`, `state.auth`, …
impl Deref for ServerState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}
