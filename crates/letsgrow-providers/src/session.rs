//! What every token-holding provider shares: reading a response, the one
//! [`Failure`] a call ends in before the platform classifies it, and the one
//! [`Session`] that refreshes a channel's token ahead of expiry (or once after
//! the platform rejects it) and reports the new credentials for storage.
//!
//! What differs per platform is plugged in through [`Api`]: how to get new
//! credentials (an OAuth refresh grant, Bluesky's refreshSession with the app
//! password as fallback), when to refresh up front ([`Refresh`]), and which
//! answers mean "this token no longer works" (a status code or a platform
//! error code, never message text).

use crate::http::{HttpClient, SendError};
use crate::{ChannelCtx, Credentials, ProviderError, ProviderResult, WithCreds};
use async_trait::async_trait;
use bytes::Bytes;
use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// A response with its body read (`body` is the JSON, or `Null` when the
/// body is not JSON; `raw` the bytes as they came).
#[derive(Debug, Clone, Default)]
pub(crate) struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Bytes,
}

impl Resp {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn str(&self, pointer: &str) -> Option<&str> {
        self.body.pointer(pointer).and_then(Value::as_str)
    }
    /// The JSON of a success: an empty body is `{}`, anything else that is
    /// not JSON is [`Failure::BadBody`].
    pub fn json(&self) -> Result<Value, Failure> {
        if self.raw.is_empty() {
            return Ok(Value::Object(Default::default()));
        }
        serde_json::from_slice(&self.raw).map_err(|e| Failure::BadBody {
            status: self.status,
            message: format!("the response is not JSON: {e}"),
        })
    }
}

/// Sends a request and reads the whole response. A body that cannot be read
/// is [`SendError::AfterSend`]: the request reached the platform.
pub(crate) async fn fetch(http: &HttpClient, req: RequestBuilder) -> Result<Resp, SendError> {
    let resp = http.send(req).await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let raw = resp
        .bytes()
        .await
        .map_err(|e| SendError::AfterSend(format!("reading the response: {}", e.without_url())))?;
    Ok(Resp {
        status,
        headers,
        body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
        raw,
    })
}

/// `base` + `path` with `query`; a URL that does not parse is a build failure
/// (nothing was sent) naming `what` it should have been ("PDS URL").
pub(crate) fn endpoint(
    base: &str,
    path: &str,
    query: &[(&'static str, String)],
    what: &str,
) -> Result<url::Url, Failure> {
    let mut u = url::Url::parse(&format!("{base}{path}"))
        .map_err(|e| Failure::Send(SendError::Build(format!("bad {what}: {e}"))))?;
    if !query.is_empty() {
        u.query_pairs_mut().extend_pairs(query);
    }
    Ok(u)
}

/// A JSON API request to `u`, with the bearer token when there is one.
pub(crate) fn json_request(
    http: &HttpClient,
    method: &reqwest::Method,
    u: &url::Url,
    token: Option<&str>,
) -> RequestBuilder {
    let req = http
        .request(method.clone(), u.clone())
        .header("accept", "application/json");
    match token {
        Some(t) => req.bearer_auth(t),
        None => req,
    }
}

/// Why a call failed, before the platform classifies it into [`ProviderError`].
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// No response (see [`SendError`]).
    Send(SendError),
    /// A non-2xx answer.
    Status {
        status: u16,
        /// The platform's machine-readable error: an OAuth `error` code, X's
        /// problem type (last path segment), an XRPC error name.
        code: Option<String>,
        /// What the platform said, for people; never matched.
        message: Option<String>,
        retry_after: Option<Duration>,
    },
    /// A 2xx whose body is not what the API promises.
    BadBody { status: u16, message: String },
    /// Already classified (a refresh that failed during the call).
    Classified(ProviderError),
}

impl Failure {
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status { status, .. } | Failure::BadBody { status, .. } => Some(*status),
            _ => None,
        }
    }
    pub fn code(&self) -> Option<&str> {
        match self {
            Failure::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// When a session refreshes before its first call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refresh {
    /// Refresh when the stored expiry is this close (`None`: never ahead of
    /// time; Mastodon's tokens last until revoked).
    pub ahead: Option<Duration>,
    /// Refresh when no access token is stored at all.
    pub when_missing: bool,
    /// An early refresh that fails while the token is still valid (and not
    /// revoked) keeps the current token instead of failing the call (Meta
    /// refuses to refresh a token younger than a day, for instance).
    pub keep_on_early_failure: bool,
}

impl Refresh {
    /// The OAuth 2.0 providers' default.
    pub const OAUTH: Refresh = Refresh {
        ahead: Some(Duration::from_secs(120)),
        when_missing: false,
        keep_on_early_failure: true,
    };
}

/// What a platform plugs into [`Session`].
#[async_trait]
pub(crate) trait Api: Send + Sync {
    fn http(&self) -> &HttpClient;
    /// New credentials (the platform's refresh flow).
    async fn refresh_creds(
        &self,
        ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials>;
    /// When to refresh before the first call.
    fn refresh_policy(&self) -> Refresh {
        Refresh::OAUTH
    }
    /// True when this (non-2xx) answer means the access token no longer
    /// works, so the session refreshes once and sends the request again.
    fn token_rejected(&self, r: &Resp, creds: &Credentials) -> bool;
}

/// One unit of work on a channel, refreshing its token when needed.
pub(crate) struct Session<'a, A: Api + ?Sized> {
    pub api: &'a A,
    pub ctx: &'a ChannelCtx,
    pub creds: Credentials,
    refreshed: bool,
}

impl<'a, A: Api + ?Sized> Session<'a, A> {
    /// Starts a session, refreshing first as the platform's [`Refresh`] says.
    pub async fn begin(api: &'a A, ctx: &'a ChannelCtx) -> ProviderResult<Self> {
        let mut s = Session {
            api,
            ctx,
            creds: ctx.credentials.clone(),
            refreshed: false,
        };
        let policy = api.refresh_policy();
        let now = chrono::Utc::now().timestamp_millis();
        let missing = s.creds.access_token.is_none();
        let due = match (policy.ahead, s.creds.expires_at) {
            (Some(margin), Some(exp)) => {
                now + i64::try_from(margin.as_millis()).unwrap_or(i64::MAX) >= exp
            }
            _ => false,
        };
        if (policy.when_missing && missing) || due {
            match api.refresh_creds(ctx, &s.creds).await {
                Ok(c) => {
                    s.creds = c;
                    s.refreshed = true;
                }
                Err(e)
                    if policy.keep_on_early_failure
                        && !missing
                        && s.creds.expires_at.is_some_and(|exp| now < exp)
                        && !matches!(e, ProviderError::Revoked { .. }) =>
                {
                    tracing::debug!(error = %e, "early token refresh failed; using the current token");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(s)
    }

    /// The platform's base URL for this channel (PDS, instance).
    pub fn base_url(&self) -> &'a str {
        self.ctx.account.base_url.trim_end_matches('/')
    }

    /// The access token, or `Revoked` when none is stored.
    pub fn token(&self) -> ProviderResult<String> {
        self.creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .ok_or_else(|| ProviderError::Revoked {
                message: "no access token is stored for this channel; connect it again".into(),
            })
    }

    /// Sends the request `build(token)` makes (`None` when no token is
    /// stored); when the platform rejects the token, refreshes once and sends
    /// it again. Any HTTP answer is returned for the platform to read.
    pub async fn send(
        &mut self,
        build: impl Fn(Option<&str>) -> RequestBuilder,
    ) -> Result<Resp, Failure> {
        loop {
            let token = self.creds.access_token.as_ref().map(|t| t.expose());
            let r = fetch(self.api.http(), build(token))
                .await
                .map_err(Failure::Send)?;
            if !r.ok() && !self.refreshed && self.api.token_rejected(&r, &self.creds) {
                self.creds = self
                    .api
                    .refresh_creds(self.ctx, &self.creds)
                    .await
                    .map_err(Failure::Classified)?;
                self.refreshed = true;
                continue;
            }
            return Ok(r);
        }
    }

    pub fn finish<T>(self, value: T) -> WithCreds<T> {
        WithCreds {
            value,
            refreshed: self.refreshed.then_some(self.creds),
        }
    }
}
