//! Tokens and an authenticated conversation with one instance. Mastodon's
//! tokens last until revoked; a refresh token, when an instance sends one,
//! is used once on a 401.

use super::api::{self, Failure, Req};
use crate::http::HttpClient;
use crate::{ChannelCtx, Credentials, OAuthClient, ProviderError, ProviderResult, WithCreds};
use serde_json::{Value, json};

/// An authenticated conversation with one instance.
pub struct Session<'a> {
    pub http: &'a HttpClient,
    pub instance: &'a str,
    creds: Credentials,
    refreshed: bool,
}

impl<'a> Session<'a> {
    pub fn new(http: &'a HttpClient, ctx: &'a ChannelCtx) -> Self {
        Session {
            http,
            instance: ctx.account.base_url.trim_end_matches('/'),
            creds: ctx.credentials.clone(),
            refreshed: false,
        }
    }

    /// One call; on a 401, refresh once (only when a refresh token exists) and retry.
    pub async fn call_raw(&mut self, r: &Req) -> Result<(u16, Value), Failure> {
        let token = self.token();
        match api::call(self.http, self.instance, token.as_deref(), r).await {
            Err(f)
                if f.status() == Some(401)
                    && !self.refreshed
                    && self.creds.refresh_token.is_some() =>
            {
                self.creds = refresh(self.http, self.instance, &self.creds)
                    .await
                    .map_err(Failure::Classified)?;
                self.refreshed = true;
                let token = self.token();
                api::call(self.http, self.instance, token.as_deref(), r).await
            }
            other => other,
        }
    }

    fn token(&self) -> Option<String> {
        self.creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    pub async fn call_status(&mut self, r: &Req) -> ProviderResult<(u16, Value)> {
        self.call_raw(r)
            .await
            .map_err(|f| api::classify(f, self.instance, r))
    }

    pub async fn call(&mut self, r: &Req) -> ProviderResult<Value> {
        self.call_status(r).await.map(|(_, v)| v)
    }

    pub fn finish<T>(self, value: T) -> WithCreds<T> {
        WithCreds {
            value,
            refreshed: self.refreshed.then_some(self.creds),
        }
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
