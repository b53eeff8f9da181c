//! Shared state handed to every handler.

use crate::auth::AuthService;
use crate::channels::ChannelService;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use letsgrow_config::Config;
use letsgrow_db::Db;
use std::sync::Arc;

pub type AppState = Arc<AppInner>;

pub struct AppInner {
    pub config: Config,
    pub db: Db,
    pub auth: AuthService,
    pub channels: ChannelService,
    pub limiter: RateLimiter,
    pub metrics: Metrics,
    pub redis: Option<redis::aio::ConnectionManager>,
}
