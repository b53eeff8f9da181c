//! Tokens: the authorization-code exchange, refresh (X rotates refresh
//! tokens: each refresh returns a new one and retires the old), revocation,
//! and what X plugs into the shared [`crate::session::Session`]: refresh
//! ahead of expiry and once more when X answers 401.

use super::X;
use super::api::{self, Failure, Req};
use crate::http::HttpClient;
use crate::session::{Api, Refresh, Resp};
use crate::{ChannelCtx, Credentials, OAuthClient, ProviderError, ProviderResult};
use async_trait::async_trait;
use serde_json::Value;
use std::time::Duration;

/// Refresh this long before the stored expiry (access tokens last 2 hours).
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

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
        crate::oauth_flow::client_for(creds, &self.client.cloned(), "X")
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
pub type Session<'a> = crate::session::Session<'a, X>;

#[async_trait]
impl Api for X {
    fn http(&self) -> &HttpClient {
        &self.http
    }

    async fn refresh_creds(
        &self,
        _ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials> {
        self.cx().refresh(creds).await
    }

    /// Ahead of expiry, and when no token is stored; an early refresh that
    /// fails fails the call (X rotates refresh tokens: a failed refresh is
    /// worth knowing at once).
    fn refresh_policy(&self) -> Refresh {
        Refresh {
            ahead: Some(EXPIRY_MARGIN),
            when_missing: true,
            keep_on_early_failure: false,
        }
    }

    /// X answers 401 to an expired or revoked token alike: a refresh tells.
    fn token_rejected(&self, r: &Resp, _creds: &Credentials) -> bool {
        r.status == 401
    }
}

impl Session<'_> {
    /// One call; on a 401, refresh once and retry.
    pub async fn call_raw(&mut self, r: &Req) -> Result<Value, Failure> {
        let x = self.api;
        let u = api::endpoint(&x.api_base, r)?;
        api::answer(self.send(|t| api::request(&x.http, &u, t, r)).await?)
    }

    /// One call, classified.
    pub async fn call(&mut self, r: &Req) -> ProviderResult<Value> {
        self.call_raw(r).await.map_err(|f| api::classify(f, r))
    }
}
