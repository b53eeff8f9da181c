//! Shared state handed to every handler.

use crate::auth::AuthService;
use crate::channels::ChannelService;
use crate::media::MediaLibrary;
use crate::metrics::Metrics;
use crate::posts::PostService;
use crate::publisher::Wake;
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
    pub limiter: Arc<RateLimiter>,
    pub posts: PostService,
    pub media: MediaLibrary,
    /// Wakes this process's scheduler when something becomes due.
    pub wake: Wake,
    pub metrics: Metrics,
}
