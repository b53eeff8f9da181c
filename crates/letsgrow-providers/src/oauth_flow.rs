//! What the OAuth 2.0 providers (X, Mastodon, LinkedIn, Reddit, Instagram,
//! Threads) share: resolving their configured client and base URLs, the one
//! authorization-URL builder, sending a request and reading its JSON, the
//! token-endpoint error mapping, and [`Session::call`] for the platforms that
//! classify whole responses (the session itself is [`crate::session`]).

pub(crate) use crate::session::{Api, Refresh, Resp, Session};

use crate::http::{HttpClient, SendError};
use crate::session::{Failure, fetch};
use crate::{
    AuthorizeRequest, ConnectInput, Credentials, OAuthClient, ProviderError, ProviderOptions,
    ProviderResult, SecretString,
};
use letsgrow_core::Platform;
use reqwest::RequestBuilder;
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

/// Sends and reads a response. Transport failures: a write that may have
/// reached the platform is `Transient { maybe_delivered: true }`.
pub(crate) async fn send(
    http: &HttpClient,
    req: RequestBuilder,
    what: &str,
    write: bool,
) -> ProviderResult<Resp> {
    fetch(http, req)
        .await
        .map_err(|e| transport_error(Failure::Send(e), what, write))
}

/// A failure that produced no answer, as the OAuth providers report it.
fn transport_error(f: Failure, what: &str, write: bool) -> ProviderError {
    match f {
        Failure::Send(SendError::AfterSend(m)) => ProviderError::Transient {
            message: format!("{what}: {m}"),
            maybe_delivered: write,
        },
        Failure::Send(other) => other.into_provider_error(what),
        Failure::Classified(e) => e,
        Failure::Status { status, .. } | Failure::BadBody { status, .. } => {
            ProviderError::permanent(format!("{what}: unexpected answer {status}"))
        }
    }
}

/// The authorization URL of an OAuth 2.0 code flow with PKCE (S256): `page`
/// (the platform's authorization page) with the request's client, redirect,
/// state and challenge, the scopes joined by `scope_sep`, and any platform
/// `extra` parameters.
pub(crate) fn authorize_url(
    mut page: url::Url,
    req: &AuthorizeRequest,
    scopes: &[&str],
    scope_sep: &str,
    extra: &[(&str, &str)],
) -> String {
    page.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &req.client.client_id)
        .append_pair("redirect_uri", &req.redirect_uri)
        .append_pair("scope", &scopes.join(scope_sep))
        .append_pair("state", &req.state)
        .append_pair("code_challenge", &req.code_challenge)
        .append_pair("code_challenge_method", "S256")
        .extend_pairs(extra);
    page.into()
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

/// How an OAuth platform reads its answers, for [`Session::call`].
pub(crate) trait Classify: Api {
    /// `None` when the response is a success; otherwise its error.
    fn classify(&self, r: &Resp, what: &str, write: bool) -> Option<ProviderError>;
}

/// The refresh trigger of the OAuth platforms: their classification says
/// the token expired.
pub(crate) fn expired<A: Classify + ?Sized>(api: &A, r: &Resp) -> bool {
    matches!(
        api.classify(r, "", false),
        Some(ProviderError::AuthExpired { .. })
    )
}

impl<A: Classify + ?Sized> Session<'_, A> {
    /// Sends the request `build(token)` makes; on an expired token refreshes
    /// once and sends it again.
    pub async fn call(
        &mut self,
        what: &str,
        write: bool,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> ProviderResult<Resp> {
        let (r, e) = self.classified(what, write, build).await?;
        e.map_or(Ok(r), Err)
    }

    /// Like [`Session::call`], but returns any response that is not an auth
    /// failure, for callers that handle some platform errors themselves.
    pub async fn call_any(
        &mut self,
        what: &str,
        write: bool,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> ProviderResult<Resp> {
        match self.classified(what, write, build).await? {
            (_, Some(e @ (ProviderError::AuthExpired { .. } | ProviderError::Revoked { .. }))) => {
                Err(e)
            }
            (r, _) => Ok(r),
        }
    }

    /// The answer and the platform's reading of it.
    async fn classified(
        &mut self,
        what: &str,
        write: bool,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> ProviderResult<(Resp, Option<ProviderError>)> {
        self.token()?;
        let r = self
            .send(|t| build(t.unwrap_or_default()))
            .await
            .map_err(|f| transport_error(f, what, write))?;
        let e = self.api.classify(&r, what, write);
        Ok((r, e))
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
