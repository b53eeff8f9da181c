//! Tokens: the authorization-code exchange, refresh (X rotates refresh
//! tokens: each refresh returns a new one and retires the old), revocation,
//! and an authenticated conversation that refreshes ahead of expiry and
//! once more when X answers 401.

use super::api::{self, Failure, Req};
use crate::http::HttpClient;
use crate::{ChannelCtx, Credentials, OAuthClient, ProviderError, ProviderResult, WithCreds};
use serde_json::Value;

/// Refresh this long before the stored expiry (access tokens last 2 hours).
const EXPIRY_MARGIN_MS: i64 = 60_000;

pub const TOKEN_PATH: &str = "/2/oauth2/token";
pub const REVOKE_PATH: &str = "/2/oauth2/revoke";

/// What every call needs: the client, the API base, the configured app.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    pub http: &'a HttpClient,
    pub api_base: &'a str,
    /// The app from configuration, used when the channel stored none.
    pub client: Option<&'a OAuthClient>,
}

impl Ctx<'_> {
    pub fn client_for(&self, creds: &Credentials) -> ProviderResult<OAuthClient> {
        creds
            .oauth_client
            .clone()
            .or_else(|| self.client.cloned())
            .ok_or_else(|| {
                ProviderError::permanent(
                    "X is not configured: set the X client id (and secret) in the configuration",
                )
            })
    }

    /// Exchanges an authorization code (PKCE verifier included).
    pub async fn exchange(
        &self,
        client: &OAuthClient,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> ProviderResult<Credentials> {
        let v = api::oauth_form(
            self.http,
            self.api_base,
            TOKEN_PATH,
            client,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ],
        )
        .await
        .map_err(|f| api::classify_token(f, "authorization code"))?;
        api::credentials(&v, client, None).map_err(|f| api::classify_token(f, "code"))
    }

    /// New credentials from the refresh token.
    pub async fn refresh(&self, creds: &Credentials) -> ProviderResult<Credentials> {
        let Some(rt) = &creds.refresh_token else {
            return Err(ProviderError::Revoked {
                message: "the X access token expired and no refresh token is stored (offline.access was not granted); connect the X account again".into(),
            });
        };
        let client = self.client_for(creds)?;
        let v = api::oauth_form(
            self.http,
            self.api_base,
            TOKEN_PATH,
            &client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.expose()),
            ],
        )
        .await
        .map_err(|f| api::classify_token(f, "refresh token"))?;
        api::credentials(&v, &client, Some(rt)).map_err(|f| api::classify_token(f, "refresh"))
    }

    /// Revokes the refresh token and the access token. Tokens X no longer
    /// knows count as revoked.
    pub async fn revoke(&self, creds: &Credentials) -> ProviderResult<()> {
        let client = self.client_for(creds)?;
        let tokens = [
            (creds.refresh_token.as_ref(), "refresh_token"),
            (creds.access_token.as_ref(), "access_token"),
        ];
        for (token, hint) in tokens {
            let Some(token) = token else { continue };
            let r = api::oauth_form(
                self.http,
                self.api_base,
                REVOKE_PATH,
                &client,
                &[("token", token.expose()), ("token_type_hint", hint)],
            )
            .await;
            match r {
                Ok(_) => {}
                Err(f) if matches!(f.status(), Some(400 | 401)) => {}
                Err(f) => {
                    return Err(api::classify(
                        f,
                        &Req::post(REVOKE_PATH, None, "POST /2/oauth2/revoke"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// An authenticated conversation with the X API for one channel.
pub struct Session<'a> {
    cx: Ctx<'a>,
    creds: Credentials,
    refreshed: bool,
}

impl<'a> Session<'a> {
    /// Starts a session, refreshing first when the token is missing or about to expire.
    pub async fn begin(cx: Ctx<'a>, ctx: &ChannelCtx) -> ProviderResult<Session<'a>> {
        let mut s = Session {
            cx,
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

    async fn refresh(&mut self) -> ProviderResult<()> {
        self.creds = self.cx.refresh(&self.creds).await?;
        self.refreshed = true;
        Ok(())
    }

    fn token(&self) -> String {
        self.creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default()
    }

    /// One call; on a 401, refresh once and retry.
    pub async fn call_raw(&mut self, r: &Req) -> Result<Value, Failure> {
        let base = self.cx.api_base;
        match api::call(self.cx.http, base, &self.token(), r).await {
            Err(f) if f.status() == Some(401) && !self.refreshed => {
                self.refresh().await.map_err(Failure::Classified)?;
                api::call(self.cx.http, base, &self.token(), r).await
            }
            other => other,
        }
    }

    /// One call, classified.
    pub async fn call(&mut self, r: &Req) -> ProviderResult<Value> {
        self.call_raw(r).await.map_err(|f| api::classify(f, r))
    }

    /// Wraps a result with the credentials to persist, if they changed.
    pub fn finish<T>(self, value: T) -> WithCreds<T> {
        WithCreds {
            value,
            refreshed: self.refreshed.then_some(self.creds),
        }
    }
}
