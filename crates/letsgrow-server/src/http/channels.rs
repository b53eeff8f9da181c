//! `/api/v1/channels*`: thin handlers over `ChannelService`.

use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::extract::{ApiJson, ApiPath};
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use letsgrow_app::channels::{ChannelError, ConnectRequest};
use letsgrow_app::ratelimit::retry_after_secs;
use letsgrow_core::Platform;
use letsgrow_core::time::rfc3339;
use letsgrow_db::channels::ChannelRow;
use letsgrow_providers::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

impl From<ChannelError> for ApiError {
    fn from(e: ChannelError) -> Self {
        match e {
            ChannelError::Validation(fields) => {
                let mut f = FieldErrors::default();
                for (k, v) in fields {
                    f.add(k, v);
                }
                ApiError::validation(f)
            }
            ChannelError::Unsupported(p) => {
                ApiError::field("platform", format!("{p} channels are not available yet"))
            }
            ChannelError::Duplicate => ApiError::new(
                ErrorCode::ChannelExists,
                "This account is already connected as a channel.",
            ),
            ChannelError::NameTaken(name) => ApiError::new(
                ErrorCode::ChannelNameTaken,
                format!("Another of your channels is already called “{name}”. Pick another name."),
            )
            .with_detail(
                "fields",
                serde_json::json!({ "name": "another channel has this name" }),
            ),
            ChannelError::NotFound => ApiError::not_found("There is no such channel."),
            ChannelError::Rejected { field, message } => {
                ApiError::new(ErrorCode::PlatformRejected, message.clone())
                    .with_detail("fields", serde_json::json!({ field: message }))
            }
            ChannelError::Unreachable(message) => {
                ApiError::new(ErrorCode::PlatformUnavailable, message)
            }
            ChannelError::RateLimited(wait) => {
                ApiError::rate_limited(wait.map(retry_after_secs).unwrap_or(60))
            }
            ChannelError::Changed => ApiError::new(
                ErrorCode::Conflict,
                "The channel changed while saving. Reload it and try again.",
            ),
            ChannelError::Internal(m) => ApiError::internal(m),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Channel {
    #[schema(format = "uuid")]
    pub id: String,
    pub platform: Platform,
    /// The name shown to people: the channel's own name if given, else the
    /// account's handle. Unique among the user's channels; the CSV `channel` key.
    pub handle: String,
    /// The account's handle on the platform, whatever the channel is called.
    pub account_handle: String,
    /// The platform's id for the account (Bluesky DID, …).
    pub external_id: String,
    /// PDS, instance or webhook URL.
    pub base_url: String,
    #[schema(value_type = ChannelStatus)]
    pub status: String,
    /// The platform's own message when the status is not `ok`.
    pub status_message: Option<String>,
    #[schema(format = "date-time")]
    pub rate_limited_until: Option<String>,
    /// When the Test button last checked the channel.
    #[schema(format = "date-time")]
    pub last_checked_at: Option<String>,
    /// Sends in a row that failed, counting every attempt (0 after one that went through).
    pub consecutive_failures: i64,
    /// The last failed send's message (kept after a success, for the record).
    pub last_error: Option<String>,
    /// When LetsGrow last sent a post to the channel, either way.
    #[schema(format = "date-time")]
    pub last_outcome_at: Option<String>,
    #[schema(format = "date-time")]
    pub created_at: String,
    /// Publishing to this channel is paused since then (posts wait in the queue).
    #[schema(format = "date-time")]
    pub paused_at: Option<String>,
    /// Provider settings (e.g. the webhook format). Never secret.
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
}

pub use letsgrow_core::ChannelStatus;

impl From<ChannelRow> for Channel {
    fn from(c: ChannelRow) -> Self {
        Channel {
            platform: c.platform.parse().unwrap_or(Platform::Webhook),
            id: c.id,
            handle: c.handle,
            account_handle: c.account_handle,
            external_id: c.external_id,
            base_url: c.base_url,
            status: c.status,
            status_message: c.status_message,
            rate_limited_until: c.rate_limited_until.map(rfc3339),
            last_checked_at: c.last_checked_at.map(rfc3339),
            consecutive_failures: c.consecutive_failures,
            last_error: c.last_error,
            last_outcome_at: c.last_outcome_at.map(rfc3339),
            created_at: rfc3339(c.created_at),
            paused_at: c.paused_at.map(rfc3339),
            settings: serde_json::from_str(&c.settings).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChannelRequest {
    /// `bluesky` or `webhook`; the OAuth platforms connect through `channels_oauth_start`.
    pub platform: DirectPlatform,
    /// Bluesky: handle (e.g. `alice.bsky.social`), DID or email.
    #[schema(max_length = 256, pattern = "^[^\\u0000]*$")]
    pub identifier: Option<String>,
    /// Bluesky: an app password (Settings → App passwords), never the account password.
    #[schema(max_length = 256, pattern = "^[^\\u0000]*$")]
    pub app_password: Option<String>,
    /// Bluesky: the PDS URL; empty for https://bsky.social.
    #[schema(max_length = 2048, pattern = "^[^\\u0000]*$")]
    pub service_url: Option<String>,
    /// Webhook: the destination URL.
    #[schema(max_length = 2048, pattern = "^[^\\u0000]*$")]
    pub url: Option<String>,
    /// Webhook: `generic` (default), `discord` or `slack`.
    #[schema(max_length = 16, pattern = "^[^\\u0000]*$")]
    pub format: Option<String>,
}

/// Platforms connected with credentials typed into LetsGrow (no OAuth redirect).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DirectPlatform {
    Bluesky,
    Webhook,
}

impl From<DirectPlatform> for Platform {
    fn from(p: DirectPlatform) -> Self {
        match p {
            DirectPlatform::Bluesky => Platform::Bluesky,
            DirectPlatform::Webhook => Platform::Webhook,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConnectChannelResponse {
    pub channel: Channel,
    /// Webhooks only: the signing secret for `X-LetsGrow-Signature`. Shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
}

/// The user's channels with their health.
#[utoipa::path(get, path = "/api/v1/channels", operation_id = "channels_list", tag = "channels",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Channels, oldest first", body = Vec<Channel>),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<axum::Json<Vec<Channel>>, ApiError> {
    let rows = state.channels.list(&who.user.id).await?;
    Ok(axum::Json(rows.into_iter().map(Channel::from).collect()))
}

/// Connect a channel (checks the credentials with the platform; nothing is stored if they are refused).
#[utoipa::path(post, path = "/api/v1/channels", operation_id = "channels_connect", tag = "channels",
    security(("bearer" = [])),
    request_body = ConnectChannelRequest,
    responses(
        (status = 201, description = "Connected", body = ConnectChannelResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 409, description = "Already connected (`channel_exists`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields, or the platform refused them (`platform_rejected`)", body = crate::error::ErrorBody),
        (status = 429, description = "The platform rate-limited the check", body = crate::error::ErrorBody),
        (status = 502, description = "The platform could not be reached (`platform_unavailable`)", body = crate::error::ErrorBody),
    ))]
pub async fn connect(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<ConnectChannelRequest>,
) -> Result<(StatusCode, axum::Json<ConnectChannelResponse>), ApiError> {
    let (row, secret) = state
        .channels
        .connect(
            &who.user.id,
            ConnectRequest {
                platform: req.platform.into(),
                identifier: req.identifier,
                app_password: req.app_password.map(SecretString::new),
                service_url: req.service_url,
                url: req.url,
                format: req.format,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ConnectChannelResponse {
            channel: row.into(),
            webhook_secret: secret,
        }),
    ))
}

/// Disconnect a channel and delete its stored credentials.
#[utoipa::path(delete, path = "/api/v1/channels/{id}", operation_id = "channels_disconnect", tag = "channels",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Disconnected; credentials deleted"),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such channel", body = crate::error::ErrorBody),
    ))]
pub async fn disconnect(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.channels.disconnect(&who.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    /// A new name for the channel, unique among yours (an empty one restores the
    /// account's handle).
    #[schema(
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f]*$",
        example = "Team Discord"
    )]
    pub name: Option<String>,
    /// Pause (`true`) or resume (`false`) publishing. Paused posts wait and go out on resume.
    pub paused: Option<bool>,
    /// Publishing settings the channel's platform offers; fields left out are
    /// unchanged, an empty string restores the default.
    pub settings: Option<ChannelSettingsUpdate>,
}

/// Per-platform publishing settings. Reddit: `subreddit`, `flair_id`.
/// Mastodon: `visibility`, `spoiler_text`, `language`. Other platforms have none.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettingsUpdate {
    /// Reddit: the community to post to, e.g. `rust` or `r/rust` (default: your profile).
    #[schema(max_length = 24, example = "rust")]
    pub subreddit: Option<String>,
    /// Reddit: the flair template id, for communities that require flair.
    #[schema(max_length = 64)]
    pub flair_id: Option<String>,
    /// Mastodon: who sees the posts (`private` = followers only). Default `public`.
    pub visibility: Option<MastodonVisibility>,
    /// Mastodon: a content warning shown before each post (counts toward the instance's limit).
    #[schema(max_length = 500)]
    pub spoiler_text: Option<String>,
    /// Mastodon: the posts' language, an ISO 639 code such as `en`.
    #[schema(max_length = 3, example = "en")]
    pub language: Option<String>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum MastodonVisibility {
    Public,
    Unlisted,
    Private,
    Direct,
}

impl MastodonVisibility {
    fn as_str(self) -> &'static str {
        match self {
            MastodonVisibility::Public => "public",
            MastodonVisibility::Unlisted => "unlisted",
            MastodonVisibility::Private => "private",
            MastodonVisibility::Direct => "direct",
        }
    }
}

impl ChannelSettingsUpdate {
    /// The fields sent, as `(settings key, value)`.
    fn changes(&self) -> Vec<(&'static str, &str)> {
        [
            ("subreddit", self.subreddit.as_deref()),
            ("flair_id", self.flair_id.as_deref()),
            (
                "visibility",
                self.visibility.map(MastodonVisibility::as_str),
            ),
            ("spoiler_text", self.spoiler_text.as_deref()),
            ("language", self.language.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

/// Rename a channel, pause or resume publishing to it, or change its publishing settings.
#[utoipa::path(patch, path = "/api/v1/channels/{id}", operation_id = "channels_update", tag = "channels",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    request_body = UpdateChannelRequest,
    responses(
        (status = 200, description = "The channel", body = Channel),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such channel", body = crate::error::ErrorBody),
        (status = 409, description = "The channel changed while saving (`conflict`), or another of your channels has the name (`channel_name_taken`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields, e.g. `settings.subreddit`, or a setting this platform does not have", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateChannelRequest>,
) -> Result<axum::Json<Channel>, ApiError> {
    let changes = req
        .settings
        .as_ref()
        .map(ChannelSettingsUpdate::changes)
        .unwrap_or_default();
    let row = state
        .channels
        .update(&who.user.id, &id, req.name.as_deref(), req.paused, &changes)
        .await?;
    if req.paused == Some(false) {
        // Posts that came due while paused go out now.
        state.wake.poke();
    }
    Ok(axum::Json(row.into()))
}

/// Check that a channel still works (a harmless read) and record its health.
#[utoipa::path(post, path = "/api/v1/channels/{id}/test", operation_id = "channels_test", tag = "channels",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel with its updated health", body = Channel),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such channel", body = crate::error::ErrorBody),
    ))]
pub async fn test(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<Channel>, ApiError> {
    Ok(axum::Json(
        state.channels.test(&who.user.id, &id).await?.into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PlatformInfo {
    pub platform: Platform,
    /// `app_password`, `oauth2_pkce`, `instance_oauth2` or `webhook`.
    pub connect: String,
    /// False when the server lacks what the platform needs (e.g. OAuth app credentials).
    pub available: bool,
    /// Why it is unavailable, with the settings to fix it.
    pub reason: Option<String>,
}

/// The platforms and how each connects on this server.
#[utoipa::path(get, path = "/api/v1/channels/platforms", operation_id = "channels_platforms", tag = "channels",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every platform, with availability", body = Vec<PlatformInfo>),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn platforms(
    State(state): State<AppState>,
    _who: Authenticated,
) -> axum::Json<Vec<PlatformInfo>> {
    axum::Json(
        state
            .channels
            .platforms()
            .into_iter()
            .map(|p| PlatformInfo {
                platform: p.platform,
                connect: serde_json::to_value(p.connect)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                available: p.available,
                reason: p.reason,
            })
            .collect(),
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthStartRequest {
    pub platform: Platform,
    /// Mastodon: the instance, e.g. `https://mastodon.social`.
    #[schema(max_length = 2048, pattern = "^[^\\u0000]*$")]
    pub instance_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OAuthStartResponse {
    /// Send the browser here; the platform redirects back to the callback.
    pub authorize_url: String,
}

/// The callback URL the platforms redirect to: `server.public_url`, or the
/// address this request came to.
fn callback_url(state: &AppState, headers: &axum::http::HeaderMap) -> Result<String, ApiError> {
    const PATH: &str = "/api/v1/channels/oauth/callback";
    if let Some(base) = &state.config.server.public_url {
        return Ok(format!("{}{PATH}", base.trim_end_matches('/')));
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::BadRequest,
                "The Host header is missing; set server.public_url.",
            )
        })?;
    let proto = if state.config.server.trust_proxy {
        headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .filter(|p| *p == "https")
            .unwrap_or("http")
    } else {
        "http"
    };
    Ok(format!("{proto}://{host}{PATH}"))
}

/// Start connecting an OAuth platform: returns the platform's authorization URL.
#[utoipa::path(post, path = "/api/v1/channels/oauth/start", operation_id = "channels_oauth_start", tag = "channels",
    security(("bearer" = [])),
    request_body = OAuthStartRequest,
    responses(
        (status = 200, description = "Send the browser to `authorize_url`", body = OAuthStartResponse),
        (status = 400, description = "Malformed JSON or no Host", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields, or the platform is not configured (`platform_rejected`)", body = crate::error::ErrorBody),
        (status = 429, description = "The instance rate-limited app registration", body = crate::error::ErrorBody),
        (status = 502, description = "The instance could not be reached (`platform_unavailable`)", body = crate::error::ErrorBody),
    ))]
pub async fn oauth_start(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<OAuthStartRequest>,
) -> Result<axum::Json<OAuthStartResponse>, ApiError> {
    let redirect_uri = callback_url(&state, &headers)?;
    let authorize_url = state
        .channels
        .oauth_start(
            &who.user.id,
            req.platform,
            req.instance_url.as_deref(),
            &redirect_uri,
        )
        .await?;
    Ok(axum::Json(OAuthStartResponse { authorize_url }))
}

/// Where platforms send the browser back. Redirects to the Channels page with
/// `?connected=<id>` or `?oauth_error=<code>&message=<text>`.
#[utoipa::path(get, path = "/api/v1/channels/oauth/callback", operation_id = "channels_oauth_callback", tag = "channels",
    params(
        ("state" = Option<String>, Query, description = "The state from `channels_oauth_start`"),
        ("code" = Option<String>, Query, description = "The authorization code"),
        ("error" = Option<String>, Query, description = "Set by the platform when the user declined"),
    ),
    responses((status = 303, description = "Back to the Channels page", headers(("Location" = String, description = "/channels/?connected=… or /channels/?oauth_error=…")))))]
pub async fn oauth_callback(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let get = |k: &str| params.get(k).map(String::as_str);
    let location = match state
        .channels
        .oauth_finish(get("state").unwrap_or(""), get("code"), get("error"))
        .await
    {
        Ok(row) => format!(
            "/channels/?connected={}",
            url::form_urlencoded::byte_serialize(row.id.as_bytes()).collect::<String>()
        ),
        Err(e) => format!(
            "/channels/?oauth_error={}&message={}",
            e.code,
            url::form_urlencoded::byte_serialize(e.message.as_bytes()).collect::<String>()
        ),
    };
    (
        StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, location)],
    )
        .into_response()
}
