//! The X peer: the stateful fake of `letsgrow_fakes::x` behind the
//! validating tee of `letsgrow_fakes::contract`, so every request the provider sends is checked against
//! X's official spec (`x-api-v2.openapi.json`) before the fake answers it.

use crate::suite::{Peer, Stored, channel, part};
use async_trait::async_trait;
use axum::http::Method;
use base64::Engine as _;
use fake::{CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID, REDIRECT_URI};
use letsgrow_core::Platform;
use letsgrow_fakes::contract::{Prism, Tee};
use letsgrow_fakes::x as fake;
use letsgrow_providers::http::NetworkOptions;
use letsgrow_providers::{
    AuthorizeRequest, ChannelCtx, ConnectInput, MediaItem, OAuthClient, PlatformSettings, Provider,
    ProviderError, ProviderOptions, PublishPart, RemotePost, SecretString, registry,
};
use serde_json::Value;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct XPeer {
    _prism: Prism,
    _peer: letsgrow_fakes::FakeHandle<fake::XState>,
    pub tee: Tee,
    fake: String,
    http: reqwest::Client,
    provider: Arc<dyn Provider>,
    seq: AtomicU64,
}

pub fn png() -> MediaItem {
    crate::bluesky::png(crate::bluesky::RED_PNG, "a red pixel, très petit")
}

impl XPeer {
    pub async fn start() -> Arc<Self> {
        // Installs rustls' ring provider for the process (the tee's client needs one).
        letsgrow_providers::http::HttpClient::new(&Default::default()).unwrap();
        let peer = fake::start().await.unwrap();
        let fake = peer.base_url.clone();
        let (prism, tee) = letsgrow_fakes::contract::checked(
            letsgrow_fakes::contract::spec("x-api-v2.openapi.json"),
            &fake,
            fake::tee_config(),
        )
        .await;
        let mut opts = ProviderOptions {
            network: NetworkOptions {
                allow_private: true,
                ..NetworkOptions::default()
            },
            ..ProviderOptions::default()
        };
        opts.platforms.insert(
            Platform::X,
            PlatformSettings {
                client: Some(client(false)),
                api_base: Some(tee.url.clone()),
                auth_base: Some(fake.clone()),
            },
        );
        let provider = registry(&opts).unwrap().get(Platform::X).unwrap();
        Arc::new(XPeer {
            _prism: prism,
            _peer: peer,
            tee,
            fake,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            provider,
            seq: AtomicU64::new(0),
        })
    }

    pub async fn fake(&self, method: Method, path: &str, body: String) -> Value {
        let resp = self
            .http
            .request(method, format!("{}{path}", self.fake))
            .body(body)
            .send()
            .await
            .unwrap();
        resp.json().await.unwrap_or(Value::Null)
    }

    /// A user authorizes LetsGrow on the fake's consent page: the connect input the callback yields.
    pub async fn authorize(&self, client: OAuthClient) -> ConnectInput {
        let user = self.fake(Method::POST, "/_fake/users", String::new()).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let verifier = format!(
            "verifier-{}-{}-0123456789abcdefghijklmnop",
            std::process::id(),
            self.seq.fetch_add(1, Ordering::Relaxed)
        );
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        let state = format!("state-{user}");
        let url = self
            .provider
            .authorize_url(&AuthorizeRequest {
                state: state.clone(),
                code_challenge: challenge,
                redirect_uri: REDIRECT_URI.into(),
                client: client.clone(),
                instance_url: None,
            })
            .unwrap();
        assert!(
            url.starts_with(&format!("{}/i/oauth2/authorize?", self.fake)),
            "{url}"
        );
        let resp = self
            .http
            .get(&url)
            .header("cookie", format!("user={user}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            302,
            "consent page: {}",
            resp.text().await.unwrap()
        );
        let back = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
        let q: HashMap<_, _> = back.query_pairs().into_owned().collect();
        assert_eq!(q["state"], state, "the state comes back unchanged");
        ConnectInput::OAuthCode {
            code: SecretString::new(q["code"].clone()),
            code_verifier: SecretString::new(verifier),
            redirect_uri: REDIRECT_URI.into(),
            client,
            instance_url: None,
        }
    }

    pub async fn stats(&self, ctx: &ChannelCtx) -> Value {
        self.fake(
            Method::GET,
            &format!("/_fake/stats/{}", ctx.account.external_id),
            String::new(),
        )
        .await
    }
}

pub fn client(public: bool) -> OAuthClient {
    if public {
        OAuthClient {
            client_id: PUBLIC_CLIENT_ID.into(),
            client_secret: None,
        }
    } else {
        OAuthClient {
            client_id: CLIENT_ID.into(),
            client_secret: Some(SecretString::new(CLIENT_SECRET)),
        }
    }
}

#[async_trait]
impl Peer for XPeer {
    fn name(&self) -> String {
        "x".into()
    }
    fn provider(&self) -> Arc<dyn Provider> {
        self.provider.clone()
    }
    async fn new_account(&self) -> ConnectInput {
        self.authorize(client(false)).await
    }
    async fn wrong_credentials(&self) -> ConnectInput {
        let ConnectInput::OAuthCode { code_verifier, .. } = self.authorize(client(false)).await
        else {
            unreachable!()
        };
        ConnectInput::OAuthCode {
            code: SecretString::new("forged-code-4711"),
            code_verifier,
            redirect_uri: REDIRECT_URI.into(),
            client: client(false),
            instance_url: None,
        }
    }
    async fn rich_text(&self) -> String {
        "Grüße & <3 from @LetsGrow 🌱 read https://example.com/a?b=c #LetsGrow #2026".into()
    }
    fn image(&self) -> MediaItem {
        png()
    }
    async fn read(&self, _ctx: &ChannelCtx, post: &RemotePost) -> Option<Stored> {
        let v = self
            .fake(
                Method::GET,
                &format!("/_fake/tweets/{}", post.external_id),
                String::new(),
            )
            .await;
        if v.is_null() {
            return None;
        }
        let reply = v["reply_to"]
            .as_str()
            .map(|p| (v["conversation"].as_str().unwrap().to_owned(), p.to_owned()));
        let alts = v["media"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["alt"].as_str().unwrap_or_default().to_owned())
            .collect();
        Some(Stored {
            text: v["text"].as_str().unwrap().to_owned(),
            reply,
            alts,
        })
    }
    async fn count(&self, ctx: &ChannelCtx) -> usize {
        self.stats(ctx).await["count"].as_u64().unwrap() as usize
    }
    async fn verify_rich(&self, ctx: &ChannelCtx, part: &PublishPart, post: &RemotePost) {
        let v = self
            .fake(
                Method::GET,
                &format!("/_fake/tweets/{}", post.external_id),
                String::new(),
            )
            .await;
        assert_eq!(v["text"], part.text.as_str());
        assert_eq!(v["media"][0]["mime"], "image/png");
        assert_eq!(
            v["media"][0]["size"], 69,
            "all bytes arrived through append"
        );
        // The timeline shows t.co links and escaped text, yet lookup finds the post.
        let found = self.provider.lookup(ctx, part).await.expect("lookup").value;
        assert_eq!(found.map(|p| p.external_id), Some(post.external_id.clone()));
        assert_eq!(
            post.url.as_deref(),
            Some(
                format!(
                    "https://x.com/{}/status/{}",
                    ctx.account.handle.trim_start_matches('@'),
                    post.external_id
                )
                .as_str()
            )
        );
    }
    async fn expire_access_token(&self, ctx: &mut ChannelCtx) -> bool {
        let token = ctx
            .credentials
            .access_token
            .as_ref()
            .unwrap()
            .expose()
            .to_owned();
        self.fake(Method::POST, "/_fake/expire", token).await;
        true
    }
    async fn rate_limited(&self) -> (ProviderError, Duration) {
        let ctx = crate::suite::channel(self).await;
        let reset = chrono::Utc::now().timestamp() + 900;
        let token = ctx.credentials.access_token.as_ref().unwrap().expose();
        self.tee.force_429(
            Method::GET,
            "/2/users/me",
            token,
            vec![
                ("x-rate-limit-limit".into(), "75".into()),
                ("x-rate-limit-remaining".into(), "0".into()),
                ("x-rate-limit-reset".into(), reset.to_string()),
            ],
        );
        let err = self.provider.check(&ctx).await.expect_err("forced 429");
        (err, Duration::from_secs(900))
    }
}

/// The X behaviour test: the common scenarios, X's own, then the contract.
pub async fn run() {
    let peer = XPeer::start().await;
    let mut scenarios = crate::suite::common(&peer);
    scenarios.extend([
        crate::suite::scenario!(peer, x_public_client_connects_and_refreshes),
        crate::suite::scenario!(peer, x_revoke_needs_reconnect),
        crate::suite::scenario!(peer, x_dead_refresh_token_needs_reconnect),
        crate::suite::scenario!(peer, x_gif_is_polled_until_processed),
        crate::suite::scenario!(peer, x_limits_are_checked_before_sending),
        crate::suite::scenario!(peer, x_the_tee_refuses_what_the_spec_forbids),
    ]);
    crate::suite::run("x", scenarios).await;
    let validated = peer.tee.validated();
    for (k, n) in &validated {
        eprintln!("x contract: {n:>3} × {k} validated against x-api-v2.openapi.json");
    }
    assert_eq!(
        peer.tee.violations(),
        Vec::<String>::new(),
        "requests that break X's spec"
    );
    for key in [
        "GET /2/users/me",
        "POST /2/tweets",
        "POST /2/media/upload/initialize",
        "POST /2/media/upload/{id}/append",
        "POST /2/media/upload/{id}/finalize",
        "GET /2/media/upload",
        "POST /2/media/metadata",
        "DELETE /2/tweets/{id}",
        "GET /2/users/{id}/tweets",
    ] {
        assert!(validated.contains_key(key), "{key} was never validated");
    }
}

async fn x_public_client_connects_and_refreshes(peer: &XPeer) {
    let p = peer.provider();
    let c = p
        .connect(peer.authorize(client(true)).await)
        .await
        .expect("connect as a public client");
    assert_eq!(c.credentials.oauth_client, Some(client(true)));
    let mut ctx = ChannelCtx {
        channel_id: "public".into(),
        account: c.account,
        credentials: c.credentials,
    };
    peer.expire_access_token(&mut ctx).await;
    let out = p
        .publish(&ctx, &part("refreshed by a public client"))
        .await
        .expect("publish");
    let fresh = out.refreshed.expect("new tokens");
    assert_ne!(
        fresh.refresh_token, ctx.credentials.refresh_token,
        "X rotates refresh tokens"
    );
}

async fn x_revoke_needs_reconnect(peer: &XPeer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    p.revoke(&ctx).await.expect("revoke");
    let err = p.check(&ctx).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Revoked { message } if message.contains("connect the X account again")),
        "{err:?}"
    );
    p.revoke(&ctx).await.expect("revoking twice is fine");
}

async fn x_dead_refresh_token_needs_reconnect(peer: &XPeer) {
    let p = peer.provider();
    let mut ctx = channel(peer).await;
    peer.expire_access_token(&mut ctx).await;
    ctx.credentials.refresh_token = Some(SecretString::new("rt-long-gone"));
    let err = p.publish(&ctx, &part("never sent")).await.unwrap_err();
    assert!(matches!(err, ProviderError::Revoked { .. }), "{err:?}");
    assert!(!err.to_string().contains("rt-long-gone"));
    assert_eq!(peer.count(&ctx).await, 0);
}

async fn x_gif_is_polled_until_processed(peer: &XPeer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let polls_before = peer.stats(&ctx).await["polls"].as_u64().unwrap();
    let mut gif = part("an animated pixel");
    gif.media.push(MediaItem {
        mime: "image/gif".into(),
        data: hex::decode(fake::GIF).unwrap().into(),
        alt: Some("a white pixel".into()),
        public_url: None,
    });
    let post = p.publish(&ctx, &gif).await.expect("publish").value;
    assert_eq!(
        peer.read(&ctx, &post).await.unwrap().alts,
        vec!["a white pixel".to_owned()]
    );
    assert!(
        peer.stats(&ctx).await["polls"].as_u64().unwrap() > polls_before,
        "STATUS was polled"
    );
}

async fn x_limits_are_checked_before_sending(peer: &XPeer) {
    let p = peer.provider();
    let mut ctx = channel(peer).await;
    // Without tokens any request would fail as Revoked: the checks come first.
    ctx.credentials.access_token = None;
    ctx.credentials.refresh_token = None;
    let code = |e: ProviderError| match e {
        ProviderError::InvalidContent { violations } => violations[0].code.clone(),
        other => panic!("{other:?}"),
    };
    let long = part(&"é".repeat(281));
    assert_eq!(code(p.publish(&ctx, &long).await.unwrap_err()), "too_long");
    let mut many = part("five images");
    many.media = vec![png(); 5];
    assert_eq!(
        code(p.publish(&ctx, &many).await.unwrap_err()),
        "too_many_images"
    );
    assert_eq!(
        p.capabilities()
            .publish_budget
            .map(|b| (b.limit, b.period.as_secs())),
        Some((100, 900))
    );
}

/// The contract check has teeth: requests breaking X's spec are refused.
async fn x_the_tee_refuses_what_the_spec_forbids(peer: &XPeer) {
    let http = reqwest::Client::new();
    let send = |req: reqwest::RequestBuilder| async move {
        let resp = req
            .bearer_auth("t")
            .header("x-contract-probe", "1")
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    };
    let url = |p: &str| format!("{}{p}", peer.tee.url);
    let (status, body) = send(
        http.post(url("/2/tweets"))
            .json(&serde_json::json!({ "text": "x", "visibility": "public" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("additionalProperties"), "{body}");
    let (status, body) = send(http.delete(url("/2/tweets/not-a-number"))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = send(
        http.post(url("/2/media/upload/initialize"))
            .json(&serde_json::json!({ "media_type": "image/heic" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
}
