//! Reddit: self (text) and link posts to one community per channel.
//!
//! - connect: OAuth 2.0 code flow with `duration=permanent` (so a refresh
//!   token comes back) and scopes `identity submit read edit` (`edit` is what
//!   `/api/del` needs); the token endpoint authenticates the app with HTTP
//!   Basic. <https://github.com/reddit-archive/reddit/wiki/OAuth2>
//! - the community: `settings.subreddit` (default: the user's profile, `u_<name>`),
//!   optional `settings.flair_id`.
//! - publish: the part's first line is the title (≤ 300 characters), the rest
//!   the body (≤ 40,000); a part with a link and no body is a link post.
//!   Before submitting, `/r/{sub}/about` and `/api/v1/{sub}/post_requirements`
//!   are read and a post the community would refuse (private, wrong post type,
//!   flair required, body required or forbidden, title or body rules) is
//!   refused with a clear message; then the community's `new` listing is
//!   checked for this part (Reddit has no idempotency key), then
//!   `POST /api/submit` (`api_type=json`). <https://www.reddit.com/dev/api>
//! - images: Reddit's documented API has no image upload; media is refused.
//! - limits: 100 queries per minute per OAuth client id (averaged over ten
//!   minutes), reported in `X-Ratelimit-Used/-Remaining/-Reset`; a descriptive
//!   User-Agent `<platform>:<app ID>:<version>` is required.
//!   <https://support.reddithelp.com/hc/en-us/articles/16160319875092-Reddit-Data-API-Wiki>

use crate::http::HttpClient;
use crate::oauth_flow::{self, Api, Classify, Endpoints, Resp, Session};
use crate::{
    Account, AuthorizeRequest, Capabilities, ChannelCtx, ConnectInput, ConnectMethod, Connected,
    Credentials, OAuthClient, Provider, ProviderError, ProviderOptions, ProviderResult,
    PublishPart, RemotePost, SecretString, WithCreds,
};
mod rules;

use async_trait::async_trait;
use letsgrow_core::Platform;
use reqwest::Method;
pub use rules::{check_requirements, split};
use rules::{validate, violation};
use serde_json::{Value, json};
use std::time::Duration;

pub const SCOPES: &[&str] = &["identity", "submit", "read", "edit"];
pub const TITLE_MAX: usize = 300;
pub const BODY_MAX: usize = 40_000;
/// Reddit's rule: `<platform>:<app ID>:<version string> (by /u/<username>)`.
pub const USER_AGENT: &str = concat!(
    "server:letsgrow:v",
    env!("CARGO_PKG_VERSION"),
    " (self-hosted LetsGrow)"
);
pub const DEFAULT_API: &str = "https://oauth.reddit.com";
pub const DEFAULT_AUTH: &str = "https://www.reddit.com";

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Reddit,
    connect: ConnectMethod::OAuth2Pkce,
    max_images: 0,
    max_image_bytes: 0,
    image_mime_types: &[],
    alt_text: false,
    video: false,
    threads: false,
    delete: true,
    lookup: true,
    analytics: crate::AnalyticsCaps::none("Numbers from this platform are not collected yet."),
    engagement: &[],
    publish_budget: None,
    media_by_url: false,
};

#[derive(Debug, Clone)]
pub struct Reddit {
    http: HttpClient,
    ep: Endpoints,
}

impl Reddit {
    pub fn new(http: HttpClient, opts: &ProviderOptions) -> Self {
        Reddit {
            http,
            ep: Endpoints::resolve(opts, Platform::Reddit, DEFAULT_API, DEFAULT_AUTH),
        }
    }

    fn api(&self, method: Method, url: &url::Url, token: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, url.clone())
            .bearer_auth(token)
            .header("user-agent", USER_AGENT)
    }

    async fn token_call(
        &self,
        client: &OAuthClient,
        form: &[(&str, &str)],
    ) -> ProviderResult<Credentials> {
        let req = self
            .http
            .request(
                Method::POST,
                Endpoints::url(&self.ep.auth_base, "/api/v1/access_token")?,
            )
            .header("user-agent", USER_AGENT)
            .basic_auth(
                &client.client_id,
                client.client_secret.as_ref().map(SecretString::expose),
            )
            .form(form);
        let r = oauth_flow::send(&self.http, req, "Reddit token request", false).await?;
        // Reddit reports some failures as 200 with an `error` field.
        let Some(access) = r
            .str("/access_token")
            .filter(|_| r.ok() && r.body.get("error").is_none())
        else {
            return Err(oauth_flow::token_error(
                &Resp {
                    status: if r.ok() { 400 } else { r.status },
                    ..r
                },
                "Reddit",
            ));
        };
        Ok(Credentials {
            access_token: Some(SecretString::new(access)),
            refresh_token: r.str("/refresh_token").map(SecretString::new),
            expires_at: oauth_flow::expires_at(r.body["expires_in"].as_i64()),
            secret: None,
            oauth_client: Some(client.clone()),
            scopes: r
                .str("/scope")
                .unwrap_or_default()
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    fn subreddit(ctx: &ChannelCtx) -> String {
        let s = &ctx.account.settings;
        s["subreddit"]
            .as_str()
            .map(|s| {
                s.trim_start_matches("/r/")
                    .trim_start_matches("r/")
                    .to_owned()
            })
            .or_else(|| s["username"].as_str().map(|u| format!("u_{u}")))
            .unwrap_or_default()
    }

    async fn find(
        &self,
        s: &mut Session<'_, Self>,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<Option<RemotePost>> {
        let sub = Self::subreddit(ctx);
        let url = Endpoints::url(
            &self.ep.api_base,
            &format!("/r/{sub}/new?limit=100&raw_json=1"),
        )?;
        let r = s
            .call("community listing", false, |t| {
                self.api(Method::GET, &url, t)
            })
            .await?;
        let me = ctx.account.settings["username"]
            .as_str()
            .unwrap_or_default();
        let (title, body) = split(&part.text);
        let since = part.scheduled_at.timestamp() - 60;
        let found = r
            .body
            .pointer("/data/children")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| &c["data"])
            .find(|d| {
                d["author"] == me
                    && d["title"] == title
                    && (d["selftext"] == body || d["is_self"] == false)
                    && d["created_utc"].as_f64().unwrap_or(0.0) >= since as f64
            });
        Ok(found.map(|d| RemotePost {
            external_id: d["name"].as_str().unwrap_or_default().to_owned(),
            url: d["permalink"]
                .as_str()
                .map(|p| format!("https://www.reddit.com{p}")),
            extra: json!({ "subreddit": sub }),
        }))
    }

    /// What the community allows, checked before submitting.
    async fn preflight(
        &self,
        s: &mut Session<'_, Self>,
        sub: &str,
        ctx: &ChannelCtx,
        part: &PublishPart,
        link_post: bool,
    ) -> ProviderResult<()> {
        let about_url = Endpoints::url(&self.ep.api_base, &format!("/r/{sub}/about?raw_json=1"))?;
        let about = s
            .call_any("community about", false, |t| {
                self.api(Method::GET, &about_url, t)
            })
            .await?;
        match about.status {
            404 => {
                return Err(violation(
                    "subreddit_not_found",
                    format!("r/{sub} does not exist; check the channel's community"),
                ));
            }
            403 => {
                return Err(violation(
                    "subreddit_private",
                    format!(
                        "r/{sub} is {}; LetsGrow cannot post there",
                        about.str("/reason").unwrap_or("not open to you")
                    ),
                ));
            }
            _ if !about.ok() => {
                return Err(self
                    .classify(&about, "community about", false)
                    .unwrap_or_else(|| ProviderError::permanent("unexpected Reddit answer")));
            }
            _ => {}
        }
        exhausted(&about)?;
        let d = &about.body["data"];
        if d["user_is_banned"] == true {
            return Err(violation(
                "banned",
                format!("this account is banned from r/{sub}"),
            ));
        }
        match (d["submission_type"].as_str(), link_post) {
            (Some("link"), false) => {
                return Err(violation(
                    "no_text_posts",
                    format!(
                        "r/{sub} takes link posts only: add a link and keep the text to one line"
                    ),
                ));
            }
            (Some("self"), true) => {
                return Err(violation(
                    "no_link_posts",
                    format!("r/{sub} takes text posts only"),
                ));
            }
            _ => {}
        }
        let req_url = Endpoints::url(
            &self.ep.api_base,
            &format!("/api/v1/{sub}/post_requirements"),
        )?;
        let req = s
            .call("post requirements", false, |t| {
                self.api(Method::GET, &req_url, t)
            })
            .await?;
        exhausted(&req)?;
        check_requirements(
            &req.body,
            sub,
            part,
            ctx.account.settings["flair_id"].as_str().is_some(),
            link_post,
        )
    }
}

/// Honours `X-Ratelimit-Remaining`: out of budget means wait for the reset.
fn exhausted(r: &Resp) -> ProviderResult<()> {
    let remaining = r
        .header("x-ratelimit-remaining")
        .and_then(|v| v.trim().parse::<f64>().ok());
    if remaining.is_some_and(|v| v < 1.0) {
        return Err(ProviderError::RateLimited {
            retry_after: crate::http::retry_after(&r.headers, chrono::Utc::now().timestamp()),
            message: "the Reddit request budget of this app is used up until the window resets"
                .into(),
        });
    }
    Ok(())
}

impl Classify for Reddit {
    fn classify(&self, r: &Resp, what: &str, write: bool) -> Option<ProviderError> {
        if r.ok() {
            return None;
        }
        let text = format!(
            "Reddit answered {} to {what}{}",
            r.status,
            r.str("/message")
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
        Some(match r.status {
            429 => ProviderError::RateLimited {
                retry_after: crate::http::retry_after(&r.headers, chrono::Utc::now().timestamp()),
                message: text,
            },
            // Reddit does not say whether the token expired or was revoked: a refresh tells.
            401 => ProviderError::AuthExpired { message: text },
            500..=599 => ProviderError::Transient {
                message: text,
                maybe_delivered: write && r.status != 503,
            },
            _ => ProviderError::permanent(text),
        })
    }
}

#[async_trait]
impl Api for Reddit {
    fn http(&self) -> &HttpClient {
        &self.http
    }

    fn token_rejected(&self, r: &Resp, _creds: &Credentials) -> bool {
        oauth_flow::expired(self, r)
    }

    async fn refresh_creds(
        &self,
        _ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials> {
        let Some(rt) = &creds.refresh_token else {
            return Err(ProviderError::Revoked { message: "the Reddit token expired and no refresh token is stored; connect the channel again".into() });
        };
        let client = oauth_flow::client_for(creds, &self.ep.client, "Reddit")?;
        let mut fresh = self
            .token_call(
                &client,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", rt.expose()),
                ],
            )
            .await?;
        fresh.refresh_token = fresh.refresh_token.or_else(|| creds.refresh_token.clone());
        Ok(fresh)
    }
}

#[async_trait]
impl Provider for Reddit {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn authorize_url(&self, req: &AuthorizeRequest) -> ProviderResult<String> {
        // `duration=permanent`: a refresh token comes back.
        Ok(oauth_flow::authorize_url(
            Endpoints::url(&self.ep.auth_base, "/api/v1/authorize")?,
            req,
            SCOPES,
            " ",
            &[("duration", "permanent")],
        ))
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let (code, verifier, redirect_uri, client) = oauth_flow::oauth_code(input, "Reddit")?;
        let credentials = self
            .token_call(
                &client,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code.expose()),
                    ("redirect_uri", &redirect_uri),
                    ("code_verifier", verifier.expose()),
                ],
            )
            .await?;
        let ctx = ChannelCtx {
            channel_id: String::new(),
            account: Account {
                external_id: String::new(),
                handle: String::new(),
                base_url: self.ep.api_base.clone(),
                settings: json!({}),
            },
            credentials,
        };
        let checked = self.check(&ctx).await?;
        Ok(Connected {
            account: checked.value,
            credentials: checked.refreshed.unwrap_or(ctx.credentials),
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        self.refresh_creds(ctx, &ctx.credentials).await
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let mut s = Session::begin(self, ctx).await?;
        let url = Endpoints::url(&self.ep.api_base, "/api/v1/me")?;
        let r = s
            .call("me", false, |t| self.api(Method::GET, &url, t))
            .await?;
        let (Some(name), Some(id)) = (r.str("/name"), r.str("/id")) else {
            return Err(ProviderError::permanent(
                "Reddit /api/v1/me answered without name and id",
            ));
        };
        let mut settings = ctx.account.settings.clone();
        if !settings.is_object() {
            settings = json!({});
        }
        settings["username"] = json!(name);
        if settings["subreddit"].as_str().is_none() {
            settings["subreddit"] = json!(format!("u_{name}"));
        }
        let account = Account {
            external_id: format!("t2_{id}"),
            handle: format!("u/{name}"),
            base_url: self.ep.api_base.clone(),
            settings,
        };
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        validate(part)?;
        let sub = Self::subreddit(ctx);
        let (title, body) = split(&part.text);
        let link_post = part.link.is_some() && body.trim().is_empty();
        let mut s = Session::begin(self, ctx).await?;
        self.preflight(&mut s, &sub, ctx, part, link_post).await?;
        if let Some(found) = self.find(&mut s, ctx, part).await? {
            return Ok(s.finish(found));
        }
        let mut form: Vec<(&str, String)> = vec![
            ("api_type", "json".into()),
            ("sr", sub.clone()),
            ("title", title.into()),
            ("resubmit", "true".into()),
            ("sendreplies", "true".into()),
        ];
        match (&part.link, link_post) {
            (Some(link), true) => form.extend([("kind", "link".into()), ("url", link.clone())]),
            _ => form.extend([("kind", "self".into()), ("text", body.into())]),
        }
        if let Some(f) = ctx.account.settings["flair_id"].as_str() {
            form.push(("flair_id", f.into()));
        }
        let url = Endpoints::url(&self.ep.api_base, "/api/submit")?;
        let r = s
            .call("submit", true, |t| {
                self.api(Method::POST, &url, t).form(&form)
            })
            .await?;
        let errors = r
            .body
            .pointer("/json/errors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(e) = errors.first() {
            let code = e[0].as_str().unwrap_or("ERROR");
            let msg = format!(
                "Reddit refused the post: {} ({code})",
                e[1].as_str().unwrap_or_default()
            );
            return Err(match code {
                "RATELIMIT" => ProviderError::RateLimited {
                    retry_after: r
                        .body
                        .pointer("/json/ratelimit")
                        .and_then(Value::as_f64)
                        .map(Duration::from_secs_f64),
                    message: msg,
                },
                "USER_REQUIRED" => ProviderError::Revoked { message: msg },
                _ => violation(&code.to_lowercase(), msg),
            });
        }
        let Some(name) = r.str("/json/data/name") else {
            return Err(ProviderError::Transient {
                message: "Reddit accepted the submission but sent no id".into(),
                maybe_delivered: true,
            });
        };
        Ok(s.finish(RemotePost {
            external_id: name.to_owned(),
            url: r.str("/json/data/url").map(str::to_owned),
            extra: json!({ "subreddit": sub }),
        }))
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        if !post.external_id.starts_with("t3_") {
            return Err(ProviderError::permanent(format!(
                "{:?} is not a Reddit post id (t3_…)",
                post.external_id
            )));
        }
        let url = Endpoints::url(&self.ep.api_base, "/api/del")?;
        let mut s = Session::begin(self, ctx).await?;
        // Answers 200 whether or not the post still existed: deleting twice is fine.
        s.call("delete", true, |t| {
            self.api(Method::POST, &url, t)
                .form(&[("id", post.external_id.as_str())])
        })
        .await?;
        Ok(s.finish(()))
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

    async fn revoke(&self, ctx: &ChannelCtx) -> ProviderResult<()> {
        let client = oauth_flow::client_for(&ctx.credentials, &self.ep.client, "Reddit")?;
        let (token, hint) = match (
            &ctx.credentials.refresh_token,
            &ctx.credentials.access_token,
        ) {
            (Some(rt), _) => (rt, "refresh_token"),
            (None, Some(at)) => (at, "access_token"),
            _ => return Ok(()),
        };
        let req = self
            .http
            .request(
                Method::POST,
                Endpoints::url(&self.ep.auth_base, "/api/v1/revoke_token")?,
            )
            .header("user-agent", USER_AGENT)
            .basic_auth(
                &client.client_id,
                client.client_secret.as_ref().map(SecretString::expose),
            )
            .form(&[("token", token.expose()), ("token_type_hint", hint)]);
        let r = oauth_flow::send(&self.http, req, "Reddit revoke", false).await?;
        if r.ok() {
            Ok(())
        } else {
            Err(oauth_flow::token_error(&r, "Reddit"))
        }
    }
}
