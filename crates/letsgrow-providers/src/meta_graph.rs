//! Instagram (API with Instagram Login) and Threads: one implementation of
//! Meta's shared shape, configured by a [`Flavor`] per platform.
//!
//! - connect: OAuth code → short-lived token (an hour) → long-lived token (60
//!   days). There is no refresh token: the long-lived token refreshes itself
//!   while valid and at least a day old, so a session refreshes it when fewer
//!   than [`REFRESH_MARGIN`] remain; an expired one means reconnecting.
//! - publish: Meta fetches media from a public URL (`MediaItem::public_url`).
//!   Check the publishing quota first, look for this part among the recent
//!   posts (Meta has no idempotency key), create the container(s), poll the
//!   status until `FINISHED`, then publish.
//! - errors: Graph `error.code` / `error_subcode`; throttling codes 4, 17, 32,
//!   613, 80001–80014 with the wait from `X-Business-Use-Case-Usage`
//!   (`estimated_time_to_regain_access`, minutes).
//!   <https://developers.facebook.com/docs/graph-api/guides/error-handling>,
//!   <https://developers.facebook.com/docs/graph-api/overview/rate-limiting>

use crate::http::HttpClient;
use crate::oauth_flow::{self, Api, Classify, Endpoints, Refresh, Resp, Session};
use crate::{
    Account, AuthorizeRequest, Capabilities, ChannelCtx, ConnectInput, Connected, ContentViolation,
    Credentials, OAuthClient, Provider, ProviderError, ProviderOptions, ProviderResult,
    PublishPart, RemotePost, SecretString, WithCreds,
};
use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

/// Refresh the long-lived token when it has less than this left.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 86_400);

/// What differs between Instagram and Threads.
pub struct Flavor {
    pub name: &'static str,
    pub capabilities: &'static Capabilities,
    pub graph_version: &'static str,
    pub default_api: &'static str,
    pub default_auth: &'static str,
    /// Host of `/oauth/access_token` when `auth_base` is not overridden (`None`: the API host).
    pub default_token_host: Option<&'static str>,
    pub scopes: &'static [&'static str],
    pub exchange_grant: &'static str,
    pub refresh_grant: &'static str,
    pub me_fields: &'static str,
    pub create_edge: &'static str,
    pub publish_edge: &'static str,
    pub limit_edge: &'static str,
    pub list_edge: &'static str,
    pub text_field: &'static str,
    /// Checks the text and media before any request.
    pub validate: fn(&PublishPart) -> Vec<ContentViolation>,
    /// `media_type` for a single image container (`None`: omit it).
    pub image_media_type: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Graph {
    http: HttpClient,
    ep: Endpoints,
    token_base: String,
    flavor: &'static Flavor,
}

impl std::fmt::Debug for Flavor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

fn throttle_codes(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613 | 80_001..=80_014)
}

/// The longest `estimated_time_to_regain_access` (minutes) in Meta's usage headers.
fn regain_after(r: &Resp) -> Option<Duration> {
    let mut best: Option<u64> = None;
    for h in ["x-business-use-case-usage", "x-app-usage"] {
        let Some(v) = r
            .header(h)
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
        else {
            continue;
        };
        let mut rows: Vec<&Value> = vec![&v];
        if let Some(o) = v.as_object() {
            rows.extend(o.values().flat_map(|x| x.as_array().into_iter().flatten()));
        }
        for row in rows {
            if let Some(m) = row["estimated_time_to_regain_access"].as_u64() {
                best = Some(best.map_or(m, |b| b.max(m)));
            }
        }
    }
    best.map(|m| Duration::from_secs(m * 60))
}

impl Graph {
    pub fn new(http: HttpClient, opts: &ProviderOptions, flavor: &'static Flavor) -> Self {
        let ep = Endpoints::resolve(
            opts,
            flavor.capabilities.platform,
            flavor.default_api,
            flavor.default_auth,
        );
        let overridden = opts
            .platforms
            .get(&flavor.capabilities.platform)
            .and_then(|s| s.auth_base.clone())
            .is_some();
        let token_base = match (overridden, flavor.default_token_host) {
            (false, Some(h)) => h.to_owned(),
            (false, None) => ep.api_base.clone(),
            (true, _) => ep.auth_base.clone(),
        };
        Graph {
            http,
            ep,
            token_base,
            flavor,
        }
    }

    fn node(&self, path: &str) -> ProviderResult<url::Url> {
        Endpoints::url(
            &self.ep.api_base,
            &format!("/{}/{path}", self.flavor.graph_version),
        )
    }

    fn get(&self, url: &url::Url, token: &str) -> reqwest::RequestBuilder {
        let mut u = url.clone();
        u.query_pairs_mut().append_pair("access_token", token);
        self.http.request(Method::GET, u)
    }

    fn post(
        &self,
        url: &url::Url,
        token: &str,
        form: &[(&str, String)],
    ) -> reqwest::RequestBuilder {
        let mut f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        f.push(("access_token", token));
        self.http.request(Method::POST, url.clone()).form(&f)
    }

    /// Exchanges a short-lived token for a long-lived one.
    async fn long_lived(
        &self,
        client: &OAuthClient,
        short: &str,
    ) -> ProviderResult<(String, Option<i64>)> {
        let mut u = Endpoints::url(&self.ep.api_base, "/access_token")?;
        u.query_pairs_mut()
            .append_pair("grant_type", self.flavor.exchange_grant)
            .append_pair(
                "client_secret",
                client
                    .client_secret
                    .as_ref()
                    .map(SecretString::expose)
                    .unwrap_or_default(),
            )
            .append_pair("access_token", short);
        let r = oauth_flow::send(
            &self.http,
            self.http.request(Method::GET, u),
            "long-lived token exchange",
            false,
        )
        .await?;
        match r.str("/access_token").filter(|_| r.ok()) {
            Some(t) => Ok((
                t.to_owned(),
                oauth_flow::expires_at(r.body["expires_in"].as_i64()),
            )),
            None => Err(self
                .classify(&r, "long-lived token exchange", false)
                .unwrap_or_else(|| ProviderError::permanent("no access_token in the answer"))),
        }
    }

    fn account(&self, r: &Resp) -> ProviderResult<Account> {
        let id = r.body.get("user_id").or_else(|| r.body.get("id"));
        let id = id.and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        });
        let Some(id) = id else {
            return Err(ProviderError::permanent(format!(
                "{} /me answered without an id",
                self.flavor.name
            )));
        };
        Ok(Account {
            handle: r
                .str("/username")
                .map(|u| format!("@{u}"))
                .unwrap_or_else(|| id.clone()),
            external_id: id,
            base_url: self.ep.api_base.clone(),
            settings: json!({}),
        })
    }

    /// The post this part created, among the recent posts (or replies).
    async fn find(
        &self,
        s: &mut Session<'_, Self>,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<Option<RemotePost>> {
        let edge = if part.reply_to.is_some() {
            "replies"
        } else {
            self.flavor.list_edge
        };
        let mut url = self.node(&format!("{}/{edge}", ctx.account.external_id))?;
        url.query_pairs_mut()
            .append_pair(
                "fields",
                &format!("id,{},timestamp,permalink", self.flavor.text_field),
            )
            .append_pair("limit", "25");
        let r = s.call("recent posts", false, |t| self.get(&url, t)).await?;
        let since = part.scheduled_at.timestamp() - 60;
        let found = r.body["data"].as_array().into_iter().flatten().find(|m| {
            let ts = m["timestamp"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%z").ok());
            m[self.flavor.text_field].as_str() == Some(part.text.as_str())
                && ts.is_some_and(|t| t.timestamp() >= since)
        });
        Ok(found.map(|m| RemotePost {
            external_id: m["id"].as_str().unwrap_or_default().to_owned(),
            url: m["permalink"].as_str().map(str::to_owned),
            extra: json!({}),
        }))
    }

    /// Refuses to publish when the rolling 24-hour quota is used up.
    async fn check_quota(
        &self,
        s: &mut Session<'_, Self>,
        ctx: &ChannelCtx,
        reply: bool,
    ) -> ProviderResult<()> {
        let mut url = self.node(&format!(
            "{}/{}",
            ctx.account.external_id, self.flavor.limit_edge
        ))?;
        let fields = if reply {
            "reply_quota_usage,reply_config"
        } else {
            "quota_usage,config"
        };
        url.query_pairs_mut().append_pair("fields", fields);
        let r = s
            .call("publishing limit", false, |t| self.get(&url, t))
            .await?;
        let row = &r.body["data"][0];
        let (usage, config) = if reply {
            (&row["reply_quota_usage"], &row["reply_config"])
        } else {
            (&row["quota_usage"], &row["config"])
        };
        if let (Some(used), Some(total)) = (usage.as_u64(), config["quota_total"].as_u64())
            && used >= total
        {
            return Err(ProviderError::RateLimited {
                retry_after: None,
                message: format!(
                    "{} allows {total} posts per 24 hours through the API and this account has used them",
                    self.flavor.name
                ),
            });
        }
        Ok(())
    }

    async fn container(
        &self,
        s: &mut Session<'_, Self>,
        ctx: &ChannelCtx,
        form: Vec<(&str, String)>,
    ) -> ProviderResult<String> {
        let url = self.node(&format!(
            "{}/{}",
            ctx.account.external_id, self.flavor.create_edge
        ))?;
        let r = s
            .call("create container", false, |t| self.post(&url, t, &form))
            .await?;
        r.str("/id")
            .map(str::to_owned)
            .ok_or_else(|| ProviderError::permanent("the container answer has no id"))
    }

    /// Polls a container until it is ready to publish.
    async fn wait_ready(&self, s: &mut Session<'_, Self>, id: &str) -> ProviderResult<()> {
        let mut url = self.node(id)?;
        url.query_pairs_mut()
            .append_pair("fields", "status_code,status,error_message");
        let mut delay = Duration::from_millis(300);
        let mut waited = Duration::ZERO;
        loop {
            let r = s
                .call("container status", false, |t| self.get(&url, t))
                .await?;
            let status = r
                .str("/status_code")
                .or_else(|| r.str("/status"))
                .unwrap_or_default();
            match status {
                "FINISHED" | "PUBLISHED" => return Ok(()),
                "ERROR" => {
                    let why = r
                        .str("/error_message")
                        .filter(|m| !m.is_empty())
                        .or_else(|| r.str("/status"))
                        .unwrap_or("unknown error");
                    return Err(ProviderError::invalid_content(
                        format!("{}.media_error", self.flavor.name.to_lowercase()),
                        format!("{} could not process the media: {why}", self.flavor.name),
                    ));
                }
                "EXPIRED" => {
                    return Err(ProviderError::transient(
                        "the media container expired before publishing; retry",
                    ));
                }
                _ if waited >= Duration::from_secs(60) => {
                    return Err(ProviderError::transient(format!(
                        "{} is still processing the media after a minute; retry later",
                        self.flavor.name
                    )));
                }
                _ => {
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    delay = (delay * 2).min(Duration::from_secs(10));
                }
            }
        }
    }
}

impl Classify for Graph {
    fn classify(&self, r: &Resp, what: &str, write: bool) -> Option<ProviderError> {
        if r.ok() && r.body.get("error").is_none() {
            return None;
        }
        let e = &r.body["error"];
        let code = e["code"].as_i64().unwrap_or(0);
        let sub = e["error_subcode"].as_i64().unwrap_or(0);
        let text = format!(
            "{} answered {} to {what}: {} (code {code}{})",
            self.flavor.name,
            r.status,
            e["message"].as_str().unwrap_or("no message"),
            if sub > 0 {
                format!("/{sub}")
            } else {
                String::new()
            }
        );
        Some(match (code, sub) {
            _ if r.status == 429 || throttle_codes(code) => ProviderError::RateLimited {
                retry_after: regain_after(r),
                message: text,
            },
            (9, 2_207_042) => ProviderError::RateLimited {
                retry_after: None,
                message: text,
            },
            (190, 463) => ProviderError::AuthExpired { message: text },
            (190 | 102 | 2500, _) | (10 | 200..=299, _) => ProviderError::Revoked {
                message: format!("{text}; connect the channel again"),
            },
            (1 | 2, _) => ProviderError::Transient {
                message: text,
                maybe_delivered: write,
            },
            (100 | 9007 | 36_003, _) if write || sub >= 2_207_000 => {
                ProviderError::invalid_content(
                    format!(
                        "{}.{}",
                        self.flavor.name.to_lowercase(),
                        if sub > 0 { sub } else { code }
                    ),
                    text,
                )
            }
            _ if r.status >= 500 => ProviderError::Transient {
                message: text,
                maybe_delivered: write && r.status != 503,
            },
            _ => ProviderError::permanent(text),
        })
    }
}

#[async_trait]
impl Api for Graph {
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
        let token = creds
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default();
        let mut u = Endpoints::url(&self.ep.api_base, "/refresh_access_token")?;
        u.query_pairs_mut()
            .append_pair("grant_type", self.flavor.refresh_grant)
            .append_pair("access_token", &token);
        let r = oauth_flow::send(
            &self.http,
            self.http.request(Method::GET, u),
            "token refresh",
            false,
        )
        .await?;
        match r.str("/access_token").filter(|_| r.ok()) {
            Some(t) => Ok(Credentials {
                access_token: Some(SecretString::new(t)),
                expires_at: oauth_flow::expires_at(r.body["expires_in"].as_i64()),
                ..creds.clone()
            }),
            None => Err(match self.classify(&r, "token refresh", false) {
                Some(ProviderError::AuthExpired { message }) => ProviderError::Revoked {
                    message: format!(
                        "{message}; {} tokens can only be renewed before they expire: connect the channel again",
                        self.flavor.name
                    ),
                },
                Some(e) => e,
                None => ProviderError::permanent("the refresh answer has no access_token"),
            }),
        }
    }

    fn refresh_policy(&self) -> Refresh {
        Refresh {
            ahead: Some(REFRESH_MARGIN),
            ..Refresh::OAUTH
        }
    }
}

#[async_trait]
impl Provider for Graph {
    fn capabilities(&self) -> &Capabilities {
        self.flavor.capabilities
    }

    fn authorize_url(&self, req: &AuthorizeRequest) -> ProviderResult<String> {
        Ok(oauth_flow::authorize_url(
            Endpoints::url(&self.ep.auth_base, "/oauth/authorize")?,
            req,
            self.flavor.scopes,
            ",",
            &[],
        ))
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let (code, verifier, redirect_uri, client) =
            oauth_flow::oauth_code(input, self.flavor.name)?;
        let secret = client
            .client_secret
            .as_ref()
            .map(SecretString::expose)
            .unwrap_or_default();
        let req = self
            .http
            .request(
                Method::POST,
                Endpoints::url(&self.token_base, "/oauth/access_token")?,
            )
            .form(&[
                ("client_id", client.client_id.as_str()),
                ("client_secret", secret),
                ("grant_type", "authorization_code"),
                ("redirect_uri", &redirect_uri),
                ("code", code.expose().trim_end_matches("#_")),
                ("code_verifier", verifier.expose()),
            ]);
        let r = oauth_flow::send(&self.http, req, "code exchange", false).await?;
        let row = r.body.pointer("/data/0").unwrap_or(&r.body);
        let Some(short) = row["access_token"].as_str().filter(|_| r.ok()) else {
            let why = r
                .str("/error_message")
                .or_else(|| r.str("/error/message"))
                .unwrap_or("no reason given");
            return Err(if r.status >= 500 {
                ProviderError::transient(format!(
                    "{} could not exchange the code: {why}",
                    self.flavor.name
                ))
            } else {
                ProviderError::Revoked {
                    message: format!(
                        "{} refused the authorization code ({why}); connect again, and check the app id and secret if this repeats",
                        self.flavor.name
                    ),
                }
            });
        };
        let scopes: Vec<String> = row["permissions"]
            .as_str()
            .map(|p| p.split(',').map(str::to_owned).collect())
            .unwrap_or_else(|| self.flavor.scopes.iter().map(|s| (*s).to_owned()).collect());
        let (token, expires_at) = self.long_lived(&client, short).await?;
        let mut me = self.node("me")?;
        me.query_pairs_mut()
            .append_pair("fields", self.flavor.me_fields);
        let r = oauth_flow::send(&self.http, self.get(&me, &token), "me", false).await?;
        if let Some(e) = self.classify(&r, "me", false) {
            return Err(e);
        }
        let account = self.account(&r)?;
        let credentials = Credentials {
            access_token: Some(SecretString::new(token)),
            refresh_token: None,
            expires_at,
            secret: None,
            oauth_client: Some(client),
            scopes,
        };
        Ok(Connected {
            account,
            credentials,
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        self.refresh_creds(ctx, &ctx.credentials).await
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let mut s = Session::begin(self, ctx).await?;
        let mut me = self.node("me")?;
        me.query_pairs_mut()
            .append_pair("fields", self.flavor.me_fields);
        let r = s.call("me", false, |t| self.get(&me, t)).await?;
        let account = self.account(&r)?;
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        let violations = (self.flavor.validate)(part);
        if !violations.is_empty() {
            return Err(ProviderError::InvalidContent { violations });
        }
        let f = self.flavor;
        let mut s = Session::begin(self, ctx).await?;
        if let Some(found) = self.find(&mut s, ctx, part).await? {
            return Ok(s.finish(found));
        }
        let reply = part.reply_to.as_ref().map(|r| r.parent.external_id.clone());
        self.check_quota(&mut s, ctx, reply.is_some()).await?;
        let image = |m: &crate::MediaItem, carousel: bool| {
            let mut form = vec![("image_url", m.public_url.clone().unwrap_or_default())];
            if let Some(t) = f.image_media_type {
                form.push(("media_type", t.to_owned()));
            }
            if let Some(alt) = m.alt.clone().filter(|a| !a.is_empty()) {
                form.push(("alt_text", alt));
            }
            if carousel {
                form.push(("is_carousel_item", "true".to_owned()));
            }
            form
        };
        let mut form: Vec<(&str, String)> = match part.media.as_slice() {
            [] => vec![("media_type", "TEXT".to_owned())],
            [one] => image(one, false),
            many => {
                let mut children = Vec::new();
                for m in many {
                    let id = self.container(&mut s, ctx, image(m, true)).await?;
                    self.wait_ready(&mut s, &id).await?;
                    children.push(id);
                }
                vec![
                    ("media_type", "CAROUSEL".to_owned()),
                    ("children", children.join(",")),
                ]
            }
        };
        if !part.text.is_empty() {
            form.push((f.text_field, part.text.clone()));
        }
        if let Some(r) = reply {
            form.push(("reply_to_id", r));
        }
        let id = self.container(&mut s, ctx, form).await?;
        self.wait_ready(&mut s, &id).await?;
        let url = self.node(&format!("{}/{}", ctx.account.external_id, f.publish_edge))?;
        let r = s
            .call("publish", true, |t| {
                self.post(&url, t, &[("creation_id", id.clone())])
            })
            .await?;
        let Some(media) = r.str("/id") else {
            return Err(ProviderError::Transient {
                message: "the publish answer has no id".into(),
                maybe_delivered: true,
            });
        };
        Ok(s.finish(RemotePost {
            external_id: media.to_owned(),
            url: None,
            extra: json!({}),
        }))
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        if !self.flavor.capabilities.delete {
            return Err(ProviderError::permanent(format!(
                "{}'s API cannot delete posts: delete it in the app",
                self.flavor.name
            )));
        }
        let url = self.node(&post.external_id)?;
        let mut s = Session::begin(self, ctx).await?;
        let r = s
            .call_any("delete", true, |t| {
                let mut u = url.clone();
                u.query_pairs_mut().append_pair("access_token", t);
                self.http.request(Method::DELETE, u)
            })
            .await?;
        // Already gone: Graph answers 100/33 ("does not exist").
        if (r.ok() && r.body.get("error").is_none())
            || (r.body["error"]["code"] == 100 && r.body["error"]["error_subcode"] == 33)
        {
            return Ok(s.finish(()));
        }
        Err(self
            .classify(&r, "delete", true)
            .unwrap_or_else(|| ProviderError::permanent("unexpected answer")))
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
}

/// Checks shared by both flavours: images need a public URL, types and sizes.
pub fn media_violations(
    part: &PublishPart,
    name: &str,
    types: &[&str],
    max_bytes: u64,
    max_items: usize,
) -> Vec<ContentViolation> {
    let mut v = Vec::new();
    let code = |c: &str| format!("{}.{c}", name.to_lowercase());
    if part.media.len() > max_items {
        v.push(ContentViolation {
            code: code("too_many_images"),
            message: format!("{name} takes at most {max_items} images per post"),
        });
    }
    if part.media.iter().any(|m| m.public_url.is_none()) {
        v.push(ContentViolation {
            code: "public_url_missing".into(),
            message: format!("{name} needs media at a public URL: set server.public_base_url"),
        });
    }
    for m in &part.media {
        if !types.contains(&m.mime.as_str()) {
            v.push(ContentViolation {
                code: code("image_type"),
                message: format!("{name} takes {} images, not {}", types.join(" or "), m.mime),
            });
        }
        if m.data.len() as u64 > max_bytes {
            v.push(ContentViolation {
                code: "image_too_large".into(),
                message: format!(
                    "{name} images are limited to {} MB",
                    max_bytes / 1024 / 1024
                ),
            });
        }
    }
    v
}
