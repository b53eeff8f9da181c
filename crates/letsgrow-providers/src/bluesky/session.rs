//! Sessions: createSession with an app password, refreshSession, and an
//! authenticated call that refreshes once, transparently, when the PDS says
//! the access token is expired or unusable.

use super::xrpc::{self, Failure, Xrpc};
use crate::http::HttpClient;
use crate::{
    Account, ChannelCtx, Credentials, ProviderError, ProviderResult, SecretString, WithCreds,
};
use base64::Engine as _;
use serde_json::{Value, json};

/// Refresh ahead of expiry by this margin.
const EXPIRY_MARGIN_MS: i64 = 30_000;

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
    match (f.status(), f.error_name()) {
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
            Err(f) if f.is_auth() => {} // the refresh token is dead too: log in again
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
pub struct Session<'a> {
    http: &'a HttpClient,
    ctx: &'a ChannelCtx,
    creds: Credentials,
    refreshed: bool,
}

impl<'a> Session<'a> {
    /// Starts a session, refreshing first when the token is missing or about to expire.
    pub async fn begin(http: &'a HttpClient, ctx: &'a ChannelCtx) -> ProviderResult<Session<'a>> {
        let mut s = Session {
            http,
            ctx,
            creds: ctx.credentials.clone(),
            refreshed: false,
        };
        let now = chrono::Utc::now().timestamp_millis();
        let stale = s
            .creds
            .expires_at
            .is_some_and(|exp| exp <= now + EXPIRY_MARGIN_MS);
        if s.creds.access_token.is_none() || stale {
            s.refresh().await?;
        }
        Ok(s)
    }

    pub fn service(&self) -> &str {
        self.ctx.account.base_url.trim_end_matches('/')
    }

    pub fn did(&self) -> &str {
        &self.ctx.account.external_id
    }

    async fn refresh(&mut self) -> ProviderResult<()> {
        let ctx = ChannelCtx {
            credentials: self.creds.clone(),
            ..self.ctx.clone()
        };
        self.creds = refresh(self.http, &ctx).await?;
        self.refreshed = true;
        Ok(())
    }

    /// One call; on a token failure, refresh once and retry.
    pub async fn call_raw(&mut self, x: &Xrpc) -> Result<Value, Failure> {
        let service = self.service().to_owned();
        let token = self
            .creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned());
        match xrpc::call(self.http, &service, token.as_deref(), x).await {
            Err(f) if f.is_auth() && !self.refreshed => {
                self.refresh().await.map_err(Failure::Classified)?;
                let token = self
                    .creds
                    .access_token
                    .as_ref()
                    .map(|t| t.expose().to_owned());
                xrpc::call(self.http, &service, token.as_deref(), x).await
            }
            other => other,
        }
    }

    /// One call, classified.
    pub async fn call(&mut self, x: &Xrpc) -> ProviderResult<Value> {
        let service = self.service().to_owned();
        self.call_raw(x)
            .await
            .map_err(|f| xrpc::classify(f, &service, x))
    }

    /// Wraps a result with the credentials to persist, if they changed.
    pub fn finish<T>(self, value: T) -> WithCreds<T> {
        WithCreds {
            value,
            refreshed: self.refreshed.then_some(self.creds),
        }
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
            error: Some("AuthenticationRequired".into()),
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
