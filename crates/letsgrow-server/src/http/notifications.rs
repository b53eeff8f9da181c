//! `/api/v1/notifications*`: what went wrong with a channel or a post, for
//! the user to read (written by `ChannelService` and the publisher).

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use letsgrow_core::time::rfc3339;
use letsgrow_db::notifications::NotificationRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: String,
    #[schema(value_type = letsgrow_core::notification::NotificationKind)]
    pub kind: String,
    pub title: String,
    pub body: String,
    pub channel_id: Option<String>,
    /// The post it is about (e.g. `publish_failed`).
    pub post_id: Option<String>,
    #[schema(format = "date-time")]
    pub created_at: String,
    #[schema(format = "date-time")]
    pub read_at: Option<String>,
}

impl From<NotificationRow> for Notification {
    fn from(n: NotificationRow) -> Self {
        Notification {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            channel_id: n.channel_id,
            post_id: n.post_id,
            created_at: rfc3339(n.created_at),
            read_at: n.read_at.map(rfc3339),
        }
    }
}

/// In-app notifications, newest first (the latest 50).
#[utoipa::path(get, path = "/api/v1/notifications", operation_id = "notifications_list", tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Notifications", body = Vec<Notification>),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<axum::Json<Vec<Notification>>, ApiError> {
    let rows = state.notifications.list(&who.user.id).await?;
    Ok(axum::Json(
        rows.into_iter().map(Notification::from).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// The notifications to mark read (at most 100); leave out to mark every one read.
    #[schema(max_items = 100)]
    pub ids: Option<Vec<uuid::Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct MarkReadResponse {
    /// Notifications still unread.
    pub unread: i64,
}

/// Mark notifications read (some, or all).
#[utoipa::path(post, path = "/api/v1/notifications/read", operation_id = "notifications_mark_read", tag = "notifications",
    security(("bearer" = [])),
    request_body = MarkReadRequest,
    responses(
        (status = 200, description = "How many are still unread", body = MarkReadResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields (`ids`)", body = crate::error::ErrorBody),
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<MarkReadRequest>,
) -> Result<axum::Json<MarkReadResponse>, ApiError> {
    let ids: Option<Vec<String>> = req
        .ids
        .map(|v| v.iter().map(|u| u.hyphenated().to_string()).collect());
    if ids.as_ref().is_some_and(|v| v.len() > 100) {
        return Err(ApiError::field("ids", "at most 100 at a time"));
    }
    let unread = state
        .notifications
        .mark_read(&who.user.id, ids.as_deref())
        .await?;
    Ok(axum::Json(MarkReadResponse { unread }))
}
