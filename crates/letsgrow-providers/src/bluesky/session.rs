//! Sessions: createSession with an app password, refreshSession, and what
//! Bluesky plugs into the shared [`crate::session::Session`]: refresh with
//! refreshSession (else a new session from the stored app password) ahead
//! of the JWT's expiry and once, transparently, when the PDS says the access
//! token is expired or unusable.

use super::Bluesky;
use super::xrpc::{self, Failure, Xrpc};
use crate::http::HttpClient;
use crate::session::{Api, Refresh, Resp};
use crate::{Account, ChannelCtx, Credentials, ProviderError, ProviderResult, SecretString};
use async_trait::async_trait;
use base64::Engine as _;
use serde_json::{Value, json};
use std::time::Duration;

/// Refresh ahead of expiry by this margin.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// What createSession/refreshSession return.
pub struct SessionInfo {
    pub did: String,
    pub handle: String,
    pub credentials: Credentials,
}

fn parse_session(v: &Value, app_password: Option<SecretString>) -> Result<SessionInfo, Failure> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(access), Some(refresh), Some(did), Some(handle)) =
        (s("accessJwt"), s("refreshJwt"), s("did"), s("handle"))
    else {
        return Err(Failure::BadBody {
            status: 200,
            message: "the session lacks accessJwt/refreshJwt/did/handle".into(),
        });
    };
    Ok(SessionInfo {
        did,
        handle,
        credentials: Credentials {
            expires_at: jwt_exp_ms(&access),
            access_token: Some(SecretString::new(access)),
            refresh_token: Some(SecretString::new(refresh)),
            secret: app_password,
            ..Credentials::default()
        },
    })
}

/// The `exp` claim of a JWT, in unix milliseconds (unverified: only a hint
/// for refreshing ahead of time; the PDS stays the judge).
pub fn jwt_exp_ms(jwt: &str) -> Option<i64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("exp")?.as_i64()?.checked_mul(1000)
}

pub async fn create_session(
    http: &HttpClient,
    service: &str,
    identifier: &str,
    password: &SecretString,
) -> Result<SessionInfo, Failure> {
    let x = Xrpc::post(
        "com.atproto.server.createSession",
        json!({ "identifier": identifier, "password": password.expose() }),
    );
    let v = xrpc::call(http, service, None, &x).await?;
    parse_session(&v, Some(password.clone()))
}

/// Classifies a createSession failure: a 401 means wrong or revoked credentials.
pub fn classify_login(f: Failure, service: &str) -> ProviderError {
    let x = Xrpc::post("com.atproto.server.createSession", Value::Null);
    match (f.status(), f.code()) {
        (Some(401), Some("AuthenticationRequired") | None) => ProviderError::Revoked {
            message: "Bluesky refused the identifier or app password (wrong, or the app password was revoked); \
                      create an app password in Bluesky's settings and reconnect"
                .into(),
        },
        _ => xrpc::classify(f, service, &x),
    }
}

/// New credentials for a channel: refreshSession, else a new session from the
/// stored app password, else `Revoked`.
pub async fn refresh(http: &HttpClient, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
    let service = ctx.account.base_url.trim_end_matches('/');
    let app_password = ctx.credentials.secret.clone();
    if let Some(rt) = &ctx.credentials.refresh_token {
        let x = Xrpc::post("com.atproto.server.refreshSession", Value::Null);
        let x = Xrpc {
            body: xrpc::Body::None,
            ..x
        };
        match xrpc::call(http, service, Some(rt.expose()), &x).await {
            Ok(v) => {
                return parse_session(&v, app_password)
                    .map(|s| s.credentials)
                    .map_err(|f| xrpc::classify(f, service, &x));
            }
            Err(f) if xrpc::is_auth(&f) => {} // the refresh token is dead too: log in again
            Err(f) => return Err(xrpc::classify(f, service, &x)),
        }
    }
    let Some(pw) = app_password else {
        return Err(ProviderError::Revoked {
            message:
                "the Bluesky session expired and no app password is stored; reconnect the channel"
                    .into(),
        });
    };
    create_session(http, service, &ctx.account.external_id, &pw)
        .await
        .map(|s| s.credentials)
        .map_err(|f| classify_login(f, service))
}

/// An authenticated conversation with the channel's PDS.
pub type Session<'a> = crate::session::Session<'a, Bluesky>;

#[async_trait]
impl Api for Bluesky {
    fn http(&self) -> &HttpClient {
        &self.http
    }

    async fn refresh_creds(
        &self,
        ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials> {
        let ctx = ChannelCtx {
            credentials: creds.clone(),
            ..ctx.clone()
        };
        refresh(&self.http, &ctx).await
    }

    /// Ahead of expiry (the access JWT's `exp`) and when no token is stored;
    /// a failed refresh fails the call (it already fell back to the app password).
    fn refresh_policy(&self) -> Refresh {
        Refresh {
            ahead: Some(EXPIRY_MARGIN),
            when_missing: true,
            keep_on_early_failure: false,
        }
    }

    /// The PDS names the token error (`ExpiredToken`, `InvalidToken`, …).
    fn token_rejected(&self, r: &Resp, _creds: &Credentials) -> bool {
        xrpc::is_auth(&xrpc::failure(r))
    }
}

impl Session<'_> {
    pub fn service(&self) -> &str {
        self.base_url()
    }

    pub fn did(&self) -> &str {
        &self.ctx.account.external_id
    }

    /// One call; on a token failure, refresh once and retry.
    pub async fn call_raw(&mut self, x: &Xrpc) -> Result<Value, Failure> {
        let b = self.api;
        let url = xrpc::endpoint(self.base_url(), x)?;
        xrpc::answer(self.send(|t| xrpc::request(&b.http, &url, t, x)).await?)
    }

    /// One call, classified.
    pub async fn call(&mut self, x: &Xrpc) -> ProviderResult<Value> {
        let service = self.base_url();
        self.call_raw(x)
            .await
            .map_err(|f| xrpc::classify(f, service, x))
    }

    /// The account as the PDS reports it now (getSession).
    pub async fn account(&mut self) -> ProviderResult<Account> {
        let v = self
            .call(&Xrpc::get("com.atproto.server.getSession", vec![]))
            .await?;
        let mut account = self.ctx.account.clone();
        if let Some(h) = v.get("handle").and_then(Value::as_str) {
            account.handle = h.to_owned();
        }
        Ok(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_expiry_is_read_from_the_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"did:plc:x","exp":1800000000}"#);
        assert_eq!(
            jwt_exp_ms(&format!("e30.{payload}.sig")),
            Some(1_800_000_000_000)
        );
        assert_eq!(jwt_exp_ms("garbage"), None);
    }

    #[test]
    fn a_refused_login_is_revoked_with_advice() {
        let f = Failure::Status {
            status: 401,
            code: Some("AuthenticationRequired".into()),
            message: Some("Invalid identifier or password".into()),
            retry_after: None,
        };
        let e = classify_login(f, "http://pds");
        assert!(
            matches!(&e, ProviderError::Revoked { message } if message.contains("app password")),
            "{e}"
        );
    }
}
