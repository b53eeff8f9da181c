//! What the Instagram (Graph API with Instagram Login) and Threads fakes share:
//! Meta's token endpoints (short-lived code exchange, long-lived exchange and
//! refresh of the access token itself), Graph-style errors, and the container
//! flow — create a container whose media Meta fetches from a public URL, poll
//! its status, publish it, within a rolling 24-hour publishing quota.
//!
//! Sources (each flavour adds its own): Graph API errors and rate limiting
//! <https://developers.facebook.com/docs/graph-api/guides/error-handling>,
//! <https://developers.facebook.com/docs/graph-api/overview/rate-limiting>
//! (throttling codes 4, 17, 32, 613 and 80001–80014; the
//! `X-Business-Use-Case-Usage` header's `estimated_time_to_regain_access` in minutes).

use crate::common::{
    self, AuthorizeParams, AuthorizeRules, CLIENT_ID, CLIENT_SECRET, Fake, Params, TokenCheck,
    User, guard, now,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// How Instagram and Threads differ.
pub struct Flavor {
    pub name: &'static str,
    pub rules: AuthorizeRules,
    pub exchange_grant: &'static str,
    pub refresh_grant: &'static str,
    /// Edge names: create container, publish, publishing limit, list.
    pub create_edge: &'static str,
    pub publish_edge: &'static str,
    pub limit_edge: &'static str,
    pub list_edge: &'static str,
    /// The text field (`caption` on Instagram, `text` on Threads) and its limit in characters.
    pub text_field: &'static str,
    pub text_max: usize,
    pub max_hashtags: Option<usize>,
    pub quota: u32,
    pub carousel_max: usize,
    pub image_types: &'static [&'static str],
    pub max_image_bytes: usize,
    pub can_delete: bool,
    pub replies: bool,
    /// The code-exchange response wraps the token in `data: [..]` (Instagram).
    pub token_in_data: bool,
    pub permalink: fn(&str) -> String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    InProgress,
    Finished,
    Error(String),
    Published,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub id: String,
    pub owner: String,
    pub media_type: String,
    pub text: String,
    pub image_url: Option<String>,
    pub alt_text: Option<String>,
    pub children: Vec<String>,
    pub is_carousel_item: bool,
    pub reply_to: Option<String>,
    pub status: Status,
    pub checks: u32,
}

/// A published post.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub id: String,
    pub owner: String,
    pub text: String,
    pub media_type: String,
    /// Alt text of each image, in order.
    pub alts: Vec<String>,
    pub reply_to: Option<String>,
    pub root: Option<String>,
    pub timestamp: i64,
    pub deleted: bool,
}

#[derive(Default)]
pub struct Store {
    containers: HashMap<String, Container>,
    media: BTreeMap<u64, Media>,
    long_lived: HashSet<String>,
    hosted: HashMap<String, (String, Bytes)>,
}

pub struct Meta {
    pub fake: Arc<Fake>,
    pub flavor: &'static Flavor,
    store: Mutex<Store>,
}

impl Meta {
    pub fn new(flavor: &'static Flavor) -> Self {
        Meta {
            fake: Arc::new(Fake::new(flavor.name)),
            flavor,
            store: Mutex::new(Store::default()),
        }
    }
    /// Live posts (and replies) of a user, oldest first.
    pub fn published(&self, user_id: &str) -> Vec<Media> {
        guard(&self.store)
            .media
            .values()
            .filter(|m| m.owner == user_id && !m.deleted)
            .cloned()
            .collect()
    }
    pub fn media(&self, id: &str) -> Option<Media> {
        guard(&self.store)
            .media
            .values()
            .find(|m| m.id == id && !m.deleted)
            .cloned()
    }
    /// Serves `bytes` at `<base_url>/__media/<name>` (a stand-in for LetsGrow's public media URL).
    pub fn host_media(&self, base_url: &str, name: &str, mime: &str, bytes: Vec<u8>) -> String {
        guard(&self.store)
            .hosted
            .insert(name.to_owned(), (mime.to_owned(), bytes.into()));
        format!("{base_url}/__media/{name}")
    }
}

pub fn router(m: Arc<Meta>) -> Router {
    let graph = Router::new()
        .route("/{ver}/{id}", get(read_node).delete(delete_node))
        .route("/{ver}/{id}/{edge}", get(read_edge).post(post_edge))
        .layer(axum::middleware::from_fn_with_state(m.clone(), throttle_mw));
    Router::new()
        .route("/oauth/authorize", get(authorize).post(authorize_form))
        .route("/oauth/access_token", post(code_exchange))
        .route("/access_token", get(long_lived))
        .route("/refresh_access_token", get(refresh))
        .route("/__media/{name}", get(hosted))
        .merge(graph)
        .with_state(m.clone())
        .merge(common::control_routes(m.fake.clone()))
}

type S = State<Arc<Meta>>;

async fn authorize(State(m): S, Query(p): Query<AuthorizeParams>) -> Response {
    common::authorize_page(&m.fake, &m.flavor.rules, &p)
}
async fn authorize_form(State(m): S, Form(p): Form<AuthorizeParams>) -> Response {
    common::authorize_submit(&m.fake, &m.flavor.rules, &p)
}

async fn hosted(State(m): S, Path(name): Path<String>) -> Response {
    match guard(&m.store).hosted.get(&name) {
        Some((mime, bytes)) => ([("content-type", mime.clone())], bytes.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A Graph API error body.
pub fn graph_error(code: u32, subcode: Option<u32>, kind: &str, message: &str) -> Response {
    let mut e =
        json!({ "message": message, "type": kind, "code": code, "fbtrace_id": "AFakeTrace" });
    if let Some(s) = subcode {
        e["error_subcode"] = json!(s);
    }
    (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))).into_response()
}

async fn code_exchange(State(m): S, Form(p): Form<Params>) -> Response {
    let get = |k: &str| p.get(k).map(String::as_str);
    let fail = |msg: &str| {
        if m.flavor.token_in_data {
            (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error_type": "OAuthException", "code": 400, "error_message": msg })),
            )
                .into_response()
        } else {
            graph_error(100, None, "OAuthException", msg)
        }
    };
    if get("client_id") != Some(CLIENT_ID) || get("client_secret") != Some(CLIENT_SECRET) {
        return fail("Invalid platform app");
    }
    if get("grant_type") != Some("authorization_code") {
        return fail("Invalid grant_type");
    }
    let code = get("code").unwrap_or_default();
    let grant = match m
        .fake
        .redeem_code(code, CLIENT_ID, get("redirect_uri"), get("code_verifier"))
    {
        Ok(g) => g,
        Err(_) => return fail("Invalid authorization code"),
    };
    let token = m.fake.issue_token(&grant.user.id, &grant.scope, 3600);
    if m.flavor.token_in_data {
        Json(json!({ "data": [{ "access_token": token, "user_id": grant.user.id, "permissions": grant.scope }] })).into_response()
    } else {
        Json(json!({ "access_token": token, "user_id": grant.user.id })).into_response()
    }
}

fn token_error(check: &TokenCheck) -> Response {
    match check {
        TokenCheck::Missing => graph_error(
            2500,
            None,
            "OAuthException",
            "An active access token must be used to query information about the current user.",
        ),
        TokenCheck::Expired => graph_error(
            190,
            Some(463),
            "OAuthException",
            "Error validating access token: Session has expired.",
        ),
        TokenCheck::Revoked => graph_error(
            190,
            Some(458),
            "OAuthException",
            "Error validating access token: The user has not authorized application.",
        ),
        _ => graph_error(
            190,
            None,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        ),
    }
}

fn issue_long_lived(m: &Meta, user_id: &str, scope: &str) -> Response {
    let ttl = 60 * 86_400;
    let t = m.fake.issue_token(user_id, scope, ttl);
    guard(&m.store).long_lived.insert(t.clone());
    Json(json!({ "access_token": t, "token_type": "bearer", "expires_in": ttl })).into_response()
}

async fn long_lived(State(m): S, Query(q): Query<Params>) -> Response {
    if q.get("grant_type").map(String::as_str) != Some(m.flavor.exchange_grant) {
        return graph_error(100, None, "OAuthException", "Unsupported grant_type");
    }
    if q.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return graph_error(
            101,
            None,
            "OAuthException",
            "Error validating client secret.",
        );
    }
    let token = q.get("access_token").cloned().unwrap_or_default();
    match m.fake.check(Some(&token)) {
        TokenCheck::Valid { user, scope } => issue_long_lived(&m, &user.id, &scope),
        other => token_error(&other),
    }
}

async fn refresh(State(m): S, Query(q): Query<Params>) -> Response {
    if q.get("grant_type").map(String::as_str) != Some(m.flavor.refresh_grant) {
        return graph_error(100, None, "OAuthException", "Unsupported grant_type");
    }
    let token = q.get("access_token").cloned().unwrap_or_default();
    let check = m.fake.check(Some(&token));
    let TokenCheck::Valid { user, scope } = check else {
        return token_error(&check);
    };
    let is_long = guard(&m.store).long_lived.contains(&token);
    let old_enough = m
        .fake
        .token(&token)
        .is_some_and(|t| now() - t.issued_at >= 86_400);
    if !is_long || !old_enough {
        return graph_error(
            100,
            None,
            "OAuthException",
            "Only long-lived tokens at least 24 hours old can be refreshed",
        );
    }
    issue_long_lived(&m, &user.id, &scope)
}

fn throttled(m: &Meta, reset: u64) -> Response {
    let mut r = graph_error(
        80002,
        None,
        "OAuthException",
        "There have been too many calls to this account. Wait a bit and try again.",
    );
    let usage = json!({ "0": [{ "type": m.flavor.name, "call_count": 100, "total_cputime": 1, "total_time": 1,
        "estimated_time_to_regain_access": reset.div_ceil(60) }] });
    if let Ok(v) = HeaderValue::from_str(&usage.to_string()) {
        r.headers_mut().insert("x-business-use-case-usage", v);
    }
    r
}

async fn throttle_mw(
    State(m): S,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match m.fake.take_rate_limit() {
        Some(reset) => throttled(&m, reset),
        None => next.run(req).await,
    }
}

/// The token from `access_token` (query or form) or `Authorization: Bearer`.
fn auth(m: &Meta, headers: &HeaderMap, p: &Params) -> Result<User, Response> {
    let token = p
        .get("access_token")
        .cloned()
        .or_else(|| common::bearer(headers));
    match m.fake.check(token.as_deref()) {
        TokenCheck::Valid { user, .. } => Ok(user),
        other => Err(token_error(&other)),
    }
}

fn iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S+0000").to_string())
        .unwrap_or_default()
}

fn media_json(f: &Flavor, x: &Media) -> Value {
    json!({ "id": x.id, f.text_field: x.text, "media_type": x.media_type, "timestamp": iso(x.timestamp),
        "permalink": (f.permalink)(&x.id), "alt_text": x.alts.first() })
}

async fn read_node(
    State(m): S,
    headers: HeaderMap,
    Path((_ver, id)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> Response {
    let user = match auth(&m, &headers, &q) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if id == "me" {
        return Json(json!({ "id": user.id, "user_id": user.id, "username": user.username }))
            .into_response();
    }
    let mut store = guard(&m.store);
    if let Some(c) = store.containers.get_mut(&id).filter(|c| c.owner == user.id) {
        c.checks += 1;
        let (code, status) = match &c.status {
            // The first look always finds the media still being processed.
            _ if c.checks == 1 && c.status != Status::Published => ("IN_PROGRESS", String::new()),
            Status::InProgress => ("IN_PROGRESS", String::new()),
            Status::Finished => ("FINISHED", String::new()),
            Status::Published => ("PUBLISHED", String::new()),
            Status::Error(e) => ("ERROR", e.clone()),
        };
        return Json(json!({ "id": c.id, "status_code": code, "status": if m.flavor.name == "threads" { code.to_owned() } else { status.clone() }, "error_message": status })).into_response();
    }
    match store.media.values().find(|x| x.id == id && !x.deleted) {
        Some(x) => Json(media_json(m.flavor, x)).into_response(),
        None => graph_error(
            100,
            Some(33),
            "GraphMethodException",
            &format!(
                "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
            ),
        ),
    }
}

async fn delete_node(
    State(m): S,
    headers: HeaderMap,
    Path((_ver, id)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> Response {
    let user = match auth(&m, &headers, &q) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let unsupported = || {
        graph_error(
            100,
            Some(33),
            "GraphMethodException",
            &format!(
                "Unsupported delete request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
            ),
        )
    };
    if !m.flavor.can_delete {
        return unsupported();
    }
    let mut store = guard(&m.store);
    match store
        .media
        .values_mut()
        .find(|x| x.id == id && !x.deleted && x.owner == user.id)
    {
        Some(x) => {
            x.deleted = true;
            Json(json!({ "success": true, "deleted_id": id })).into_response()
        }
        None => unsupported(),
    }
}

async fn read_edge(
    State(m): S,
    headers: HeaderMap,
    Path((_ver, id, edge)): Path<(String, String, String)>,
    Query(q): Query<Params>,
) -> Response {
    let user = match auth(&m, &headers, &q) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if id != "me" && id != user.id {
        return graph_error(
            100,
            Some(33),
            "GraphMethodException",
            "Unsupported get request.",
        );
    }
    let f = m.flavor;
    let store = guard(&m.store);
    let since = now() - 86_400;
    if edge == f.limit_edge {
        let recent = store
            .media
            .values()
            .filter(|x| x.owner == user.id && x.timestamp > since);
        let (replies, posts): (Vec<&Media>, Vec<&Media>) =
            recent.partition(|x| x.reply_to.is_some());
        let mut row = json!({ "quota_usage": posts.len(), "config": { "quota_total": f.quota, "quota_duration": 86_400 } });
        if f.replies {
            row["reply_quota_usage"] = json!(replies.len());
            row["reply_config"] = json!({ "quota_total": 1000, "quota_duration": 86_400 });
        }
        return Json(json!({ "data": [row] })).into_response();
    }
    if f.replies && edge == "replies" {
        let data: Vec<Value> = store
            .media
            .values()
            .rev()
            .filter(|x| x.owner == user.id && !x.deleted && x.reply_to.is_some())
            .take(25)
            .map(|x| media_json(f, x))
            .collect();
        return Json(json!({ "data": data, "paging": {} })).into_response();
    }
    if edge == f.list_edge {
        let limit = q
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(25usize);
        let data: Vec<Value> = store
            .media
            .values()
            .rev()
            .filter(|x| x.owner == user.id && !x.deleted && x.reply_to.is_none())
            .take(limit)
            .map(|x| media_json(f, x))
            .collect();
        return Json(json!({ "data": data, "paging": {} })).into_response();
    }
    graph_error(
        100,
        None,
        "OAuthException",
        &format!("Tried accessing nonexisting field ({edge})"),
    )
}

async fn post_edge(
    State(m): S,
    headers: HeaderMap,
    Path((_ver, id, edge)): Path<(String, String, String)>,
    Query(mut p): Query<Params>,
    body: Bytes,
) -> Response {
    p.extend(url::form_urlencoded::parse(&body).into_owned());
    let user = match auth(&m, &headers, &p) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if id != "me" && id != user.id {
        return graph_error(
            100,
            Some(33),
            "GraphMethodException",
            "Unsupported post request.",
        );
    }
    if edge == m.flavor.create_edge {
        create_container(&m, &user, &p)
    } else if edge == m.flavor.publish_edge {
        publish(
            &m,
            &user,
            p.get("creation_id").map(String::as_str).unwrap_or_default(),
        )
    } else {
        graph_error(
            100,
            None,
            "OAuthException",
            &format!("Unsupported post request ({edge})"),
        )
    }
}

fn invalid(subcode: u32, msg: &str) -> Response {
    graph_error(100, Some(subcode), "OAuthException", msg)
}

fn create_container(m: &Arc<Meta>, user: &User, p: &Params) -> Response {
    let f = m.flavor;
    let text = p.get(f.text_field).cloned().unwrap_or_default();
    let carousel_item = p.get("is_carousel_item").is_some_and(|v| v == "true");
    let default_type = if p.contains_key("image_url") {
        "IMAGE"
    } else {
        "TEXT"
    };
    let media_type = p
        .get("media_type")
        .cloned()
        .unwrap_or_else(|| default_type.into());
    if text.chars().count() > f.text_max {
        return invalid(
            2_207_010,
            &format!(
                "The {} is too long (max {} characters).",
                f.text_field, f.text_max
            ),
        );
    }
    if let Some(max) = f.max_hashtags
        && text.matches('#').count() > max
    {
        return invalid(
            2_207_010,
            &format!("The caption has more than {max} hashtags."),
        );
    }
    let children: Vec<String> = p
        .get("children")
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut store = guard(&m.store);
    match media_type.as_str() {
        "IMAGE" if p.get("image_url").is_none() => {
            return invalid(2_207_023, "image_url is required for IMAGE");
        }
        "TEXT" if f.name == "instagram" => {
            return invalid(
                2_207_023,
                "The media type is not supported (an image_url is required)",
            );
        }
        "TEXT" if text.trim().is_empty() => {
            return invalid(2_207_023, "text is required for TEXT posts");
        }
        "CAROUSEL" => {
            if !(2..=f.carousel_max).contains(&children.len()) {
                return invalid(
                    2_207_028,
                    &format!("A carousel needs between 2 and {} children", f.carousel_max),
                );
            }
            for c in &children {
                if !store
                    .containers
                    .get(c)
                    .is_some_and(|x| x.owner == user.id && x.is_carousel_item)
                {
                    return invalid(
                        2_207_028,
                        &format!("The child {c} is not a carousel item of this user"),
                    );
                }
            }
        }
        "IMAGE" | "TEXT" => {}
        _ => return invalid(2_207_023, "The media type is not supported"),
    }
    let reply_to = p.get("reply_to_id").cloned();
    if let Some(r) = &reply_to
        && (!f.replies || !store.media.values().any(|x| &x.id == r && !x.deleted))
    {
        return invalid(
            4_279_001,
            "The reply_to_id does not name a post that can be replied to",
        );
    }
    let id = format!("1799{:012}", m.fake.next());
    let status = if media_type == "IMAGE" {
        Status::InProgress
    } else {
        Status::Finished
    };
    store.containers.insert(
        id.clone(),
        Container {
            id: id.clone(),
            owner: user.id.clone(),
            media_type: media_type.clone(),
            text,
            image_url: p.get("image_url").cloned(),
            alt_text: p.get("alt_text").cloned(),
            children,
            is_carousel_item: carousel_item,
            reply_to,
            status,
            checks: 0,
        },
    );
    drop(store);
    if media_type == "IMAGE" {
        let (m2, id2, url) = (
            m.clone(),
            id.clone(),
            p.get("image_url").cloned().unwrap_or_default(),
        );
        tokio::spawn(async move {
            let outcome = fetch(&m2, &url).await;
            if let Some(c) = guard(&m2.store).containers.get_mut(&id2) {
                c.status = match outcome {
                    Ok(()) => Status::Finished,
                    Err(e) => Status::Error(e),
                };
            }
        });
    }
    Json(json!({ "id": id })).into_response()
}

/// Meta cURLs the media: it must be reachable, of an accepted type and size.
async fn fetch(m: &Meta, url: &str) -> Result<(), String> {
    let unreachable = || "Error: 2207052 The media could not be fetched from this URI".to_owned();
    let bytes = tokio::time::timeout(std::time::Duration::from_secs(10), http_get(url))
        .await
        .map_err(|_| "Error: 2207003 Timed out downloading the media".to_owned())?
        .ok_or_else(unreachable)?;
    let kind = if bytes.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "other"
    };
    if !m.flavor.image_types.contains(&kind) {
        return Err(format!(
            "Error: 2207005 The image format is not supported (accepted: {})",
            m.flavor.image_types.join(", ")
        ));
    }
    if bytes.len() > m.flavor.max_image_bytes {
        return Err("Error: 2207004 The image is too large".into());
    }
    Ok(())
}

/// A plain HTTP/1.1 GET (the fakes only ever fetch from loopback), the body of a 200.
async fn http_get(url: &str) -> Option<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let u = url::Url::parse(url).ok().filter(|u| u.scheme() == "http")?;
    let host = u.host_str()?;
    let port = u.port_or_known_default()?;
    let mut conn = tokio::net::TcpStream::connect((host, port)).await.ok()?;
    let path = &u[url::Position::BeforePath..url::Position::AfterQuery];
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: facebookexternalhit/1.1\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(req.as_bytes()).await.ok()?;
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).await.ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    if !head.starts_with("http/1.1 200") || head.contains("transfer-encoding: chunked") {
        return None;
    }
    Some(raw[split + 4..].to_vec())
}

fn publish(m: &Meta, user: &User, creation_id: &str) -> Response {
    let f = m.flavor;
    let mut store = guard(&m.store);
    let Some(c) = store
        .containers
        .get(creation_id)
        .filter(|c| c.owner == user.id)
        .cloned()
    else {
        return graph_error(
            100,
            Some(33),
            "GraphMethodException",
            "The creation_id does not name a container of this user",
        );
    };
    match &c.status {
        Status::Finished => {}
        Status::Published => {
            return invalid(2_207_008, "The media container has already been published");
        }
        Status::InProgress => {
            return graph_error(
                9007,
                Some(2_207_027),
                "OAuthException",
                "Media ID is not available: the media is not ready for publishing, please wait for a moment",
            );
        }
        Status::Error(e) => return invalid(2_207_001, e),
    }
    let since = now() - 86_400;
    let used = store
        .media
        .values()
        .filter(|x| {
            x.owner == user.id
                && x.timestamp > since
                && x.reply_to.is_none() == c.reply_to.is_none()
        })
        .count();
    let quota = if c.reply_to.is_some() {
        1000
    } else {
        f.quota as usize
    };
    if used >= quota {
        return graph_error(
            9,
            Some(2_207_042),
            "OAuthException",
            "Application request limit reached: the account reached its publishing limit for the last 24 hours",
        );
    }
    let alts: Vec<String> = if c.children.is_empty() {
        c.alt_text.clone().into_iter().collect()
    } else {
        c.children
            .iter()
            .filter_map(|ch| store.containers.get(ch))
            .map(|x| x.alt_text.clone().unwrap_or_default())
            .collect()
    };
    let root = c.reply_to.as_ref().map(|r| {
        store
            .media
            .values()
            .find(|x| &x.id == r)
            .and_then(|x| x.root.clone())
            .unwrap_or_else(|| r.clone())
    });
    let n = m.fake.next();
    let id = format!("1790{n:012}");
    let media_type = match c.media_type.as_str() {
        "CAROUSEL" if f.name == "instagram" => "CAROUSEL_ALBUM".to_owned(),
        "CAROUSEL" => "CAROUSEL_ALBUM".to_owned(),
        "TEXT" => "TEXT_POST".to_owned(),
        other => other.to_owned(),
    };
    store.media.insert(
        n,
        Media {
            id: id.clone(),
            owner: user.id.clone(),
            text: c.text.clone(),
            media_type,
            alts,
            reply_to: c.reply_to.clone(),
            root,
            timestamp: now(),
            deleted: false,
        },
    );
    if let Some(c) = store.containers.get_mut(creation_id) {
        c.status = Status::Published;
    }
    Json(json!({ "id": id })).into_response()
}
