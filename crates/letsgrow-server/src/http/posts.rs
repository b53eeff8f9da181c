//! `/api/v1/posts*` (create, list, get, update, cancel, publish now): thin
//! handlers over `PostService`. CSV import/export is in `csv.rs`, queue slots
//! and time resolution in `schedule.rs`.

use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use letsgrow_app::posts::content::Content;
use letsgrow_app::posts::{PostDetail, PostError, PostInput, When, describe};
use letsgrow_core::Platform;
use letsgrow_core::schedule::Resolution;
use letsgrow_core::time::rfc3339;
use letsgrow_db::posts::{TargetFilter, state as st};
use letsgrow_providers::RemotePost;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

impl From<PostError> for ApiError {
    fn from(e: PostError) -> Self {
        match e {
            PostError::Validation(fields) => {
                let mut f = FieldErrors::default();
                for (k, v) in fields {
                    f.add(&k, v);
                }
                ApiError::validation(f)
            }
            PostError::NotFound => ApiError::not_found("There is no such post or channel."),
            PostError::Duplicate(list) => ApiError::new(
                ErrorCode::DuplicatePost,
                "The same text went to this channel in the last 7 days. Send again with `allow_duplicate: true` to post it anyway.",
            )
            .with_detail(
                "duplicates",
                serde_json::Value::Array(
                    list.into_iter()
                        .map(|(c, p)| serde_json::json!({ "channel_id": c, "post_id": p }))
                        .collect(),
                ),
            ),
            PostError::Conflict(m) => ApiError::new(ErrorCode::Conflict, m),
            PostError::Internal(m) => ApiError::internal(m),
        }
    }
}

// ---------------------------------------------------------------------------
// Schemas

/// When to publish.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleMode {
    /// Save without scheduling.
    Draft,
    /// At `at` (RFC 3339 with offset).
    At,
    /// At the wall time `local` in `timezone` (default: your zone); DST gaps and overlaps are resolved and reported.
    Local,
    /// Each channel's next free weekly slot.
    Queue,
    /// As soon as possible.
    Now,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub mode: ScheduleMode,
    /// For `at`: an RFC 3339 instant, e.g. `2026-12-01T09:00:00Z`.
    #[schema(
        format = "date-time",
        max_length = 64,
        pattern = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$"
    )]
    pub at: Option<String>,
    /// For `local`: `YYYY-MM-DDTHH:MM` wall time.
    #[schema(
        max_length = 32,
        pattern = "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?$"
    )]
    pub local: Option<String>,
    /// For `local`: an IANA zone; default your account's zone.
    #[schema(schema_with = crate::http::timezone_schema)]
    pub timezone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    #[schema(min_items = 1, max_items = 50)]
    pub channel_ids: Vec<String>,
    pub content: Content,
    /// Per-channel variants by channel id (replace `content` for that channel).
    #[serde(default)]
    pub variants: BTreeMap<String, Content>,
    pub schedule: Schedule,
    /// Save even when the same text went to a channel in the last 7 days.
    #[serde(default)]
    pub allow_duplicate: bool,
}

/// A channel's variant, or `null` to remove it (documentation type).
#[derive(ToSchema)]
pub struct VariantOrNull(#[allow(dead_code)] Option<Content>);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    pub content: Option<Content>,
    /// Per-channel variants to set (`null` removes a channel's variant).
    #[schema(value_type = Option<BTreeMap<String, VariantOrNull>>)]
    pub variants: Option<BTreeMap<String, Option<Content>>>,
    /// A new schedule for every channel not yet published.
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishNowRequest {
    /// Only these targets (e.g. one failed channel to retry). Default: every draft, scheduled or failed one.
    #[schema(max_items = 50)]
    pub target_ids: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetError {
    /// `platform_rejected`, `channel_needs_reconnect`, `rate_limited`, `outcome_unknown`, `platform_unavailable`, `invalid_content`, …
    pub code: String,
    /// What went wrong, with the platform's own message.
    pub message: String,
    /// The thread part (0-based) that failed, when it was one.
    pub part: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PublishedPart {
    pub external_id: String,
    pub url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetEvent {
    #[schema(format = "date-time")]
    pub at: String,
    #[schema(value_type = Option<TargetState>)]
    pub from: Option<String>,
    #[schema(value_type = TargetState)]
    pub to: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct PostTarget {
    pub id: String,
    pub channel_id: String,
    pub platform: Option<Platform>,
    pub handle: Option<String>,
    /// `unconfirmed`: the last attempt's outcome is unknown; the next one checks the platform first.
    #[schema(value_type = TargetState)]
    pub state: String,
    #[schema(format = "date-time")]
    pub scheduled_at: Option<String>,
    /// When the next attempt or reconciliation runs (retries).
    #[schema(format = "date-time")]
    pub next_attempt_at: Option<String>,
    pub attempts: i64,
    /// This channel's variant, when it has one.
    pub variant: Option<Content>,
    /// Link to the published post (first part of a thread).
    pub url: Option<String>,
    #[schema(format = "date-time")]
    pub published_at: Option<String>,
    /// The latest problem: why it failed, or why it is waiting.
    pub error: Option<TargetError>,
    /// The platform's post for each part published so far.
    pub parts: Vec<PublishedPart>,
    /// Every state change, oldest first (only on `posts_get`).
    pub history: Vec<TargetEvent>,
}

#[derive(Serialize, ToSchema)]
pub struct Post {
    pub id: String,
    pub content: Content,
    /// The zone the post was scheduled in.
    pub timezone: String,
    /// The wall time picked (`YYYY-MM-DDTHH:MM`), when scheduled by local time.
    pub local_time: Option<String>,
    /// `composer`, `csv` or `api`.
    pub source: String,
    #[schema(format = "date-time")]
    pub created_at: String,
    #[schema(format = "date-time")]
    pub updated_at: String,
    pub targets: Vec<PostTarget>,
    /// How a local time was resolved across a DST change (only in the response that scheduled it).
    pub schedule_note: Option<String>,
}

fn post_view(d: PostDetail) -> Post {
    let note = match (&d.resolution, d.post.timezone.parse::<Tz>()) {
        (Some(r @ (Resolution::Gap { .. } | Resolution::Overlap { .. })), Ok(tz)) => {
            Some(describe(r, tz))
        }
        _ => None,
    };
    let targets = d
        .targets
        .into_iter()
        .map(|(t, c)| {
            let remote: Vec<RemotePost> = serde_json::from_str(&t.remote).unwrap_or_default();
            PostTarget {
                history: d
                    .events
                    .iter()
                    .filter(|e| e.target_id == t.id)
                    .map(|e| TargetEvent {
                        at: rfc3339(e.at),
                        from: e.from_state.clone(),
                        to: e.to_state.clone(),
                        message: e.message.clone(),
                    })
                    .collect(),
                id: t.id,
                channel_id: t.channel_id,
                platform: c.as_ref().and_then(|c| c.platform.parse().ok()),
                handle: c.map(|c| c.handle),
                scheduled_at: t.scheduled_at.map(rfc3339),
                next_attempt_at: if [st::SCHEDULED, st::UNCONFIRMED].contains(&t.state.as_str())
                    && t.attempts > 0
                {
                    t.next_attempt_at.map(rfc3339)
                } else {
                    None
                },
                state: t.state,
                attempts: t.attempts,
                variant: t
                    .content
                    .as_deref()
                    .and_then(|s| Content::from_json(s).ok()),
                url: t.url,
                published_at: t.published_at.map(rfc3339),
                error: t.error_message.map(|m| TargetError {
                    code: t.error_code.unwrap_or_else(|| "error".into()),
                    message: m,
                    part: t.error_part,
                }),
                parts: remote
                    .into_iter()
                    .map(|r| PublishedPart {
                        external_id: r.external_id,
                        url: r.url,
                    })
                    .collect(),
            }
        })
        .collect();
    Post {
        id: d.post.id,
        content: d.content,
        timezone: d.post.timezone,
        local_time: d.post.local_time,
        source: d.post.source,
        created_at: rfc3339(d.post.created_at),
        updated_at: rfc3339(d.post.updated_at),
        targets,
        schedule_note: note,
    }
}

fn parse_when(s: &Schedule, errors: &mut FieldErrors) -> Option<When> {
    match s.mode {
        ScheduleMode::Draft => Some(When::Draft),
        ScheduleMode::Now => Some(When::Now),
        ScheduleMode::Queue => Some(When::Queue),
        ScheduleMode::At => match s.at.as_deref().map(DateTime::parse_from_rfc3339) {
            Some(Ok(t)) => Some(When::At(t.with_timezone(&Utc))),
            Some(Err(_)) => {
                errors.add(
                    "schedule.at",
                    "must be an RFC 3339 instant with an offset, e.g. 2026-12-01T09:00:00Z",
                );
                None
            }
            None => {
                errors.add("schedule.at", "is required when mode is `at`");
                None
            }
        },
        ScheduleMode::Local => {
            let tz = match s.timezone.as_deref() {
                Some(z) => match z.parse::<Tz>() {
                    Ok(tz) => Some(tz),
                    Err(_) => {
                        errors.add("schedule.timezone", "is not an IANA time zone");
                        None
                    }
                },
                None => Some(Tz::UTC),
            };
            let local = match s.local.as_deref().map(parse_local) {
                Some(Some(l)) => Some(l),
                Some(None) => {
                    errors.add("schedule.local", "must be a wall time YYYY-MM-DDTHH:MM");
                    None
                }
                None => {
                    errors.add("schedule.local", "is required when mode is `local`");
                    None
                }
            };
            Some(When::Local(local?, tz?))
        }
    }
}

pub(crate) fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().replace(' ', "T");
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
}

/// `mode: local` without a zone means the user's zone.
async fn with_user_zone(state: &AppState, user_id: &str, when: When, explicit: bool) -> When {
    match when {
        When::Local(l, _) if !explicit => {
            let tz = state.auth.user_zone(user_id).await.unwrap_or(Tz::UTC);
            When::Local(l, tz)
        }
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Handlers

/// Create a post for one or more channels: draft, at an instant, at a local time, into the queue, or now.
#[utoipa::path(post, path = "/api/v1/posts", operation_id = "posts_create", tag = "posts",
    security(("bearer" = [])),
    request_body = CreatePostRequest,
    responses(
        (status = 201, description = "Created; each channel's target has its own state", body = Post),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 409, description = "Same text to the same channel within 7 days (`duplicate_post`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields, incl. each channel's text rules", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<CreatePostRequest>,
) -> Result<(StatusCode, axum::Json<Post>), ApiError> {
    let mut errors = FieldErrors::default();
    let when = parse_when(&req.schedule, &mut errors);
    errors.into_result()?;
    let Some(when) = when else {
        return Err(ApiError::field("schedule", "is invalid"));
    };
    let when = with_user_zone(&state, &who.user.id, when, req.schedule.timezone.is_some()).await;
    let detail = state
        .posts
        .create(
            &who.user.id,
            PostInput {
                channel_ids: req.channel_ids,
                content: req.content,
                variants: req.variants,
                when,
                allow_duplicate: req.allow_duplicate,
                source: "composer",
            },
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(post_view(detail))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only posts with a target in this state.
    #[param(inline)]
    pub state: Option<TargetState>,
    /// Only posts with a target on this channel.
    #[param(max_length = 64)]
    pub channel_id: Option<String>,
    /// Scheduled at or after (RFC 3339). Drafts without a time are matched by when they were created.
    #[param(format = "date-time", max_length = 64)]
    pub from: Option<String>,
    /// Scheduled before (RFC 3339). Drafts without a time are matched by when they were created.
    #[param(format = "date-time", max_length = 64)]
    pub to: Option<String>,
    /// At most this many posts (default 100, max 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

pub use letsgrow_core::TargetState;

/// Largest `posts_list` page in bytes of JSON, whatever `limit` says.
pub const MAX_LIST_BYTES: usize = 2 * 1024 * 1024;

/// Posts, newest scheduled first, filtered by state, channel and time range (calendar and queue views).
///
/// A page holds at most `limit` posts and at most 2 MiB of JSON; when the
/// byte cap cut it short the response has `X-LetsGrow-Truncated: true` (ask
/// again with `to` set to the last post's time for the rest).
#[utoipa::path(get, path = "/api/v1/posts", operation_id = "posts_list", tag = "posts",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "Posts with their targets (no history)", body = Vec<Post>,
            headers(("X-LetsGrow-Truncated" = String, description = "`true` when the 2 MiB page cap cut the page short"))),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid filter", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::response::Response, ApiError> {
    let mut errors = FieldErrors::default();
    let instant = |v: &Option<String>, field: &str, errors: &mut FieldErrors| {
        v.as_deref()
            .and_then(|s| match DateTime::parse_from_rfc3339(s) {
                Ok(t) => Some(t.timestamp_millis()),
                Err(_) => {
                    errors.add(field, "must be an RFC 3339 instant");
                    None
                }
            })
    };
    if q.channel_id.as_ref().is_some_and(|c| c.len() > 64) {
        errors.add("channel_id", "must be at most 64 characters");
    }
    for (v, field) in [(&q.from, "from"), (&q.to, "to")] {
        if v.as_ref().is_some_and(|s| s.len() > 64) {
            errors.add(field, "must be at most 64 characters");
        }
    }
    let from = instant(&q.from, "from", &mut errors);
    let to = instant(&q.to, "to", &mut errors);
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        errors.add("limit", "must be between 1 and 1000");
    }
    errors.into_result()?;
    let filter = TargetFilter {
        state: q.state.map(|s| s.as_str().to_owned()),
        channel_id: q.channel_id,
        from,
        to,
        limit: i64::from(limit),
    };
    let list = state.posts.list(&who.user.id, &filter).await?;
    let mut page: Vec<Post> = Vec::new();
    let mut bytes = 2;
    let mut truncated = false;
    for p in list.into_iter().map(post_view) {
        let size = serde_json::to_vec(&p).map_or(0, |v| v.len()) + 1;
        if !page.is_empty() && bytes + size > MAX_LIST_BYTES {
            truncated = true;
            break;
        }
        bytes += size;
        page.push(p);
    }
    let mut resp = axum::response::IntoResponse::into_response(axum::Json(page));
    if truncated {
        resp.headers_mut().insert(
            "x-letsgrow-truncated",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(resp)
}

/// One post with each channel's state, error, links and full history.
#[utoipa::path(get, path = "/api/v1/posts/{id}", operation_id = "posts_get", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = Post),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such post", body = crate::error::ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(post_view(
        state.posts.get(&who.user.id, &id).await?,
    )))
}

/// Edit text, variants and/or reschedule. Channels already published or publishing are left as they are.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", operation_id = "posts_update", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, description = "The updated post", body = Post),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such post", body = crate::error::ErrorBody),
        (status = 409, description = "Nothing editable is left, or a duplicate (`duplicate_post`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<UpdatePostRequest>,
) -> Result<axum::Json<Post>, ApiError> {
    let mut errors = FieldErrors::default();
    let when = req
        .schedule
        .as_ref()
        .and_then(|s| parse_when(s, &mut errors));
    errors.into_result()?;
    let when = match when {
        Some(w) => Some(
            with_user_zone(
                &state,
                &who.user.id,
                w,
                req.schedule.as_ref().is_some_and(|s| s.timezone.is_some()),
            )
            .await,
        ),
        None => None,
    };
    let d = state
        .posts
        .update(
            &who.user.id,
            &id,
            req.content,
            req.variants,
            when,
            req.allow_duplicate,
        )
        .await?;
    Ok(axum::Json(post_view(d)))
}

/// Cancel: every channel of the post still waiting to be sent goes back to draft
/// (scheduled, retrying between attempts, unconfirmed, or failed). An unconfirmed
/// channel keeps its lookup, so publishing it again never sends it twice.
#[utoipa::path(post, path = "/api/v1/posts/{id}/cancel", operation_id = "posts_cancel", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = Post),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such post", body = crate::error::ErrorBody),
        (status = 409, description = "Nothing is waiting to be sent", body = crate::error::ErrorBody),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(post_view(
        state.posts.cancel(&who.user.id, &id).await?,
    )))
}

/// Delete a draft (a post whose every channel is a draft), with its history.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", operation_id = "posts_delete", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such post", body = crate::error::ErrorBody),
        (status = 409, description = "Not a draft: a channel is scheduled, sent or failed (`conflict`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.posts.delete_draft(&who.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publish now; also how a failed channel is retried (`target_ids`).
#[utoipa::path(post, path = "/api/v1/posts/{id}/publish", operation_id = "posts_publish_now", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body(content = PublishNowRequest, description = "Optional: which targets"),
    responses(
        (status = 200, description = "Queued for immediate publishing", body = Post),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such post", body = crate::error::ErrorBody),
        (status = 409, description = "Nothing left to publish", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = crate::error::ErrorBody),
    ))]
pub async fn publish_now(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<PublishNowRequest>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(post_view(
        state
            .posts
            .publish_now(&who.user.id, &id, req.target_ids)
            .await?,
    )))
}
