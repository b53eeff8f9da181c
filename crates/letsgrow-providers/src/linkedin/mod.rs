//! LinkedIn: a member's own feed through the versioned REST API.
//!
//! - connect: OAuth 2.0 authorization code (scopes `openid profile email
//!   w_member_social`; PKCE parameters are sent too), then OpenID `userinfo`
//!   for the member id (`sub` → `urn:li:person:<sub>`).
//!   <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow>,
//!   <https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2>
//! - refresh: only apps approved for programmatic refresh tokens receive one
//!   (access tokens last 60 days, refresh tokens 365 days without renewal);
//!   without one an expired token means reconnecting.
//!   <https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens>
//! - publish: `POST /rest/posts` with `LinkedIn-Version` and
//!   `X-Restli-Protocol-Version: 2.0.0`; the id comes back in `x-restli-id`.
//!   Images: `POST /rest/images?action=initializeUpload`, PUT the bytes to the
//!   returned `uploadUrl`, reference the image URN with `altText` (2–20 images
//!   as `multiImage`). Commentary is "little text": reserved characters are
//!   escaped. <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api>,
//!   <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api>,
//!   <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api>,
//!   <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format>
//! - retries: LinkedIn refuses identical commentary with 422 `DUPLICATE_POST`
//!   naming the original; a retry returns that post. Reading a member's posts
//!   needs `r_member_social` (restricted), so there is no lookup.
//! - limits: per-app and per-member daily call limits, unpublished, reset at
//!   midnight UTC; a 429 carries no headers, so the wait is until midnight UTC.
//!   <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits>
//! - organisation pages need `w_organization_social` (an approved product): not implemented.

use crate::http::HttpClient;
use crate::oauth_flow::{self, Api, Classify, Endpoints, Resp, Session};
use crate::{
    Account, AuthorizeRequest, Capabilities, ChannelCtx, ConnectInput, ConnectMethod, Connected,
    ContentViolation, Credentials, OAuthClient, Provider, ProviderError, ProviderOptions,
    ProviderResult, PublishPart, RemotePost, SecretString, WithCreds,
};
use async_trait::async_trait;
use letsgrow_core::Platform;
use reqwest::Method;
use serde_json::{Value, json};

/// The Marketing API version we speak (each is served for about a year).
/// <https://learn.microsoft.com/en-us/linkedin/marketing/versioning>
pub const API_VERSION: &str = "202609";
pub const SCOPES: &[&str] = &["openid", "profile", "email", "w_member_social"];
/// Posts API `commentary` limit.
pub const COMMENTARY_MAX: usize = 3000;
/// multiImage takes 2–20 images.
pub const MAX_IMAGES: u8 = 20;
/// Images API: JPG, GIF, PNG (up to 36,152,320 pixels; no byte limit is
/// documented, so this cap is ours).
pub const IMAGE_MIME_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif"];
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
pub const DEFAULT_API: &str = "https://api.linkedin.com";
pub const DEFAULT_AUTH: &str = "https://www.linkedin.com";

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Linkedin,
    connect: ConnectMethod::OAuth2Pkce,
    max_images: MAX_IMAGES,
    max_image_bytes: MAX_IMAGE_BYTES,
    image_mime_types: IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: false,
    delete: true,
    lookup: false,
    analytics: crate::AnalyticsCaps::none("Numbers from this platform are not collected yet."),
    engagement: &[],
    publish_budget: None,
    media_by_url: false,
};

#[derive(Debug, Clone)]
pub struct Linkedin {
    http: HttpClient,
    ep: Endpoints,
}

impl Linkedin {
    pub fn new(http: HttpClient, opts: &ProviderOptions) -> Self {
        Linkedin {
            http,
            ep: Endpoints::resolve(opts, Platform::Linkedin, DEFAULT_API, DEFAULT_AUTH),
        }
    }

    /// A versioned REST request (`url` from [`Endpoints::url`]).
    fn rest(&self, method: Method, url: &url::Url, token: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, url.clone())
            .bearer_auth(token)
            .header("LinkedIn-Version", API_VERSION)
            .header("X-Restli-Protocol-Version", "2.0.0")
    }

    async fn token_call(&self, form: &[(&str, &str)]) -> ProviderResult<Credentials> {
        let req = self
            .http
            .request(
                Method::POST,
                Endpoints::url(&self.ep.auth_base, "/oauth/v2/accessToken")?,
            )
            .form(form);
        let r = oauth_flow::send(&self.http, req, "LinkedIn token request", false).await?;
        if !r.ok() {
            return Err(oauth_flow::token_error(&r, "LinkedIn"));
        }
        let access = r.str("/access_token").ok_or_else(|| {
            ProviderError::permanent("LinkedIn answered the token request without an access_token")
        })?;
        Ok(Credentials {
            access_token: Some(SecretString::new(access)),
            refresh_token: r.str("/refresh_token").map(SecretString::new),
            expires_at: oauth_flow::expires_at(r.body["expires_in"].as_i64()),
            secret: None,
            oauth_client: None,
            scopes: r
                .str("/scope")
                .unwrap_or_default()
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    async fn userinfo(&self, token: &str) -> ProviderResult<Account> {
        let req = self
            .http
            .request(
                Method::GET,
                Endpoints::url(&self.ep.api_base, "/v2/userinfo")?,
            )
            .bearer_auth(token);
        let r = oauth_flow::send(&self.http, req, "LinkedIn userinfo", false).await?;
        account_from(&r, &self.ep.api_base)
            .map_err(|e| self.classify(&r, "userinfo", false).unwrap_or(e))
    }
}

fn account_from(r: &Resp, base: &str) -> ProviderResult<Account> {
    let sub = r.str("/sub").filter(|_| r.ok()).ok_or_else(|| {
        ProviderError::permanent("LinkedIn userinfo answered without a member id (sub)")
    })?;
    Ok(Account {
        external_id: format!("urn:li:person:{sub}"),
        handle: r.str("/name").unwrap_or(sub).to_owned(),
        base_url: base.to_owned(),
        settings: json!({}),
    })
}

/// Escapes little-text reserved characters so the commentary shows as typed.
pub fn escape_little_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '|'
                | '{'
                | '}'
                | '@'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '#'
                | '*'
                | '_'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn violation(code: &str, message: impl Into<String>) -> ProviderError {
    ProviderError::invalid_content(format!("linkedin.{code}"), message)
}

fn validate(part: &PublishPart) -> ProviderResult<()> {
    let mut v = Vec::new();
    if part.reply_to.is_some() {
        v.push(ContentViolation { code: "linkedin.threads_unsupported".into(), message: "LinkedIn posts cannot be chained as a thread through the API; publish this part as its own post".into() });
    }
    if oauth_flow::chars(&part.text) > COMMENTARY_MAX {
        v.push(ContentViolation {
            code: "linkedin.text_too_long".into(),
            message: format!("LinkedIn posts are limited to {COMMENTARY_MAX} characters"),
        });
    }
    if part.text.trim().is_empty() && part.media.is_empty() {
        v.push(ContentViolation {
            code: "linkedin.empty".into(),
            message: "the post is empty".into(),
        });
    }
    if part.media.len() > usize::from(MAX_IMAGES) {
        v.push(ContentViolation {
            code: "linkedin.too_many_images".into(),
            message: format!("LinkedIn takes at most {MAX_IMAGES} images per post"),
        });
    }
    for m in &part.media {
        if !IMAGE_MIME_TYPES.contains(&m.mime.as_str()) {
            v.push(ContentViolation {
                code: "linkedin.image_type".into(),
                message: format!("LinkedIn takes JPEG, PNG or GIF images, not {}", m.mime),
            });
        }
        if m.data.len() as u64 > MAX_IMAGE_BYTES {
            v.push(ContentViolation {
                code: "image_too_large".into(),
                message: format!("images are limited to {} MB", MAX_IMAGE_BYTES / 1024 / 1024),
            });
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(ProviderError::InvalidContent { violations: v })
    }
}

/// The URN a `DUPLICATE_POST` message names (`… duplicate of urn:li:share:123`).
fn duplicate_of(r: &Resp) -> Option<String> {
    let dup = r
        .body
        .pointer("/errorDetails/inputErrors")
        .and_then(Value::as_array)?
        .iter()
        .any(|e| e["code"] == "DUPLICATE_POST");
    if !dup {
        return None;
    }
    let msg = r.str("/message")?;
    let start = msg.find("urn:li:")?;
    let urn: String = msg[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':')
        .collect();
    Some(urn)
}

fn remote(urn: &str) -> RemotePost {
    RemotePost {
        external_id: urn.to_owned(),
        url: Some(format!("https://www.linkedin.com/feed/update/{urn}/")),
        extra: json!({}),
    }
}

impl Classify for Linkedin {
    fn classify(&self, r: &Resp, what: &str, write: bool) -> Option<ProviderError> {
        if r.ok() {
            return None;
        }
        let service = r.body["serviceErrorCode"].as_u64().unwrap_or(0);
        let code = r.str("/code").unwrap_or_default();
        let text = format!(
            "LinkedIn answered {} {code} to {what}: {}",
            r.status,
            r.str("/message").unwrap_or("no message")
        );
        Some(match r.status {
            429 => ProviderError::RateLimited {
                retry_after: Some(
                    crate::http::retry_after(&r.headers, chrono::Utc::now().timestamp())
                        .unwrap_or_else(|| {
                            oauth_flow::until_midnight_utc(chrono::Utc::now().timestamp())
                        }),
                ),
                message: text,
            },
            401 if service == 65602 => ProviderError::AuthExpired { message: text },
            401 => ProviderError::Revoked {
                message: format!("{text}; connect the channel again"),
            },
            426 => ProviderError::permanent(format!(
                "{text}; LinkedIn no longer serves API version {API_VERSION}: update LetsGrow"
            )),
            403 => ProviderError::permanent(format!(
                "{text}; the LinkedIn app needs the \"Share on LinkedIn\" product (w_member_social)"
            )),
            400 | 422 if write => violation(if code.is_empty() { "refused" } else { code }, text),
            500..=599 => ProviderError::Transient {
                message: text,
                maybe_delivered: write && r.status != 503,
            },
            _ => ProviderError::permanent(text),
        })
    }
}

#[async_trait]
impl Api for Linkedin {
    fn http(&self) -> &HttpClient {
        &self.http
    }

    fn token_rejected(&self, r: &Resp, _creds: &Credentials) -> bool {
        oauth_flow::expired(self, r)
    }

    async fn refresh_creds(
        &self,
        ctx: &ChannelCtx,
        creds: &Credentials,
    ) -> ProviderResult<Credentials> {
        let Some(rt) = &creds.refresh_token else {
            return Err(ProviderError::Revoked {
                message: "the LinkedIn access token expired and LinkedIn issued no refresh token (only approved partners get one); connect the channel again".into(),
            });
        };
        let client = oauth_flow::client_for(creds, &self.ep.client, "LinkedIn")?;
        let secret = client
            .client_secret
            .as_ref()
            .map(SecretString::expose)
            .unwrap_or_default();
        let mut fresh = self
            .token_call(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.expose()),
                ("client_id", &client.client_id),
                ("client_secret", secret),
            ])
            .await?;
        fresh.refresh_token = fresh
            .refresh_token
            .or_else(|| ctx.credentials.refresh_token.clone());
        fresh.oauth_client = Some(client);
        if fresh.scopes.is_empty() {
            fresh.scopes = creds.scopes.clone();
        }
        Ok(fresh)
    }
}

#[async_trait]
impl Provider for Linkedin {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn authorize_url(&self, req: &AuthorizeRequest) -> ProviderResult<String> {
        Ok(oauth_flow::authorize_url(
            Endpoints::url(&self.ep.auth_base, "/oauth/v2/authorization")?,
            req,
            SCOPES,
            " ",
            &[],
        ))
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let (code, verifier, redirect_uri, client) = oauth_flow::oauth_code(input, "LinkedIn")?;
        let secret = client
            .client_secret
            .as_ref()
            .map(SecretString::expose)
            .unwrap_or_default();
        let mut credentials = self
            .token_call(&[
                ("grant_type", "authorization_code"),
                ("code", code.expose()),
                ("redirect_uri", &redirect_uri),
                ("client_id", &client.client_id),
                ("client_secret", secret),
                ("code_verifier", verifier.expose()),
            ])
            .await?;
        credentials.oauth_client = Some(client);
        let token = credentials
            .access_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default();
        let account = self.userinfo(&token).await?;
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
        let url = Endpoints::url(&self.ep.api_base, "/v2/userinfo")?;
        let r = s
            .call("userinfo", false, |t| {
                self.http.request(Method::GET, url.clone()).bearer_auth(t)
            })
            .await?;
        let account = account_from(&r, &self.ep.api_base)?;
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        validate(part)?;
        let author = ctx.account.external_id.clone();
        let mut s = Session::begin(self, ctx).await?;
        let mut images = Vec::new();
        let init_url = Endpoints::url(&self.ep.api_base, "/rest/images?action=initializeUpload")?;
        let posts_url = Endpoints::url(&self.ep.api_base, "/rest/posts")?;
        for m in &part.media {
            let body = json!({ "initializeUploadRequest": { "owner": author } });
            let init = s
                .call("images initializeUpload", false, |t| {
                    self.rest(Method::POST, &init_url, t).json(&body)
                })
                .await?;
            let (Some(upload), Some(urn)) =
                (init.str("/value/uploadUrl"), init.str("/value/image"))
            else {
                return Err(ProviderError::permanent(
                    "LinkedIn initializeUpload answered without uploadUrl/image",
                ));
            };
            let upload = url::Url::parse(upload).map_err(|e| {
                ProviderError::permanent(format!("LinkedIn gave a bad upload URL: {e}"))
            })?;
            s.call("image upload", false, |t| {
                self.http
                    .request(Method::PUT, upload.clone())
                    .bearer_auth(t)
                    .header("content-type", m.mime.as_str())
                    .body(m.data.clone())
            })
            .await?;
            images.push(json!({ "id": urn, "altText": m.alt.clone().unwrap_or_default() }));
        }
        let mut post = json!({
            "author": author,
            "commentary": escape_little_text(&part.text),
            "visibility": "PUBLIC",
            "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false,
        });
        match images.len() {
            0 => {}
            1 => post["content"] = json!({ "media": images[0] }),
            _ => post["content"] = json!({ "multiImage": { "images": images } }),
        }
        let r = s
            .call_any("create post", true, |t| {
                self.rest(Method::POST, &posts_url, t).json(&post)
            })
            .await?;
        if r.ok() {
            let Some(urn) = r.header("x-restli-id") else {
                return Err(ProviderError::Transient {
                    message: "LinkedIn created the post but sent no x-restli-id".into(),
                    maybe_delivered: true,
                });
            };
            let urn = urn.to_owned();
            return Ok(s.finish(remote(&urn)));
        }
        if let Some(urn) = duplicate_of(&r) {
            // The same text is already on the member's feed: an earlier attempt of this part.
            return Ok(s.finish(remote(&urn)));
        }
        Err(self
            .classify(&r, "create post", true)
            .unwrap_or_else(|| ProviderError::permanent("unexpected LinkedIn answer")))
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        let path = format!(
            "/rest/posts/{}",
            url::form_urlencoded::byte_serialize(post.external_id.as_bytes()).collect::<String>()
        );
        let url = Endpoints::url(&self.ep.api_base, &path)?;
        let mut s = Session::begin(self, ctx).await?;
        let r = s
            .call_any("delete post", true, |t| {
                self.rest(Method::DELETE, &url, t)
                    .header("X-RestLi-Method", "DELETE")
            })
            .await?;
        if r.ok() || r.status == 404 {
            return Ok(s.finish(()));
        }
        Err(self
            .classify(&r, "delete post", true)
            .unwrap_or_else(|| ProviderError::permanent("unexpected LinkedIn answer")))
    }

    async fn lookup(
        &self,
        _ctx: &ChannelCtx,
        _part: &PublishPart,
    ) -> ProviderResult<WithCreds<Option<RemotePost>>> {
        // Reading a member's posts needs r_member_social (restricted); a retry is
        // safe instead: LinkedIn answers DUPLICATE_POST naming the original.
        Ok(WithCreds::plain(None))
    }

    async fn revoke(&self, ctx: &ChannelCtx) -> ProviderResult<()> {
        let client: OAuthClient =
            oauth_flow::client_for(&ctx.credentials, &self.ep.client, "LinkedIn")?;
        let Some(token) = &ctx.credentials.access_token else {
            return Ok(());
        };
        let secret = client
            .client_secret
            .as_ref()
            .map(SecretString::expose)
            .unwrap_or_default();
        let req = self
            .http
            .request(
                Method::POST,
                Endpoints::url(&self.ep.auth_base, "/oauth/v2/revoke")?,
            )
            .form(&[
                ("client_id", client.client_id.as_str()),
                ("client_secret", secret),
                ("token", token.expose()),
            ]);
        let r = oauth_flow::send(&self.http, req, "LinkedIn revoke", false).await?;
        if r.ok() {
            Ok(())
        } else {
            Err(oauth_flow::token_error(&r, "LinkedIn"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_text_reserved_characters_are_escaped() {
        assert_eq!(escape_little_text("a (b) #c @d_e"), r"a \(b\) \#c \@d\_e");
        assert_eq!(escape_little_text("plain, text."), "plain, text.");
    }

    #[test]
    fn duplicate_posts_name_the_original() {
        let r = Resp {
            status: 422,
            headers: Default::default(),
            raw: Default::default(),
            body: json!({"message": "com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808", "errorDetails": {"inputErrors": [{"code": "DUPLICATE_POST"}]}, "status": 422}),
        };
        assert_eq!(
            duplicate_of(&r).as_deref(),
            Some("urn:li:share:7141138937766391808")
        );
    }

    #[test]
    fn errors_map_by_status_and_service_code() {
        let li = Linkedin::new(
            HttpClient::new(&Default::default()).unwrap(),
            &ProviderOptions::default(),
        );
        let r = |status, body| Resp {
            status,
            headers: Default::default(),
            body,
            raw: Default::default(),
        };
        assert!(matches!(
            li.classify(&r(401, json!({"serviceErrorCode": 65602})), "x", true),
            Some(ProviderError::AuthExpired { .. })
        ));
        assert!(matches!(
            li.classify(&r(401, json!({"serviceErrorCode": 65601})), "x", true),
            Some(ProviderError::Revoked { .. })
        ));
        let Some(ProviderError::RateLimited {
            retry_after: Some(d),
            ..
        }) = li.classify(&r(429, json!({})), "x", true)
        else {
            panic!()
        };
        assert!(d.as_secs() <= 86_400);
        assert!(matches!(
            li.classify(&r(426, json!({"code": "NONEXISTENT_VERSION"})), "x", true),
            Some(ProviderError::Permanent { .. })
        ));
    }
}
