//! A stateful fake of Reddit: the OAuth 2.0 code flow (`duration=permanent`
//! gives a refresh token; the token endpoint takes the client as HTTP Basic),
//! and the OAuth API on one host: `/api/v1/me`, subreddit about and post
//! requirements, `/api/submit` (self and link posts), the `new` listing and
//! `/api/del`. Every API response carries `X-Ratelimit-Used/-Remaining/-Reset`.
//!
//! Sources:
//! - OAuth: <https://github.com/reddit-archive/reddit/wiki/OAuth2> (access
//!   tokens last an hour; errors such as `invalid_grant` come as a JSON
//!   `error` field; revocation at `/api/v1/revoke_token`).
//! - Rules: <https://support.reddithelp.com/hc/en-us/articles/16160319875092-Reddit-Data-API-Wiki>
//!   (100 queries per minute per OAuth client id, averaged over 10 minutes; a
//!   unique User-Agent `<platform>:<app ID>:<version> (by /u/<username>)`;
//!   generic User-Agents are heavily limited) and
//!   <https://github.com/reddit-archive/reddit/wiki/API> for the headers.
//! - Endpoints and `api_type=json` error triples `[code, message, field]`:
//!   <https://www.reddit.com/dev/api> (`POST /api/submit`, `POST /api/del`,
//!   `GET /r/{sub}/about`, `GET /api/v1/{sub}/post_requirements`, `GET /r/{sub}/new`).

use crate::common::{
    self, AuthorizeParams, AuthorizeRules, CLIENT_ID, CLIENT_SECRET, Fake, FakeHandle, Params,
    TokenCheck, User, guard, now,
};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

const ACCESS_TTL: i64 = 3600;
/// 100 queries per minute, averaged over a 10-minute window.
pub const WINDOW_SECS: i64 = 600;
pub const WINDOW_REQUESTS: u32 = 1000;
pub const TITLE_MAX: usize = 300;
pub const SELFTEXT_MAX: usize = 40_000;

/// A community and what it allows.
#[derive(Debug, Clone)]
pub struct Subreddit {
    pub name: String,
    /// `any`, `self` or `link`.
    pub submission_type: String,
    /// `public`, `restricted`, `private` or `user`.
    pub subreddit_type: String,
    /// `/api/v1/{sub}/post_requirements` as Reddit returns it.
    pub requirements: Value,
}

impl Subreddit {
    pub fn new(name: &str, submission_type: &str) -> Self {
        Subreddit {
            name: name.into(),
            submission_type: submission_type.into(),
            subreddit_type: "public".into(),
            requirements: default_requirements(),
        }
    }
}

pub fn default_requirements() -> Value {
    json!({
        "title_regexes": [], "body_blacklisted_strings": [], "title_blacklisted_strings": [],
        "body_text_max_length": null, "title_required_strings": [], "guidelines_text": null,
        "gallery_min_items": null, "domain_blacklist": [], "domain_whitelist": [],
        "title_text_max_length": null, "body_restriction_policy": "none",
        "link_restriction_policy": "none", "guidelines_display_policy": null,
        "body_required_strings": [], "title_text_min_length": null,
        "gallery_captions_requirement": "none", "is_flair_required": false,
        "gallery_max_items": null, "gallery_urls_requirement": "none", "body_regexes": [],
        "link_repost_age": null, "body_text_min_length": null
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Base-36 id; the fullname is `t3_<id>`.
    pub id: String,
    pub subreddit: String,
    pub author: String,
    pub title: String,
    pub selftext: String,
    pub url: Option<String>,
    pub flair_id: Option<String>,
    pub created_utc: i64,
    pub deleted: bool,
}

#[derive(Default)]
struct Store {
    subs: HashMap<String, Subreddit>,
    posts: BTreeMap<u64, Post>,
    window: (i64, u32),
}

pub struct Reddit {
    pub fake: Arc<Fake>,
    store: Mutex<Store>,
}

impl Reddit {
    pub fn add_subreddit(&self, sub: Subreddit) {
        guard(&self.store).subs.insert(sub.name.to_lowercase(), sub);
    }
    /// Live posts by `author` (username), oldest first.
    pub fn posts_of(&self, author: &str) -> Vec<Post> {
        guard(&self.store)
            .posts
            .values()
            .filter(|p| p.author == author && !p.deleted)
            .cloned()
            .collect()
    }
    pub fn post(&self, fullname: &str) -> Option<Post> {
        let id = fullname.strip_prefix("t3_")?;
        guard(&self.store)
            .posts
            .values()
            .find(|p| p.id == id && !p.deleted)
            .cloned()
    }
    fn sub(&self, name: &str) -> Option<Subreddit> {
        let key = name.to_lowercase();
        let mut store = guard(&self.store);
        if let Some(s) = store.subs.get(&key) {
            return Some(s.clone());
        }
        // Every user has a profile community `u_<name>` (created on first use).
        let user = key.strip_prefix("u_")?;
        self.fake
            .users()
            .iter()
            .find(|u| u.username.to_lowercase() == user)?;
        let mut s = Subreddit::new(name, "any");
        s.subreddit_type = "user".into();
        store.subs.insert(key, s.clone());
        Some(s)
    }
}

pub async fn start() -> std::io::Result<FakeHandle<Reddit>> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
}

pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeHandle<Reddit>> {
    let r = Arc::new(Reddit {
        fake: Arc::new(Fake::new("reddit")),
        store: Mutex::new(Store::default()),
    });
    r.add_subreddit(Subreddit::new("test", "any"));
    let api = Router::new()
        .route("/api/v1/me", get(me))
        .route("/r/{sub}/about", get(about))
        .route("/r/{sub}/new", get(new_listing))
        .route("/api/v1/{sub}/post_requirements", get(requirements))
        .route("/api/submit", post(submit))
        .route("/api/del", post(del))
        .layer(axum::middleware::from_fn_with_state(r.clone(), headers_mw));
    let router = Router::new()
        .route("/api/v1/authorize", get(authorize).post(authorize_form))
        .route("/api/v1/access_token", post(token))
        .route("/api/v1/revoke_token", post(revoke))
        .merge(api)
        .with_state(r.clone())
        .merge(common::control_routes(r.fake.clone()));
    common::serve(r, router, addr).await
}

const RULES: AuthorizeRules = AuthorizeRules {
    title: "reddit (fake)",
    scope_separators: &[' ', ','],
    required_scopes: &["identity", "submit"],
    redirect_suffix: "",
    make_user_id: |n| format!("{:x}", 0x1_0000 + n),
};

type S = State<Arc<Reddit>>;

async fn authorize(State(r): S, Query(p): Query<AuthorizeParams>) -> Response {
    common::authorize_page(&r.fake, &RULES, &p)
}
async fn authorize_form(State(r): S, Form(p): Form<AuthorizeParams>) -> Response {
    common::authorize_submit(&r.fake, &RULES, &p)
}

fn json_error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn client_ok(headers: &HeaderMap) -> bool {
    common::basic(headers).is_some_and(|(id, secret)| id == CLIENT_ID && secret == CLIENT_SECRET)
}

async fn token(State(r): S, headers: HeaderMap, Form(p): Form<Params>) -> Response {
    if !client_ok(&headers) {
        return json_error(
            StatusCode::UNAUTHORIZED,
            json!({ "message": "Unauthorized", "error": 401 }),
        );
    }
    let get = |k: &str| p.get(k).map(String::as_str);
    let (user_id, scope, refresh) = match get("grant_type") {
        Some("authorization_code") => {
            let code = get("code").unwrap_or_default();
            match r
                .fake
                .redeem_code(code, CLIENT_ID, get("redirect_uri"), get("code_verifier"))
            {
                // The grant remembers `duration`: only permanent grants get a refresh token.
                Ok(g) => {
                    let permanent = g.duration.as_deref() == Some("permanent");
                    let rt =
                        permanent.then(|| r.fake.issue_refresh(&g.user.id, &g.scope, i64::MAX / 4));
                    (g.user.id, g.scope, rt)
                }
                Err(_) => return Json(json!({ "error": "invalid_grant" })).into_response(),
            }
        }
        Some("refresh_token") => match r
            .fake
            .check_refresh(get("refresh_token").unwrap_or_default())
        {
            Some(t) => (t.user_id, t.scope, None),
            None => return Json(json!({ "error": "invalid_grant" })).into_response(),
        },
        _ => return Json(json!({ "error": "unsupported_grant_type" })).into_response(),
    };
    let at = r.fake.issue_token(&user_id, &scope, ACCESS_TTL);
    let mut body = json!({
        "access_token": at, "token_type": "bearer", "expires_in": ACCESS_TTL, "scope": scope,
    });
    if let Some(rt) = refresh {
        body["refresh_token"] = json!(rt);
    }
    Json(body).into_response()
}

async fn revoke(State(r): S, headers: HeaderMap, Form(p): Form<Params>) -> Response {
    if !client_ok(&headers) {
        return json_error(
            StatusCode::UNAUTHORIZED,
            json!({ "message": "Unauthorized", "error": 401 }),
        );
    }
    if let Some(t) = p.get("token") {
        r.fake.revoke_token(t);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Rate-limit headers on every API response, forced 429s, and the User-Agent rule.
async fn headers_mw(
    State(r): S,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let ua = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let descriptive = ua
        .split(' ')
        .next()
        .is_some_and(|first| first.split(':').count() >= 3);
    let (used, reset) = {
        let mut s = guard(&r.store);
        let now = now();
        let start = now - now.rem_euclid(WINDOW_SECS);
        if s.window.0 != start {
            s.window = (start, 0);
        }
        s.window.1 += 1;
        (s.window.1, start + WINDOW_SECS - now)
    };
    let (mut resp, remaining, reset) = match r.fake.take_rate_limit() {
        Some(forced) => (too_many(), 0, forced as i64),
        None if !descriptive => (too_many(), 0, reset),
        None if used > WINDOW_REQUESTS => (too_many(), 0, reset),
        None => (
            next.run(req).await,
            WINDOW_REQUESTS.saturating_sub(used),
            reset,
        ),
    };
    let h = resp.headers_mut();
    for (k, v) in [
        ("x-ratelimit-used", used.to_string()),
        ("x-ratelimit-remaining", format!("{remaining}.0")),
        ("x-ratelimit-reset", reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    resp
}

fn too_many() -> Response {
    json_error(
        StatusCode::TOO_MANY_REQUESTS,
        json!({ "message": "Too Many Requests", "error": 429 }),
    )
}

fn authed(r: &Reddit, headers: &HeaderMap, scope: &str) -> Result<User, Response> {
    match r.fake.check(common::bearer(headers).as_deref()) {
        TokenCheck::Valid {
            user,
            scope: granted,
        } => {
            if granted.split([' ', ',']).any(|s| s == scope) {
                Ok(user)
            } else {
                Err(json_error(
                    StatusCode::FORBIDDEN,
                    json!({ "message": "Forbidden", "error": 403 }),
                ))
            }
        }
        // Reddit does not say why a token is refused.
        _ => {
            let mut resp = json_error(
                StatusCode::UNAUTHORIZED,
                json!({ "message": "Unauthorized", "error": 401 }),
            );
            resp.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static("Bearer realm=\"reddit\", error=\"invalid_token\""),
            );
            Err(resp)
        }
    }
}

async fn me(State(r): S, headers: HeaderMap) -> Response {
    match authed(&r, &headers, "identity") {
        Ok(u) => Json(json!({ "name": u.username, "id": u.id, "created_utc": 1_600_000_000.0, "link_karma": 1, "comment_karma": 1 })).into_response(),
        Err(e) => e,
    }
}

async fn about(State(r): S, headers: HeaderMap, Path(sub): Path<String>) -> Response {
    if let Err(e) = authed(&r, &headers, "read") {
        return e;
    }
    match r.sub(&sub) {
        None => json_error(
            StatusCode::NOT_FOUND,
            json!({ "message": "Not Found", "error": 404 }),
        ),
        Some(s) if s.subreddit_type == "private" => json_error(
            StatusCode::FORBIDDEN,
            json!({ "reason": "private", "message": "Forbidden", "error": 403 }),
        ),
        Some(s) => Json(json!({ "kind": "t5", "data": {
            "display_name": s.name, "display_name_prefixed": format!("r/{}", s.name),
            "name": format!("t5_{}", s.name.len()), "subreddit_type": s.subreddit_type,
            "submission_type": s.submission_type, "user_is_banned": false,
            "link_flair_enabled": s.requirements["is_flair_required"].as_bool().unwrap_or(false),
            "over18": false, "public_description": format!("The {} community (fake)", s.name),
        }}))
        .into_response(),
    }
}

async fn requirements(State(r): S, headers: HeaderMap, Path(sub): Path<String>) -> Response {
    if let Err(e) = authed(&r, &headers, "read") {
        return e;
    }
    match r.sub(&sub) {
        Some(s) => Json(s.requirements).into_response(),
        None => json_error(
            StatusCode::NOT_FOUND,
            json!({ "message": "Not Found", "error": 404 }),
        ),
    }
}

fn submit_errors(errors: Vec<(&str, String, &str)>) -> Response {
    Json(json!({ "json": { "errors": errors.into_iter().map(|(c, m, f)| json!([c, m, f])).collect::<Vec<_>>() } }))
        .into_response()
}

async fn submit(State(r): S, headers: HeaderMap, Form(p): Form<Params>) -> Response {
    let user = match authed(&r, &headers, "submit") {
        Ok(u) => u,
        Err(e) => return e,
    };
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    if get("api_type") != "json" {
        return (StatusCode::OK, "{\"jquery\": []}").into_response();
    }
    let Some(sub) = r.sub(get("sr")) else {
        return submit_errors(vec![(
            "SUBREDDIT_NOEXIST",
            "Hmm, that community doesn't exist. Try checking the spelling.".into(),
            "sr",
        )]);
    };
    if sub.subreddit_type == "private" || sub.subreddit_type == "restricted" {
        return submit_errors(vec![(
            "SUBREDDIT_NOTALLOWED",
            "This community only allows trusted members to post here".into(),
            "sr",
        )]);
    }
    let title = get("title");
    let kind = get("kind");
    let text = get("text");
    let mut errors = Vec::new();
    if title.trim().is_empty() {
        errors.push(("NO_TEXT", "we need something here".into(), "title"));
    } else if title.chars().count() > TITLE_MAX {
        errors.push((
            "TOO_LONG",
            format!("this is too long (max: {TITLE_MAX})"),
            "title",
        ));
    }
    match (kind, sub.submission_type.as_str()) {
        ("self", "link") => errors.push((
            "NO_SELFS",
            "This community doesn't allow text posts.".into(),
            "sr",
        )),
        ("link", "self") => errors.push((
            "NO_LINKS",
            "This community only allows text posts.".into(),
            "sr",
        )),
        ("self" | "link", _) => {}
        _ => errors.push(("INVALID_OPTION", "that option is not valid".into(), "kind")),
    }
    if kind == "self" && text.chars().count() > SELFTEXT_MAX {
        errors.push((
            "TOO_LONG",
            format!("this is too long (max: {SELFTEXT_MAX})"),
            "text",
        ));
    }
    if kind == "self"
        && text.trim().is_empty()
        && sub.requirements["body_restriction_policy"] == "required"
    {
        errors.push((
            "SUBMIT_VALIDATION_BODY_REQUIRED",
            "Your post must include body text.".into(),
            "text",
        ));
    }
    if kind == "link" && url::Url::parse(get("url")).is_err() {
        errors.push(("BAD_URL", "you should check that url".into(), "url"));
    }
    if sub.requirements["is_flair_required"] == true && get("flair_id").is_empty() {
        errors.push((
            "SUBMIT_VALIDATION_FLAIR_REQUIRED",
            "Your post must contain post flair.".into(),
            "flair",
        ));
    }
    if !errors.is_empty() {
        return submit_errors(errors);
    }
    let n = r.fake.next();
    let id = radix36(46_656 * 36 + n);
    let post = Post {
        id: id.clone(),
        subreddit: sub.name.clone(),
        author: user.username.clone(),
        title: title.to_owned(),
        selftext: if kind == "self" {
            text.to_owned()
        } else {
            String::new()
        },
        url: (kind == "link").then(|| get("url").to_owned()),
        flair_id: p.get("flair_id").cloned(),
        created_utc: now(),
        deleted: false,
    };
    guard(&r.store).posts.insert(n, post);
    Json(json!({ "json": { "errors": [], "data": {
        "url": format!("https://www.reddit.com/r/{}/comments/{id}/post/", sub.name),
        "drafts_count": 0, "id": id, "name": format!("t3_{id}"),
    }}}))
    .into_response()
}

fn radix36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

async fn new_listing(
    State(r): S,
    headers: HeaderMap,
    Path(sub): Path<String>,
    Query(q): Query<Params>,
) -> Response {
    if let Err(e) = authed(&r, &headers, "read") {
        return e;
    }
    if r.sub(&sub).is_none() {
        return json_error(
            StatusCode::NOT_FOUND,
            json!({ "message": "Not Found", "error": 404 }),
        );
    }
    let limit = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(25usize)
        .min(100);
    let children: Vec<Value> = guard(&r.store)
        .posts
        .values()
        .rev()
        .filter(|p| p.subreddit.eq_ignore_ascii_case(&sub) && !p.deleted)
        .take(limit)
        .map(|p| json!({ "kind": "t3", "data": {
            "id": p.id, "name": format!("t3_{}", p.id), "title": p.title, "selftext": p.selftext,
            "author": p.author, "subreddit": p.subreddit, "created_utc": p.created_utc as f64,
            "is_self": p.url.is_none(), "url": p.url.clone().unwrap_or_else(|| format!("https://www.reddit.com/r/{}/comments/{}/post/", p.subreddit, p.id)),
            "permalink": format!("/r/{}/comments/{}/post/", p.subreddit, p.id),
        }}))
        .collect();
    Json(json!({ "kind": "Listing", "data": { "after": null, "before": null, "dist": children.len(), "children": children } }))
        .into_response()
}

async fn del(State(r): S, headers: HeaderMap, Form(p): Form<Params>) -> Response {
    let user = match authed(&r, &headers, "edit") {
        Ok(u) => u,
        Err(e) => return e,
    };
    let id = p
        .get("id")
        .and_then(|i| i.strip_prefix("t3_"))
        .unwrap_or_default()
        .to_owned();
    for post in guard(&r.store).posts.values_mut() {
        if post.id == id && post.author == user.username {
            post.deleted = true;
        }
    }
    // Reddit answers 200 with an empty object whether or not anything was deleted.
    Json(json!({})).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_base36() {
        assert_eq!(super::radix36(46_656 * 36), "10000");
    }
}
