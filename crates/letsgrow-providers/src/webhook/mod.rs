//! Webhook channels: a JSON POST of each post part to a user-given URL.
//!
//! Storage: `credentials.access_token` holds the full URL (Discord and Slack
//! URLs embed their token, so the URL is a secret), `credentials.secret` the
//! signing secret; `account.base_url` shows only the origin
//! (`https://discord.com/…`), `account.external_id` is a hash of the URL
//! (for duplicate detection without decrypting), `account.settings.format`
//! is `generic`, `discord` or `slack`.
//!
//! Every request carries `X-LetsGrow-Signature: sha256=<hex HMAC-SHA256 of the
//! raw body keyed with the channel secret>` and `X-LetsGrow-Event`;
//! publishes carry `Idempotency-Key` (the part's key, stable per post, channel
//! and part). Any 2xx is published.
//!
//! - connect validates the URL (http/https, resolves, the private-address
//!   guard) and sends nothing.
//! - check: generic POSTs `{"event":"ping",…}` with `X-LetsGrow-Event: ping`
//!   (receivers should answer 2xx and create nothing); Discord GETs the
//!   webhook URL (Discord answers with the webhook object; nothing is posted);
//!   Slack sends nothing (an incoming webhook has no harmless request): it
//!   re-validates the URL only, so a deleted Slack hook shows on the next publish.
//! - lookup is not possible (`capabilities().lookup == false`) and returns
//!   `None`: after an unknown outcome the publisher re-sends with the same
//!   `Idempotency-Key` and the receiver dedupes.
//! - delete is not supported.

mod format;

pub use format::{DISCORD_MAX_CONTENT, DISCORD_MAX_EMBEDS, Format, signature};

use crate::http::{GuardError, HttpClient};
use crate::{
    Account, Capabilities, ChannelCtx, ConnectInput, ConnectMethod, Connected, Credentials,
    Provider, ProviderError, ProviderResult, PublishPart, RemotePost, SecretString, WithCreds,
};
use async_trait::async_trait;
use letsgrow_core::Platform;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Webhook,
    connect: ConnectMethod::Webhook,
    // Media go out as URLs; Discord's embed limit is the tightest of the formats.
    max_images: DISCORD_MAX_EMBEDS as u8,
    // Nothing is uploaded: the receiver fetches the URL.
    max_image_bytes: u64::MAX,
    image_mime_types: &["image/jpeg", "image/png", "image/webp", "image/gif"],
    alt_text: true,
    video: false,
    threads: true,
    delete: false,
    lookup: false,
    analytics: crate::AnalyticsCaps::none(
        "A webhook only receives posts; it has no numbers to give back.",
    ),
    engagement: &[],
    publish_budget: None,
    media_by_url: true,
};

/// The webhook provider.
#[derive(Debug, Clone)]
pub struct Webhook {
    http: HttpClient,
}

/// The channel's URL, format and secret, read from the context.
struct Target {
    url: url::Url,
    format: Format,
    secret: String,
}

fn url_hash(url: &url::Url) -> String {
    hex::encode(&Sha256::digest(url.as_str().as_bytes())[..16])
}

fn display_origin(url: &url::Url) -> String {
    format!("{}/…", url.origin().ascii_serialization())
}

impl Webhook {
    pub fn new(http: HttpClient) -> Self {
        Webhook { http }
    }

    fn target(ctx: &ChannelCtx) -> ProviderResult<Target> {
        let raw = ctx
            .credentials
            .access_token
            .as_ref()
            .map(SecretString::expose)
            .unwrap_or_default();
        let url = url::Url::parse(raw).map_err(|_| ProviderError::Revoked {
            message: "the stored webhook URL is unusable; reconnect".into(),
        })?;
        let format = ctx
            .account
            .settings
            .get("format")
            .and_then(Value::as_str)
            .and_then(Format::parse);
        let format = format.unwrap_or(Format::Generic);
        let secret = ctx
            .credentials
            .secret
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default();
        Ok(Target {
            url,
            format,
            secret,
        })
    }

    /// Sends a signed JSON body and classifies the answer.
    async fn post(
        &self,
        t: &Target,
        url: url::Url,
        event: &str,
        body: &Value,
        key: Option<&str>,
    ) -> ProviderResult<(u16, Vec<u8>)> {
        let raw = serde_json::to_vec(body).map_err(|e| ProviderError::permanent(e.to_string()))?;
        let mut req = self
            .http
            .request(Method::POST, url)
            .header("content-type", "application/json")
            .header("x-letsgrow-event", event)
            .header("x-letsgrow-signature", signature(t.secret.as_bytes(), &raw));
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        self.answer(req.body(raw), true).await
    }

    async fn answer(
        &self,
        req: reqwest::RequestBuilder,
        write: bool,
    ) -> ProviderResult<(u16, Vec<u8>)> {
        let resp = self
            .http
            .send(req)
            .await
            .map_err(|e| e.into_provider_error("the webhook request failed"))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        classify(status, &headers, &body, write).map(|()| (status, body))
    }
}

/// Maps a webhook answer into the taxonomy (status codes only).
pub fn classify(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    write: bool,
) -> ProviderResult<()> {
    let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
    let said = if snippet.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", snippet.trim())
    };
    match status {
        200..=299 => Ok(()),
        300..=399 => Err(ProviderError::permanent(format!(
            "the webhook answered with a redirect (HTTP {status}); redirects are not followed: use the final URL"
        ))),
        429 => Err(ProviderError::RateLimited {
            retry_after: crate::http::retry_after(headers, chrono::Utc::now().timestamp()),
            message: format!("the webhook answered HTTP 429{said}"),
        }),
        404 | 410 => Err(ProviderError::Revoked {
            message: format!(
                "the webhook URL no longer exists (HTTP {status}); reconnect with a new URL"
            ),
        }),
        400..=499 => Err(ProviderError::permanent(format!(
            "it answered HTTP {status}{said}"
        ))),
        _ => Err(ProviderError::Transient {
            message: format!("the webhook answered HTTP {status}{said}"),
            maybe_delivered: write && status != 503,
        }),
    }
}

fn with_wait(url: &url::Url) -> url::Url {
    let mut u = url.clone();
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "wait")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    u.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair("wait", "true");
    u
}

fn id_from(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    match v.get("id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[async_trait]
impl Provider for Webhook {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let ConnectInput::Webhook {
            url,
            secret,
            format,
        } = input
        else {
            return Err(ProviderError::invalid_input(
                "method",
                "a webhook connects with a URL, a secret and a format",
            ));
        };
        let format = Format::parse(&format).ok_or_else(|| {
            ProviderError::invalid_input(
                "format",
                format!("unknown webhook format {format:?}: use generic, discord or slack"),
            )
        })?;
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| ProviderError::invalid_input("url", format!("not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ProviderError::invalid_input(
                "url",
                "the webhook URL must start with https:// or http://",
            ));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ProviderError::invalid_input(
                "url",
                "put credentials in the secret, not in the URL",
            ));
        }
        if format == Format::Generic && secret.expose().is_empty() {
            return Err(ProviderError::invalid_input(
                "secret",
                "a signing secret is required",
            ));
        }
        self.http.check_url(&parsed).await.map_err(|e| match e {
            GuardError::Resolve { .. } => {
                ProviderError::invalid_input("url", format!("{e}; check the webhook URL"))
            }
            other => ProviderError::invalid_input("url", other.to_string()),
        })?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        Ok(Connected {
            account: Account {
                external_id: url_hash(&parsed),
                handle: format!("{host} ({})", format.as_str()),
                base_url: display_origin(&parsed),
                settings: json!({ "format": format.as_str() }),
            },
            credentials: Credentials {
                access_token: Some(SecretString::new(parsed.to_string())),
                refresh_token: None,
                expires_at: None,
                secret: Some(secret),
                ..Credentials::default()
            },
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        // Nothing expires.
        Ok(ctx.credentials.clone())
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let t = Self::target(ctx)?;
        match t.format {
            Format::Generic => {
                let body = json!({
                    "event": "ping",
                    "channel_id": ctx.channel_id,
                    "sent_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                });
                self.post(&t, t.url.clone(), "ping", &body, None).await?;
            }
            Format::Discord => {
                self.answer(self.http.request(Method::GET, t.url.clone()), false)
                    .await?;
            }
            Format::Slack => {
                self.http
                    .check_url(&t.url)
                    .await
                    .map_err(|e| ProviderError::permanent(e.to_string()))?;
            }
        }
        Ok(WithCreds::plain(ctx.account.clone()))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        let t = Self::target(ctx)?;
        let (body, url) = match t.format {
            Format::Generic => (format::generic(&ctx.channel_id, part)?, t.url.clone()),
            // wait=true: Discord answers with the message (and its id) instead of 204.
            Format::Discord => (format::discord(part)?, with_wait(&t.url)),
            Format::Slack => (format::slack(part)?, t.url.clone()),
        };
        let (_, answer) = self
            .post(&t, url, "publish", &body, Some(&part.idempotency_key))
            .await?;
        let external_id = match t.format {
            Format::Slack => None,
            Format::Generic | Format::Discord => id_from(&answer),
        }
        .unwrap_or_else(|| part.idempotency_key.clone());
        Ok(WithCreds::plain(RemotePost {
            external_id,
            url: None,
            extra: json!({ "idempotency_key": part.idempotency_key }),
        }))
    }

    async fn delete(&self, _ctx: &ChannelCtx, _post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        Err(ProviderError::permanent(
            "webhook channels cannot delete what they delivered",
        ))
    }

    async fn lookup(
        &self,
        _ctx: &ChannelCtx,
        _part: &PublishPart,
    ) -> ProviderResult<WithCreds<Option<RemotePost>>> {
        // Not possible: the caller re-sends with the same Idempotency-Key.
        Ok(WithCreds::plain(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    #[test]
    fn answers_map_by_status() {
        let h = HeaderMap::new();
        assert!(classify(204, &h, b"", true).is_ok());
        assert!(
            matches!(classify(410, &h, b"", true), Err(ProviderError::Revoked { message }) if message.contains("no longer exists"))
        );
        assert!(matches!(
            classify(404, &h, b"", true),
            Err(ProviderError::Revoked { .. })
        ));
        assert!(matches!(
            classify(400, &h, b"bad", true),
            Err(ProviderError::Permanent { .. })
        ));
        assert!(matches!(
            classify(302, &h, b"", true),
            Err(ProviderError::Permanent { .. })
        ));
        assert!(matches!(
            classify(502, &h, b"", true),
            Err(ProviderError::Transient {
                maybe_delivered: true,
                ..
            })
        ));
        assert!(matches!(
            classify(503, &h, b"", true),
            Err(ProviderError::Transient {
                maybe_delivered: false,
                ..
            })
        ));
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert!(matches!(
            classify(429, &h, b"", true),
            Err(ProviderError::RateLimited { retry_after: Some(d), .. }) if d.as_secs() == 7
        ));
    }

    #[test]
    fn discord_gets_wait_true_once() {
        let u = url::Url::parse("https://discord.com/api/webhooks/1/tok?thread_id=9&wait=false")
            .unwrap();
        assert_eq!(
            with_wait(&u).as_str(),
            "https://discord.com/api/webhooks/1/tok?thread_id=9&wait=true"
        );
        assert_eq!(id_from(br#"{"id":"123"}"#).as_deref(), Some("123"));
        assert_eq!(id_from(br#"{"id":42}"#).as_deref(), Some("42"));
        assert_eq!(id_from(b"ok"), None);
    }

    #[tokio::test]
    async fn connect_refuses_private_addresses_and_sends_nothing() {
        let w = Webhook::new(HttpClient::new(&crate::http::NetworkOptions::default()).unwrap());
        let input = |url: &str| ConnectInput::Webhook {
            url: url.into(),
            secret: SecretString::new("s3cret"),
            format: "generic".into(),
        };
        let e = w.connect(input("https://10.0.0.5/hook")).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "refusing to connect to 10.0.0.5: private address; set LETSGROW__NETWORK__ALLOW_PRIVATE=true to allow"
        );
        assert!(matches!(
            w.connect(input("ftp://example.com/")).await,
            Err(ProviderError::InvalidInput { .. })
        ));
        let e = w
            .connect(ConnectInput::Webhook {
                url: "https://x.example/".into(),
                secret: SecretString::new("s"),
                format: "teams".into(),
            })
            .await
            .unwrap_err();
        assert!(matches!(e, ProviderError::InvalidInput { field, .. } if field == "format"));
    }
}
