//! A stateful fake of the Instagram API with Instagram Login (Business Login for
//! Instagram) on one host: `www.instagram.com/oauth/authorize`,
//! `api.instagram.com/oauth/access_token` and `graph.instagram.com`.
//!
//! Sources:
//! - Business Login: <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>
//!   (comma-separated scopes; `#_` appended to the redirect; short-lived token for an hour).
//! - Long-lived tokens (60 days; refresh only when at least 24 hours old and unexpired):
//!   <https://developers.facebook.com/docs/instagram-platform/reference/access_token>,
//!   <https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token>
//! - Publishing (containers, `alt_text` on images since 2025-03-24, JPEG only,
//!   8 MB, carousels of up to 10, caption ≤ 2,200 characters and ≤ 30 hashtags):
//!   <https://developers.facebook.com/docs/instagram-platform/content-publishing/>,
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media>,
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container>
//! - Quota (example answer `quota_total: 50`, `quota_duration: 86400`):
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit/>
//! - No media deletion through the API: a DELETE answers Graph error 100/33.

use crate::common::{AuthorizeRules, FakeHandle};
use crate::meta::{Flavor, Meta};
use std::net::SocketAddr;
use std::sync::Arc;

pub use crate::meta::{Media, Meta as Instagram};

pub static FLAVOR: Flavor = Flavor {
    name: "instagram",
    rules: AuthorizeRules {
        title: "Instagram (fake)",
        scope_separators: &[','],
        required_scopes: &[
            "instagram_business_basic",
            "instagram_business_content_publish",
        ],
        redirect_suffix: "#_",
        make_user_id: |n| format!("1784140{n:010}"),
    },
    exchange_grant: "ig_exchange_token",
    refresh_grant: "ig_refresh_token",
    create_edge: "media",
    publish_edge: "media_publish",
    limit_edge: "content_publishing_limit",
    list_edge: "media",
    text_field: "caption",
    text_max: 2200,
    max_hashtags: Some(30),
    quota: 50,
    carousel_max: 10,
    image_types: &["image/jpeg"],
    max_image_bytes: 8 * 1024 * 1024,
    can_delete: false,
    replies: false,
    token_in_data: true,
    permalink: |id| format!("https://www.instagram.com/p/{id}/"),
};

pub async fn start() -> std::io::Result<FakeHandle<Meta>> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
}

pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeHandle<Meta>> {
    let m = Arc::new(Meta::new(&FLAVOR));
    crate::common::serve(m.clone(), crate::meta::router(m), addr).await
}
