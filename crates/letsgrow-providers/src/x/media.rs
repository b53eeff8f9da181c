//! Media: validation against X's documented limits, then the v2 chunked
//! upload (`initialize`, `append` per segment, `finalize`, status polling
//! while X processes), then alt text through `/2/media/metadata`.
//!
//! Segments are sent as JSON with the bytes in base64 (the spec's
//! `application/json` form of `append`), so every request validates against
//! the published spec.

use super::api::Req;
use super::session::Session;
use crate::{MediaItem, ProviderError, ProviderResult};
use base64::Engine as _;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Images per post: the spec's `media.media_ids` has `maxItems: 4`.
/// Source: https://docs.x.com/x-api/posts/create-post
pub const MAX_IMAGES: usize = 4;
/// Images up to 5 MB, animated GIFs up to 15 MB.
/// Source: https://docs.x.com/x-api/media/quickstart/best-practices
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_GIF_BYTES: u64 = 15 * 1024 * 1024;
/// Image types X accepts for posts.
/// Source: https://docs.x.com/x-api/media/quickstart/best-practices
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
/// Alt text: the spec's `CreateMediaMetadataMetadataAltText.text` has `maxLength: 1000`.
pub const MAX_ALT_CHARS: usize = 1000;
/// Bytes per `append` segment (the spec allows segment indexes 0–999).
pub const SEGMENT_BYTES: usize = 1024 * 1024;
/// How long to wait for X to process one upload.
const PROCESSING_DEADLINE: Duration = Duration::from_secs(60);

/// Checks a part's media before anything is sent.
pub fn validate(media: &[MediaItem]) -> ProviderResult<()> {
    if media.len() > MAX_IMAGES {
        return Err(ProviderError::invalid_content(
            "too_many_images",
            format!(
                "X allows at most {MAX_IMAGES} images per post ({} given)",
                media.len()
            ),
        ));
    }
    for (i, m) in media.iter().enumerate() {
        let n = i + 1;
        if !IMAGE_MIME_TYPES.contains(&m.mime.as_str()) {
            return Err(ProviderError::invalid_content(
                "unsupported_media_type",
                format!(
                    "image {n} is {}; X accepts {}",
                    m.mime,
                    IMAGE_MIME_TYPES.join(", ")
                ),
            ));
        }
        let limit = if m.mime == "image/gif" {
            MAX_GIF_BYTES
        } else {
            MAX_IMAGE_BYTES
        };
        if m.data.len() as u64 > limit {
            return Err(ProviderError::invalid_content(
                "image_too_large",
                format!(
                    "image {n} is {} bytes; X accepts at most {limit} bytes for {}",
                    m.data.len(),
                    m.mime
                ),
            ));
        }
        if m.alt
            .as_deref()
            .is_some_and(|a| a.chars().count() > MAX_ALT_CHARS)
        {
            return Err(ProviderError::invalid_content(
                "alt_text_too_long",
                format!("the alt text of image {n} is longer than X's {MAX_ALT_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

fn id_of(v: &Value, what: &str) -> ProviderResult<String> {
    let id = v["data"]["id"].as_str().unwrap_or_default();
    if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProviderError::transient(format!(
            "{what} answered without a numeric media id"
        )));
    }
    Ok(id.to_owned())
}

/// Uploads one image and sets its alt text; returns the media id.
pub(crate) async fn upload(s: &mut Session<'_>, m: &MediaItem) -> ProviderResult<String> {
    let category = if m.mime == "image/gif" {
        "tweet_gif"
    } else {
        "tweet_image"
    };
    let init = s
        .call(&Req::post(
            "/2/media/upload/initialize",
            Some(json!({
                "media_type": m.mime,
                "total_bytes": m.data.len(),
                "media_category": category,
            })),
            "POST /2/media/upload/initialize",
        ))
        .await?;
    let id = id_of(&init, "initialize")?;
    for (i, chunk) in m.data.chunks(SEGMENT_BYTES).enumerate() {
        s.call(&Req::post(
            format!("/2/media/upload/{id}/append"),
            Some(json!({
                "media": base64::engine::general_purpose::STANDARD.encode(chunk),
                "segment_index": i,
            })),
            "POST /2/media/upload/{id}/append",
        ))
        .await?;
    }
    let mut status = s
        .call(&Req::post(
            format!("/2/media/upload/{id}/finalize"),
            None,
            "POST /2/media/upload/{id}/finalize",
        ))
        .await?;
    let started = Instant::now();
    loop {
        let info = &status["data"]["processing_info"];
        match info["state"].as_str() {
            None | Some("succeeded") => break,
            Some("failed") => {
                return Err(ProviderError::invalid_content(
                    "media_processing_failed",
                    format!("X could not process image {id} ({})", m.mime),
                ));
            }
            Some(_) => {}
        }
        let wait = Duration::from_secs(info["check_after_secs"].as_u64().unwrap_or(1).clamp(1, 10));
        if started.elapsed() + wait > PROCESSING_DEADLINE {
            return Err(ProviderError::transient(format!(
                "X is still processing media {id} after {}s",
                PROCESSING_DEADLINE.as_secs()
            )));
        }
        tokio::time::sleep(wait).await;
        let mut r = Req::get("/2/media/upload", "GET /2/media/upload?command=STATUS");
        r.query = vec![("command", "STATUS".into()), ("media_id", id.clone())];
        status = s.call(&r).await?;
    }
    if let Some(alt) = m.alt.as_deref().filter(|a| !a.trim().is_empty()) {
        s.call(&Req::post(
            "/2/media/metadata",
            Some(json!({ "id": id, "metadata": { "alt_text": { "text": alt } } })),
            "POST /2/media/metadata",
        ))
        .await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(mime: &str, len: usize, alt: Option<&str>) -> MediaItem {
        MediaItem {
            mime: mime.into(),
            data: vec![0u8; len].into(),
            alt: alt.map(str::to_owned),
            public_url: None,
        }
    }

    #[test]
    fn limits_are_checked_before_upload() {
        let code = |r: ProviderResult<()>| match r {
            Err(ProviderError::InvalidContent { violations }) => violations[0].code.clone(),
            other => panic!("{other:?}"),
        };
        assert!(validate(&[item("image/png", 10, Some("a"))]).is_ok());
        assert_eq!(
            code(validate(&vec![item("image/png", 1, None); 5])),
            "too_many_images"
        );
        assert_eq!(
            code(validate(&[item("image/png", 5 * 1024 * 1024 + 1, None)])),
            "image_too_large"
        );
        assert!(validate(&[item("image/gif", 5 * 1024 * 1024 + 1, None)]).is_ok());
        assert_eq!(
            code(validate(&[item("video/mp4", 1, None)])),
            "unsupported_media_type"
        );
        assert_eq!(
            code(validate(&[item("image/png", 1, Some(&"a".repeat(1001)))])),
            "alt_text_too_long"
        );
    }
}
