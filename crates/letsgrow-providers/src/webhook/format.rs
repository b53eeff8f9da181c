//! Request bodies per webhook format, and the signature.

use crate::{ContentViolation, ProviderError, ProviderResult, PublishPart};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

pub use letsgrow_core::text::DISCORD_MAX_CONTENT;
/// The body layout a webhook expects, and its receiver's text limits (core
/// declares them so the composer and the save check count the same way).
pub use letsgrow_core::text::WebhookFormat as Format;
use letsgrow_core::text::{SLACK_MAX_TEXT, SLACK_SECTION_MAX, slack_escape};

/// Discord's embeds per message.
pub const DISCORD_MAX_EMBEDS: usize = 10;
/// Slack's blocks per message.
const SLACK_MAX_BLOCKS: usize = 50;

/// `sha256=<hex HMAC-SHA256 of body keyed with secret>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length; the Err arm cannot happen.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The absolute media URLs of a part, or InvalidContent.
fn media_urls(part: &PublishPart) -> ProviderResult<Vec<(String, &crate::MediaItem)>> {
    let mut out = Vec::new();
    let mut violations = Vec::new();
    for (i, m) in part.media.iter().enumerate() {
        match m.public_url.as_deref().map(url::Url::parse) {
            Some(Ok(u)) if matches!(u.scheme(), "http" | "https") => out.push((u.to_string(), m)),
            _ => violations.push(ContentViolation {
                code: "media_url".into(),
                message: format!(
                    "media item {} has no absolute http(s) URL a webhook receiver could fetch",
                    i + 1
                ),
            }),
        }
    }
    if violations.is_empty() {
        Ok(out)
    } else {
        Err(ProviderError::InvalidContent { violations })
    }
}

pub fn generic(channel_id: &str, part: &PublishPart) -> ProviderResult<Value> {
    let media = media_urls(part)?;
    Ok(json!({
        "event": "publish",
        "post_id": part.post_id,
        "channel_id": channel_id,
        "part_index": part.part_index,
        "idempotency_key": part.idempotency_key,
        "text": part.text,
        "link": part.link,
        "scheduled_at": part.scheduled_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "media": media.iter().map(|(u, _)| u.clone()).collect::<Vec<_>>(),
        "media_details": media.iter().map(|(u, m)| json!({ "url": u, "mime": m.mime, "alt": m.alt })).collect::<Vec<_>>(),
        "reply_to": part.reply_to.as_ref().map(|r| json!({
            "root": r.root.external_id,
            "parent": r.parent.external_id,
        })),
    }))
}

fn text_with_link(part: &PublishPart) -> String {
    match &part.link {
        Some(link) if !part.text.contains(link.as_str()) => format!("{}\n{link}", part.text),
        _ => part.text.clone(),
    }
}

pub fn discord(part: &PublishPart) -> ProviderResult<Value> {
    let media = media_urls(part)?;
    let content = text_with_link(part);
    let mut violations = Vec::new();
    let len = content.chars().count();
    if len > DISCORD_MAX_CONTENT {
        violations.push(ContentViolation {
            code: "too_long".into(),
            message: format!(
                "Discord messages hold at most {DISCORD_MAX_CONTENT} characters; this one has {len}"
            ),
        });
    }
    if media.len() > DISCORD_MAX_EMBEDS {
        violations.push(ContentViolation {
            code: "too_many_images".into(),
            message: format!(
                "Discord messages hold at most {DISCORD_MAX_EMBEDS} images; this one has {}",
                media.len()
            ),
        });
    }
    if content.trim().is_empty() && media.is_empty() {
        violations.push(ContentViolation {
            code: "empty".into(),
            message: "the message is empty".into(),
        });
    }
    if !violations.is_empty() {
        return Err(ProviderError::InvalidContent { violations });
    }
    let embeds: Vec<Value> = media
        .iter()
        .map(|(u, m)| match &m.alt {
            Some(alt) if !alt.is_empty() => json!({ "image": { "url": u }, "description": alt }),
            _ => json!({ "image": { "url": u } }),
        })
        .collect();
    let mut body = json!({ "content": content });
    if !embeds.is_empty() {
        body["embeds"] = Value::Array(embeds);
    }
    Ok(body)
}

pub fn slack(part: &PublishPart) -> ProviderResult<Value> {
    let media = media_urls(part)?;
    let text = slack_escape(&text_with_link(part));
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > SLACK_MAX_TEXT {
        return Err(ProviderError::invalid_content(
            "too_long",
            format!(
                "Slack messages hold at most {SLACK_MAX_TEXT} characters (with & < > counted as Slack receives them); this one has {}",
                chars.len()
            ),
        ));
    }
    let mut blocks: Vec<Value> = chars
        .chunks(SLACK_SECTION_MAX)
        .map(|c| json!({ "type": "section", "text": { "type": "mrkdwn", "text": c.iter().collect::<String>() } }))
        .collect();
    for (u, m) in &media {
        let alt = m
            .alt
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "image".into());
        blocks.push(json!({ "type": "image", "image_url": u, "alt_text": alt }));
    }
    if blocks.len() > SLACK_MAX_BLOCKS {
        return Err(ProviderError::invalid_content(
            "too_long",
            format!(
                "the message needs {} Slack blocks; Slack allows {SLACK_MAX_BLOCKS}",
                blocks.len()
            ),
        ));
    }
    if text.trim().is_empty() && media.is_empty() {
        return Err(ProviderError::invalid_content(
            "empty",
            "the message is empty",
        ));
    }
    Ok(json!({ "text": text, "blocks": blocks }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MediaItem, RemotePost, ReplyRef};

    fn part() -> PublishPart {
        PublishPart {
            idempotency_key: "post-1:chan-1:1".into(),
            post_id: "post-1".into(),
            part_index: 1,
            text: "a <b> & c".into(),
            media: vec![MediaItem {
                mime: "image/png".into(),
                data: Default::default(),
                alt: Some("a cat".into()),
                public_url: Some("https://media.example/cat.png".into()),
            }],
            link: None,
            reply_to: Some(ReplyRef {
                root: RemotePost {
                    external_id: "r".into(),
                    url: None,
                    extra: Value::Null,
                },
                parent: RemotePost {
                    external_id: "p".into(),
                    url: None,
                    extra: Value::Null,
                },
            }),
            scheduled_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn bodies_per_format() {
        let g = generic("chan-1", &part()).unwrap();
        assert_eq!(g["scheduled_at"], "2027-01-15T08:00:00Z");
        assert_eq!(g["media"], json!(["https://media.example/cat.png"]));
        assert_eq!(g["reply_to"], json!({ "root": "r", "parent": "p" }));
        assert_eq!(g["part_index"], 1);
        let d = discord(&part()).unwrap();
        assert_eq!(d["content"], "a <b> & c");
        assert_eq!(
            d["embeds"][0]["image"]["url"],
            "https://media.example/cat.png"
        );
        let s = slack(&part()).unwrap();
        assert_eq!(s["text"], "a &lt;b&gt; &amp; c");
        assert_eq!(
            s["blocks"][1],
            json!({ "type": "image", "image_url": "https://media.example/cat.png", "alt_text": "a cat" })
        );
        let mut no_url = part();
        no_url.media[0].public_url = Some("/relative.png".into());
        assert!(matches!(
            generic("c", &no_url),
            Err(ProviderError::InvalidContent { .. })
        ));
        let mut long = part();
        long.text = "x".repeat(2_001);
        assert!(matches!(
            discord(&long),
            Err(ProviderError::InvalidContent { .. })
        ));
        // Slack: the limit is on the escaped text, as core counts it.
        let mut amp = part();
        amp.text = "&".repeat(8_001);
        assert_eq!(Format::Slack.length(&amp.text), 40_005);
        assert!(matches!(
            slack(&amp),
            Err(ProviderError::InvalidContent { .. })
        ));
        amp.text = "&".repeat(8_000);
        assert!(slack(&amp).is_ok());
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("Discord"), Some(Format::Discord));
        assert_eq!(Format::parse(""), Some(Format::Generic));
        assert_eq!(Format::parse("teams"), None);
    }
}
