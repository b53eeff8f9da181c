//! Building `app.bsky.feed.post` records: validation before any upload,
//! facets (mentions resolved to DIDs), images, reply refs.

use super::session::Session;
use super::xrpc::{Body, Xrpc};
use crate::{ContentViolation, MediaItem, ProviderError, ProviderResult, PublishPart, RemotePost};
use letsgrow_core::Platform;
use letsgrow_core::text::{self, FacetKind};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

/// `app.bsky.embed.images`: at most 4 images.
pub const MAX_IMAGES: usize = 4;
/// `app.bsky.embed.images#image.image`: `maxSize` 1,000,000 bytes.
pub const MAX_IMAGE_BYTES: u64 = 1_000_000;
/// The image types we send (the lexicon accepts `image/*`).
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/gif"];

/// Checks a part against Bluesky's rules, with no network call.
pub fn validate(part: &PublishPart) -> ProviderResult<()> {
    let mut violations: Vec<ContentViolation> =
        text::check(Platform::Bluesky, &part.text, &Default::default())
            .violations
            .into_iter()
            .map(|v| ContentViolation {
                code: serde_json::to_value(v.code)
                    .ok()
                    .and_then(|c| c.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "text".into()),
                message: v.message,
            })
            .collect();
    if part.media.len() > MAX_IMAGES {
        violations.push(ContentViolation {
            code: "too_many_images".into(),
            message: format!(
                "Bluesky accepts at most {MAX_IMAGES} images per post; this part has {}",
                part.media.len()
            ),
        });
    }
    for (i, m) in part.media.iter().enumerate() {
        violations.extend(check_image(i + 1, m));
    }
    if let Some(r) = &part.reply_to {
        for (what, p) in [("root", &r.root), ("parent", &r.parent)] {
            if cid_of(p).is_none() {
                violations.push(ContentViolation {
                    code: "reply_ref".into(),
                    message: format!("the reply {what} {} has no cid", p.external_id),
                });
            }
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ProviderError::InvalidContent { violations })
    }
}

fn check_image(n: usize, m: &MediaItem) -> Vec<ContentViolation> {
    let mut out = Vec::new();
    if !IMAGE_MIME_TYPES.contains(&m.mime.as_str()) {
        out.push(ContentViolation {
            code: "unsupported_media_type".into(),
            message: format!(
                "image {n} is {}; Bluesky posts take {}",
                m.mime,
                IMAGE_MIME_TYPES.join(", ")
            ),
        });
    }
    let size = m.data.len() as u64;
    if size > MAX_IMAGE_BYTES {
        out.push(ContentViolation {
            code: "image_too_large".into(),
            message: format!("image {n} is {size} bytes; Bluesky accepts at most {MAX_IMAGE_BYTES} bytes per image"),
        });
    }
    out
}

pub fn cid_of(p: &RemotePost) -> Option<&str> {
    p.extra.get("cid").and_then(Value::as_str)
}

fn strong_ref(p: &RemotePost) -> Value {
    json!({ "uri": p.external_id, "cid": cid_of(p).unwrap_or_default() })
}

/// Facets as JSON, with mention handles resolved to DIDs on the PDS; a mention
/// whose handle does not resolve (4xx) is dropped, other failures abort.
pub async fn facets(s: &mut Session<'_>, text: &str) -> ProviderResult<Vec<Value>> {
    let mut resolved: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::new();
    for f in text::detect_facets(text) {
        let feature = match f.kind {
            FacetKind::Link => json!({ "$type": "app.bsky.richtext.facet#link", "uri": f.value }),
            FacetKind::Tag => json!({ "$type": "app.bsky.richtext.facet#tag", "tag": f.value }),
            FacetKind::Mention => {
                let did = match resolved.get(&f.value) {
                    Some(d) => d.clone(),
                    None => {
                        let d = resolve_handle(s, &f.value).await?;
                        resolved.insert(f.value.clone(), d.clone());
                        d
                    }
                };
                match did {
                    Some(did) => json!({ "$type": "app.bsky.richtext.facet#mention", "did": did }),
                    None => continue,
                }
            }
        };
        out.push(json!({
            "index": { "byteStart": f.byte_start, "byteEnd": f.byte_end },
            "features": [feature],
        }));
    }
    Ok(out)
}

async fn resolve_handle(s: &mut Session<'_>, handle: &str) -> ProviderResult<Option<String>> {
    let x = Xrpc::get(
        "com.atproto.identity.resolveHandle",
        vec![("handle", handle.to_owned())],
    );
    match s.call_raw(&x).await {
        Ok(v) => Ok(v.get("did").and_then(Value::as_str).map(str::to_owned)),
        Err(f)
            if f.status()
                .is_some_and(|st| (400..500).contains(&st) && st != 429)
                && !super::xrpc::is_auth(&f) =>
        {
            Ok(None)
        }
        Err(f) => Err(super::xrpc::classify(f, s.service(), &x)),
    }
}

/// Uploads the part's images (content-addressed: a retry yields the same refs).
pub async fn images(s: &mut Session<'_>, media: &[MediaItem]) -> ProviderResult<Option<Value>> {
    if media.is_empty() {
        return Ok(None);
    }
    let mut images = Vec::new();
    for m in media {
        let x = Xrpc {
            method: Method::POST,
            nsid: "com.atproto.repo.uploadBlob",
            query: Vec::new(),
            body: Body::Blob {
                mime: m.mime.clone(),
                data: m.data.clone(),
            },
            write: true,
        };
        let v = s.call(&x).await?;
        let blob = v.get("blob").cloned().ok_or_else(|| {
            ProviderError::permanent("com.atproto.repo.uploadBlob answered without a blob")
        })?;
        images.push(json!({ "alt": m.alt.clone().unwrap_or_default(), "image": blob }));
    }
    Ok(Some(
        json!({ "$type": "app.bsky.embed.images", "images": images }),
    ))
}

/// The post record. `createdAt` is the part's schedule, so a retry builds
/// the identical record (and the PDS answers it as a no-op).
pub fn post_record(part: &PublishPart, facets: Vec<Value>, embed: Option<Value>) -> Value {
    let mut r = json!({
        "$type": "app.bsky.feed.post",
        "text": part.text,
        "createdAt": created_at(part),
    });
    if !facets.is_empty() {
        r["facets"] = Value::Array(facets);
    }
    if let Some(e) = embed {
        r["embed"] = e;
    }
    if let Some(reply) = &part.reply_to {
        r["reply"] =
            json!({ "root": strong_ref(&reply.root), "parent": strong_ref(&reply.parent) });
    }
    r
}

pub fn created_at(part: &PublishPart) -> String {
    part.scheduled_at
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn part(text: &str, media: Vec<MediaItem>) -> PublishPart {
        PublishPart {
            idempotency_key: "k".into(),
            post_id: "p".into(),
            part_index: 0,
            text: text.into(),
            media,
            link: None,
            reply_to: None,
            scheduled_at: Utc::now(),
        }
    }

    fn image(len: usize, mime: &str) -> MediaItem {
        MediaItem {
            mime: mime.into(),
            data: vec![0u8; len].into(),
            alt: None,
            public_url: None,
        }
    }

    fn codes(e: ProviderError) -> Vec<String> {
        match e {
            ProviderError::InvalidContent { violations } => {
                violations.into_iter().map(|v| v.code).collect()
            }
            other => panic!("not InvalidContent: {other:?}"),
        }
    }

    #[test]
    fn limits_are_enforced_before_any_upload() {
        assert!(validate(&part("hello", vec![image(1_000_000, "image/png")])).is_ok());
        let e = validate(&part("hello", vec![image(1_000_001, "image/png")])).unwrap_err();
        assert_eq!(codes(e), ["image_too_large"]);
        let e = validate(&part(
            "hello",
            (0..5).map(|_| image(10, "image/jpeg")).collect(),
        ))
        .unwrap_err();
        assert_eq!(codes(e), ["too_many_images"]);
        let e = validate(&part("  ", vec![image(10, "video/mp4")])).unwrap_err();
        assert_eq!(codes(e), ["empty", "unsupported_media_type"]);
        let e = validate(&part(&"a".repeat(301), vec![])).unwrap_err();
        assert_eq!(codes(e), ["too_long"]);
    }

    #[test]
    fn the_record_is_a_pure_function_of_the_part() {
        let p = part("hi", vec![]);
        assert_eq!(post_record(&p, vec![], None), post_record(&p, vec![], None));
        let r = post_record(&p, vec![], None);
        assert_eq!(r["createdAt"], json!(created_at(&p)));
        assert!(r.get("facets").is_none() && r.get("reply").is_none());
    }
}
