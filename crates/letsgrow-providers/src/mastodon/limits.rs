//! An instance's limits from `GET /api/v2/instance` (cached per instance),
//! Mastodon's defaults when the instance does not say, and the checks made
//! before anything is uploaded.

use crate::{ContentViolation, MediaItem, ProviderError, ProviderResult, PublishPart};
use letsgrow_core::Platform;
use letsgrow_core::text::{CheckOptions, ViolationCode, check};
use serde_json::Value;

/// Defaults of a stock Mastodon 4.x instance.
/// Source: https://docs.joinmastodon.org/entities/Instance/#configuration
/// (`statuses.max_characters` 500, `statuses.max_media_attachments` 4,
/// `media_attachments.image_size_limit` 16 MB, `description_limit` 1500).
pub const DEFAULT_MAX_CHARACTERS: usize = 500;
pub const DEFAULT_MAX_MEDIA: usize = 4;
pub const DEFAULT_IMAGE_SIZE_LIMIT: u64 = 16 * 1024 * 1024;
pub const DEFAULT_DESCRIPTION_LIMIT: usize = 1500;
/// Image types every Mastodon instance accepts (an instance lists its own
/// in `media_attachments.supported_mime_types`).
/// Source: https://docs.joinmastodon.org/user/posting/#media
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub max_characters: usize,
    pub max_media: usize,
    pub image_size_limit: u64,
    pub description_limit: usize,
    /// `None` when the instance does not list its types.
    pub mime_types: Option<Vec<String>>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_characters: DEFAULT_MAX_CHARACTERS,
            max_media: DEFAULT_MAX_MEDIA,
            image_size_limit: DEFAULT_IMAGE_SIZE_LIMIT,
            description_limit: DEFAULT_DESCRIPTION_LIMIT,
            mime_types: None,
        }
    }
}

impl Limits {
    /// Reads `configuration` of an `/api/v2/instance` answer, keeping the
    /// default for whatever is missing.
    pub fn from_instance(v: &Value) -> Limits {
        let c = &v["configuration"];
        let d = Limits::default();
        let num = |v: &Value| v.as_u64().filter(|n| *n > 0);
        Limits {
            max_characters: num(&c["statuses"]["max_characters"])
                .map_or(d.max_characters, |n| n as usize),
            max_media: num(&c["statuses"]["max_media_attachments"])
                .map_or(d.max_media, |n| n as usize),
            image_size_limit: num(&c["media_attachments"]["image_size_limit"])
                .unwrap_or(d.image_size_limit),
            description_limit: num(&c["media_attachments"]["description_limit"])
                .map_or(d.description_limit, |n| n as usize),
            mime_types: c["media_attachments"]["supported_mime_types"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                }),
        }
    }

    /// Checks text and media against the instance's limits.
    pub fn validate(&self, part: &PublishPart) -> ProviderResult<()> {
        let opts = CheckOptions {
            max_override: Some(self.max_characters),
            ..CheckOptions::default()
        };
        let mut violations: Vec<ContentViolation> = check(Platform::Mastodon, &part.text, &opts)
            .violations
            .into_iter()
            .filter(|v| v.code != ViolationCode::Empty || part.media.is_empty())
            .map(|v| ContentViolation {
                code: serde_json::to_value(v.code)
                    .ok()
                    .and_then(|c| c.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "invalid_text".into()),
                message: v.message,
            })
            .collect();
        if part.media.len() > self.max_media {
            violations.push(violation(
                "too_many_images",
                format!(
                    "this Mastodon instance allows at most {} attachments per post ({} given)",
                    self.max_media,
                    part.media.len()
                ),
            ));
        }
        for (i, m) in part.media.iter().enumerate() {
            if let Some(v) = self.check_media(i + 1, m) {
                violations.push(v);
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ProviderError::InvalidContent { violations })
        }
    }

    fn check_media(&self, n: usize, m: &MediaItem) -> Option<ContentViolation> {
        let accepted = match &self.mime_types {
            Some(types) => types.iter().any(|t| t == &m.mime) && m.mime.starts_with("image/"),
            None => IMAGE_MIME_TYPES.contains(&m.mime.as_str()),
        };
        if !accepted {
            return Some(violation(
                "unsupported_media_type",
                format!(
                    "image {n} is {}, which this instance does not accept",
                    m.mime
                ),
            ));
        }
        if m.data.len() as u64 > self.image_size_limit {
            return Some(violation(
                "image_too_large",
                format!(
                    "image {n} is {} bytes; this instance accepts at most {}",
                    m.data.len(),
                    self.image_size_limit
                ),
            ));
        }
        if m.alt
            .as_deref()
            .is_some_and(|a| a.chars().count() > self.description_limit)
        {
            return Some(violation(
                "alt_text_too_long",
                format!(
                    "the alt text of image {n} is longer than this instance's {} characters",
                    self.description_limit
                ),
            ));
        }
        None
    }
}

fn violation(code: &str, message: String) -> ContentViolation {
    ContentViolation {
        code: code.into(),
        message,
    }
}

/// The plain text of a status's HTML `content`, close to what was posted:
/// paragraphs become blank lines, `<br>` a newline, tags are dropped
/// (Mastodon keeps a link's full URL in its hidden spans) and entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") {
            out.push('\n');
        } else if tag == "/p" {
            out.push_str("\n\n");
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out.trim_end()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Whitespace-insensitive equality (Mastodon may normalise line breaks).
pub fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instance_configuration_overrides_the_defaults() {
        let v = json!({ "configuration": {
            "statuses": { "max_characters": 5000, "max_media_attachments": 8 },
            "media_attachments": { "supported_mime_types": ["image/png"], "image_size_limit": 10 }
        }});
        let l = Limits::from_instance(&v);
        assert_eq!(l.max_characters, 5000);
        assert_eq!(l.max_media, 8);
        assert_eq!(l.image_size_limit, 10);
        assert_eq!(l.description_limit, DEFAULT_DESCRIPTION_LIMIT);
        assert_eq!(Limits::from_instance(&json!({})), Limits::default());
    }

    #[test]
    fn status_html_reads_back_as_the_posted_text() {
        let html = "<p>Grüße &amp; <a href=\"https://example.com/a?b=c\" rel=\"nofollow\"><span class=\"invisible\">https://</span><span class=\"\">example.com/a?b=c</span></a><br />line two</p><p>&lt;3 <a href=\"https://m.example/tags/LetsGrow\" class=\"mention hashtag\">#<span>LetsGrow</span></a></p>";
        let text = html_to_text(html);
        assert_eq!(
            text,
            "Grüße & https://example.com/a?b=c\nline two\n\n<3 #LetsGrow"
        );
        assert!(same_text(
            &text,
            "Grüße & https://example.com/a?b=c\r\nline two\n\n<3 #LetsGrow"
        ));
    }
}
