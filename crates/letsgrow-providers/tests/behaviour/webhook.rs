//! The webhook peer: a receiver on 127.0.0.1:0 that records every request,
//! verifies the HMAC signature (401 when wrong), dedupes by Idempotency-Key,
//! and answers like the format's platform. Paths choose the behaviour:
//! `/gone/…` 410, `/limited/…` 429 with `Retry-After: 7`, `/broken/…` 500;
//! anything else accepts (each account gets its own path).

use crate::suite::{Peer, Stored};
use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use letsgrow_core::Platform;
use letsgrow_providers::http::NetworkOptions;
use letsgrow_providers::{
    ChannelCtx, ConnectInput, MediaItem, Provider, ProviderError, ProviderOptions, PublishPart,
    RemotePost, SecretString, registry, webhook,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SECRET: &str = "whsec-behaviour-suite";

#[derive(Debug, Clone)]
pub struct Delivery {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

#[derive(Default)]
pub struct Receiver {
    /// Every request, accepted or not.
    pub requests: Mutex<Vec<Delivery>>,
    /// Accepted publishes, one per Idempotency-Key: key -> (path, id, body).
    pub accepted: Mutex<HashMap<String, (String, String, Delivery)>>,
    pub bad_signatures: AtomicU32,
    seq: AtomicU32,
}

async fn handle(State(r): State<Arc<Receiver>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let raw: Bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let d = Delivery {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers.clone(),
        body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
        raw: raw.to_vec(),
    };
    r.requests.lock().unwrap().push(d.clone());
    let first = d
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    match first.as_str() {
        "gone" => return StatusCode::GONE.into_response(),
        "limited" => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "7")],
                "slow down",
            )
                .into_response();
        }
        "broken" => return (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        _ => {}
    }
    if parts.method == Method::GET {
        // Discord's "get webhook with token".
        return axum::Json(json!({ "id": "hook-1", "name": "LetsGrow test hook", "type": 1 }))
            .into_response();
    }
    let sig = parts
        .headers
        .get("x-letsgrow-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if sig != webhook::signature(SECRET.as_bytes(), &raw) {
        r.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let Some(key) = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        // A ping.
        return axum::Json(json!({ "ok": true })).into_response();
    };
    let id = {
        let mut accepted = r.accepted.lock().unwrap();
        let entry = accepted.entry(key).or_insert_with(|| {
            let id = format!("msg-{}", r.seq.fetch_add(1, Ordering::Relaxed));
            (d.path.clone(), id, d.clone())
        });
        entry.1.clone()
    };
    match first.as_str() {
        "discord" if d.query.contains("wait=true") => {
            axum::Json(json!({ "id": id, "content": d.body["content"] })).into_response()
        }
        "discord" => StatusCode::NO_CONTENT.into_response(),
        "slack" => "ok".into_response(),
        _ => axum::Json(json!({ "id": id })).into_response(),
    }
}

pub async fn start_receiver() -> (Arc<Receiver>, String) {
    let r = Arc::new(Receiver::default());
    let app = axum::Router::new().fallback(handle).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, base)
}

pub struct WebhookPeer {
    pub format: &'static str,
    pub receiver: Arc<Receiver>,
    pub base: String,
    provider: Arc<dyn Provider>,
    seq: AtomicU32,
}

impl WebhookPeer {
    pub async fn start(format: &'static str) -> Arc<Self> {
        let (receiver, base) = start_receiver().await;
        let opts = ProviderOptions {
            network: NetworkOptions {
                allow_private: true,
                ..NetworkOptions::default()
            },
            ..ProviderOptions::default()
        };
        let provider = registry(&opts).unwrap().get(Platform::Webhook).unwrap();
        Arc::new(WebhookPeer {
            format,
            receiver,
            base,
            provider,
            seq: AtomicU32::new(0),
        })
    }

    pub fn input(&self, first: &str) -> ConnectInput {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        ConnectInput::Webhook {
            url: format!("{}/{first}/{n}/token-{n}", self.base),
            secret: SecretString::new(SECRET),
            format: self.format.into(),
        }
    }

    fn path_of(ctx: &ChannelCtx) -> String {
        let url = url::Url::parse(ctx.credentials.access_token.as_ref().unwrap().expose()).unwrap();
        url.path().to_owned()
    }

    /// Accepted deliveries of the channel, found by the receiver's id or the key.
    fn accepted_for(&self, ctx: &ChannelCtx) -> Vec<(String, Delivery)> {
        let path = Self::path_of(ctx);
        let accepted = self.receiver.accepted.lock().unwrap();
        accepted
            .iter()
            .filter(|(_, (p, _, _))| *p == path)
            .map(|(key, (_, id, d))| (format!("{id} {key}"), d.clone()))
            .collect()
    }

    fn find(&self, ctx: &ChannelCtx, post: &RemotePost) -> Option<Delivery> {
        self.accepted_for(ctx)
            .into_iter()
            .find(|(ids, _)| ids.split(' ').any(|i| i == post.external_id))
            .map(|(_, d)| d)
    }

    /// Requests (of any outcome) that carried `key`.
    pub fn sent_with_key(&self, key: &str) -> Vec<Delivery> {
        let requests = self.receiver.requests.lock().unwrap();
        requests
            .iter()
            .filter(|d| d.headers.get("idempotency-key").is_some_and(|v| v == key))
            .cloned()
            .collect()
    }
}

fn stored_from(format: &str, body: &Value) -> Stored {
    let strings = |v: &Value, f: &dyn Fn(&Value) -> Option<String>| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(f).collect())
            .unwrap_or_default()
    };
    match format {
        "discord" => Stored {
            text: body["content"].as_str().unwrap().to_owned(),
            reply: None,
            alts: strings(&body["embeds"], &|e| {
                e["description"].as_str().map(str::to_owned)
            }),
        },
        "slack" => Stored {
            text: body["text"].as_str().unwrap().to_owned(),
            reply: None,
            alts: strings(&body["blocks"], &|b| {
                (b["type"] == "image").then(|| b["alt_text"].as_str().unwrap().to_owned())
            }),
        },
        _ => Stored {
            text: body["text"].as_str().unwrap().to_owned(),
            reply: body["reply_to"].as_object().map(|r| {
                (
                    r["root"].as_str().unwrap().to_owned(),
                    r["parent"].as_str().unwrap().to_owned(),
                )
            }),
            alts: strings(&body["media_details"], &|m| {
                m["alt"].as_str().map(str::to_owned)
            }),
        },
    }
}

#[async_trait]
impl Peer for WebhookPeer {
    fn name(&self) -> String {
        format!("webhook-{}", self.format)
    }

    fn provider(&self) -> Arc<dyn Provider> {
        self.provider.clone()
    }

    async fn new_account(&self) -> ConnectInput {
        self.input(self.format)
    }

    async fn wrong_credentials(&self) -> ConnectInput {
        // A webhook whose URL was deleted on the receiving side.
        self.input("gone")
    }

    async fn rich_text(&self) -> String {
        "Grüße @friend.test 🌱 read https://example.com/a?b=c #LetsGrow".into()
    }

    fn image(&self) -> MediaItem {
        MediaItem {
            mime: "image/png".into(),
            data: Bytes::from_static(b"not uploaded"),
            alt: Some("a red pixel, très petit".into()),
            public_url: Some("https://media.example/red.png".into()),
        }
    }

    async fn read(&self, ctx: &ChannelCtx, post: &RemotePost) -> Option<Stored> {
        let d = self.find(ctx, post)?;
        Some(stored_from(self.format, &d.body))
    }

    async fn count(&self, ctx: &ChannelCtx) -> usize {
        self.accepted_for(ctx).len()
    }

    async fn verify_rich(&self, ctx: &ChannelCtx, part: &PublishPart, post: &RemotePost) {
        let d = self.find(ctx, post).expect("delivered");
        assert_eq!(d.method, "POST");
        assert_eq!(d.headers["content-type"], "application/json");
        assert_eq!(d.headers["idempotency-key"], part.idempotency_key.as_str());
        assert_eq!(d.headers["x-letsgrow-event"], "publish");
        assert_eq!(
            d.headers["x-letsgrow-signature"],
            webhook::signature(SECRET.as_bytes(), &d.raw).as_str()
        );
        assert!(
            d.headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("LetsGrow/")
        );
        let b = &d.body;
        match self.format {
            "discord" => {
                assert!(d.query.contains("wait=true"));
                assert_eq!(b["content"], part.text.as_str());
                assert_eq!(
                    b["embeds"][0]["image"]["url"],
                    "https://media.example/red.png"
                );
            }
            "slack" => {
                assert_eq!(b["blocks"][0]["text"]["text"], part.text.as_str());
                assert_eq!(b["blocks"][1]["image_url"], "https://media.example/red.png");
            }
            _ => {
                assert_eq!(b["post_id"], part.post_id.as_str());
                assert_eq!(b["channel_id"], ctx.channel_id.as_str());
                assert_eq!(b["part_index"], 0);
                assert_eq!(b["text"], part.text.as_str());
                let at = b["scheduled_at"].as_str().unwrap();
                assert!(at.ends_with('Z'));
                assert_eq!(
                    chrono::DateTime::parse_from_rfc3339(at).unwrap(),
                    part.scheduled_at
                );
                assert_eq!(b["media"], json!(["https://media.example/red.png"]));
                assert_eq!(b["reply_to"], Value::Null);
            }
        }
    }

    async fn expire_access_token(&self, _ctx: &mut ChannelCtx) -> bool {
        false
    }

    async fn rate_limited(&self) -> (ProviderError, Duration) {
        let c = self.provider.connect(self.input("limited")).await.unwrap();
        let ctx = ChannelCtx {
            channel_id: "limited".into(),
            account: c.account,
            credentials: c.credentials,
        };
        let err = self
            .provider
            .publish(&ctx, &crate::suite::part("too fast"))
            .await
            .unwrap_err();
        (err, Duration::from_secs(7))
    }
}
