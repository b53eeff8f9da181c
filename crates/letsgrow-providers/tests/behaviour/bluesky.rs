//! The Bluesky peer: the real PDS (`peers/bluesky/run.sh`), one per test
//! process, with the rate limiter on (`PDS_RATE_LIMITS=1`) and a known JWT
//! secret so a test can mint an expired access token instead of waiting.

use crate::suite::{Peer, Stored};
use async_trait::async_trait;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use letsgrow_core::Platform;
use letsgrow_core::text::{FacetKind, detect_facets};
use letsgrow_providers::http::NetworkOptions;
use letsgrow_providers::{
    ChannelCtx, ConnectInput, MediaItem, Provider, ProviderError, ProviderOptions, PublishPart,
    RemotePost, SecretString, registry,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const JWT_SECRET: &str = "letsgrow-behaviour-suite-jwt-secret";
const PASSWORD: &str = "correct-horse-battery-staple";

pub const RED_PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63382127070002b6010534a675aa0000000049454e44ae426082";
pub const BLUE_PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c6390933b010001620105111ba3210000000049454e44ae426082";

type Pds = letsgrow_fakes::pds::Pds;

fn start_pds() -> Pds {
    letsgrow_fakes::pds::start(&[("PDS_RATE_LIMITS", "1"), ("PDS_JWT_SECRET", JWT_SECRET)])
        .unwrap_or_else(|e| panic!("{e}"))
}

pub struct Account {
    pub handle: String,
    pub did: String,
    pub access: String,
}

pub struct BlueskyPeer {
    pds: Pds,
    http: reqwest::Client,
    provider: Arc<dyn Provider>,
    friend: Account,
    seq: AtomicU32,
}

pub fn png(hex_str: &str, alt: &str) -> MediaItem {
    MediaItem {
        mime: "image/png".into(),
        data: hex::decode(hex_str).unwrap().into(),
        alt: Some(alt.into()),
        public_url: None,
    }
}

impl BlueskyPeer {
    pub async fn start() -> Arc<Self> {
        let pds = tokio::task::spawn_blocking(start_pds).await.unwrap();
        let opts = ProviderOptions {
            network: NetworkOptions {
                allow_private: true,
                ..NetworkOptions::default()
            },
            bluesky_default_service: pds.url.clone(),
            ..ProviderOptions::default()
        };
        let provider = registry(&opts).unwrap().get(Platform::Bluesky).unwrap();
        let mut peer = BlueskyPeer {
            pds,
            http: reqwest::Client::new(),
            provider,
            friend: dummy(),
            seq: AtomicU32::new(0),
        };
        peer.friend = peer.create_account().await;
        Arc::new(peer)
    }

    /// A raw XRPC call: status, headers, JSON body.
    pub async fn xrpc(
        &self,
        method: reqwest::Method,
        nsid: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/xrpc/{nsid}", self.pds.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        (status, headers, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn create_account(&self) -> Account {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let handle = format!("user{n}x.test");
        let (status, _, v) = self
            .xrpc(
                reqwest::Method::POST,
                "com.atproto.server.createAccount",
                None,
                Some(json!({ "handle": handle, "email": format!("user{n}@example.com"), "password": PASSWORD })),
            )
            .await;
        assert_eq!(status, 200, "createAccount: {v}");
        Account {
            handle,
            did: v["did"].as_str().unwrap().into(),
            access: v["accessJwt"].as_str().unwrap().into(),
        }
    }

    pub async fn app_password(&self, a: &Account) -> String {
        let (status, _, v) = self
            .xrpc(
                reqwest::Method::POST,
                "com.atproto.server.createAppPassword",
                Some(&a.access),
                Some(json!({ "name": "letsgrow" })),
            )
            .await;
        assert_eq!(status, 200, "createAppPassword: {v}");
        v["password"].as_str().unwrap().to_owned()
    }

    /// `getRecord` of an at:// URI: the record value, or None.
    pub async fn record(&self, uri: &str) -> Option<Value> {
        let rest = uri.strip_prefix("at://").unwrap();
        let parts: Vec<&str> = rest.split('/').collect();
        let url = format!(
            "{}/xrpc/com.atproto.repo.getRecord?repo={}&collection={}&rkey={}",
            self.pds.url, parts[0], parts[1], parts[2]
        );
        let resp = self.http.get(url).send().await.unwrap();
        let status = resp.status().as_u16();
        let v: Value = resp.json().await.unwrap();
        match status {
            200 => Some(v["value"].clone()),
            400 if v["error"] == "RecordNotFound" => None,
            _ => panic!("getRecord {uri}: {status} {v}"),
        }
    }
}

fn dummy() -> Account {
    Account {
        handle: String::new(),
        did: String::new(),
        access: String::new(),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An HS256 access token signed with the peer's secret, expired a minute ago.
fn expired_access_token(did: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let header = b64(br#"{"typ":"at+jwt","alg":"HS256"}"#);
    let claims = b64(json!({
        "scope": "com.atproto.appPass",
        "aud": "did:web:localhost",
        "sub": did,
        "iat": now - 7200,
        "exp": now - 60,
    })
    .to_string()
    .as_bytes());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(JWT_SECRET.as_bytes()).unwrap();
    mac.update(format!("{header}.{claims}").as_bytes());
    format!("{header}.{claims}.{}", b64(&mac.finalize().into_bytes()))
}

#[async_trait]
impl Peer for BlueskyPeer {
    fn name(&self) -> String {
        "bluesky".into()
    }

    fn provider(&self) -> Arc<dyn Provider> {
        self.provider.clone()
    }

    async fn new_account(&self) -> ConnectInput {
        let a = self.create_account().await;
        let password = self.app_password(&a).await;
        ConnectInput::AppPassword {
            identifier: format!("@{}", a.handle),
            password: SecretString::new(password),
            service_url: Some(self.pds.url.clone()),
        }
    }

    async fn wrong_credentials(&self) -> ConnectInput {
        let a = self.create_account().await;
        ConnectInput::AppPassword {
            identifier: a.handle,
            password: SecretString::new("abcd-efgh-ijkl-mnop"),
            service_url: Some(self.pds.url.clone()),
        }
    }

    async fn rich_text(&self) -> String {
        format!(
            "Grüße @{} and @nobody-here.test 🌱 read https://example.com/a?b=c or bsky.app #LetsGrow #2026 #naïve!",
            self.friend.handle
        )
    }

    fn image(&self) -> MediaItem {
        png(RED_PNG, "a red pixel, très petit")
    }

    async fn read(&self, _ctx: &ChannelCtx, post: &RemotePost) -> Option<Stored> {
        let v = self.record(&post.external_id).await?;
        let reply = v.get("reply").map(|r| {
            (
                r["root"]["uri"].as_str().unwrap().to_owned(),
                r["parent"]["uri"].as_str().unwrap().to_owned(),
            )
        });
        let alts = v["embed"]["images"]
            .as_array()
            .map(|imgs| {
                imgs.iter()
                    .map(|i| i["alt"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Some(Stored {
            text: v["text"].as_str().unwrap().to_owned(),
            reply,
            alts,
        })
    }

    async fn count(&self, ctx: &ChannelCtx) -> usize {
        let url = format!(
            "{}/xrpc/com.atproto.repo.listRecords?repo={}&collection=app.bsky.feed.post&limit=100",
            self.pds.url, ctx.account.external_id
        );
        let v: Value = self
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["records"].as_array().unwrap().len()
    }

    async fn verify_rich(&self, _ctx: &ChannelCtx, part: &PublishPart, post: &RemotePost) {
        let v = self.record(&post.external_id).await.unwrap();
        // Expected: the core's facets, the friend's mention resolved to a DID,
        // the unknown handle's mention dropped.
        let expected: Vec<Value> = detect_facets(&part.text)
            .into_iter()
            .filter_map(|f| {
                let feature = match f.kind {
                    FacetKind::Link => json!({ "$type": "app.bsky.richtext.facet#link", "uri": f.value }),
                    FacetKind::Tag => json!({ "$type": "app.bsky.richtext.facet#tag", "tag": f.value }),
                    FacetKind::Mention if f.value == self.friend.handle => {
                        json!({ "$type": "app.bsky.richtext.facet#mention", "did": self.friend.did })
                    }
                    FacetKind::Mention => return None,
                };
                Some(json!({ "index": { "byteStart": f.byte_start, "byteEnd": f.byte_end }, "features": [feature] }))
            })
            .collect();
        assert_eq!(
            v["facets"],
            Value::Array(expected.clone()),
            "facets byte for byte"
        );
        let kinds: Vec<&str> = expected
            .iter()
            .map(|f| {
                f["features"][0]["$type"]
                    .as_str()
                    .unwrap()
                    .rsplit('#')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            kinds,
            ["mention", "link", "link", "tag", "tag"],
            "{expected:?}"
        );
        // The byte offsets select the visible text they decorate.
        let text = part.text.as_bytes();
        let mention = &expected[0]["index"];
        let (s, e) = (
            mention["byteStart"].as_u64().unwrap() as usize,
            mention["byteEnd"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            std::str::from_utf8(&text[s..e]).unwrap(),
            format!("@{}", self.friend.handle)
        );
        let img = &v["embed"]["images"][0]["image"];
        assert_eq!(img["mimeType"], "image/png");
        assert_eq!(img["size"], 69);
        assert_eq!(
            v["createdAt"],
            part.scheduled_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
    }

    async fn expire_access_token(&self, ctx: &mut ChannelCtx) -> bool {
        // expires_at is left as stored (in the future): the PDS, not the clock,
        // says the token expired, as when the server shortens a session.
        let token = expired_access_token(&ctx.account.external_id);
        let (status, _, v) = self
            .xrpc(
                reqwest::Method::GET,
                "com.atproto.server.getSession",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (400, Some("ExpiredToken")),
            "the PDS sees it expired: {v}"
        );
        ctx.credentials.access_token = Some(SecretString::new(token));
        true
    }

    async fn rate_limited(&self) -> (ProviderError, Duration) {
        // createSession is limited to 30 / 5 min per identifier; a 600-char
        // password is refused before hashing, so 30 attempts are quick.
        let a = self.create_account().await;
        let long = "x".repeat(600);
        let mut reset = None;
        for _ in 0..30 {
            let (status, headers, _) = self
                .xrpc(
                    reqwest::Method::POST,
                    "com.atproto.server.createSession",
                    None,
                    Some(json!({ "identifier": a.handle, "password": long })),
                )
                .await;
            assert_eq!(status, 401);
            reset = headers
                .get("ratelimit-reset")
                .and_then(|v| v.to_str().ok()?.parse::<i64>().ok());
        }
        let reset = reset.expect("RateLimit-Reset header");
        let announced = Duration::from_secs((reset - chrono::Utc::now().timestamp()).max(0) as u64);
        let err = self
            .provider
            .connect(ConnectInput::AppPassword {
                identifier: a.handle,
                password: SecretString::new(PASSWORD),
                service_url: Some(self.pds.url.clone()),
            })
            .await
            .expect_err("the 31st createSession is limited");
        (err, announced)
    }
}
