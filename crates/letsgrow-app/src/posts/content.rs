//! What a post says: ordered parts (one part is a single post, several a
//! thread), each with text and media, plus an optional link. Stored as JSON
//! in `posts.content` and, for a per-channel variant, `post_targets.content`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The longest text of one part, in characters, on every way in (JSON, CSV
/// import, and later imports and AI drafts): above every platform's limit.
pub const MAX_PART_CHARS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// One part for a single post; several for a thread, published in order.
    #[schema(min_items = 1, max_items = 25)]
    pub parts: Vec<Part>,
    /// A link to attach (platforms that show link cards use it; others append it).
    #[serde(default)]
    #[schema(max_length = 2048, pattern = "^[^\\u0000]*$")]
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Part {
    #[schema(max_length = 100000, pattern = "^[^\\u0000]*$")]
    pub text: String,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub media: Vec<MediaRef>,
}

/// An item from the media library, with alt text for this use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    #[schema(max_length = 64, pattern = "^[^\\u0000]*$")]
    pub id: String,
    #[serde(default)]
    #[schema(max_length = 1500, pattern = "^[^\\u0000]*$")]
    pub alt: Option<String>,
}

impl Content {
    pub fn single(text: impl Into<String>) -> Self {
        Content {
            parts: vec![Part {
                text: text.into(),
                media: Vec::new(),
            }],
            link: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"parts\":[]}".into())
    }

    pub fn from_json(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("stored post content is unreadable: {e}"))
    }

    /// The limits every post obeys whatever its channel or how it came in:
    /// each part's text at most [`MAX_PART_CHARS`] and no NUL characters.
    /// Errors are keyed `<prefix>.parts[i].text`.
    pub fn check_limits(&self, prefix: &str) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        for (i, part) in self.parts.iter().enumerate() {
            let key = format!("{prefix}.parts[{i}].text");
            // Cheap before counting: a text under the cap in bytes is under it in characters.
            if part.text.len() > MAX_PART_CHARS && part.text.chars().count() > MAX_PART_CHARS {
                errors.push((
                    key,
                    format!("is too long: at most {MAX_PART_CHARS} characters"),
                ));
            } else if part.text.contains('\0') {
                errors.push((key, "must not contain NUL characters".into()));
            }
        }
        errors
    }

    /// The duplicate-guard key: SHA-256 of the parts' text with whitespace
    /// collapsed and case folded, so trivial edits still count as the same post.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for p in &self.parts {
            let norm: Vec<String> = p.text.split_whitespace().map(str::to_lowercase).collect();
            h.update(norm.join(" ").as_bytes());
            h.update([0u8]);
        }
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_spacing_and_case_but_not_words() {
        let a = Content::single("Hello   World\n");
        let b = Content::single("hello world");
        let c = Content::single("hello there");
        assert_eq!(a.hash(), b.hash());
        assert_ne!(a.hash(), c.hash());
        let round = Content::from_json(&a.to_json()).unwrap();
        assert_eq!(round, a);
    }

    #[test]
    fn limits_hold_for_any_channel() {
        assert!(
            Content::single("a".repeat(MAX_PART_CHARS))
                .check_limits("c")
                .is_empty()
        );
        assert!(
            Content::single("é".repeat(MAX_PART_CHARS))
                .check_limits("c")
                .is_empty()
        );
        let long = Content::single("a".repeat(MAX_PART_CHARS + 1)).check_limits("c");
        assert_eq!(long.len(), 1);
        assert_eq!(long[0].0, "c.parts[0].text");
        assert_eq!(Content::single("a\0b").check_limits("c").len(), 1);
    }
}
