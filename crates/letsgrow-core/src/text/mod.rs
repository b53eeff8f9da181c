//! Per-platform text rules: how long a post is as each platform counts it,
//! whether it fits, and which hashtags, mentions, URLs and cashtags it holds.
//!
//! [`check`] is the entry point. The pieces it uses are public too:
//! [`x_weighted_length`], [`bluesky_grapheme_length`], [`mastodon_length`],
//! [`detect_facets`] and the `extract_*` functions.
//!
//! How each platform is measured (the unit of `weighted_length`):
//! - **X**: twitter-text 3 weighted length (see [`x_weighted_length`]); max 280.
//! - **Bluesky**: extended grapheme clusters; max 300. Facets are detected as
//!   the official client does (see [`detect_facets`]).
//! - **Mastodon**: grapheme clusters after URLs become 23 characters and
//!   `@user@domain` becomes `@user`, as the server's `StatusLengthValidator`
//!   does (see [`mastodon_length`]); max 500 unless the instance says
//!   otherwise ([`CheckOptions::max_override`]).
//! - **LinkedIn** (3,000), **Threads** (500), **Instagram** (2,200 and at
//!   most 30 hashtags), **Reddit** (title 300, body 40,000): Unicode code
//!   points. None of these platforms documents how it counts "characters";
//!   code points are the plain reading (an emoji is one, a ZWJ family several).
//! - **Webhook**: by format ([`CheckOptions::webhook_format`], see
//!   [`WebhookFormat`]): Generic has no limit, Discord 2,000 code points,
//!   Slack 40,000 code points of the escaped text it is sent. The text must
//!   still not be blank.
//!
//! Every platform rejects empty or whitespace-only text ([`is_blank`]).
//!
//! Entities are in Unicode code points of the text as given (not of its NFC
//! form), half-open, sigil included in the range and excluded from `text`.
//! On Bluesky they come from the client's facet detection (cashtags, which
//! Bluesky does not link, from twitter-text's rule); on Mastodon URLs need a
//! protocol and mentions may be `@user@domain`; everywhere else they follow
//! twitter-text. Facets are only filled for Bluesky, the one platform that
//! takes them; for the others the array is empty.

mod bluesky;
mod chars;
mod extract;
mod mastodon;
mod tlds;
mod url;
mod webhook;
mod x;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::Platform;

pub use bluesky::{
    BLUESKY_MAX_GRAPHEMES, BLUESKY_MAX_TAG_UTF16, detect_facets,
    grapheme_length as bluesky_grapheme_length,
};
pub use chars::is_blank;
pub use extract::{
    extract_cashtags, extract_entities, extract_hashtags, extract_mentions, extract_urls,
};
pub use mastodon::{
    MASTODON_DEFAULT_MAX, MASTODON_URL_LENGTH, countable_length as mastodon_length,
    extract_mentions as extract_mastodon_mentions,
};
pub use tlds::is_tld;
pub use webhook::{
    DISCORD_MAX_CONTENT, SLACK_MAX_TEXT, SLACK_SECTION_MAX, WebhookFormat, slack_escape,
};
pub use x::{
    X_MAX_WEIGHTED_LENGTH, X_URL_LENGTH, has_invalid_characters as x_has_invalid_characters,
    weighted_length as x_weighted_length,
};

/// LinkedIn post limit, in code points.
pub const LINKEDIN_MAX: usize = 3_000;
/// Threads post limit, in code points.
pub const THREADS_MAX: usize = 500;
/// Instagram caption limit, in code points.
pub const INSTAGRAM_MAX: usize = 2_200;
/// Instagram's hashtag limit per caption.
pub const INSTAGRAM_MAX_HASHTAGS: usize = 30;
/// Reddit title limit, in code points.
pub const REDDIT_TITLE_MAX: usize = 300;
/// Reddit self-post body limit, in code points.
pub const REDDIT_BODY_MAX: usize = 40_000;

/// Which Reddit field a text is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RedditField {
    /// The post title (at most 300 characters).
    Title,
    /// The self-post body (at most 40,000 characters). The default.
    #[default]
    Body,
}

/// Options for [`check`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckOptions {
    /// Replaces the platform's default maximum, e.g. a Mastodon instance's
    /// own limit. Applies to every platform, including Webhook (which has no
    /// limit otherwise).
    pub max_override: Option<usize>,
    /// For Reddit: check the text as a title or as a body. Ignored elsewhere.
    pub reddit_field: RedditField,
    /// For Webhook: the channel's body format, whose receiver sets the limit
    /// (Generic, the default, has none). Ignored elsewhere.
    pub webhook_format: WebhookFormat,
}

/// A hashtag, mention, URL or cashtag found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entity {
    /// The entity without its sigil (`#`, `@`, `$`); for a list mention,
    /// `user/list`; for a Mastodon remote mention, `user@domain`.
    pub text: String,
    /// First code point, sigil included.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

/// Entities by kind, each list in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entities {
    pub hashtags: Vec<Entity>,
    pub mentions: Vec<Entity>,
    pub urls: Vec<Entity>,
    pub cashtags: Vec<Entity>,
}

/// What a Bluesky facet marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FacetKind {
    /// `app.bsky.richtext.facet#link`; the value is the full URI.
    Link,
    /// `app.bsky.richtext.facet#mention`; the value is the handle (to be
    /// resolved to a DID before publishing).
    Mention,
    /// `app.bsky.richtext.facet#tag`; the value is the tag without `#`.
    Tag,
}

/// A rich-text facet over UTF-8 byte offsets `[byte_start, byte_end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facet {
    pub kind: FacetKind,
    pub value: String,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// Machine-readable reason a text is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViolationCode {
    /// Empty or whitespace-only.
    Empty,
    /// Longer than the platform allows (`limit` is the maximum, `actual` the
    /// measured length).
    TooLong,
    /// More hashtags than the platform allows (Instagram).
    TooManyHashtags,
    /// Characters X rejects: U+FFFE, U+FEFF, U+FFFF (`actual` is the count).
    InvalidCharacters,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Violation {
    pub code: ViolationCode,
    pub message: String,
    pub limit: Option<usize>,
    pub actual: Option<usize>,
}

/// The outcome of [`check`]; serialises to the API's text-check object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    pub platform: Platform,
    /// The length as the platform counts it (see the module docs).
    pub weighted_length: usize,
    /// The limit applied; `None` (JSON `null`) when there is none (Webhook).
    pub max: Option<usize>,
    pub valid: bool,
    pub violations: Vec<Violation>,
    pub entities: Entities,
    /// Bluesky facets; empty for other platforms.
    pub facets: Vec<Facet>,
}

/// The maximum length that applies to `platform`, `None` for no limit.
pub fn max_length(platform: Platform, opts: &CheckOptions) -> Option<usize> {
    if opts.max_override.is_some() {
        return opts.max_override;
    }
    match platform {
        Platform::X => Some(X_MAX_WEIGHTED_LENGTH),
        Platform::Bluesky => Some(BLUESKY_MAX_GRAPHEMES),
        Platform::Mastodon => Some(MASTODON_DEFAULT_MAX),
        Platform::Linkedin => Some(LINKEDIN_MAX),
        Platform::Threads => Some(THREADS_MAX),
        Platform::Instagram => Some(INSTAGRAM_MAX),
        Platform::Reddit => Some(match opts.reddit_field {
            RedditField::Title => REDDIT_TITLE_MAX,
            RedditField::Body => REDDIT_BODY_MAX,
        }),
        Platform::Webhook => opts.webhook_format.max_length(),
    }
}

/// The length of `text` as `platform` counts it (a webhook as a Generic one).
pub fn platform_length(platform: Platform, text: &str) -> usize {
    length_with(platform, text, &CheckOptions::default())
}

/// The length of `text` as `platform` counts it, with `opts` (the webhook format).
fn length_with(platform: Platform, text: &str, opts: &CheckOptions) -> usize {
    match platform {
        Platform::X => x_weighted_length(text),
        Platform::Bluesky => bluesky_grapheme_length(text),
        Platform::Mastodon => mastodon_length(text),
        Platform::Webhook => opts.webhook_format.length(text),
        Platform::Linkedin | Platform::Reddit | Platform::Instagram | Platform::Threads => {
            text.chars().count()
        }
    }
}

fn unit(platform: Platform) -> &'static str {
    match platform {
        Platform::X => "weighted characters",
        Platform::Bluesky | Platform::Mastodon => "characters (grapheme clusters)",
        _ => "characters",
    }
}

fn platform_name(platform: Platform, opts: &CheckOptions) -> &'static str {
    match platform {
        Platform::X => "X",
        Platform::Bluesky => "Bluesky",
        Platform::Mastodon => "Mastodon",
        Platform::Linkedin => "LinkedIn",
        Platform::Reddit => match opts.reddit_field {
            RedditField::Title => "a Reddit title",
            RedditField::Body => "a Reddit post body",
        },
        Platform::Instagram => "an Instagram caption",
        Platform::Threads => "Threads",
        Platform::Webhook => opts.webhook_format.described(),
    }
}

/// Converts byte offsets of Bluesky facets into code-point entities.
fn bluesky_entities(text: &str, facets: &[Facet], chars: &[char]) -> Entities {
    let byte_offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let cp = |byte: usize| byte_offsets.partition_point(|&b| b < byte);
    let mut entities = Entities::default();
    for f in facets {
        let (start, end) = (cp(f.byte_start), cp(f.byte_end));
        let text = match f.kind {
            FacetKind::Link => text
                .get(f.byte_start..f.byte_end)
                .unwrap_or_default()
                .to_owned(),
            FacetKind::Mention | FacetKind::Tag => f.value.clone(),
        };
        let list = match f.kind {
            FacetKind::Link => &mut entities.urls,
            FacetKind::Mention => &mut entities.mentions,
            FacetKind::Tag => &mut entities.hashtags,
        };
        list.push(Entity { text, start, end });
    }
    entities.cashtags = extract::cashtags_in(chars);
    entities
}

/// Checks `text` against `platform`'s rules.
pub fn check(platform: Platform, text: &str, opts: &CheckOptions) -> CheckResult {
    let chars: Vec<char> = text.chars().collect();
    let max = max_length(platform, opts);
    let mut violations = Vec::new();
    let mut facets = Vec::new();

    let (weighted_length, entities) = match platform {
        Platform::X => {
            let nfc: Vec<char> = text.nfc().collect();
            let invalid = chars.iter().filter(|&&c| chars::is_tt_invalid(c)).count();
            if invalid > 0 {
                violations.push(Violation {
                    code: ViolationCode::InvalidCharacters,
                    message: format!(
                        "X rejects text containing U+FFFE, U+FEFF or U+FFFF ({invalid} found)"
                    ),
                    limit: None,
                    actual: Some(invalid),
                });
            }
            (
                x::weighted_length_nfc(&nfc),
                extract::entities_in(&chars, true, None),
            )
        }
        Platform::Bluesky => {
            facets = detect_facets(text);
            (
                bluesky_grapheme_length(text),
                bluesky_entities(text, &facets, &chars),
            )
        }
        Platform::Mastodon => {
            let mentions = mastodon::mentions_in(&chars);
            (
                mastodon_length(text),
                extract::entities_in(&chars, false, Some(mentions)),
            )
        }
        _ => (
            length_with(platform, text, opts),
            extract::entities_in(&chars, true, None),
        ),
    };

    if is_blank(text) {
        violations.insert(
            0,
            Violation {
                code: ViolationCode::Empty,
                message: "text is empty or only whitespace".to_owned(),
                limit: None,
                actual: None,
            },
        );
    }
    if let Some(max) = max.filter(|&m| weighted_length > m) {
        violations.push(Violation {
            code: ViolationCode::TooLong,
            message: format!(
                "{weighted_length} {} is over the limit of {max} for {}",
                unit(platform),
                platform_name(platform, opts)
            ),
            limit: Some(max),
            actual: Some(weighted_length),
        });
    }
    if platform == Platform::Instagram && entities.hashtags.len() > INSTAGRAM_MAX_HASHTAGS {
        violations.push(Violation {
            code: ViolationCode::TooManyHashtags,
            message: format!(
                "{} hashtags is over Instagram's limit of {INSTAGRAM_MAX_HASHTAGS}",
                entities.hashtags.len()
            ),
            limit: Some(INSTAGRAM_MAX_HASHTAGS),
            actual: Some(entities.hashtags.len()),
        });
    }

    CheckResult {
        platform,
        weighted_length,
        max,
        valid: violations.is_empty(),
        violations,
        entities,
        facets,
    }
}

#[cfg(test)]
mod tests;
