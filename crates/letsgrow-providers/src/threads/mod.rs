//! Threads, on the shared Meta implementation in `meta_graph.rs`.
//!
//! - scopes `threads_basic,threads_content_publish,threads_delete`; authorize at
//!   `threads.net`, everything else at `graph.threads.net`.
//!   <https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions>
//! - posts: TEXT, IMAGE or CAROUSEL (2–20) containers, then `threads_publish`;
//!   500 characters, emoji counted as their UTF-8 bytes; JPEG or PNG ≤ 8 MB
//!   fetched from `MediaItem::public_url`, with `alt_text`.
//!   <https://developers.facebook.com/docs/threads/posts>
//! - threads: each later part replies to the previous one (`reply_to_id`).
//!   <https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/create-replies>
//! - quota: 250 posts and 1,000 replies per 24 hours (`threads_publishing_limit`,
//!   read before each publish). <https://developers.facebook.com/docs/threads/troubleshooting>
//! - delete: `DELETE /{media-id}` (100 deletes a day).
//!   <https://developers.facebook.com/docs/threads/posts/delete-posts>

use crate::http::HttpClient;
use crate::meta_graph::{Flavor, Graph, media_violations};
use crate::{Budget, Capabilities, ConnectMethod, ContentViolation, ProviderOptions, PublishPart};
use letsgrow_core::Platform;
use std::time::Duration;

pub const TEXT_MAX: usize = 500;
pub const MAX_IMAGES: u8 = 20;
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg", "image/png"];
pub const POSTS_PER_DAY: u32 = 250;

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Threads,
    connect: ConnectMethod::OAuth2Pkce,
    max_images: MAX_IMAGES,
    max_image_bytes: MAX_IMAGE_BYTES,
    image_mime_types: IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: true,
    delete: true,
    lookup: true,
    analytics: crate::AnalyticsCaps::none("Numbers from this platform are not collected yet."),
    engagement: &[],
    publish_budget: Some(Budget {
        limit: POSTS_PER_DAY,
        period: Duration::from_secs(86_400),
    }),
    media_by_url: true,
};

/// Threads' count: one per character, but an emoji counts its UTF-8 bytes.
pub fn text_len(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let emoji = (0x1F000..=0x1FAFF).contains(&u)
                || (0x2600..=0x27BF).contains(&u)
                || u == 0x200D
                || u == 0xFE0F;
            if emoji { c.len_utf8() } else { 1 }
        })
        .sum()
}

fn validate(part: &PublishPart) -> Vec<ContentViolation> {
    let mut v = media_violations(
        part,
        "Threads",
        IMAGE_MIME_TYPES,
        MAX_IMAGE_BYTES,
        usize::from(MAX_IMAGES),
    );
    if text_len(&part.text) > TEXT_MAX {
        v.push(ContentViolation {
            code: "threads.text_too_long".into(),
            message: format!(
                "Threads posts are limited to {TEXT_MAX} characters (an emoji counts as several)"
            ),
        });
    }
    if part.text.trim().is_empty() && part.media.is_empty() {
        v.push(ContentViolation {
            code: "threads.empty".into(),
            message: "the post is empty".into(),
        });
    }
    v
}

pub static FLAVOR: Flavor = Flavor {
    name: "Threads",
    capabilities: &CAPABILITIES,
    graph_version: "v1.0",
    default_api: "https://graph.threads.net",
    default_auth: "https://threads.net",
    default_token_host: None,
    scopes: &["threads_basic", "threads_content_publish", "threads_delete"],
    exchange_grant: "th_exchange_token",
    refresh_grant: "th_refresh_token",
    me_fields: "id,username",
    create_edge: "threads",
    publish_edge: "threads_publish",
    limit_edge: "threads_publishing_limit",
    list_edge: "threads",
    text_field: "text",
    validate,
    image_media_type: Some("IMAGE"),
};

pub type Threads = Graph;

pub fn new(http: HttpClient, opts: &ProviderOptions) -> Graph {
    Graph::new(http, opts, &FLAVOR)
}

#[cfg(test)]
mod tests {
    #[test]
    fn emoji_count_as_their_bytes() {
        assert_eq!(super::text_len("abc"), 3);
        assert_eq!(super::text_len("é"), 1);
        assert_eq!(super::text_len("👍"), 4);
    }
}
