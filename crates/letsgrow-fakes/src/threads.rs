//! A stateful fake of the Threads API: `threads.net/oauth/authorize`, and on
//! `graph.threads.net` the token endpoints, containers, `threads_publish`,
//! replies (`reply_to_id`), the publishing limit and deletion.
//!
//! Sources:
//! - Tokens: <https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions>,
//!   <https://developers.facebook.com/docs/threads/get-started/long-lived-tokens>
//!   (`th_exchange_token`, `th_refresh_token`; 60 days; refresh when ≥ 24 h old).
//! - Posts (TEXT/IMAGE/CAROUSEL, 500 characters, carousels of 2–20, JPEG or PNG ≤ 8 MB):
//!   <https://developers.facebook.com/docs/threads/posts>
//! - Replies: <https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/create-replies>
//! - Limits (250 posts and 1,000 replies per 24 h):
//!   <https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting>,
//!   <https://developers.facebook.com/docs/threads/reference/publishing>
//! - Delete (`{"success": true, "deleted_id": …}`, 100 deletes a day):
//!   <https://developers.facebook.com/docs/threads/posts/delete-posts>

use crate::common::{AuthorizeRules, FakeHandle};
use crate::meta::{Flavor, Meta};
use std::net::SocketAddr;
use std::sync::Arc;

pub use crate::meta::{Media, Meta as Threads};

pub static FLAVOR: Flavor = Flavor {
    name: "threads",
    rules: AuthorizeRules {
        title: "Threads (fake)",
        scope_separators: &[','],
        required_scopes: &["threads_basic", "threads_content_publish"],
        redirect_suffix: "",
        make_user_id: |n| format!("2590{n:012}"),
    },
    exchange_grant: "th_exchange_token",
    refresh_grant: "th_refresh_token",
    create_edge: "threads",
    publish_edge: "threads_publish",
    limit_edge: "threads_publishing_limit",
    list_edge: "threads",
    text_field: "text",
    text_max: 500,
    max_hashtags: None,
    quota: 250,
    carousel_max: 20,
    image_types: &["image/jpeg", "image/png"],
    max_image_bytes: 8 * 1024 * 1024,
    can_delete: true,
    replies: true,
    token_in_data: false,
    permalink: |id| format!("https://www.threads.net/post/{id}"),
};

pub async fn start() -> std::io::Result<FakeHandle<Meta>> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
}

pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeHandle<Meta>> {
    let m = Arc::new(Meta::new(&FLAVOR));
    crate::common::serve(m.clone(), crate::meta::router(m), addr).await
}
