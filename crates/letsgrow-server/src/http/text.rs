//! `POST /api/v1/text/check`: per-platform length, validity and entities.

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::http::auth::Authenticated;
use letsgrow_core::Platform;
use letsgrow_core::text::{CheckOptions, CheckResult, RedditField, WebhookFormat};
use serde::Deserialize;
use utoipa::ToSchema;

/// Longest text accepted for checking: the longest a post part may be.
const MAX_TEXT_CHARS: usize = letsgrow_app::posts::content::MAX_PART_CHARS;
/// Most entities (hashtags, mentions, links, cashtags, facets) one answer lists.
pub const MAX_ENTITIES: usize = 2_000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextCheckRequest {
    pub platform: Platform,
    #[schema(max_length = 100000, pattern = "^[^\\u0000]*$")]
    pub text: String,
    /// Overrides the platform's default maximum (e.g. a Mastodon instance's own limit).
    #[schema(minimum = 1, maximum = 1000000)]
    #[serde(default, deserialize_with = "crate::extract::whole_number")]
    pub max_override: Option<u32>,
    /// Reddit only: check as a `title` or a `body` (default).
    pub reddit_field: Option<RedditField>,
    /// Webhook only: the channel's format, whose receiver sets the limit
    /// (`generic`, the default: none; `discord`: 2,000; `slack`: 40,000 as sent, escaped).
    pub webhook_format: Option<WebhookFormat>,
}

/// Check a text against a platform's rules: weighted length, limit, violations,
/// hashtags/mentions/URLs/cashtags (code-point offsets) and Bluesky facets (byte offsets).
#[utoipa::path(post, path = "/api/v1/text/check", operation_id = "text_check", tag = "text",
    security(("bearer" = [])),
    request_body = TextCheckRequest,
    responses(
        (status = 200, description = "The result; `valid` is false when a rule is broken", body = CheckResult),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = crate::error::ErrorBody),
    ))]
pub async fn check(
    _who: Authenticated,
    ApiJson(req): ApiJson<TextCheckRequest>,
) -> Result<axum::Json<CheckResult>, ApiError> {
    if req.text.len() > MAX_TEXT_CHARS && req.text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::field(
            "text",
            format!("is too long: at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if req.max_override == Some(0) || req.max_override.is_some_and(|m| m > 1_000_000) {
        return Err(ApiError::field(
            "max_override",
            "must be between 1 and 1000000",
        ));
    }
    let opts = CheckOptions {
        max_override: req.max_override.map(|m| m as usize),
        reddit_field: req.reddit_field.unwrap_or_default(),
        webhook_format: req.webhook_format.unwrap_or_default(),
    };
    // Text analysis is CPU work bounded by MAX_TEXT_CHARS; fine on the request task.
    let result = letsgrow_core::text::check(req.platform, &req.text, &opts);
    let e = &result.entities;
    let entities =
        e.hashtags.len() + e.mentions.len() + e.urls.len() + e.cashtags.len() + result.facets.len();
    if entities > MAX_ENTITIES {
        return Err(ApiError::field(
            "text",
            format!(
                "has {entities} hashtags, mentions and links; at most {MAX_ENTITIES} are checked at once, and no platform takes a post with that many"
            ),
        ));
    }
    Ok(axum::Json(result))
}
