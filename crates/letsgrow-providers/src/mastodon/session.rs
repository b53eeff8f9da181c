//! Tokens and an authenticated conversation with one instance. Mastodon's
//! tokens last until revoked; a refresh token, when an instance sends one,
//! is used once on a 401.

use super::Mastodon;
use super::api::{self, Failure, Req};
use crate::http::HttpClient;
use crate::session::{Api, Refresh, Resp};
use crate::{ChannelCtx, Credentials, OAuthClient, ProviderError, ProviderResult};
use async_trait::async_trait;
use serde_json::{Value, json};

/// An authenticated conversation with one instance.
pub type Session<'a> = crate::session::Session<'a, Mastodon>;

#[async_trait]
impl Api for Mastodon {
    fn http(&self) -> &HttpClient {
        &self.http
    }

    async fn refresh_creds(
        &self,
        ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials> {
        refresh(
            &self.http,
            ctx.account.base_url.trim_end_matches('/'),
            creds,
        )
        .await
    }

    /// Never ahead of time: Mastodon's tokens last until revoked.
    fn refresh_policy(&self) -> Refresh {
        Refresh {
            ahead: None,
            when_missing: false,
            keep_on_early_failure: false,
        }
    }

    /// A 401 is worth one refresh only when the instance issued a refresh
    /// token; otherwise it means revoked.
    fn token_rejected(&self, r: &Resp, creds: &Credentials) -> bool {
        r.status == 401 && creds.refresh_token.is_some()
    }
}

impl Session<'_> {
    /// One call; on a 401, refresh once (only when a refresh token exists) and retry.
    pub async fn call_raw(&mut self, r: &Req) -> Result<(u16, Value), Failure> {
        let m = self.api;
        let u = api::endpoint(self.base_url(), r)?;
        api::answer(self.send(|t| api::request(&m.http, &u, t, r)).await?)
    }

    pub async fn call_status(&mut self, r: &Req) -> ProviderResult<(u16, Value)> {
        let instance = self.base_url();
        self.call_raw(r)
            .await
            .map_err(|f| api::classify(f, instance, r))
    }

    pub async fn call(&mut self, r: &Req) -> ProviderResult<Value> {
        self.call_status(r).await.map(|(_, v)| v)
    }
}

pub fn client_of(creds: &Credentials) -> ProviderResult<&OAuthClient> {
    creds
        .oauth_client
        .as_ref()
        .ok_or_else(|| ProviderError::Revoked {
            message: "the channel lacks its Mastodon app registration; connect it again".into(),
        })
}

pub fn token_body(client: &OAuthClient, pairs: &[(&str, &str)]) -> Value {
    let mut body = json!({ "client_id": client.client_id });
    if let Some(secret) = &client.client_secret {
        body["client_secret"] = json!(secret.expose());
    }
    for (k, v) in pairs {
        body[*k] = json!(v);
    }
    body
}

pub async fn refresh(
    http: &HttpClient,
    instance: &str,
    creds: &Credentials,
) -> ProviderResult<Credentials> {
    let Some(rt) = &creds.refresh_token else {
        return Err(ProviderError::Revoked {
            message: format!(
                "{instance} issued no refresh token (Mastodon tokens last until revoked); connect the Mastodon account again"
            ),
        });
    };
    let client = client_of(creds)?;
    let r = Req::post(
        "/oauth/token",
        token_body(
            client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.expose()),
            ],
        ),
        "POST /oauth/token",
    );
    let (_, v) = api::call(http, instance, None, &r)
        .await
        .map_err(|f| api::classify_token(f, instance, "refresh token"))?;
    let mut fresh =
        api::credentials(&v, client).map_err(|f| api::classify_token(f, instance, "refresh"))?;
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = Some(rt.clone());
    }
    Ok(fresh)
}
