//! A stateful fake of LinkedIn: OAuth 2.0 (3-legged, with refresh tokens as
//! LinkedIn issues them to approved partners), OpenID userinfo, the Images API
//! upload and the versioned Posts API.
//!
//! Sources:
//! - OAuth: <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow>,
//!   <https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens>
//!   (access 60 days, refresh 365 days whose TTL does not restart on use).
//! - Userinfo: <https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2>
//! - Posts: <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api>
//!   (201 + `x-restli-id`; commentary in "little text" with reserved characters
//!   escaped: <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format>).
//! - Images: <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api>
//! - Versioning (`LinkedIn-Version: YYYYMM`, 426 `NONEXISTENT_VERSION` for an
//!   inactive one): <https://learn.microsoft.com/en-us/linkedin/marketing/versioning>
//! - Errors (`serviceErrorCode` 65600 invalid, 65601 revoked, 65602 expired
//!   token; 429 with no rate-limit headers, daily limits reset at midnight UTC):
//!   <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling>,
//!   <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits>
//! - Duplicate content: 422 with `errorDetails.inputErrors[].code = DUPLICATE_POST`
//!   and the original's URN in the message (as observed by API users).

use crate::common::{
    self, AuthorizeParams, AuthorizeRules, CLIENT_ID, CLIENT_SECRET, Fake, FakeHandle, Params,
    TokenCheck, User, guard, now,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Versions this fake treats as active (LinkedIn keeps each about a year).
pub const ACTIVE_VERSIONS: std::ops::RangeInclusive<u32> = 202_510..=202_612;
pub const COMMENTARY_MAX: usize = 3000;
const ACCESS_TTL: i64 = 60 * 86_400;
const REFRESH_TTL: i64 = 365 * 86_400;

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub urn: String,
    pub author: String,
    /// As sent (little text).
    pub commentary: String,
    /// As LinkedIn would show it: escapes removed, cut at an unescaped reserved character.
    pub text: String,
    /// (image URN, alt text).
    pub images: Vec<(String, String)>,
    pub created_at: i64,
    pub deleted: bool,
}

#[derive(Default)]
struct Store {
    /// image URN -> (owner, uploaded bytes)
    images: HashMap<String, (String, Option<usize>)>,
    posts: BTreeMap<String, Post>,
}

pub struct Linkedin {
    pub fake: Arc<Fake>,
    store: Mutex<Store>,
}

impl Linkedin {
    pub fn member_urn(user: &User) -> String {
        format!("urn:li:person:{}", user.id)
    }
    /// Live posts by `author` (a member URN), oldest first.
    pub fn posts_of(&self, author: &str) -> Vec<Post> {
        guard(&self.store)
            .posts
            .values()
            .filter(|p| p.author == author && !p.deleted)
            .cloned()
            .collect()
    }
    pub fn post(&self, urn: &str) -> Option<Post> {
        guard(&self.store)
            .posts
            .get(urn)
            .filter(|p| !p.deleted)
            .cloned()
    }
}

pub async fn start() -> std::io::Result<FakeHandle<Linkedin>> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
}

pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeHandle<Linkedin>> {
    let li = Arc::new(Linkedin {
        fake: Arc::new(Fake::new("linkedin")),
        store: Mutex::new(Store::default()),
    });
    let api = Router::new()
        .route("/v2/userinfo", get(userinfo))
        .route("/rest/images", post(init_upload))
        .route("/dms-uploads/{id}", put(upload))
        .route("/rest/posts", post(create_post))
        .route("/rest/posts/{urn}", get(get_post).delete(delete_post))
        .layer(axum::middleware::from_fn_with_state(
            (li.fake.clone(), throttled as fn(u64) -> Response),
            common::limit_mw,
        ));
    let router = Router::new()
        .route(
            "/oauth/v2/authorization",
            get(authorize).post(authorize_form),
        )
        .route("/oauth/v2/accessToken", post(token))
        .route("/oauth/v2/revoke", post(revoke))
        .merge(api)
        .with_state(li.clone())
        .merge(common::control_routes(li.fake.clone()));
    common::serve(li, router, addr).await
}

const RULES: AuthorizeRules = AuthorizeRules {
    title: "LinkedIn (fake)",
    scope_separators: &[' ', ','],
    required_scopes: &["openid", "profile", "w_member_social"],
    redirect_suffix: "",
    make_user_id: |n| format!("Lg{n:05}Fk"),
};

type S = State<Arc<Linkedin>>;

async fn authorize(State(li): S, Query(p): Query<AuthorizeParams>) -> Response {
    common::authorize_page(&li.fake, &RULES, &p)
}
async fn authorize_form(State(li): S, Form(p): Form<AuthorizeParams>) -> Response {
    common::authorize_submit(&li.fake, &RULES, &p)
}

fn oauth_error(status: StatusCode, error: &str, desc: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": desc })),
    )
        .into_response()
}

async fn token(State(li): S, Form(p): Form<Params>) -> Response {
    let get = |k: &str| p.get(k).map(String::as_str);
    if get("client_id") != Some(CLIENT_ID) || get("client_secret") != Some(CLIENT_SECRET) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let (user_id, scope, refresh, refresh_left) = match get("grant_type") {
        Some("authorization_code") => {
            let Some(code) = get("code") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "A required parameter \"code\" is missing",
                );
            };
            match li
                .fake
                .redeem_code(code, CLIENT_ID, get("redirect_uri"), get("code_verifier"))
            {
                Ok(g) => {
                    let rt = li.fake.issue_refresh(&g.user.id, &g.scope, REFRESH_TTL);
                    (g.user.id, g.scope, rt, REFRESH_TTL)
                }
                Err(why) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
            }
        }
        Some("refresh_token") => {
            let rt = get("refresh_token").unwrap_or_default().to_owned();
            match li.fake.check_refresh(&rt) {
                Some(t) => (t.user_id, t.scope, rt, t.expires_at - now()),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "The provided authorization grant or refresh token is invalid, expired or revoked.",
                    );
                }
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            );
        }
    };
    let at = li.fake.issue_token(&user_id, &scope, ACCESS_TTL);
    Json(json!({
        "access_token": at,
        "expires_in": ACCESS_TTL,
        "refresh_token": refresh,
        "refresh_token_expires_in": refresh_left,
        "scope": scope.split([' ', ',']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(","),
        "token_type": "Bearer",
    }))
    .into_response()
}

async fn revoke(State(li): S, Form(p): Form<Params>) -> Response {
    if p.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || p.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    if let Some(t) = p.get("token") {
        li.fake.revoke_token(t);
    }
    StatusCode::OK.into_response()
}

fn api_error(status: u16, service_code: u32, code: &str, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        Json(json!({ "status": status, "serviceErrorCode": service_code, "code": code, "message": message })),
    )
        .into_response()
}

fn throttled(_reset: u64) -> Response {
    // LinkedIn sends no Retry-After or rate-limit headers; daily limits reset at midnight UTC.
    api_error(
        429,
        101,
        "TOO_MANY_REQUESTS",
        "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
    )
}

fn authenticate(li: &Linkedin, headers: &HeaderMap) -> Result<(User, String), Response> {
    match li.fake.check(common::bearer(headers).as_deref()) {
        TokenCheck::Valid { user, scope } => Ok((user, scope)),
        TokenCheck::Missing => Err(api_error(
            401,
            65600,
            "INVALID_ACCESS_TOKEN",
            "Empty oauth2 access token",
        )),
        TokenCheck::Unknown => Err(api_error(
            401,
            65600,
            "INVALID_ACCESS_TOKEN",
            "Invalid access token",
        )),
        TokenCheck::Expired => Err(api_error(
            401,
            65602,
            "EXPIRED_ACCESS_TOKEN",
            "The token used in the request has expired",
        )),
        TokenCheck::Revoked => Err(api_error(
            401,
            65601,
            "REVOKED_ACCESS_TOKEN",
            "The token used in the request has been revoked by the user",
        )),
    }
}

/// The checks every `/rest/` call passes: version, protocol, token, scope.
fn rest_guard(li: &Linkedin, headers: &HeaderMap) -> Result<User, Response> {
    let version = headers
        .get("linkedin-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(version) = version else {
        return Err(api_error(
            400,
            0,
            "VERSION_MISSING",
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        ));
    };
    let month = version
        .split('.')
        .next()
        .and_then(|v| v.parse::<u32>().ok());
    if !month.is_some_and(|m| ACTIVE_VERSIONS.contains(&m)) {
        return Err(api_error(
            426,
            0,
            "NONEXISTENT_VERSION",
            &format!("Requested version {version} is not active"),
        ));
    }
    if headers
        .get("x-restli-protocol-version")
        .and_then(|v| v.to_str().ok())
        != Some("2.0.0")
    {
        return Err(api_error(
            400,
            0,
            "ILLEGAL_ARGUMENT",
            "This API requires the header X-Restli-Protocol-Version: 2.0.0",
        ));
    }
    let (user, scope) = authenticate(li, headers)?;
    if !scope.split([' ', ',']).any(|s| s == "w_member_social") {
        return Err(api_error(
            403,
            100,
            "ACCESS_DENIED",
            "Not enough permissions to access: partnerApiPostsExternal.CREATE.20260901",
        ));
    }
    Ok(user)
}

async fn userinfo(State(li): S, headers: HeaderMap) -> Response {
    match authenticate(&li, &headers) {
        Ok((user, _)) => Json(json!({
            "sub": user.id,
            "name": format!("{} Example", user.username),
            "given_name": user.username,
            "family_name": "Example",
            "email": format!("{}@example.test", user.username),
            "email_verified": true,
            "locale": { "country": "US", "language": "en" },
        }))
        .into_response(),
        Err(r) => r,
    }
}

fn host(headers: &HeaderMap) -> String {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}

async fn init_upload(
    State(li): S,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> Response {
    let user = match rest_guard(&li, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if q.get("action").map(String::as_str) != Some("initializeUpload") {
        return api_error(400, 0, "ILLEGAL_ARGUMENT", "unsupported action");
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let owner = body["initializeUploadRequest"]["owner"]
        .as_str()
        .unwrap_or_default();
    if owner != Linkedin::member_urn(&user) {
        return api_error(
            403,
            100,
            "ACCESS_DENIED",
            "The owner must be the authenticated member",
        );
    }
    let id = li.fake.secret("D4E").to_uppercase()[..16].to_owned();
    let urn = format!("urn:li:image:{id}");
    guard(&li.store)
        .images
        .insert(urn.clone(), (owner.to_owned(), None));
    Json(json!({ "value": {
        "uploadUrlExpiresAt": (now() + 3600) * 1000,
        "uploadUrl": format!("http://{}/dms-uploads/{id}", host(&headers)),
        "image": urn,
    }}))
    .into_response()
}

async fn upload(State(li): S, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    if let Err(r) = authenticate(&li, &headers) {
        return r;
    }
    let urn = format!("urn:li:image:{id}");
    let is_image = body.starts_with(b"\x89PNG")
        || body.starts_with(b"\xff\xd8\xff")
        || body.starts_with(b"GIF8");
    let mut store = guard(&li.store);
    let Some(entry) = store.images.get_mut(&urn) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !is_image {
        return api_error(
            400,
            0,
            "BAD_REQUEST",
            "The uploaded file is not a JPG, GIF or PNG image",
        );
    }
    entry.1 = Some(body.len());
    StatusCode::CREATED.into_response()
}

/// Little text: `\x` is a literal x; an unescaped reserved character (other
/// than `#`, which starts a hashtag) is parsed as markup, which here cuts the text.
pub fn render_little_text(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => out.push(n),
                None => break,
            },
            '|' | '{' | '}' | '@' | '[' | ']' | '(' | ')' | '<' | '>' | '*' | '_' | '~' => break,
            c => out.push(c),
        }
    }
    out
}

fn missing(field: &str) -> Response {
    api_error(
        422,
        0,
        "UNPROCESSABLE_ENTITY",
        &format!("/{field} :: field is required but not found and has no default value"),
    )
}

async fn create_post(State(li): S, headers: HeaderMap, body: Bytes) -> Response {
    let user = match rest_guard(&li, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(b) = serde_json::from_slice::<Value>(&body) else {
        return api_error(400, 0, "BAD_REQUEST", "Request body is not valid JSON");
    };
    let author = Linkedin::member_urn(&user);
    if b["author"].as_str() != Some(author.as_str()) {
        return api_error(
            403,
            100,
            "ACCESS_DENIED",
            "Not enough permissions to post as this author",
        );
    }
    for field in ["visibility", "lifecycleState"] {
        if b[field].as_str().is_none() {
            return missing(field);
        }
    }
    if b["distribution"]["feedDistribution"].as_str().is_none() {
        return missing("distribution/feedDistribution");
    }
    if !matches!(
        b["visibility"].as_str(),
        Some("PUBLIC" | "CONNECTIONS" | "LOGGED_IN")
    ) {
        return api_error(
            422,
            0,
            "UNPROCESSABLE_ENTITY",
            "/visibility :: invalid value",
        );
    }
    let commentary = b["commentary"].as_str().unwrap_or_default().to_owned();
    if commentary.chars().count() > COMMENTARY_MAX {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "status": 422,
                "message": format!("/commentary :: length of commentary exceeds {COMMENTARY_MAX}"),
                "errorDetails": { "inputErrors": [{ "code": "MAX_LENGTH_EXCEEDED", "description": "commentary is too long", "input": { "inputPath": { "fieldPath": "/commentary" } } }] },
            })),
        )
            .into_response();
    }
    let mut images = Vec::new();
    let media = &b["content"]["media"];
    let multi = &b["content"]["multiImage"]["images"];
    let refs: Vec<&Value> = if media.is_object() {
        vec![media]
    } else {
        multi
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    };
    if multi.is_array() && !(2..=20).contains(&refs.len()) {
        return api_error(
            422,
            0,
            "UNPROCESSABLE_ENTITY",
            "/content/multiImage/images :: between 2 and 20 images",
        );
    }
    let mut store = guard(&li.store);
    for r in refs {
        let id = r["id"].as_str().unwrap_or_default().to_owned();
        match store.images.get(&id) {
            Some((owner, Some(_))) if *owner == author => {}
            Some((_, None)) => {
                return api_error(
                    400,
                    0,
                    "BAD_REQUEST",
                    &format!("The image {id} has not been uploaded"),
                );
            }
            _ => {
                return api_error(
                    400,
                    0,
                    "BAD_REQUEST",
                    &format!("The image {id} does not exist"),
                );
            }
        }
        images.push((id, r["altText"].as_str().unwrap_or_default().to_owned()));
    }
    if let Some(dup) = store
        .posts
        .values()
        .find(|p| p.author == author && !p.deleted && p.commentary == commentary)
    {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "errorDetailType": "com.linkedin.common.error.BadRequest",
                "message": format!("com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of {}", dup.urn),
                "errorDetails": { "inputErrors": [{ "description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST" }] },
                "status": 422,
            })),
        )
            .into_response();
    }
    let urn = format!("urn:li:share:7{:018}", li.fake.next());
    store.posts.insert(
        urn.clone(),
        Post {
            urn: urn.clone(),
            author,
            text: render_little_text(&commentary),
            commentary,
            images,
            created_at: now(),
            deleted: false,
        },
    );
    (StatusCode::CREATED, [("x-restli-id", urn)]).into_response()
}

async fn get_post(State(li): S, headers: HeaderMap, Path(urn): Path<String>) -> Response {
    if let Err(r) = rest_guard(&li, &headers) {
        return r;
    }
    match li.post(&urn) {
        Some(p) => Json(json!({
            "id": p.urn, "author": p.author, "commentary": p.commentary,
            "visibility": "PUBLIC", "lifecycleState": "PUBLISHED", "createdAt": p.created_at * 1000,
        }))
        .into_response(),
        None => api_error(404, 0, "NOT_FOUND", &format!("Post {urn} not found")),
    }
}

async fn delete_post(State(li): S, headers: HeaderMap, Path(urn): Path<String>) -> Response {
    let user = match rest_guard(&li, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut store = guard(&li.store);
    match store.posts.get_mut(&urn) {
        Some(p) if !p.deleted && p.author == Linkedin::member_urn(&user) => {
            p.deleted = true;
            StatusCode::NO_CONTENT.into_response()
        }
        Some(p) if !p.deleted => {
            api_error(403, 100, "ACCESS_DENIED", "Not the author of this post")
        }
        _ => api_error(404, 0, "NOT_FOUND", &format!("Post {urn} not found")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_text_unescapes_and_cuts_at_markup() {
        assert_eq!(render_little_text(r"a \(b\) \#c"), "a (b) #c");
        assert_eq!(render_little_text("a (b)"), "a ");
        assert_eq!(render_little_text("#tag ok"), "#tag ok");
    }
}
