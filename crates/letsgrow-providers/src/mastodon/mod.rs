//! Mastodon, any instance: per-instance app registration, then OAuth 2.0
//! with PKCE.
//!
//! - register_app: `POST /api/v1/apps` on the instance; the caller stores
//!   the [`OAuthClient`] per instance and reuses it.
//! - connect: `/oauth/authorize` (S256 PKCE, state) → `/oauth/token` →
//!   `GET /api/v1/accounts/verify_credentials`. The account's profile URL is
//!   the external id (account ids are only unique per instance); the
//!   instance-local id is kept in `settings.account_id`.
//! - tokens: Mastodon's access tokens do not expire and come without a
//!   refresh token, so a 401 means revoked: reconnect. A refresh token, if an
//!   instance sends one, is used once on a 401.
//! - publish: the instance's limits from `GET /api/v2/instance` (cached for
//!   an hour) are checked first; each image goes to `POST /api/v2/media`
//!   (multipart, alt text in `description`), polled at `GET /api/v1/media/{id}`
//!   while it answers 206; then `POST /api/v1/statuses` (JSON) with the
//!   part's idempotency key as `Idempotency-Key`, so a retry within
//!   Mastodon's hour returns the first status instead of a second one.
//!   Visibility, content warning (`spoiler_text`) and language come from the
//!   channel's settings (`visibility`, `spoiler_text`, `language`).
//! - lookup: the account's recent statuses (`GET /api/v1/accounts/{id}/statuses`)
//!   created from the scheduled time on, matched by text (the HTML content
//!   read back as text) and reply parent. Never a re-POST, which would publish.
//! - delete: `DELETE /api/v1/statuses/{id}` (404 counts as deleted).
//! - revoke: `POST /oauth/revoke`.

mod api;
pub mod limits;
mod session;

use crate::http::{BaseUrl, HttpClient};
use crate::{
    Account, AuthorizeRequest, Capabilities, ChannelCtx, ConnectInput, ConnectMethod, Connected,
    Credentials, EngagementAction, OAuthClient, PostMetrics, Provider, ProviderError,
    ProviderResult, PublishPart, RecentPage, RecentPost, RemotePost, WithCreds,
};
use api::Req;
use async_trait::async_trait;
use letsgrow_core::Platform;
use letsgrow_core::metrics::{AccountStats, MetricSet};
use limits::Limits;
use reqwest::Method;
use serde_json::{Value, json};
use session::{Session, client_of, refresh, token_body};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Granular scopes (Mastodon ≥ 2.4.3; `profile` would need 4.3).
/// Source: https://docs.joinmastodon.org/api/oauth-scopes/
pub const SCOPES: &[&str] = &[
    "read:accounts",
    "read:statuses",
    "write:statuses",
    "write:media",
];
pub const CLIENT_NAME: &str = "LetsGrow";
/// An instance as the user types it (`mastodon.social` or its URL).
const INSTANCE_URL: BaseUrl = BaseUrl {
    field: "instance_url",
    noun: "instance URL",
    server_only: true,
    shape: "the instance URL must be just the server, e.g. https://mastodon.social",
    server: "the Mastodon instance",
    hint: "",
};
/// Instance limits are read again after this long.
const LIMITS_TTL: Duration = Duration::from_secs(3600);
/// How long to wait for an instance to process one upload.
const PROCESSING_DEADLINE: Duration = Duration::from_secs(60);
/// Statuses a lookup reads (the API's maximum page size is 40).
/// Source: https://docs.joinmastodon.org/methods/accounts/#statuses
const LOOKUP_LIMIT: &str = "40";
const LOOKUP_SKEW: chrono::Duration = chrono::Duration::minutes(5);

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Mastodon,
    connect: ConnectMethod::InstanceOAuth2,
    max_images: limits::DEFAULT_MAX_MEDIA as u8,
    max_image_bytes: limits::DEFAULT_IMAGE_SIZE_LIMIT,
    image_mime_types: limits::IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: true,
    delete: true,
    lookup: true,
    // One status per `GET /api/v1/statuses/{id}`; no views on Mastodon.
    analytics: crate::AnalyticsCaps {
        post_metrics_batch: 1,
        account_stats: true,
        recent_posts: true,
        unavailable: None,
    },
    engagement: &[
        EngagementAction::Like,
        EngagementAction::Repost,
        EngagementAction::Reply,
        EngagementAction::Follow,
    ],
    // Mastodon's limits are per instance and per request (300 per 5 min,
    // media 30 per 30 min), not a per-account post budget.
    // Source: https://docs.joinmastodon.org/api/rate-limits/
    publish_budget: None,
    media_by_url: false,
};

/// The Mastodon provider.
#[derive(Debug, Clone)]
pub struct Mastodon {
    http: HttpClient,
    limits: Arc<Mutex<HashMap<String, (Instant, Limits)>>>,
}

impl Mastodon {
    pub fn new(http: HttpClient) -> Self {
        Mastodon {
            http,
            limits: Arc::default(),
        }
    }

    /// Normalises a user-typed instance (`mastodon.social` or a URL) and
    /// checks it with the guard.
    pub async fn instance_url(&self, given: &str) -> ProviderResult<String> {
        let raw = given.trim();
        if raw.is_empty() {
            return Err(ProviderError::invalid_input(
                "instance_url",
                "enter your Mastodon instance, e.g. mastodon.social",
            ));
        }
        self.http.user_base_url(raw, INSTANCE_URL).await
    }

    async fn call_plain(&self, instance: &str, r: &Req) -> ProviderResult<Value> {
        api::call(&self.http, instance, None, r)
            .await
            .map(|(_, v)| v)
            .map_err(|f| api::classify(f, instance, r))
    }

    async fn instance_limits(&self, instance: &str) -> ProviderResult<Limits> {
        if let Ok(cache) = self.limits.lock()
            && let Some((at, l)) = cache.get(instance)
            && at.elapsed() < LIMITS_TTL
        {
            return Ok(l.clone());
        }
        let v = self
            .call_plain(
                instance,
                &Req::get("/api/v2/instance", "GET /api/v2/instance"),
            )
            .await?;
        let l = Limits::from_instance(&v);
        if let Ok(mut cache) = self.limits.lock() {
            cache.insert(instance.to_owned(), (Instant::now(), l.clone()));
        }
        Ok(l)
    }

    async fn account_of(&self, s: &mut Session<'_>) -> ProviderResult<Account> {
        let v = s
            .call(&Req::get(
                "/api/v1/accounts/verify_credentials",
                "GET /api/v1/accounts/verify_credentials",
            ))
            .await?;
        let str_of = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let (id, username, url) = (str_of("id"), str_of("username"), str_of("url"));
        if id.is_empty() || username.is_empty() {
            return Err(ProviderError::permanent(format!(
                "{} answered verify_credentials without an id and username; is it a Mastodon instance?",
                s.base_url()
            )));
        }
        let host = url::Url::parse(s.base_url())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        Ok(Account {
            external_id: if url.is_empty() {
                format!("{}/@{username}", s.base_url())
            } else {
                url
            },
            handle: format!("@{username}@{host}"),
            base_url: s.base_url().to_owned(),
            settings: json!({ "account_id": id }),
        })
    }

    async fn upload(&self, s: &mut Session<'_>, m: &crate::MediaItem) -> ProviderResult<String> {
        let ext = m.mime.rsplit('/').next().unwrap_or("bin");
        let name = format!("image.{ext}");
        let alt = m.alt.clone().unwrap_or_default();
        let fields: Vec<(&str, &str)> = if alt.trim().is_empty() {
            vec![]
        } else {
            vec![("description", alt.as_str())]
        };
        let mut r = Req::get("/api/v2/media", "POST /api/v2/media");
        r.method = Method::POST;
        r.body = api::multipart((&name, &m.mime, &m.data), &fields);
        let (mut status, v) = s.call_status(&r).await?;
        let Some(id) = v["id"].as_str().map(str::to_owned) else {
            return Err(ProviderError::transient(
                "POST /api/v2/media answered without a media id",
            ));
        };
        // 202: accepted, still processing; poll until 200.
        let started = Instant::now();
        let mut wait = Duration::from_millis(500);
        while status == 202 || status == 206 {
            if started.elapsed() + wait > PROCESSING_DEADLINE {
                return Err(ProviderError::transient(format!(
                    "{} is still processing media {id} after {}s",
                    s.base_url(),
                    PROCESSING_DEADLINE.as_secs()
                )));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(5));
            status = s
                .call_status(&Req::get(
                    format!("/api/v1/media/{id}"),
                    "GET /api/v1/media/{id}",
                ))
                .await?
                .0;
        }
        Ok(id)
    }

    /// The account's status matching the part, if any.
    async fn find(
        &self,
        s: &mut Session<'_>,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<Option<RemotePost>> {
        let Some(account_id) = ctx.account.settings["account_id"].as_str() else {
            return Err(ProviderError::permanent(
                "the channel lacks its Mastodon account id; connect it again",
            ));
        };
        let mut r = Req::get(
            format!("/api/v1/accounts/{account_id}/statuses"),
            "GET /api/v1/accounts/{id}/statuses",
        );
        r.query = vec![
            ("limit", LOOKUP_LIMIT.into()),
            ("exclude_reblogs", "true".into()),
        ];
        let v = s.call(&r).await?;
        let since = part.scheduled_at - LOOKUP_SKEW;
        let parent = part
            .reply_to
            .as_ref()
            .map(|r| r.parent.external_id.as_str());
        let found = v.as_array().into_iter().flatten().find(|st| {
            let created = st["created_at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            created.is_none_or(|c| c >= since)
                && st["in_reply_to_id"].as_str() == parent
                && limits::same_text(
                    &limits::html_to_text(st["content"].as_str().unwrap_or_default()),
                    &part.text,
                )
        });
        Ok(found.and_then(remote_post))
    }
}

fn remote_post(v: &Value) -> Option<RemotePost> {
    let id = v["id"].as_str()?;
    Some(RemotePost {
        external_id: id.to_owned(),
        url: v["url"].as_str().map(str::to_owned),
        extra: json!({}),
    })
}

/// A status's numbers, through [`letsgrow_core::metrics::PLATFORM_FIELDS`].
/// A count the instance leaves out (older servers have no `quotes_count`)
/// stays absent.
fn status_metrics(v: &Value) -> MetricSet {
    let mut m = MetricSet::new();
    for field in [
        "favourites_count",
        "reblogs_count",
        "replies_count",
        "quotes_count",
    ] {
        if let Some(n) = v[field].as_i64() {
            m.set_field(Platform::Mastodon, field, n);
        }
    }
    m
}

/// One status of the author feed. A reblog is the account's repost of
/// someone else's status, and its numbers are the original's, so it carries
/// none of its own.
fn recent_post(v: &Value) -> Option<RecentPost> {
    let id = v["id"].as_str().filter(|id| !id.is_empty())?;
    let created_at = v["created_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())?
        .with_timezone(&chrono::Utc);
    let is_repost = v["reblog"].is_object();
    Some(RecentPost {
        external_id: id.to_owned(),
        url: v["url"].as_str().map(str::to_owned),
        created_at,
        text: limits::html_to_text(v["content"].as_str().unwrap_or_default()),
        metrics: if is_repost {
            MetricSet::new()
        } else {
            status_metrics(v)
        },
        is_reply: v["in_reply_to_id"].as_str().is_some(),
        is_repost,
    })
}

fn valid_status_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[async_trait]
impl Provider for Mastodon {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    async fn register_app(
        &self,
        instance_url: &str,
        redirect_uri: &str,
    ) -> ProviderResult<OAuthClient> {
        let instance = self.instance_url(instance_url).await?;
        let v = self
            .call_plain(
                &instance,
                &Req::post(
                    "/api/v1/apps",
                    json!({
                        "client_name": CLIENT_NAME,
                        "redirect_uris": [redirect_uri],
                        "scopes": SCOPES.join(" "),
                    }),
                    "POST /api/v1/apps",
                ),
            )
            .await?;
        match (v["client_id"].as_str(), v["client_secret"].as_str()) {
            (Some(id), Some(secret)) if !id.is_empty() => Ok(OAuthClient {
                client_id: id.to_owned(),
                client_secret: Some(crate::SecretString::new(secret)),
            }),
            _ => Err(ProviderError::permanent(format!(
                "{instance} registered the app without a client id and secret"
            ))),
        }
    }

    fn authorize_url(&self, req: &AuthorizeRequest) -> ProviderResult<String> {
        let Some(instance) = req.instance_url.as_deref() else {
            return Err(ProviderError::invalid_input(
                "instance_url",
                "Mastodon needs the instance to connect to",
            ));
        };
        let page = url::Url::parse(&format!(
            "{}/oauth/authorize",
            instance.trim_end_matches('/')
        ))
        .map_err(|e| ProviderError::invalid_input("instance_url", e.to_string()))?;
        Ok(crate::oauth_flow::authorize_url(
            page,
            req,
            SCOPES,
            " ",
            &[],
        ))
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let ConnectInput::OAuthCode {
            code,
            code_verifier,
            redirect_uri,
            client,
            instance_url,
        } = input
        else {
            return Err(ProviderError::invalid_input(
                "method",
                "Mastodon connects through the instance's authorization page (OAuth)",
            ));
        };
        let instance = self
            .instance_url(instance_url.as_deref().unwrap_or_default())
            .await?;
        let scope = SCOPES.join(" ");
        let body = token_body(
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", code.expose()),
                ("redirect_uri", &redirect_uri),
                ("code_verifier", code_verifier.expose()),
                ("scope", &scope),
            ],
        );
        let r = Req::post("/oauth/token", body, "POST /oauth/token");
        let (_, v) = api::call(&self.http, &instance, None, &r)
            .await
            .map_err(|f| api::classify_token(f, &instance, "authorization code"))?;
        let credentials = api::credentials(&v, &client)
            .map_err(|f| api::classify_token(f, &instance, "authorization code"))?;
        let ctx = ChannelCtx {
            channel_id: String::new(),
            account: Account {
                external_id: String::new(),
                handle: String::new(),
                base_url: instance.clone(),
                settings: json!({}),
            },
            credentials,
        };
        let mut s = Session::begin(self, &ctx).await?;
        let mut account = self.account_of(&mut s).await?;
        // The instance's own character limit, so posts are checked against it
        // while they are written (publishing reads the limits again).
        match self.instance_limits(&instance).await {
            Ok(l) => account.settings["max_characters"] = json!(l.max_characters),
            Err(e) => {
                tracing::warn!(error = %e, %instance, "could not read the instance's limits; using Mastodon's defaults")
            }
        }
        let credentials = s
            .finish(())
            .refreshed
            .unwrap_or_else(|| ctx.credentials.clone());
        Ok(Connected {
            account,
            credentials,
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        refresh(
            &self.http,
            ctx.account.base_url.trim_end_matches('/'),
            &ctx.credentials,
        )
        .await
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let mut s = Session::begin(self, ctx).await?;
        let mut account = self.account_of(&mut s).await?;
        if account.external_id != ctx.account.external_id {
            return Err(ProviderError::Revoked {
                message: format!(
                    "the Mastodon token now belongs to {}; connect the account again",
                    account.handle
                ),
            });
        }
        if let Some(extra) = ctx.account.settings.as_object() {
            for (k, v) in extra {
                account.settings[k] = v.clone();
            }
        }
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        let mut s = Session::begin(self, ctx).await?;
        self.instance_limits(s.base_url()).await?.validate(part)?;
        let mut media_ids = Vec::with_capacity(part.media.len());
        for m in &part.media {
            media_ids.push(self.upload(&mut s, m).await?);
        }
        let settings = &ctx.account.settings;
        let mut body = json!({
            "status": part.text,
            "visibility": settings["visibility"].as_str().unwrap_or("public"),
        });
        if !media_ids.is_empty() {
            body["media_ids"] = json!(media_ids);
        }
        if let Some(p) = &part.reply_to {
            body["in_reply_to_id"] = json!(p.parent.external_id);
        }
        for key in ["spoiler_text", "language"] {
            if let Some(v) = settings[key].as_str().filter(|v| !v.is_empty()) {
                body[key] = json!(v);
            }
        }
        let mut r = Req::post("/api/v1/statuses", body, "POST /api/v1/statuses");
        r.idempotency_key = Some(part.idempotency_key.clone());
        r.write = true;
        let v = s.call(&r).await?;
        match remote_post(&v) {
            Some(post) => Ok(s.finish(post)),
            None => Err(ProviderError::Transient {
                message: "POST /api/v1/statuses answered without a status id".into(),
                maybe_delivered: true,
            }),
        }
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        let id = &post.external_id;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ProviderError::permanent(format!(
                "{id:?} is not a Mastodon status id"
            )));
        }
        let mut s = Session::begin(self, ctx).await?;
        let mut r = Req::get(
            format!("/api/v1/statuses/{id}"),
            "DELETE /api/v1/statuses/{id}",
        );
        r.method = Method::DELETE;
        match s.call_raw(&r).await {
            Ok(_) => Ok(s.finish(())),
            // Not there (deleted already): done.
            Err(f) if f.status() == Some(404) => Ok(s.finish(())),
            Err(f) => Err(api::classify(f, s.base_url(), &r)),
        }
    }

    async fn lookup(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<Option<RemotePost>>> {
        let mut s = Session::begin(self, ctx).await?;
        let found = self.find(&mut s, ctx, part).await?;
        Ok(s.finish(found))
    }

    async fn post_metrics(
        &self,
        ctx: &ChannelCtx,
        posts: &[RemotePost],
    ) -> ProviderResult<WithCreds<Vec<PostMetrics>>> {
        let mut s = Session::begin(self, ctx).await?;
        let mut out = Vec::with_capacity(posts.len());
        for post in posts {
            let id = &post.external_id;
            // Not a status id this instance could have: not there.
            if !valid_status_id(id) {
                continue;
            }
            let r = Req::get(
                format!("/api/v1/statuses/{id}"),
                "GET /api/v1/statuses/{id}",
            );
            match s.call_raw(&r).await {
                Ok((_, v)) => out.push(PostMetrics {
                    external_id: id.clone(),
                    metrics: status_metrics(&v),
                }),
                // Deleted (or never there): left out, not an error.
                Err(f) if f.status() == Some(404) => {}
                Err(f) => return Err(api::classify(f, s.base_url(), &r)),
            }
        }
        Ok(s.finish(out))
    }

    async fn account_stats(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<AccountStats>> {
        let mut s = Session::begin(self, ctx).await?;
        let v = s
            .call(&Req::get(
                "/api/v1/accounts/verify_credentials",
                "GET /api/v1/accounts/verify_credentials",
            ))
            .await?;
        Ok(s.finish(AccountStats {
            followers: v["followers_count"].as_i64(),
            following: v["following_count"].as_i64(),
            posts: v["statuses_count"].as_i64(),
        }))
    }

    async fn recent_posts(
        &self,
        ctx: &ChannelCtx,
        cursor: Option<&str>,
    ) -> ProviderResult<WithCreds<RecentPage>> {
        let Some(account_id) = ctx.account.settings["account_id"].as_str() else {
            return Err(ProviderError::permanent(
                "the channel lacks its Mastodon account id; connect it again",
            ));
        };
        let mut s = Session::begin(self, ctx).await?;
        let mut r = Req::get(
            format!("/api/v1/accounts/{account_id}/statuses"),
            "GET /api/v1/accounts/{id}/statuses",
        );
        r.query = vec![("limit", LOOKUP_LIMIT.into())];
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            r.query.push(("max_id", c.to_owned()));
        }
        let v = s.call(&r).await?;
        let page = v.as_array().map(Vec::as_slice).unwrap_or_default();
        let posts: Vec<RecentPost> = page.iter().filter_map(recent_post).collect();
        // Older statuses follow the oldest one on this page; a short page is the end.
        let next_cursor = (page.len() >= 40)
            .then(|| {
                page.last()
                    .and_then(|st| st["id"].as_str())
                    .map(str::to_owned)
            })
            .flatten();
        Ok(s.finish(RecentPage { posts, next_cursor }))
    }

    async fn revoke(&self, ctx: &ChannelCtx) -> ProviderResult<()> {
        let instance = ctx.account.base_url.trim_end_matches('/');
        let (Some(token), Ok(client)) =
            (&ctx.credentials.access_token, client_of(&ctx.credentials))
        else {
            return Ok(());
        };
        let r = Req::post(
            "/oauth/revoke",
            token_body(client, &[("token", token.expose())]),
            "POST /oauth/revoke",
        );
        match api::call(&self.http, instance, None, &r).await {
            Ok(_) => Ok(()),
            // A token or app the instance no longer knows is revoked already.
            Err(f) if matches!(f.status(), Some(400 | 401 | 403)) => Ok(()),
            Err(f) => Err(api::classify(f, instance, &r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use letsgrow_core::Metric;

    #[test]
    fn status_counts_map_and_absent_stays_absent() {
        let m = status_metrics(&json!({
            "favourites_count": 3, "reblogs_count": 0, "replies_count": 2
        }));
        assert_eq!(m.get(Metric::Likes), Some(3));
        assert_eq!(m.get(Metric::Reposts), Some(0));
        assert_eq!(m.get(Metric::Replies), Some(2));
        // No quotes_count (an older instance): not a 0.
        assert_eq!(m.get(Metric::Quotes), None);
        assert_eq!(m.get(Metric::Views), None);
    }

    #[test]
    fn feed_status_reads_reply_repost_and_text() {
        let own = recent_post(&json!({
            "id": "11", "created_at": "2026-12-07T10:00:00.000Z",
            "content": "<p>hello <b>world</b></p>", "in_reply_to_id": "10",
            "reblog": null, "favourites_count": 1, "url": "https://i/@a/11"
        }))
        .unwrap();
        assert_eq!(own.text, "hello world");
        assert!(own.is_reply && !own.is_repost);
        assert_eq!(own.metrics.get(Metric::Likes), Some(1));
        let boost = recent_post(&json!({
            "id": "12", "created_at": "2026-12-07T11:00:00Z", "content": "",
            "in_reply_to_id": null, "reblog": {"id": "9", "favourites_count": 50},
            "favourites_count": 0
        }))
        .unwrap();
        assert!(boost.is_repost && !boost.is_reply);
        assert!(boost.metrics.is_empty());
        assert!(recent_post(&json!({"id": "13"})).is_none());
    }
}
