//! A small stateful fake of the X API v2, shaped after X's official spec
//! (OAuth 2.0 with PKCE, users/me, v2 chunked media upload with alt text,
//! posts, timelines). The OAuth token and revoke endpoints are not in that
//! spec; they follow X's OAuth 2.0 documentation.
//!
//! What the fake does as X does: single-use codes bound to the PKCE
//! challenge, redirect URI and client; HTTP Basic for confidential clients,
//! `client_id` in the body for public ones; 2-hour access tokens; rotating
//! refresh tokens; 401 problem bodies; 403 on duplicate content; timelines
//! that rewrite links to t.co, append a t.co link per post with media and
//! HTML-escape `&<>`; GIFs that need a processing poll.

// A test peer: a broken invariant should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::FakeHandle;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "letsgrow-confidential";
pub const CLIENT_SECRET: &str = "confidential-secret";
pub const PUBLIC_CLIENT_ID: &str = "letsgrow-public";
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/api/oauth/x/callback";
pub const GIF: &str =
    "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b";

#[derive(Default)]
struct Media {
    owner: String,
    mime: String,
    total: usize,
    segments: BTreeMap<u64, Vec<u8>>,
    finalized: bool,
    pending_polls: u32,
    alt: Option<String>,
}

struct Tweet {
    author: String,
    text: String,
    reply_to: Option<String>,
    conversation: String,
    media: Vec<String>,
    created: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
pub struct Fake {
    users: HashMap<String, String>,
    codes: HashMap<String, (String, String, String, String)>, // code → user, challenge, redirect, client
    access: HashMap<String, (String, i64)>,                   // token → user, expires (unix s)
    refresh: HashMap<String, (String, String)>,               // token → user, client
    media: HashMap<String, Media>,
    tweets: BTreeMap<u64, Tweet>,
    polls: usize,
}

/// The fake's state and its id counter.
pub struct XState(Mutex<Fake>, AtomicU64);

pub type St = Arc<XState>;

impl Default for XState {
    fn default() -> Self {
        // Snowflake-sized ids, as X's.
        XState(Mutex::default(), AtomicU64::new(1_790_000_000_000_000_000))
    }
}

/// How [`crate::contract`] checks requests to this fake against X's spec
/// (`x-api-v2.openapi.json`): the OAuth 2.0 token and revoke endpoints are
/// documented separately from the API spec, so they pass unvalidated.
pub fn tee_config() -> crate::contract::TeeConfig {
    crate::contract::TeeConfig {
        unvalidated: vec!["/2/oauth2/"],
        json_as_form: vec![],
        one_of_relax: vec![],
    }
}

/// Serves the fake on 127.0.0.1 (port 0 picks a free one).
pub async fn start() -> std::io::Result<FakeHandle<XState>> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
}

pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeHandle<XState>> {
    let st: St = Arc::new(XState::default());
    crate::common::serve(st.clone(), router(st), addr).await
}

fn next(st: &St) -> u64 {
    st.1.fetch_add(1, Ordering::Relaxed)
}

fn problem(status: u16, title: &str, detail: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap();
    let body = json!({ "title": title, "type": "about:blank", "status": status, "detail": detail });
    (
        code,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn invalid(detail: &str) -> Response {
    let body = json!({ "title": "Invalid Request", "type": "https://api.x.com/2/problems/invalid-request", "detail": detail });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

#[allow(clippy::result_large_err)]
fn user_of(st: &St, h: &HeaderMap) -> Result<String, Response> {
    let token = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let f = st.0.lock().unwrap();
    match f.access.get(token) {
        Some((user, exp)) if *exp > chrono::Utc::now().timestamp() => Ok(user.clone()),
        _ => Err(problem(401, "Unauthorized", "Unauthorized")),
    }
}

/// Whether an authorization request is one X would show a consent page for.
fn valid_authorize(q: &HashMap<String, String>) -> bool {
    let scopes: Vec<&str> = q
        .get("scope")
        .map(|s| s.split(' ').collect())
        .unwrap_or_default();
    q.get("response_type").map(String::as_str) == Some("code")
        && [CLIENT_ID, PUBLIC_CLIENT_ID]
            .contains(&q.get("client_id").map(String::as_str).unwrap_or(""))
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.get("code_challenge").is_some_and(|c| c.len() == 43)
        && q.get("state").is_some_and(|s| !s.is_empty())
        && q.get("redirect_uri")
            .is_some_and(|r| url::Url::parse(r).is_ok())
        && [
            "tweet.read",
            "tweet.write",
            "users.read",
            "media.write",
            "offline.access",
        ]
        .iter()
        .all(|s| scopes.contains(s))
}

/// Redirects back to the client with a fresh code bound to the request.
fn grant(st: &St, user: String, q: &HashMap<String, String>) -> Response {
    let code = format!("code{}", next(st));
    st.0.lock().unwrap().codes.insert(
        code.clone(),
        (
            user,
            q["code_challenge"].clone(),
            q["redirect_uri"].clone(),
            q["client_id"].clone(),
        ),
    );
    let mut to = url::Url::parse(&q["redirect_uri"]).unwrap();
    to.query_pairs_mut()
        .append_pair("state", &q["state"])
        .append_pair("code", &code);
    (StatusCode::FOUND, [("location", to.to_string())]).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// GET: a signed-in user (cookie `user=<id>`, as tests send) is redirected at
/// once; a browser without one gets a consent page that posts back here.
async fn authorize(
    State(st): State<St>,
    h: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !valid_authorize(&q) {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let user = h
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.strip_prefix("user="))
        .map(str::to_owned);
    if let Some(user) = user {
        if !st.0.lock().unwrap().users.contains_key(&user) {
            return (StatusCode::BAD_REQUEST, "unknown user").into_response();
        }
        return grant(&st, user, &q);
    }
    let hidden: String = q
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>X (fake) — Authorize LetsGrow</title></head>\
<body><main><h1>X (fake)</h1><p>LetsGrow wants to post and read posts on your behalf.</p>\
<form method=\"post\" action=\"/i/oauth2/authorize\">{hidden}\
<button type=\"submit\" name=\"decision\" value=\"allow\">Authorize LetsGrow</button> \
<button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form></main></body></html>"
    );
    ([("content-type", "text/html; charset=utf-8")], html).into_response()
}

/// POST: the consent form. Allowing signs in a new user; cancelling
/// redirects with `error=access_denied`, as X does.
async fn authorize_submit(State(st): State<St>, body: String) -> Response {
    let q: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if !valid_authorize(&q) {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    if q.get("decision").map(String::as_str) != Some("allow") {
        let mut to = url::Url::parse(&q["redirect_uri"]).unwrap();
        to.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", &q["state"]);
        return (StatusCode::FOUND, [("location", to.to_string())]).into_response();
    }
    let user = st.new_user();
    grant(&st, user, &q)
}

/// The client authenticating: Basic for the confidential client, `client_id` for the public one.
fn client_of(h: &HeaderMap, form: &HashMap<String, String>) -> Option<String> {
    if let Some(basic) = h
        .get("authorization")
        .and_then(|v| v.to_str().ok()?.strip_prefix("Basic ").map(str::to_owned))
    {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .ok()?;
        return (raw == format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
            .then(|| CLIENT_ID.to_owned());
    }
    (form.get("client_id").map(String::as_str) == Some(PUBLIC_CLIENT_ID))
        .then(|| PUBLIC_CLIENT_ID.to_owned())
}

fn issue(st: &St, user: &str, client: &str) -> Response {
    let (access, refresh) = (format!("at{}", next(st)), format!("rt{}", next(st)));
    let mut f = st.0.lock().unwrap();
    f.access.insert(
        access.clone(),
        (user.to_owned(), chrono::Utc::now().timestamp() + 7200),
    );
    f.refresh
        .insert(refresh.clone(), (user.to_owned(), client.to_owned()));
    Json(json!({
        "token_type": "bearer", "expires_in": 7200, "access_token": access,
        "scope": "tweet.read tweet.write users.read media.write offline.access", "refresh_token": refresh,
    }))
    .into_response()
}

async fn token(State(st): State<St>, h: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let Some(client) = client_of(&h, &form) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Missing valid authorization header",
        );
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let entry =
                st.0.lock()
                    .unwrap()
                    .codes
                    .remove(form.get("code").map(String::as_str).unwrap_or(""));
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()));
            match entry {
                Some((user, ch, redirect, c))
                    if ch == challenge
                        && Some(&redirect) == form.get("redirect_uri")
                        && c == client =>
                {
                    issue(&st, &user, &client)
                }
                _ => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Value passed for the authorization code was invalid.",
                ),
            }
        }
        Some("refresh_token") => {
            let entry =
                st.0.lock()
                    .unwrap()
                    .refresh
                    .remove(form.get("refresh_token").map(String::as_str).unwrap_or(""));
            match entry {
                Some((user, c)) if c == client => issue(&st, &user, &client),
                _ => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Value passed for the token was invalid.",
                ),
            }
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        ),
    }
}

async fn revoke(State(st): State<St>, h: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if client_of(&h, &form).is_none() {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Missing valid authorization header",
        );
    }
    let t = form.get("token").cloned().unwrap_or_default();
    let mut f = st.0.lock().unwrap();
    f.access.remove(&t);
    f.refresh.remove(&t);
    Json(json!({ "revoked": true })).into_response()
}

async fn me(State(st): State<St>, h: HeaderMap) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let name = st.0.lock().unwrap().users[&user].clone();
    Json(json!({ "data": { "id": user, "name": name, "username": name } })).into_response()
}

async fn media_init(State(st): State<St>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = next(&st).to_string();
    let m = Media {
        owner: user,
        mime: b["media_type"].as_str().unwrap_or_default().into(),
        total: b["total_bytes"].as_u64().unwrap_or(0) as usize,
        ..Media::default()
    };
    st.0.lock().unwrap().media.insert(id.clone(), m);
    Json(json!({ "data": { "id": id, "media_key": format!("3_{id}"), "expires_after_secs": 86400 } })).into_response()
}

async fn media_append(
    State(st): State<St>,
    h: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(b["media"].as_str().unwrap_or_default());
    let mut f = st.0.lock().unwrap();
    match (f.media.get_mut(&id), bytes) {
        (Some(m), Ok(bytes)) if m.owner == user && !m.finalized => {
            m.segments
                .insert(b["segment_index"].as_u64().unwrap_or(0), bytes);
            Json(json!({ "data": { "expires_at": chrono::Utc::now().timestamp() + 86400 } }))
                .into_response()
        }
        _ => invalid("bad media id or segment"),
    }
}

async fn media_finalize(State(st): State<St>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut f = st.0.lock().unwrap();
    let Some(m) = f.media.get_mut(&id).filter(|m| m.owner == user) else {
        return invalid("unknown media");
    };
    let size: usize = m.segments.values().map(Vec::len).sum();
    if size != m.total {
        return invalid("the segments do not add up to total_bytes");
    }
    m.finalized = true;
    let mut data = json!({ "id": id, "media_key": format!("3_{id}"), "size": size, "expires_after_secs": 86400 });
    if m.mime == "image/gif" {
        m.pending_polls = 1;
        data["processing_info"] = json!({ "state": "pending", "check_after_secs": 1 });
    }
    Json(json!({ "data": data })).into_response()
}

async fn media_status(
    State(st): State<St>,
    h: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut f = st.0.lock().unwrap();
    f.polls += 1;
    let id = q.get("media_id").cloned().unwrap_or_default();
    let Some(m) = f.media.get_mut(&id).filter(|m| m.owner == user) else {
        return invalid("unknown media");
    };
    m.pending_polls = m.pending_polls.saturating_sub(1);
    let state = if m.pending_polls == 0 {
        "succeeded"
    } else {
        "in_progress"
    };
    Json(json!({ "data": { "id": id, "processing_info": { "state": state, "progress_percent": 100 } } })).into_response()
}

async fn media_metadata(State(st): State<St>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = b["id"].as_str().unwrap_or_default().to_owned();
    let mut f = st.0.lock().unwrap();
    let Some(m) = f.media.get_mut(&id).filter(|m| m.owner == user) else {
        return invalid("unknown media");
    };
    m.alt = b["metadata"]["alt_text"]["text"]
        .as_str()
        .map(str::to_owned);
    Json(json!({ "data": { "id": id, "associated_metadata": b["metadata"] } })).into_response()
}

async fn create_tweet(State(st): State<St>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let text = b["text"].as_str().unwrap_or_default().to_owned();
    let media: Vec<String> = b["media"]["media_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let id = next(&st);
    let mut f = st.0.lock().unwrap();
    if f.tweets
        .values()
        .any(|t| t.author == user && t.text == text)
    {
        return problem(
            403,
            "Forbidden",
            "You are not allowed to create a Tweet with duplicate content.",
        );
    }
    if media.iter().any(|m| {
        !f.media
            .get(m)
            .is_some_and(|m| m.owner == user && m.finalized && m.pending_polls == 0)
    }) {
        return invalid("media_ids: a media is unknown or not processed");
    }
    let reply_to = b["reply"]["in_reply_to_tweet_id"]
        .as_str()
        .map(str::to_owned);
    let conversation = match &reply_to {
        Some(p) => match p.parse::<u64>().ok().and_then(|p| f.tweets.get(&p)) {
            Some(parent) => parent.conversation.clone(),
            None => return invalid("in_reply_to_tweet_id: the post does not exist or was deleted"),
        },
        None => id.to_string(),
    };
    let created = chrono::Utc::now();
    f.tweets.insert(
        id,
        Tweet {
            author: user,
            text: text.clone(),
            reply_to,
            conversation,
            media,
            created,
        },
    );
    (StatusCode::CREATED, Json(json!({ "data": { "id": id.to_string(), "text": text, "edit_history_tweet_ids": [id.to_string()] } }))).into_response()
}

async fn delete_tweet(State(st): State<St>, h: HeaderMap, Path(id): Path<u64>) -> Response {
    let user = match user_of(&st, &h) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut f = st.0.lock().unwrap();
    match f.tweets.get(&id) {
        Some(t) if t.author != user => problem(
            403,
            "Forbidden",
            "You are not allowed to delete this Tweet.",
        ),
        Some(_) => {
            f.tweets.remove(&id);
            Json(json!({ "data": { "deleted": true } })).into_response()
        }
        None => {
            let body = json!({ "title": "Not Found Error", "type": "https://api.x.com/2/problems/resource-not-found", "detail": format!("Could not find post with id: [{id}].") });
            (StatusCode::NOT_FOUND, Json(body)).into_response()
        }
    }
}

/// Text as X's timelines return it.
fn as_listed(t: &Tweet, n: u64) -> String {
    let escaped = t
        .text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut words: Vec<String> = escaped
        .split(' ')
        .map(|w| {
            if w.starts_with("http://") || w.starts_with("https://") {
                format!("https://t.co/{n:x}")
            } else {
                w.to_owned()
            }
        })
        .collect();
    if !t.media.is_empty() {
        words.push(format!("https://t.co/m{n:x}"));
    }
    words.join(" ")
}

async fn user_tweets(
    State(st): State<St>,
    h: HeaderMap,
    Path(uid): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = user_of(&st, &h) {
        return r;
    }
    let since = q
        .get("start_time")
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    let max: usize = q
        .get("max_results")
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let f = st.0.lock().unwrap();
    let data: Vec<Value> = f
        .tweets
        .iter()
        .rev()
        .filter(|(_, t)| t.author == uid && since.is_none_or(|s| t.created >= s))
        .take(max)
        .map(|(id, t)| json!({ "id": id.to_string(), "text": as_listed(t, *id), "edit_history_tweet_ids": [id.to_string()] }))
        .collect();
    Json(json!({ "data": data, "meta": { "result_count": data.len() } })).into_response()
}

// --- test-only endpoints (not through the tee) ---

async fn new_user(State(st): State<St>) -> Json<Value> {
    Json(json!({ "id": st.new_user() }))
}

async fn expire(State(st): State<St>, body: String) {
    if let Some(t) = st.0.lock().unwrap().access.get_mut(&body) {
        t.1 = 0;
    }
}

async fn read_tweet(State(st): State<St>, Path(id): Path<u64>) -> Response {
    match st.tweet(id) {
        Some(v) => Json(v).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl XState {
    /// A new user with a `growerNNNN` handle; its id.
    pub fn new_user(&self) -> String {
        let id = self.1.fetch_add(1, Ordering::Relaxed).to_string();
        self.0
            .lock()
            .unwrap()
            .users
            .insert(id.clone(), format!("grower{}", &id[id.len() - 4..]));
        id
    }

    /// A post as stored: text, reply_to, conversation, media (alt, mime, size), author.
    pub fn tweet(&self, id: u64) -> Option<Value> {
        let f = self.0.lock().unwrap();
        let t = f.tweets.get(&id)?;
        let media: Vec<Value> = t
            .media
            .iter()
            .map(|m| {
                let m = &f.media[m];
                let bytes: Vec<u8> = m.segments.values().flatten().copied().collect();
                json!({ "alt": m.alt, "mime": m.mime, "size": bytes.len() })
            })
            .collect();
        Some(
            json!({ "text": t.text, "reply_to": t.reply_to, "conversation": t.conversation, "media": media, "author": t.author }),
        )
    }

    /// How many posts the user has.
    pub fn count(&self, user: &str) -> usize {
        let f = self.0.lock().unwrap();
        f.tweets.values().filter(|t| t.author == user).count()
    }
}

async fn stats(State(st): State<St>, Path(uid): Path<String>) -> Json<Value> {
    let f = st.0.lock().unwrap();
    Json(
        json!({ "count": f.tweets.values().filter(|t| t.author == uid).count(), "polls": f.polls }),
    )
}

pub fn router(st: St) -> axum::Router {
    axum::Router::new()
        .route("/i/oauth2/authorize", get(authorize).post(authorize_submit))
        .route("/2/oauth2/token", post(token))
        .route("/2/oauth2/revoke", post(revoke))
        .route("/2/users/me", get(me))
        .route("/2/media/upload/initialize", post(media_init))
        .route("/2/media/upload/{id}/append", post(media_append))
        .route("/2/media/upload/{id}/finalize", post(media_finalize))
        .route("/2/media/upload", get(media_status))
        .route("/2/media/metadata", post(media_metadata))
        .route("/2/tweets", post(create_tweet))
        .route("/2/tweets/{id}", delete(delete_tweet))
        .route("/2/users/{id}/tweets", get(user_tweets))
        .route("/_fake/users", post(new_user))
        .route("/_fake/expire", post(expire))
        .route("/_fake/tweets/{id}", get(read_tweet))
        .route("/_fake/stats/{uid}", get(stats))
        .with_state(st)
}
