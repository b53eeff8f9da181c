//! X (API v2) with OAuth 2.0 user tokens (authorization code + PKCE).
//!
//! - connect: the authorization URL on `auth_base` (`https://x.com/i/oauth2/authorize`)
//!   with S256 PKCE and a state; the code is exchanged at `api_base` +
//!   `/2/oauth2/token` (confidential clients with HTTP Basic, public clients
//!   with `client_id` in the body); `GET /2/users/me` names the account.
//! - refresh: `grant_type=refresh_token` ahead of expiry (tokens last 2 h)
//!   and once on a 401; X rotates refresh tokens, so the new pair is
//!   returned in [`WithCreds::refreshed`] and must be stored.
//! - publish: media through the v2 chunked upload (see [`media`]), then
//!   `POST /2/tweets` with `reply.in_reply_to_tweet_id` for thread parts.
//! - idempotency: X has no idempotency key. X refuses a post whose text
//!   repeats a recent post of the account with 403; on a 403 the provider
//!   looks for the part among the account's recent posts (below) and returns
//!   that post. Residual risk: if X accepts the duplicate (identical texts
//!   far enough apart) or the first attempt's post is not yet listed, a
//!   retry can post twice; the publisher limits this by calling `lookup`,
//!   not `publish`, after an unknown outcome.
//! - lookup: `GET /2/users/{id}/tweets` from the part's scheduled time on,
//!   matching by [`content_hash`] of the text (X rewrites links to t.co,
//!   appends a t.co link for attached media and HTML-escapes `&<>`, so the
//!   hash ignores links and undoes the escaping). Two parts whose texts
//!   differ only in their links are indistinguishable.
//! - delete: `DELETE /2/tweets/{id}` (a missing post counts as deleted).
//! - revoke: `/2/oauth2/revoke` for the refresh and the access token.

mod api;
pub mod media;
mod session;

use crate::http::HttpClient;
use crate::registry::PlatformSettings;
use crate::{
    Account, AuthorizeRequest, Budget, Capabilities, ChannelCtx, ConnectInput, ConnectMethod,
    Connected, ContentViolation, Credentials, EngagementAction, PostMetrics, Provider,
    ProviderError, ProviderResult, PublishPart, RecentPage, RecentPost, RemotePost, WithCreds,
};
use api::Req;
use async_trait::async_trait;
use letsgrow_core::Platform;
use letsgrow_core::metrics::{AccountStats, MetricSet};
use letsgrow_core::text::{CheckOptions, ViolationCode, check};
use reqwest::Method;
use serde_json::json;
use session::{Ctx, Session};
use sha2::Digest;
use std::time::Duration;

/// Ids one `GET /2/tweets` may ask about.
/// Source: x-api-v2.openapi.json, `GET /2/tweets` `ids` (maxItems 100).
const METRICS_BATCH: usize = 100;
/// The owner-only `non_public_metrics` / `organic_metrics` are not asked for
/// (X refuses them for posts older than 30 days) but are read when present.
const METRICS_FIELDS: &str = "public_metrics,created_at";

/// A post's numbers from `public_metrics` (and the owner-only
/// `non_public_metrics` / `organic_metrics` when X sends them), through
/// [`letsgrow_core::metrics::PLATFORM_FIELDS`]; `retweet_count` and
/// `repost_count` both mean reposts. A field X leaves out stays absent.
fn tweet_metrics(v: &serde_json::Value) -> MetricSet {
    let mut m = MetricSet::new();
    for group in ["public_metrics", "organic_metrics", "non_public_metrics"] {
        if let Some(obj) = v[group].as_object() {
            for (field, n) in obj {
                if let Some(n) = n.as_i64() {
                    m.set_field(Platform::X, field, n);
                }
            }
        }
    }
    m
}

/// One post of the author timeline.
fn recent_tweet(v: &serde_json::Value) -> Option<RecentPost> {
    let id = v["id"].as_str().filter(|id| is_id(id))?;
    let created_at = v["created_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())?
        .with_timezone(&chrono::Utc);
    let refs = v["referenced_tweets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let has = |t: &str| refs.iter().any(|r| r["type"].as_str() == Some(t));
    Some(RecentPost {
        external_id: id.to_owned(),
        url: Some(format!("https://x.com/i/status/{id}")),
        created_at,
        text: v["text"].as_str().unwrap_or_default().to_owned(),
        metrics: tweet_metrics(v),
        is_reply: has("replied_to"),
        is_repost: has("retweeted"),
    })
}

pub const DEFAULT_API_BASE: &str = "https://api.x.com";
pub const DEFAULT_AUTH_BASE: &str = "https://x.com";
pub const AUTHORIZE_PATH: &str = "/i/oauth2/authorize";
/// Scopes LetsGrow asks for; `offline.access` yields a refresh token.
/// Source: https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code
pub const SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "users.read",
    "media.write",
    "offline.access",
];
/// `POST /2/tweets`: 100 requests per 15 minutes per user.
/// Source: https://docs.x.com/x-api/fundamentals/rate-limits
pub const PUBLISH_BUDGET: Budget = Budget {
    limit: 100,
    period: Duration::from_secs(15 * 60),
};
/// How far before the scheduled time a lookup searches (clock skew).
const LOOKUP_SKEW: chrono::Duration = chrono::Duration::minutes(5);
/// Pages of 100 posts a lookup reads at most.
const LOOKUP_PAGES: usize = 3;

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::X,
    connect: ConnectMethod::OAuth2Pkce,
    max_images: media::MAX_IMAGES as u8,
    max_image_bytes: media::MAX_IMAGE_BYTES,
    image_mime_types: media::IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: true,
    delete: true,
    lookup: true,
    // `GET /2/tweets?ids=` takes up to 100 ids.
    analytics: crate::AnalyticsCaps {
        post_metrics_batch: METRICS_BATCH,
        account_stats: true,
        recent_posts: true,
        unavailable: None,
    },
    engagement: &[EngagementAction::Reply],
    publish_budget: Some(PUBLISH_BUDGET),
    media_by_url: false,
};

/// The X provider.
#[derive(Debug, Clone)]
pub struct X {
    http: HttpClient,
    api_base: String,
    auth_base: String,
    client: Option<crate::OAuthClient>,
}

fn trim_base(s: Option<&String>, default: &str) -> String {
    s.map(|s| s.trim().trim_end_matches('/').to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

impl X {
    pub fn new(http: HttpClient, settings: Option<&PlatformSettings>) -> Self {
        X {
            http,
            api_base: trim_base(settings.and_then(|s| s.api_base.as_ref()), DEFAULT_API_BASE),
            auth_base: trim_base(
                settings.and_then(|s| s.auth_base.as_ref()),
                DEFAULT_AUTH_BASE,
            ),
            client: settings.and_then(|s| s.client.clone()),
        }
    }

    fn cx(&self) -> Ctx<'_> {
        Ctx {
            http: &self.http,
            api_base: &self.api_base,
            client: self.client.as_ref(),
        }
    }

    async fn me(&self, s: &mut Session<'_>) -> ProviderResult<(String, String)> {
        let v = s.call(&Req::get("/2/users/me", "GET /2/users/me")).await?;
        let id = v["data"]["id"].as_str().unwrap_or_default();
        let username = v["data"]["username"].as_str().unwrap_or_default();
        if id.is_empty() || username.is_empty() {
            return Err(ProviderError::transient(
                "GET /2/users/me answered without an id and username",
            ));
        }
        Ok((id.to_owned(), username.to_owned()))
    }

    fn remote_post(&self, ctx: &ChannelCtx, id: &str) -> RemotePost {
        RemotePost {
            external_id: id.to_owned(),
            url: Some(format!(
                "https://x.com/{}/status/{id}",
                ctx.account.handle.trim_start_matches('@')
            )),
            extra: json!({}),
        }
    }

    /// The account's post whose text matches the part, if any.
    async fn find(
        &self,
        s: &mut Session<'_>,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<Option<RemotePost>> {
        let user = &ctx.account.external_id;
        if !is_id(user) {
            return Err(ProviderError::permanent(format!(
                "{user:?} is not an X user id"
            )));
        }
        let want = content_hash(&part.text);
        let since =
            (part.scheduled_at - LOOKUP_SKEW).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut token: Option<String> = None;
        for _ in 0..LOOKUP_PAGES {
            let mut r = Req::get(
                format!("/2/users/{user}/tweets"),
                "GET /2/users/{id}/tweets",
            );
            r.query = vec![
                ("max_results", "100".into()),
                ("start_time", since.clone()),
                ("exclude", "retweets".into()),
            ];
            if let Some(t) = token.take() {
                r.query.push(("pagination_token", t));
            }
            let v = s.call(&r).await?;
            let posts = v["data"].as_array().cloned().unwrap_or_default();
            if let Some(p) = posts
                .iter()
                .find(|p| p["text"].as_str().map(content_hash).as_deref() == Some(&want))
                && let Some(id) = p["id"].as_str()
            {
                return Ok(Some(self.remote_post(ctx, id)));
            }
            match v["meta"]["next_token"].as_str() {
                Some(t) => token = Some(t.to_owned()),
                None => break,
            }
        }
        Ok(None)
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The hash reconciliation matches on: the text with X's rewrites undone
/// (`&amp;`, `&lt;`, `&gt;`), links removed (X shortens them to t.co and
/// appends one per attached media) and whitespace collapsed.
pub fn content_hash(text: &str) -> String {
    let unescaped = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let words: Vec<&str> = unescaped
        .split_whitespace()
        .filter(|w| !(w.starts_with("http://") || w.starts_with("https://")))
        .collect();
    hex::encode(sha2::Sha256::digest(words.join(" ").as_bytes()))
}

/// Text rules from `letsgrow-core` (280 weighted characters, forbidden
/// characters); an empty text is fine when images are attached.
fn validate_text(part: &PublishPart) -> ProviderResult<()> {
    let result = check(Platform::X, &part.text, &CheckOptions::default());
    let violations: Vec<ContentViolation> = result
        .violations
        .into_iter()
        .filter(|v| v.code != ViolationCode::Empty || part.media.is_empty())
        .map(|v| ContentViolation {
            code: serde_json::to_value(v.code)
                .ok()
                .and_then(|c| c.as_str().map(str::to_owned))
                .unwrap_or_else(|| "invalid_text".into()),
            message: v.message,
        })
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ProviderError::InvalidContent { violations })
    }
}

#[async_trait]
impl Provider for X {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn authorize_url(&self, req: &AuthorizeRequest) -> ProviderResult<String> {
        if req.client.client_id.trim().is_empty() {
            return Err(ProviderError::permanent(
                "X is not configured: set the X client id in the configuration",
            ));
        }
        let page = url::Url::parse(&format!("{}{AUTHORIZE_PATH}", self.auth_base))
            .map_err(|e| ProviderError::permanent(format!("bad X authorization URL: {e}")))?;
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
            ..
        } = input
        else {
            return Err(ProviderError::invalid_input(
                "method",
                "X connects through its authorization page (OAuth)",
            ));
        };
        let cx = self.cx();
        let credentials = cx
            .exchange(
                &client,
                code.expose(),
                code_verifier.expose(),
                &redirect_uri,
            )
            .await?;
        let account = Account {
            external_id: String::new(),
            handle: String::new(),
            base_url: self.api_base.clone(),
            settings: json!({}),
        };
        let ctx = ChannelCtx {
            channel_id: String::new(),
            account,
            credentials,
        };
        let mut s = Session::begin(self, &ctx).await?;
        let (id, username) = self.me(&mut s).await?;
        let credentials = s.finish(()).refreshed.unwrap_or(ctx.credentials);
        Ok(Connected {
            account: Account {
                external_id: id,
                handle: format!("@{username}"),
                ..ctx.account
            },
            credentials,
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        self.cx().refresh(&ctx.credentials).await
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let mut s = Session::begin(self, ctx).await?;
        let (id, username) = self.me(&mut s).await?;
        if id != ctx.account.external_id {
            return Err(ProviderError::Revoked {
                message: format!(
                    "the X token now belongs to another account (@{username}); connect the X account again"
                ),
            });
        }
        let account = Account {
            handle: format!("@{username}"),
            ..ctx.account.clone()
        };
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        validate_text(part)?;
        media::validate(&part.media)?;
        let parent = match &part.reply_to {
            Some(r) if !is_id(&r.parent.external_id) => {
                return Err(ProviderError::permanent(format!(
                    "{:?} is not an X post id",
                    r.parent.external_id
                )));
            }
            Some(r) => Some(r.parent.external_id.clone()),
            None => None,
        };
        let mut s = Session::begin(self, ctx).await?;
        let mut media_ids = Vec::with_capacity(part.media.len());
        for m in &part.media {
            media_ids.push(media::upload(&mut s, m).await?);
        }
        let mut body = json!({ "text": part.text });
        if let Some(p) = parent {
            body["reply"] = json!({ "in_reply_to_tweet_id": p });
        }
        if !media_ids.is_empty() {
            body["media"] = json!({ "media_ids": media_ids });
        }
        let mut r = Req::post("/2/tweets", Some(body), "POST /2/tweets");
        r.write = true;
        match s.call_raw(&r).await {
            Ok(v) => match v["data"]["id"].as_str() {
                Some(id) if is_id(id) => {
                    let post = self.remote_post(ctx, id);
                    Ok(s.finish(post))
                }
                _ => Err(ProviderError::Transient {
                    message: "POST /2/tweets answered without a post id".into(),
                    maybe_delivered: true,
                }),
            },
            // X refuses duplicate content with 403: is it our earlier attempt?
            Err(f) if f.status() == Some(403) => match self.find(&mut s, ctx, part).await? {
                Some(post) => Ok(s.finish(post)),
                None => Err(api::classify(f, &r)),
            },
            Err(f) => Err(api::classify(f, &r)),
        }
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        if !is_id(&post.external_id) {
            return Err(ProviderError::permanent(format!(
                "{:?} is not an X post id",
                post.external_id
            )));
        }
        let mut s = Session::begin(self, ctx).await?;
        let mut r = Req::get(
            format!("/2/tweets/{}", post.external_id),
            "DELETE /2/tweets/{id}",
        );
        r.method = Method::DELETE;
        match s.call_raw(&r).await {
            // `deleted: false` and 404 both mean it is not there.
            Ok(_) => Ok(s.finish(())),
            Err(f) if f.status() == Some(404) => Ok(s.finish(())),
            Err(f) => Err(api::classify(f, &r)),
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
        // Not an id X could have: not there.
        let ids: Vec<&str> = posts
            .iter()
            .map(|p| p.external_id.as_str())
            .filter(|id| is_id(id))
            .collect();
        let mut s = Session::begin(self, ctx).await?;
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(METRICS_BATCH) {
            let mut r = Req::get("/2/tweets", "GET /2/tweets");
            r.query = vec![
                ("ids", chunk.join(",")),
                ("tweet.fields", METRICS_FIELDS.into()),
            ];
            let v = s.call(&r).await?;
            // Deleted or unknown ids come back in `errors`, not `data`: left out.
            for t in v["data"].as_array().into_iter().flatten() {
                if let Some(id) = t["id"].as_str() {
                    out.push(PostMetrics {
                        external_id: id.to_owned(),
                        metrics: tweet_metrics(t),
                    });
                }
            }
        }
        Ok(s.finish(out))
    }

    async fn account_stats(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<AccountStats>> {
        let mut s = Session::begin(self, ctx).await?;
        let mut r = Req::get("/2/users/me", "GET /2/users/me");
        r.query = vec![("user.fields", "public_metrics".into())];
        let v = s.call(&r).await?;
        let pm = &v["data"]["public_metrics"];
        Ok(s.finish(AccountStats {
            followers: pm["followers_count"].as_i64(),
            following: pm["following_count"].as_i64(),
            posts: pm["tweet_count"].as_i64().or(pm["post_count"].as_i64()),
        }))
    }

    async fn recent_posts(
        &self,
        ctx: &ChannelCtx,
        cursor: Option<&str>,
    ) -> ProviderResult<WithCreds<RecentPage>> {
        let user = &ctx.account.external_id;
        if !is_id(user) {
            return Err(ProviderError::permanent(format!(
                "{user:?} is not an X user id"
            )));
        }
        let mut s = Session::begin(self, ctx).await?;
        let mut r = Req::get(
            format!("/2/users/{user}/tweets"),
            "GET /2/users/{id}/tweets",
        );
        r.query = vec![
            ("max_results", "100".into()),
            (
                "tweet.fields",
                "public_metrics,created_at,referenced_tweets".into(),
            ),
        ];
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            r.query.push(("pagination_token", c.to_owned()));
        }
        let v = s.call(&r).await?;
        let posts = v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(recent_tweet)
            .collect();
        let next_cursor = v["meta"]["next_token"].as_str().map(str::to_owned);
        Ok(s.finish(RecentPage { posts, next_cursor }))
    }

    async fn revoke(&self, ctx: &ChannelCtx) -> ProviderResult<()> {
        self.cx().revoke(&ctx.credentials).await
    }
}

impl X {
    /// The API base in use (for messages and tests).
    pub fn api_base(&self) -> &str {
        &self.api_base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OAuthClient;

    #[test]
    fn the_authorize_url_carries_pkce_state_and_scopes() {
        let http = HttpClient::new(&crate::http::NetworkOptions::default()).unwrap();
        let x = X::new(http, None);
        let u = x
            .authorize_url(&AuthorizeRequest {
                state: "st&te".into(),
                code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
                redirect_uri: "https://letsgrow.example/api/oauth/x/callback".into(),
                client: OAuthClient {
                    client_id: "cid".into(),
                    client_secret: None,
                },
                instance_url: None,
            })
            .unwrap();
        let u = url::Url::parse(&u).unwrap();
        assert_eq!(
            u.as_str().split('?').next(),
            Some("https://x.com/i/oauth2/authorize")
        );
        let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["state"], "st&te");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["scope"],
            "tweet.read tweet.write users.read media.write offline.access"
        );
        assert_eq!(
            q["redirect_uri"],
            "https://letsgrow.example/api/oauth/x/callback"
        );
    }

    #[test]
    fn the_content_hash_ignores_what_x_rewrites() {
        let ours = "Grüße & <3 https://example.com/a?b=c\n\n#LetsGrow";
        let theirs = "Grüße &amp; &lt;3 https://t.co/abc123  #LetsGrow https://t.co/media9";
        assert_eq!(content_hash(ours), content_hash(theirs));
        assert_ne!(content_hash("1/3 a thread"), content_hash("2/3 a thread"));
    }

    #[test]
    fn text_rules_come_from_the_core() {
        let mut part = crate::PublishPart {
            idempotency_key: "k".into(),
            post_id: "p".into(),
            part_index: 0,
            text: "x".repeat(281),
            media: vec![],
            link: None,
            reply_to: None,
            scheduled_at: chrono::Utc::now(),
        };
        let e = validate_text(&part).unwrap_err();
        assert!(
            matches!(&e, ProviderError::InvalidContent { violations } if violations[0].code == "too_long"),
            "{e:?}"
        );
        part.text = String::new();
        assert!(validate_text(&part).is_err());
        part.media.push(crate::MediaItem {
            mime: "image/png".into(),
            data: vec![1].into(),
            alt: None,
            public_url: None,
        });
        assert!(validate_text(&part).is_ok());
    }
}

#[cfg(test)]
mod analytics_tests {
    use super::*;
    use letsgrow_core::Metric;

    #[test]
    fn both_repost_names_and_owner_metrics_map() {
        let m = tweet_metrics(&json!({
            "public_metrics": {"like_count": 4, "repost_count": 2, "reply_count": 1},
            "non_public_metrics": {"impression_count": 90, "url_link_clicks": 3}
        }));
        assert_eq!(m.get(Metric::Likes), Some(4));
        assert_eq!(m.get(Metric::Reposts), Some(2));
        assert_eq!(m.get(Metric::Views), Some(90));
        assert_eq!(m.get(Metric::Clicks), Some(3));
        assert_eq!(m.get(Metric::Quotes), None);
        let old = tweet_metrics(&json!({"public_metrics": {"retweet_count": 7}}));
        assert_eq!(old.get(Metric::Reposts), Some(7));
    }

    #[test]
    fn timeline_post_reads_reply_and_repost() {
        let t = recent_tweet(&json!({
            "id": "1850000000000000001", "text": "hi",
            "created_at": "2026-12-07T10:00:00.000Z",
            "referenced_tweets": [{"type": "replied_to", "id": "1"}]
        }))
        .unwrap();
        assert!(t.is_reply && !t.is_repost);
        let rt = recent_tweet(&json!({
            "id": "1850000000000000002", "text": "RT",
            "created_at": "2026-12-07T10:00:00Z",
            "referenced_tweets": [{"type": "retweeted", "id": "1"}]
        }))
        .unwrap();
        assert!(rt.is_repost && !rt.is_reply);
        assert!(recent_tweet(&json!({"id": "x"})).is_none());
    }
}
