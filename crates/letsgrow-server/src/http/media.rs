//! `/api/v1/media*`: the media library.

use crate::error::{ApiError, ErrorCode};
use crate::extract::{ApiPath, ApiQuery};
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use letsgrow_app::media::{MAX_UPLOAD_BYTES, MediaError};
use letsgrow_core::time::rfc3339;
use letsgrow_db::media::MediaRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Signed media links shown in the UI stay valid this long.
const UI_URL_TTL_SECS: i64 = 3600;

#[derive(Serialize, ToSchema)]
pub struct Media {
    pub id: String,
    pub filename: String,
    /// Detected from the bytes: `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub mime: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    #[schema(format = "date-time")]
    pub created_at: String,
    /// A signed link (valid for an hour) for previews.
    pub url: String,
}

fn view(state: &AppState, m: MediaRow) -> Media {
    Media {
        url: state.media.signed_path(&m.id, UI_URL_TTL_SECS),
        id: m.id,
        filename: m.filename,
        mime: m.mime,
        bytes: m.bytes,
        width: m.width,
        height: m.height,
        created_at: rfc3339(m.created_at),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The original file name (shown in the library).
    #[param(max_length = 255)]
    pub filename: Option<String>,
}

/// The raw bytes of an image file (documentation type for the upload body).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageFile(#[allow(dead_code)] Vec<u8>);

/// Upload an image to the media library (the raw file as the body). The type is
/// read from the bytes, the whole file structure is checked, and location and
/// other metadata (EXIF, XMP, IPTC, text chunks) are removed before storing.
#[utoipa::path(post, path = "/api/v1/media", operation_id = "media_upload", tag = "posts",
    security(("bearer" = [])),
    params(UploadQuery),
    request_body(content = ImageFile, content_type = "application/octet-stream", description = "The image file: JPEG, PNG, GIF or WebP, at most 16 MiB"),
    responses(
        (status = 201, description = "Stored", body = Media),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "Larger than 16 MiB, or over your media quota (`details.quota_bytes`)", body = crate::error::ErrorBody),
        (status = 415, description = "Not a complete JPEG, PNG, GIF or WebP image", body = crate::error::ErrorBody),
        (status = 422, description = "Empty file", body = crate::error::ErrorBody),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiQuery(q): ApiQuery<UploadQuery>,
    req: axum::extract::Request,
) -> Result<(StatusCode, axum::Json<Media>), ApiError> {
    let body = crate::extract::read_limited(req, MAX_UPLOAD_BYTES).await?;
    if q.filename.as_ref().is_some_and(|f| f.chars().count() > 255) {
        return Err(ApiError::field(
            "filename",
            "must be at most 255 characters",
        ));
    }
    let name = q.filename.unwrap_or_else(|| "image".into());
    let row = state
        .media
        .upload(&who.user.id, &name, &body)
        .await
        .map_err(|e| match e {
            MediaError::Unsupported(m) => ApiError::new(ErrorCode::UnsupportedMediaType, m),
            MediaError::Empty => ApiError::field("body", "the file is empty"),
            MediaError::QuotaExceeded { used, quota } => ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "Your media library is full: {} MiB of {} MiB are used, and this file does not fit. Ask the administrator to raise media.quota_bytes_per_user.",
                    used / (1024 * 1024),
                    quota / (1024 * 1024)
                ),
            )
            .with_detail("used_bytes", used)
            .with_detail("quota_bytes", quota),
            MediaError::Internal(m) => ApiError::internal(m),
        })?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, row))))
}

/// Your media library, newest first (latest 200).
#[utoipa::path(get, path = "/api/v1/media", operation_id = "media_list", tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Media", body = Vec<Media>),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<axum::Json<Vec<Media>>, ApiError> {
    let rows = state.media.list(&who.user.id).await?;
    Ok(axum::Json(
        rows.into_iter().map(|m| view(&state, m)).collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MediaUsage {
    /// Bytes your media library holds.
    pub used_bytes: u64,
    /// Bytes it may hold (`media.quota_bytes_per_user`).
    pub quota_bytes: u64,
    pub files: u64,
}

/// How much of your media quota is used (shown in Settings).
#[utoipa::path(get, path = "/api/v1/media/usage", operation_id = "media_usage", tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Usage and quota", body = MediaUsage),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn usage(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<axum::Json<MediaUsage>, ApiError> {
    let (used_bytes, files, quota_bytes) = state.media.usage(&who.user.id).await?;
    Ok(axum::Json(MediaUsage {
        used_bytes,
        quota_bytes,
        files,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SignedQuery {
    /// Unix seconds.
    pub expires: i64,
    /// The link's HMAC-SHA256, hex.
    #[param(pattern = "^[0-9a-f]{64}$")]
    pub sig: String,
}

/// A media file through a signed, expiring link (what platforms that fetch by URL, and previews, use).
#[utoipa::path(get, path = "/api/v1/media/{id}/public", operation_id = "media_public", tag = "posts",
    params(("id" = String, Path, description = "Media id"), SignedQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = ImageFile),
        (status = 404, description = "No such file, or the link expired or is forged", body = crate::error::ErrorBody),
        (status = 422, description = "Malformed link", body = crate::error::ErrorBody),
    ))]
pub async fn public(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<SignedQuery>,
) -> Result<axum::response::Response, ApiError> {
    let gone = || ApiError::not_found("This media link does not exist or has expired.");
    if !state.media.verify(&id, q.expires, &q.sig) {
        return Err(gone());
    }
    let row = state.media.get(&id).await?.ok_or_else(gone)?;
    let data = state.media.read(&id).await.map_err(|_| gone())?;
    Ok((
        [
            (header::CONTENT_TYPE, row.mime),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        data,
    )
        .into_response())
}
