//! Instagram through the Instagram API with Instagram Login (professional
//! accounts), on the shared Meta implementation in `meta_graph.rs`.
//!
//! - scopes `instagram_business_basic,instagram_business_content_publish`;
//!   authorize at `www.instagram.com`, code exchange at `api.instagram.com`,
//!   the rest at `graph.instagram.com`.
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>
//! - every post needs an image (JPEG only, ≤ 8 MB, fetched by Meta from
//!   `MediaItem::public_url`), up to 10 as a carousel; `alt_text` on images
//!   (since 2025-03-24); captions ≤ 2,200 characters, ≤ 30 hashtags, ≤ 20 @-mentions.
//!   <https://developers.facebook.com/docs/instagram-platform/content-publishing/>,
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media>
//! - quota: `content_publishing_limit` (the documented answer shows 50 posts
//!   per rolling 24 hours; the live value is read before each publish).
//!   <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit/>
//! - no threads (replies are comments, not posts) and no deletion through the API.

use crate::http::HttpClient;
use crate::meta_graph::{Flavor, Graph, media_violations};
use crate::{Budget, Capabilities, ConnectMethod, ContentViolation, ProviderOptions, PublishPart};
use letsgrow_core::Platform;
use std::time::Duration;

pub const CAPTION_MAX: usize = 2200;
pub const MAX_HASHTAGS: usize = 30;
pub const MAX_MENTIONS: usize = 20;
pub const MAX_IMAGES: u8 = 10;
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg"];
pub const POSTS_PER_DAY: u32 = 50;

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Instagram,
    connect: ConnectMethod::OAuth2Pkce,
    max_images: MAX_IMAGES,
    max_image_bytes: MAX_IMAGE_BYTES,
    image_mime_types: IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: false,
    delete: false,
    lookup: true,
    analytics: crate::AnalyticsCaps::none("Numbers from this platform are not collected yet."),
    engagement: &[],
    publish_budget: Some(Budget {
        limit: POSTS_PER_DAY,
        period: Duration::from_secs(86_400),
    }),
    media_by_url: true,
};

fn validate(part: &PublishPart) -> Vec<ContentViolation> {
    let mut v = media_violations(
        part,
        "Instagram",
        IMAGE_MIME_TYPES,
        MAX_IMAGE_BYTES,
        usize::from(MAX_IMAGES),
    );
    let mut add = |code: &str, message: String| {
        v.push(ContentViolation {
            code: format!("instagram.{code}"),
            message,
        })
    };
    if part.reply_to.is_some() {
        add(
            "threads_unsupported",
            "Instagram posts cannot be chained as a thread; publish this part as its own post"
                .into(),
        );
    }
    if part.media.is_empty() {
        add(
            "image_required",
            "Instagram posts need at least one image".into(),
        );
    }
    if part.text.chars().count() > CAPTION_MAX {
        add(
            "caption_too_long",
            format!("Instagram captions are limited to {CAPTION_MAX} characters"),
        );
    }
    if part.text.matches('#').count() > MAX_HASHTAGS {
        add(
            "too_many_hashtags",
            format!("Instagram captions take at most {MAX_HASHTAGS} hashtags"),
        );
    }
    if part.text.matches('@').count() > MAX_MENTIONS {
        add(
            "too_many_mentions",
            format!("Instagram captions take at most {MAX_MENTIONS} @-mentions"),
        );
    }
    v
}

pub static FLAVOR: Flavor = Flavor {
    name: "Instagram",
    capabilities: &CAPABILITIES,
    graph_version: "v23.0",
    default_api: "https://graph.instagram.com",
    default_auth: "https://www.instagram.com",
    default_token_host: Some("https://api.instagram.com"),
    scopes: &[
        "instagram_business_basic",
        "instagram_business_content_publish",
    ],
    exchange_grant: "ig_exchange_token",
    refresh_grant: "ig_refresh_token",
    me_fields: "user_id,username",
    create_edge: "media",
    publish_edge: "media_publish",
    limit_edge: "content_publishing_limit",
    list_edge: "media",
    text_field: "caption",
    validate,
    image_media_type: None,
};

pub type Instagram = Graph;

pub fn new(http: HttpClient, opts: &ProviderOptions) -> Graph {
    Graph::new(http, opts, &FLAVOR)
}
