//! What every fake shares: users, the OAuth 2.0 authorization page a browser
//! can complete, authorization codes with PKCE (S256) verification, access and
//! refresh tokens, and the test controls (force a 429, expire or revoke
//! tokens), reachable both as library calls and under `/__control/`.

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Json, Router, routing::post};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// The one OAuth client every fake knows (configure LetsGrow with these).
pub const CLIENT_ID: &str = "letsgrow-fake-client";
pub const CLIENT_SECRET: &str = "letsgrow-fake-secret";

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A running fake. Dropping the handle stops the server.
pub struct FakeHandle<S> {
    /// `http://127.0.0.1:<port>`; every host of the platform (www, api, graph) is served here.
    pub base_url: String,
    pub state: Arc<S>,
    task: tokio::task::JoinHandle<()>,
}

impl<S> Drop for FakeHandle<S> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<S> std::ops::Deref for FakeHandle<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.state
    }
}

/// Binds first, then serves (no sleeping for start-up).
pub async fn serve<S: Send + Sync + 'static>(
    state: Arc<S>,
    router: Router,
    addr: SocketAddr,
) -> std::io::Result<FakeHandle<S>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(FakeHandle {
        base_url,
        state,
        task,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub user: User,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    /// (challenge, method) when the client sent one.
    pub challenge: Option<(String, String)>,
    /// Reddit's `duration` (`permanent` grants come with a refresh token).
    pub duration: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub user_id: String,
    pub scope: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
}

/// The result of checking a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid { user: User, scope: String },
    Missing,
    Unknown,
    Expired,
    Revoked,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    users: BTreeMap<String, User>,
    by_name: HashMap<String, String>,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, Token>,
    refresh: HashMap<String, Token>,
    /// Forced 429s still to serve, and the reset they announce (seconds).
    forced_limit: Option<(u32, u64)>,
}

/// The platform-independent state of one fake.
pub struct Fake {
    pub platform: &'static str,
    inner: Mutex<Inner>,
}

fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Locks a fake's own state, surviving a poisoned lock (a panicking test).
pub fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Fake {
    pub fn new(platform: &'static str) -> Self {
        Fake {
            platform,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// A fresh opaque value (tokens, codes, ids).
    pub fn secret(&self, prefix: &str) -> String {
        let n = self.next();
        let digest = Sha256::digest(format!(
            "{}:{prefix}:{n}:{:?}",
            self.platform,
            std::time::SystemTime::now()
        ));
        format!("{prefix}{}", &hex::encode(digest)[..32])
    }

    pub fn next(&self) -> u64 {
        let mut g = lock(&self.inner);
        g.seq += 1;
        g.seq
    }

    /// The user called `username`, created on first use with `make_id(seq)`.
    pub fn ensure_user(&self, username: &str, make_id: fn(u64) -> String) -> User {
        let mut g = lock(&self.inner);
        if let Some(id) = g.by_name.get(username).cloned()
            && let Some(u) = g.users.get(&id)
        {
            return u.clone();
        }
        g.seq += 1;
        let user = User {
            id: make_id(g.seq),
            username: username.to_owned(),
        };
        g.by_name.insert(username.to_owned(), user.id.clone());
        g.users.insert(user.id.clone(), user.clone());
        user
    }

    pub fn user(&self, id: &str) -> Option<User> {
        lock(&self.inner).users.get(id).cloned()
    }

    pub fn issue_code(&self, grant: Grant) -> String {
        let code = self.secret("code-");
        lock(&self.inner).codes.insert(code.clone(), grant);
        code
    }

    /// Redeems a code once. Checks client, redirect URI, expiry and PKCE.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<Grant, &'static str> {
        let grant = lock(&self.inner)
            .codes
            .remove(code)
            .ok_or("authorization code not found, expired or already used")?;
        if grant.client_id != client_id {
            return Err("the code was issued to another client");
        }
        if let Some(r) = redirect_uri
            && r != grant.redirect_uri
        {
            return Err("redirect_uri does not match the authorization request");
        }
        if grant.expires_at < now() {
            return Err("authorization code expired");
        }
        match (&grant.challenge, verifier) {
            (None, _) => {}
            (Some(_), None) => return Err("code_verifier is required"),
            (Some((challenge, method)), Some(v)) => {
                let computed = if method.eq_ignore_ascii_case("S256") {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(v))
                } else {
                    v.to_owned()
                };
                if &computed != challenge {
                    return Err("code_verifier does not match the code_challenge");
                }
            }
        }
        Ok(grant)
    }

    pub fn issue_token(&self, user_id: &str, scope: &str, ttl: i64) -> String {
        let t = self.secret("at-");
        let now = now();
        lock(&self.inner).tokens.insert(
            t.clone(),
            Token {
                user_id: user_id.to_owned(),
                scope: scope.to_owned(),
                issued_at: now,
                expires_at: now + ttl,
                revoked: false,
            },
        );
        t
    }

    pub fn issue_refresh(&self, user_id: &str, scope: &str, ttl: i64) -> String {
        let t = self.secret("rt-");
        let now = now();
        lock(&self.inner).refresh.insert(
            t.clone(),
            Token {
                user_id: user_id.to_owned(),
                scope: scope.to_owned(),
                issued_at: now,
                expires_at: now + ttl,
                revoked: false,
            },
        );
        t
    }

    pub fn token(&self, token: &str) -> Option<Token> {
        lock(&self.inner).tokens.get(token).cloned()
    }

    pub fn check(&self, token: Option<&str>) -> TokenCheck {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return TokenCheck::Missing;
        };
        let g = lock(&self.inner);
        let Some(t) = g.tokens.get(token) else {
            return TokenCheck::Unknown;
        };
        if t.revoked {
            return TokenCheck::Revoked;
        }
        if t.expires_at <= now() {
            return TokenCheck::Expired;
        }
        match g.users.get(&t.user_id) {
            Some(u) => TokenCheck::Valid {
                user: u.clone(),
                scope: t.scope.clone(),
            },
            None => TokenCheck::Unknown,
        }
    }

    /// A usable refresh token's (user id, scope, expires_at).
    pub fn check_refresh(&self, token: &str) -> Option<Token> {
        let g = lock(&self.inner);
        g.refresh
            .get(token)
            .filter(|t| !t.revoked && t.expires_at > now())
            .cloned()
    }

    /// Revokes one access or refresh token (what a revoke endpoint does);
    /// revoking a refresh token also ends the access tokens of that grant
    /// (RFC 7009 §2.1).
    pub fn revoke_token(&self, token: &str) {
        let mut g = lock(&self.inner);
        if let Some(t) = g.tokens.get_mut(token) {
            t.revoked = true;
        }
        let user = g.refresh.get_mut(token).map(|t| {
            t.revoked = true;
            t.user_id.clone()
        });
        if let Some(user) = user {
            for t in g.tokens.values_mut().filter(|t| t.user_id == user) {
                t.revoked = true;
            }
        }
    }

    // --- test controls -------------------------------------------------

    /// The next `count` API requests answer 429 (or the platform's throttle
    /// error) announcing a reset in `reset_secs` where the platform announces one.
    pub fn force_rate_limit(&self, count: u32, reset_secs: u64) {
        lock(&self.inner).forced_limit = (count > 0).then_some((count, reset_secs));
    }

    /// Consumes one forced 429, returning its reset.
    pub fn take_rate_limit(&self) -> Option<u64> {
        let mut g = lock(&self.inner);
        let (left, reset) = g.forced_limit?;
        g.forced_limit = (left > 1).then_some((left - 1, reset));
        Some(reset)
    }

    /// Every access token of the user is now expired (refresh tokens stay valid).
    pub fn expire_access_tokens(&self, user_id: &str) {
        let now = now();
        for t in lock(&self.inner).tokens.values_mut() {
            if t.user_id == user_id {
                t.expires_at = now - 1;
            }
        }
    }

    /// Makes the user's tokens older (Meta refreshes only tokens at least 24 h old).
    pub fn age_tokens(&self, user_id: &str, secs: i64) {
        for t in lock(&self.inner).tokens.values_mut() {
            if t.user_id == user_id {
                t.issued_at -= secs;
            }
        }
    }

    /// The user removed the app: every access and refresh token stops working.
    pub fn revoke_user(&self, user_id: &str) {
        let mut guard = lock(&self.inner);
        let g = &mut *guard;
        for t in g.tokens.values_mut().chain(g.refresh.values_mut()) {
            if t.user_id == user_id {
                t.revoked = true;
            }
        }
    }

    pub fn users(&self) -> Vec<User> {
        lock(&self.inner).users.values().cloned().collect()
    }
}

// --- the authorization page ---------------------------------------------

/// The query of an authorization request, and the fields of the consent form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// Reddit: `temporary` or `permanent`.
    pub duration: Option<String>,
    /// Form only: the account to sign in as.
    pub username: Option<String>,
    /// Form only: `allow` or `deny`.
    pub decision: Option<String>,
}

/// How a platform's authorization endpoint behaves.
pub struct AuthorizeRules {
    pub title: &'static str,
    /// Scopes are split on these characters.
    pub scope_separators: &'static [char],
    pub required_scopes: &'static [&'static str],
    /// Appended to the redirect (Instagram appends `#_`).
    pub redirect_suffix: &'static str,
    pub make_user_id: fn(u64) -> String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn error_page(status: StatusCode, msg: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p role=\"alert\">{}</p>",
            esc(msg)
        )),
    )
        .into_response()
}

fn validate(p: &AuthorizeParams, rules: &AuthorizeRules) -> Result<(String, String), String> {
    if p.client_id.as_deref() != Some(CLIENT_ID) {
        return Err("invalid client_id".into());
    }
    if p.response_type.as_deref() != Some("code") {
        return Err("response_type must be code".into());
    }
    let redirect = p.redirect_uri.clone().unwrap_or_default();
    match url::Url::parse(&redirect) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => return Err("redirect_uri must be an absolute http(s) URL".into()),
    }
    let scope = p.scope.clone().unwrap_or_default();
    let granted: Vec<&str> = scope
        .split(rules.scope_separators)
        .filter(|s| !s.is_empty())
        .collect();
    for req in rules.required_scopes {
        if !granted.contains(req) {
            return Err(format!("the scope must include {req}"));
        }
    }
    if let Some(m) = &p.code_challenge_method
        && m != "S256"
        && m != "plain"
    {
        return Err("code_challenge_method must be S256 or plain".into());
    }
    Ok((redirect, scope))
}

/// GET: the consent page (a form a browser, or a test, submits).
pub fn authorize_page(fake: &Fake, rules: &AuthorizeRules, p: &AuthorizeParams) -> Response {
    if let Err(e) = validate(p, rules) {
        return error_page(StatusCode::BAD_REQUEST, &e);
    }
    let hidden = [
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("response_type", &p.response_type),
        ("state", &p.state),
        ("scope", &p.scope),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
        ("duration", &p.duration),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_ref()
            .map(|v| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v)))
    })
    .collect::<String>();
    let suggested = format!("{}user{}", fake.platform, fake.next());
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} — Authorize LetsGrow</title></head>\
<body><main><h1>{title}</h1><p>LetsGrow would like to: <strong>{scope}</strong></p>\
<form method=\"post\">{hidden}<label for=\"username\">Sign in as</label> \
<input id=\"username\" name=\"username\" value=\"{suggested}\"> \
<button type=\"submit\" name=\"decision\" value=\"allow\">Authorize LetsGrow</button> \
<button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form></main></body></html>",
        title = esc(rules.title),
        scope = esc(p.scope.as_deref().unwrap_or_default()),
    ))
    .into_response()
}

/// POST: the user decided; redirect back with `code` (or `error`) and `state`.
pub fn authorize_submit(fake: &Fake, rules: &AuthorizeRules, p: &AuthorizeParams) -> Response {
    let (redirect, scope) = match validate(p, rules) {
        Ok(v) => v,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let Ok(mut to) = url::Url::parse(&redirect) else {
        return error_page(StatusCode::BAD_REQUEST, "bad redirect_uri");
    };
    if p.decision.as_deref() != Some("allow") {
        to.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the request");
    } else {
        let username = p
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or("member");
        let user = fake.ensure_user(username, rules.make_user_id);
        let code = fake.issue_code(Grant {
            user,
            client_id: CLIENT_ID.into(),
            redirect_uri: redirect.clone(),
            scope,
            challenge: p.code_challenge.clone().map(|c| {
                (
                    c,
                    p.code_challenge_method
                        .clone()
                        .unwrap_or_else(|| "plain".into()),
                )
            }),
            duration: p.duration.clone(),
            expires_at: now() + 600,
        });
        to.query_pairs_mut().append_pair("code", &code);
    }
    if let Some(s) = &p.state {
        to.query_pairs_mut().append_pair("state", s);
    }
    Redirect::to(&format!("{to}{}", rules.redirect_suffix)).into_response()
}

// --- helpers for handlers -------------------------------------------------

/// The bearer token of a request, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
}

/// HTTP Basic credentials (Reddit's token endpoint).
pub fn basic(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(v.strip_prefix("Basic ")?.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (id, secret) = s.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// A middleware answering forced 429s with the platform's own response.
/// The state of [`limit_mw`]: the fake and how its platform answers a 429.
pub type LimitState = (Arc<Fake>, fn(u64) -> Response);

pub async fn limit_mw(
    State((fake, respond)): State<LimitState>,
    req: Request,
    next: Next,
) -> Response {
    match fake.take_rate_limit() {
        Some(reset) => respond(reset),
        None => next.run(req).await,
    }
}

#[derive(Deserialize)]
struct ControlQuery {
    user: Option<String>,
    count: Option<u32>,
    reset: Option<u64>,
    secs: Option<i64>,
}

/// `/__control/*`: the same controls over HTTP, for browser tests.
pub fn control_routes(fake: Arc<Fake>) -> Router {
    async fn act(
        State(fake): State<Arc<Fake>>,
        axum::extract::Path(action): axum::extract::Path<String>,
        Query(q): Query<ControlQuery>,
    ) -> Response {
        let user = q.user.unwrap_or_default();
        match action.as_str() {
            "rate_limit" => fake.force_rate_limit(q.count.unwrap_or(1), q.reset.unwrap_or(60)),
            "expire" => fake.expire_access_tokens(&user),
            "revoke" => fake.revoke_user(&user),
            "age" => fake.age_tokens(&user, q.secs.unwrap_or(86_400)),
            _ => return (StatusCode::NOT_FOUND, "unknown control").into_response(),
        }
        Json(json!({ "ok": true })).into_response()
    }
    async fn users(State(fake): State<Arc<Fake>>) -> Json<Value> {
        Json(json!(
            fake.users()
                .into_iter()
                .map(|u| json!({ "id": u.id, "username": u.username }))
                .collect::<Vec<_>>()
        ))
    }
    Router::new()
        .route("/__control/users", axum::routing::get(users))
        .route("/__control/{action}", post(act))
        .with_state(fake)
}

/// Form or query parameters as a map (Meta accepts either).
pub type Params = HashMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_single_use_and_pkce_checked() {
        let f = Fake::new("t");
        let user = f.ensure_user("alice", |n| format!("u{n}"));
        let verifier = "a-verifier-of-enough-length-0123456789abcdef";
        let challenge =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
        let grant = Grant {
            user,
            client_id: CLIENT_ID.into(),
            redirect_uri: "http://app/cb".into(),
            scope: "s".into(),
            challenge: Some((challenge, "S256".into())),
            duration: None,
            expires_at: now() + 60,
        };
        let code = f.issue_code(grant.clone());
        assert!(
            f.redeem_code(&code, CLIENT_ID, Some("http://app/cb"), Some("wrong"))
                .is_err()
        );
        let code = f.issue_code(grant);
        assert!(
            f.redeem_code(&code, CLIENT_ID, Some("http://app/cb"), Some(verifier))
                .is_ok()
        );
        assert!(
            f.redeem_code(&code, CLIENT_ID, Some("http://app/cb"), Some(verifier))
                .is_err()
        );
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let f = Fake::new("t");
        let u = f.ensure_user("bob", |n| format!("u{n}"));
        let t = f.issue_token(&u.id, "s", 60);
        assert!(matches!(f.check(Some(&t)), TokenCheck::Valid { .. }));
        f.expire_access_tokens(&u.id);
        assert_eq!(f.check(Some(&t)), TokenCheck::Expired);
        f.revoke_user(&u.id);
        assert_eq!(f.check(Some(&t)), TokenCheck::Revoked);
        assert_eq!(f.check(None), TokenCheck::Missing);
        f.force_rate_limit(2, 30);
        assert_eq!(f.take_rate_limit(), Some(30));
        assert_eq!(f.take_rate_limit(), Some(30));
        assert_eq!(f.take_rate_limit(), None);
    }
}
