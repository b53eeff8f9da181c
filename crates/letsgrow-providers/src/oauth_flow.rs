//! What the OAuth 2.0 providers (LinkedIn, Reddit, Instagram, Threads) share:
//! resolving their configured client and base URLs, sending a request and
//! reading its JSON, the token-endpoint error mapping, and a [`Session`] that
//! refreshes a token shortly before expiry (or once after the platform calls
//! it expired) and reports the new credentials for storage.

use crate::http::{HttpClient, SendError};
use crate::{
    ChannelCtx, ConnectInput, Credentials, OAuthClient, ProviderError, ProviderOptions,
    ProviderResult, SecretString, WithCreds,
};
use async_trait::async_trait;
use letsgrow_core::Platform;
use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// A platform's resolved settings.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub client: Option<OAuthClient>,
    pub api_base: String,
    pub auth_base: String,
}

impl Endpoints {
    pub fn resolve(opts: &ProviderOptions, p: Platform, api: &str, auth: &str) -> Self {
        let s = opts.platforms.get(&p).cloned().unwrap_or_default();
        let trim = |v: Option<String>, d: &str| {
            v.unwrap_or_else(|| d.to_owned())
                .trim_end_matches('/')
                .to_owned()
        };
        Endpoints {
            client: s.client,
            api_base: trim(s.api_base, api),
            auth_base: trim(s.auth_base, auth),
        }
    }
    pub fn url(base: &str, path: &str) -> ProviderResult<url::Url> {
        url::Url::parse(&format!("{base}{path}"))
            .map_err(|e| ProviderError::permanent(format!("bad platform URL {base}{path}: {e}")))
    }
}

/// The client the tokens were issued to (stored with them), else the configured one.
pub(crate) fn client_for(
    stored: &Credentials,
    configured: &Option<OAuthClient>,
    platform: &str,
) -> ProviderResult<OAuthClient> {
    stored
        .oauth_client
        .clone()
        .or_else(|| configured.clone())
        .ok_or_else(|| {
            ProviderError::permanent(format!(
                "{platform} is not configured: set its client id and secret under [platforms.{}]",
                platform.to_lowercase()
            ))
        })
}

/// The parts of an OAuth redirect, or InvalidInput when the input is of another kind.
pub(crate) fn oauth_code(
    input: ConnectInput,
    platform: &str,
) -> ProviderResult<(SecretString, SecretString, String, OAuthClient)> {
    match input {
        ConnectInput::OAuthCode {
            code,
            code_verifier,
            redirect_uri,
            client,
            ..
        } => Ok((code, code_verifier, redirect_uri, client)),
        _ => Err(ProviderError::invalid_input(
            "method",
            format!("{platform} connects through OAuth: use the Connect button"),
        )),
    }
}

/// Unix milliseconds `expires_in` seconds from now.
pub(crate) fn expires_at(expires_in: Option<i64>) -> Option<i64> {
    expires_in.map(|s| chrono::Utc::now().timestamp_millis() + s * 1000)
}

/// A response with its body read (JSON, or `Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
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
}

/// Sends and reads a response. Transport failures: a write that may have
/// reached the platform is `Transient { maybe_delivered: true }`.
pub(crate) async fn send(
    http: &HttpClient,
    req: RequestBuilder,
    what: &str,
    write: bool,
) -> ProviderResult<Resp> {
    let map = |e: SendError| match e {
        SendError::AfterSend(m) => ProviderError::Transient {
            message: format!("{what}: {m}"),
            maybe_delivered: write,
        },
        other => other.into_provider_error(what),
    };
    let resp = http.send(req).await.map_err(map)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.map_err(|e| {
        map(SendError::AfterSend(format!(
            "reading the response: {}",
            e.without_url()
        )))
    })?;
    Ok(Resp {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    })
}

/// Maps a token-endpoint failure (RFC 6749 §5.2 `error`) into the taxonomy.
pub(crate) fn token_error(r: &Resp, platform: &str) -> ProviderError {
    let code = r.str("/error").unwrap_or_default();
    let desc = r
        .str("/error_description")
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let text = format!(
        "{platform} refused the token request: {} {code}{desc}",
        r.status
    );
    match (r.status, code) {
        (429, _) => ProviderError::RateLimited {
            retry_after: crate::http::retry_after(&r.headers, chrono::Utc::now().timestamp()),
            message: text,
        },
        (500..=599, _) => ProviderError::transient(text),
        (_, "invalid_grant") => ProviderError::Revoked {
            message: format!("{text}; connect the channel again"),
        },
        (_, "invalid_client" | "unauthorized_client") | (401, _) => ProviderError::permanent(
            format!("{text}; check the {platform} client id and secret in the configuration"),
        ),
        _ => ProviderError::permanent(text),
    }
}

/// What a platform plugs into [`Session`].
#[async_trait]
pub(crate) trait Api: Send + Sync {
    fn http(&self) -> &HttpClient;
    /// `None` when the response is a success; otherwise its error.
    fn classify(&self, r: &Resp, what: &str, write: bool) -> Option<ProviderError>;
    /// New credentials (the platform's refresh flow).
    async fn refresh_creds(
        &self,
        ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials>;
    /// Refresh this long before the stored expiry.
    fn refresh_margin(&self) -> Duration {
        Duration::from_secs(120)
    }
}

/// One unit of work on a channel, refreshing its token when needed.
pub(crate) struct Session<'a, A: Api + ?Sized> {
    api: &'a A,
    ctx: &'a ChannelCtx,
    pub creds: Credentials,
    refreshed: bool,
}

impl<'a, A: Api + ?Sized> Session<'a, A> {
    /// Starts a session, refreshing first when the token is (nearly) expired.
    pub async fn begin(api: &'a A, ctx: &'a ChannelCtx) -> ProviderResult<Self> {
        let mut s = Session {
            api,
            ctx,
            creds: ctx.credentials.clone(),
            refreshed: false,
        };
        if let Some(exp) = s.creds.expires_at {
            let now = chrono::Utc::now().timestamp_millis();
            let margin = i64::try_from(api.refresh_margin().as_millis()).unwrap_or(i64::MAX);
            if now + margin >= exp {
                match api.refresh_creds(ctx, &s.creds).await {
                    Ok(c) => {
                        s.creds = c;
                        s.refreshed = true;
                    }
                    // Not expired yet: keep using the current token (Meta refuses
                    // to refresh a token younger than a day, for instance).
                    Err(e) if now < exp && !matches!(e, ProviderError::Revoked { .. }) => {
                        tracing::debug!(error = %e, "early token refresh failed; using the current token");
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(s)
    }

    pub fn token(&self) -> ProviderResult<String> {
        self.creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .ok_or_else(|| ProviderError::Revoked {
                message: "no access token is stored for this channel; connect it again".into(),
            })
    }

    /// Sends the request `build(token)` makes; on an expired token refreshes
    /// once and sends it again.
    pub async fn call(
        &mut self,
        what: &str,
        write: bool,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> ProviderResult<Resp> {
        loop {
            let r = send(self.api.http(), build(&self.token()?), what, write).await?;
            match self.api.classify(&r, what, write) {
                None => return Ok(r),
                Some(ProviderError::AuthExpired { .. }) if !self.refreshed => {
                    self.creds = self.api.refresh_creds(self.ctx, &self.creds).await?;
                    self.refreshed = true;
                }
                Some(e) => return Err(e),
            }
        }
    }

    /// Like [`Session::call`], but returns any response that is not an auth
    /// failure, for callers that handle some platform errors themselves.
    pub async fn call_any(
        &mut self,
        what: &str,
        write: bool,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> ProviderResult<Resp> {
        loop {
            let r = send(self.api.http(), build(&self.token()?), what, write).await?;
            match self.api.classify(&r, what, write) {
                Some(ProviderError::AuthExpired { .. }) if !self.refreshed => {
                    self.creds = self.api.refresh_creds(self.ctx, &self.creds).await?;
                    self.refreshed = true;
                }
                Some(e @ (ProviderError::AuthExpired { .. } | ProviderError::Revoked { .. })) => {
                    return Err(e);
                }
                _ => return Ok(r),
            }
        }
    }

    pub fn finish<T>(self, value: T) -> WithCreds<T> {
        WithCreds {
            value,
            refreshed: self.refreshed.then_some(self.creds),
        }
    }
}

/// The delay until the next midnight UTC (LinkedIn's daily limits reset then).
pub(crate) fn until_midnight_utc(now_unix: i64) -> Duration {
    Duration::from_secs(u64::try_from(86_400 - now_unix.rem_euclid(86_400)).unwrap_or(0))
}

/// Characters as the platforms count them for plain limits (Unicode scalar values).
pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}
