//! Platform providers: one module (and cargo feature) per platform behind the
//! [`Provider`] trait, found through a static registry.
//!
//! Invariants:
//! - Providers never touch the database. They receive credentials and return
//!   updated ones; the caller persists them (encrypted).
//! - Errors are classified into the closed [`ProviderError`] taxonomy from HTTP
//!   status codes and the platform's error codes, never from message text.
//! - A provider never logs a token, and no token appears in an error message.
//! - Publishing is one part at a time with a caller-supplied idempotency key, so
//!   the caller can store each part's platform id before sending the next, and
//!   reconcile an unknown outcome with [`Provider::lookup`].
//! - All outbound HTTP goes through [`http::HttpClient`] (timeouts, User-Agent,
//!   the private-address guard for user-supplied URLs, no redirects).
//!
//! Code map: `http.rs` (+ `http/guard.rs`) the client and the guard;
//! `registry.rs` the static registry and [`ProviderOptions`]; `bluesky/`
//! (feature `bluesky`) and `webhook/` (feature `webhook`) one module per
//! platform; `tests/behaviour/` the one suite every provider runs.

pub mod channel_settings;
pub mod http;
mod registry;

#[cfg(feature = "bluesky")]
pub mod bluesky;
#[cfg(feature = "instagram")]
pub mod instagram;
#[cfg(feature = "linkedin")]
pub mod linkedin;
#[cfg(feature = "mastodon")]
pub mod mastodon;
#[cfg(any(feature = "instagram", feature = "threads"))]
pub mod meta_graph;
#[cfg(any(
    feature = "x",
    feature = "mastodon",
    feature = "linkedin",
    feature = "reddit",
    feature = "instagram",
    feature = "threads"
))]
pub(crate) mod oauth_flow;
#[cfg(feature = "reddit")]
pub mod reddit;
#[cfg(any(
    feature = "bluesky",
    feature = "x",
    feature = "mastodon",
    feature = "linkedin",
    feature = "reddit",
    feature = "instagram",
    feature = "threads"
))]
pub(crate) mod session;
#[cfg(feature = "threads")]
pub mod threads;
#[cfg(feature = "webhook")]
pub mod webhook;
#[cfg(feature = "x")]
pub mod x;

pub use registry::{PlatformSettings, ProviderOptions, Registry, registry};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use letsgrow_core::Platform;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// A string that must never be printed: `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(s: impl Into<String>) -> Self {
        SecretString(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("**redacted**")
    }
}

/// How a channel is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectMethod {
    /// Identifier + app password (Bluesky).
    AppPassword,
    /// OAuth 2.0 authorization code with PKCE (X, LinkedIn, Reddit, Instagram, Threads).
    #[serde(rename = "oauth2_pkce")]
    OAuth2Pkce,
    /// Per-instance app registration, then OAuth 2.0 with PKCE (Mastodon).
    #[serde(rename = "instance_oauth2")]
    InstanceOAuth2,
    /// A URL and a signing secret (webhooks).
    Webhook,
}

/// Engagement actions a platform's API offers (the growth engine decides which
/// its written rules allow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementAction {
    Like,
    Repost,
    Reply,
    Follow,
}

/// A publish budget: at most `limit` posts per `period` per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub limit: u32,
    #[serde(serialize_with = "secs")]
    pub period: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// What a platform supports, declared once per provider.
#[derive(Debug, Clone, Serialize)]
pub struct Capabilities {
    pub platform: Platform,
    pub connect: ConnectMethod,
    /// Images per post part.
    pub max_images: u8,
    /// Largest image accepted, in bytes.
    pub max_image_bytes: u64,
    pub image_mime_types: &'static [&'static str],
    pub alt_text: bool,
    pub video: bool,
    /// Reply chains (threads).
    pub threads: bool,
    pub delete: bool,
    /// Can find a post we may have published (reconciliation after an unknown outcome).
    pub lookup: bool,
    /// What the platform lets an ordinary app read back for analytics.
    pub analytics: AnalyticsCaps,
    pub engagement: &'static [EngagementAction],
    pub publish_budget: Option<Budget>,
    /// Images are fetched by the platform (or receiver) from a public URL, so
    /// `server.public_url` must be set before a post with images can go out.
    pub media_by_url: bool,
}

/// What a provider can read back for analytics. A platform that exposes no
/// reads to an ordinary app says why in `unavailable`, so the channel shows
/// that sentence instead of zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AnalyticsCaps {
    /// How many posts one `post_metrics` request may ask about (0: none).
    pub post_metrics_batch: usize,
    pub account_stats: bool,
    /// Can list the account's own recent posts (also those made outside LetsGrow).
    pub recent_posts: bool,
    /// Plain words for the user when the platform gives this app no numbers.
    pub unavailable: Option<&'static str>,
}

impl AnalyticsCaps {
    /// The platform gives an ordinary app nothing to read; `why` says so.
    pub const fn none(why: &'static str) -> Self {
        AnalyticsCaps {
            post_metrics_batch: 0,
            account_stats: false,
            recent_posts: false,
            unavailable: Some(why),
        }
    }
}

/// A post's numbers as the platform reported them just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostMetrics {
    /// The post's `RemotePost::external_id`.
    pub external_id: String,
    pub metrics: letsgrow_core::metrics::MetricSet,
}

/// One of the account's own posts, as its author feed lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentPost {
    pub external_id: String,
    pub url: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub text: String,
    /// The numbers the feed carries with it (empty when it carries none).
    pub metrics: letsgrow_core::metrics::MetricSet,
    /// A reply to someone (a thread's later parts are replies to oneself).
    pub is_reply: bool,
    /// A repost of someone else's post (not the user's own words).
    pub is_repost: bool,
}

/// One page of the author feed, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecentPage {
    pub posts: Vec<RecentPost>,
    /// Pass back to get older posts; `None` at the end.
    pub next_cursor: Option<String>,
}

/// One rule a post broke, machine-readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentViolation {
    pub code: String,
    pub message: String,
}

/// The closed error taxonomy every provider maps into.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// Try again after `retry_after` (from Retry-After or the platform's reset header).
    #[error("rate limited by the platform{}", retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    /// The access token expired and could not be refreshed here; refresh, then retry.
    #[error("the access token has expired: {message}")]
    AuthExpired { message: String },
    /// The user revoked access or the credentials are wrong: reconnect needed.
    #[error("access was revoked or the credentials are wrong: {message}")]
    Revoked { message: String },
    /// The platform refused the content; retrying won't help.
    #[error("the platform refused the content: {}", violations.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; "))]
    InvalidContent { violations: Vec<ContentViolation> },
    /// A temporary failure. `maybe_delivered` is true when the request may have
    /// reached the platform (timeout or dropped connection after sending): the
    /// caller must reconcile with `lookup` instead of retrying blindly.
    #[error("temporary failure: {message}")]
    Transient {
        message: String,
        maybe_delivered: bool,
    },
    /// A failure that retrying won't fix.
    #[error("the platform refused the request: {message}")]
    Permanent { message: String },
    /// What the user typed is unusable (bad URL, refused private address,
    /// unknown format, a URL that is not a PDS). Only from `connect`; `field`
    /// names the input (`service_url`, `url`, `format`, `identifier`).
    #[error("{message}")]
    InvalidInput { field: String, message: String },
}

impl ProviderError {
    pub fn transient(message: impl Into<String>) -> Self {
        ProviderError::Transient {
            message: message.into(),
            maybe_delivered: false,
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        ProviderError::Permanent {
            message: message.into(),
        }
    }
    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ProviderError::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
    /// One violated rule.
    pub fn invalid_content(code: impl Into<String>, message: impl Into<String>) -> Self {
        ProviderError::InvalidContent {
            violations: vec![ContentViolation {
                code: code.into(),
                message: message.into(),
            }],
        }
    }
    /// True when retrying the same request later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Transient { .. }
                | ProviderError::AuthExpired { .. }
        )
    }
}

pub type ProviderResult<T> = Result<T, ProviderError>;

/// The error a provider without an analytics read answers with.
fn no_analytics(caps: &Capabilities) -> ProviderError {
    ProviderError::permanent(
        caps.analytics
            .unavailable
            .unwrap_or("this platform does not give LetsGrow these numbers"),
    )
}

/// Credentials as stored (encrypted) by the caller. Providers read them and
/// return replacements after a refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_token: Option<SecretString>,
    pub refresh_token: Option<SecretString>,
    /// Unix milliseconds.
    pub expires_at: Option<i64>,
    /// Long-lived secret (app password, webhook signing secret).
    pub secret: Option<SecretString>,
    /// The OAuth client the tokens were issued to (needed to refresh and revoke;
    /// per instance on Mastodon).
    #[serde(default)]
    pub oauth_client: Option<OAuthClient>,
    /// Scopes granted, as the platform reported them.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// The account a channel publishes as. Not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The platform's stable id (Bluesky DID, X user id, webhook URL hash …).
    pub external_id: String,
    /// Human-facing handle or name.
    pub handle: String,
    /// The platform's API base (PDS URL, Mastodon instance, webhook URL).
    pub base_url: String,
    /// Provider-specific settings (e.g. webhook format), not secret.
    #[serde(default)]
    pub settings: serde_json::Value,
}

/// A registered OAuth client: from configuration for most platforms, or per
/// Mastodon instance from [`Provider::register_app`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
}

/// The start of an OAuth 2.0 authorization-code flow with PKCE (S256).
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// Opaque CSRF value the caller stores and checks on the way back.
    pub state: String,
    /// BASE64URL(SHA-256(code_verifier)), method S256.
    pub code_challenge: String,
    pub redirect_uri: String,
    pub client: OAuthClient,
    /// Mastodon: the instance (`https://mastodon.social`). Otherwise `None`.
    pub instance_url: Option<String>,
}

/// What the user typed to connect a channel.
#[derive(Debug, Clone)]
pub enum ConnectInput {
    /// The redirect came back with `code` (state already checked by the caller).
    OAuthCode {
        code: SecretString,
        code_verifier: SecretString,
        redirect_uri: String,
        client: OAuthClient,
        instance_url: Option<String>,
    },
    AppPassword {
        identifier: String,
        password: SecretString,
        service_url: Option<String>,
    },
    Webhook {
        url: String,
        secret: SecretString,
        format: String,
    },
}

#[derive(Debug, Clone)]
pub struct Connected {
    pub account: Account,
    pub credentials: Credentials,
}

/// A channel as a provider sees it.
#[derive(Debug, Clone)]
pub struct ChannelCtx {
    pub channel_id: String,
    pub account: Account,
    pub credentials: Credentials,
}

/// An image (or later video) to attach, with its bytes loaded by the caller.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub mime: String,
    pub data: bytes::Bytes,
    pub alt: Option<String>,
    /// An absolute URL where the platform (or a webhook receiver) can fetch it.
    pub public_url: Option<String>,
}

/// A published post (or thread part) on the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemotePost {
    /// The platform's id (Bluesky AT URI, tweet id, …).
    pub external_id: String,
    /// A link a person can open, when the platform has one.
    pub url: Option<String>,
    /// Provider data needed to reply to this post (e.g. Bluesky cid).
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// One part of a post (a single post is one part; a thread is several).
#[derive(Debug, Clone)]
pub struct PublishPart {
    /// Stable per (post, channel, part): providers derive platform idempotency
    /// (record keys, Idempotency-Key headers) from it, so a retry cannot duplicate.
    pub idempotency_key: String,
    pub post_id: String,
    pub part_index: u32,
    pub text: String,
    pub media: Vec<MediaItem>,
    pub link: Option<String>,
    /// For thread parts after the first: the root and the parent.
    pub reply_to: Option<ReplyRef>,
    pub scheduled_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct ReplyRef {
    pub root: RemotePost,
    pub parent: RemotePost,
}

/// The outcome of a call that may also have refreshed credentials.
#[derive(Debug, Clone)]
pub struct WithCreds<T> {
    pub value: T,
    /// New credentials to persist (after a transparent refresh), if any.
    pub refreshed: Option<Credentials>,
}

impl<T> WithCreds<T> {
    pub fn plain(value: T) -> Self {
        WithCreds {
            value,
            refreshed: None,
        }
    }
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn capabilities(&self) -> &Capabilities;

    /// Verifies the input against the platform and returns the account and credentials.
    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected>;

    /// Exchanges the refresh token (or re-creates the session) for new credentials.
    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials>;

    /// A harmless connectivity check (reads the account), refreshing if needed.
    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>>;

    /// Publishes one part. Retrying with the same `idempotency_key` must not
    /// create a second post (or the provider must find the first via `lookup`).
    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>>;

    /// Deletes a post we published.
    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>>;

    /// Finds the post a part may have created (after an unknown outcome).
    async fn lookup(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<Option<RemotePost>>>;

    /// The current numbers of up to `capabilities().analytics.post_metrics_batch`
    /// posts in one request (or as few as the platform allows). Posts the
    /// platform no longer has are left out of the answer, not an error.
    async fn post_metrics(
        &self,
        _ctx: &ChannelCtx,
        _posts: &[RemotePost],
    ) -> ProviderResult<WithCreds<Vec<PostMetrics>>> {
        Err(no_analytics(self.capabilities()))
    }

    /// Followers, following and posts count right now.
    async fn account_stats(
        &self,
        _ctx: &ChannelCtx,
    ) -> ProviderResult<WithCreds<letsgrow_core::metrics::AccountStats>> {
        Err(no_analytics(self.capabilities()))
    }

    /// The account's own posts, newest first, one page from `cursor`.
    async fn recent_posts(
        &self,
        _ctx: &ChannelCtx,
        _cursor: Option<&str>,
    ) -> ProviderResult<WithCreds<RecentPage>> {
        Err(no_analytics(self.capabilities()))
    }

    /// OAuth providers: the authorization URL to send the user to.
    fn authorize_url(&self, _req: &AuthorizeRequest) -> ProviderResult<String> {
        Err(ProviderError::permanent(
            "this platform does not connect through OAuth",
        ))
    }

    /// Mastodon: registers LetsGrow as an app on `instance_url` (`POST /api/v1/apps`).
    /// The caller stores the client per instance and reuses it.
    async fn register_app(
        &self,
        _instance_url: &str,
        _redirect_uri: &str,
    ) -> ProviderResult<OAuthClient> {
        Err(ProviderError::permanent(
            "this platform needs no per-instance app registration",
        ))
    }

    /// Revokes the channel's tokens where the platform offers it (on disconnect).
    /// Default: nothing to revoke.
    async fn revoke(&self, _ctx: &ChannelCtx) -> ProviderResult<()> {
        Ok(())
    }
}
