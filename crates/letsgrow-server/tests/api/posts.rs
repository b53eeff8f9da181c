//! Compose, schedule and publish over HTTP, through the real scheduler and
//! workers, to local webhook receivers that record (and can refuse) every request.

use crate::helpers::{Backend, TestApp, expect_error, spawn_app_with};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Seen {
    /// (Idempotency-Key, path, arrival ms, body)
    requests: Vec<(String, String, i64, Value)>,
    /// Statuses to answer with, in order; then 200.
    script: VecDeque<u16>,
    in_flight: HashMap<String, usize>,
    max_in_flight: usize,
}

#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) base: String,
    seen: Arc<Mutex<Seen>>,
}

impl Receiver {
    pub(crate) async fn start(delay_ms: u64) -> Receiver {
        let seen: Arc<Mutex<Seen>> = Arc::default();
        let store = seen.clone();
        let app = axum::Router::new().route(
            "/{hook}",
            axum::routing::post(
                move |axum::extract::Path(hook): axum::extract::Path<String>,
                      headers: HeaderMap,
                      body: String| {
                    let store = store.clone();
                    async move {
                        let key = headers
                            .get("idempotency-key")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        {
                            let mut s = store.lock().unwrap();
                            let n = s.in_flight.entry(hook.clone()).or_default();
                            *n += 1;
                            let n = *n;
                            s.max_in_flight = s.max_in_flight.max(n);
                        }
                        if delay_ms > 0 {
                            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                        }
                        let mut s = store.lock().unwrap();
                        *s.in_flight.entry(hook.clone()).or_default() -= 1;
                        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                        if body["event"] == "ping" {
                            return (StatusCode::OK, HeaderMap::new(), "{}".to_owned());
                        }
                        let status = s.script.pop_front().unwrap_or(200);
                        s.requests.push((
                            key.clone(),
                            hook,
                            chrono::Utc::now().timestamp_millis(),
                            body,
                        ));
                        let mut headers = HeaderMap::new();
                        if status == 429 {
                            headers.insert("retry-after", "2".parse().unwrap());
                        }
                        if status == 200 {
                            (StatusCode::OK, headers, json!({ "id": key }).to_string())
                        } else {
                            (
                                StatusCode::from_u16(status).unwrap(),
                                headers,
                                json!({"message": format!("receiver says {status}")}).to_string(),
                            )
                        }
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { base, seen }
    }
    pub(crate) fn script(&self, statuses: &[u16]) {
        self.seen.lock().unwrap().script.extend(statuses);
    }
    /// Forgets the statuses still to answer (back to 200).
    pub(crate) fn seen_clear_script(&self) {
        self.seen.lock().unwrap().script.clear();
    }
    pub(crate) fn requests(&self) -> Vec<(String, String, i64, Value)> {
        self.seen.lock().unwrap().requests.clone()
    }
}

pub(crate) async fn app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
        // Webhook receivers fetch images by URL: links are signed under the server's address.
        c.server.public_url = Some("auto".into());
    })
    .await
}

/// A server with no `server.public_url`: nothing can fetch its images.
async fn app_without_public_url(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
    })
    .await
}

/// An image post to a webhook is refused when it is saved, with the fix in
/// words, when no receiver could fetch the image (it used to be accepted and
/// then fail when due, labelled as the webhook's refusal). Drafts too: a
/// draft is scheduled later without another check by the user.
async fn webhook_images_need_the_public_url(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "nourl@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let m = app
        .upload_media(&token, "chart.png", crate::helpers::png(8, 8, &[]))
        .await;
    for schedule in [
        json!({"mode": "draft"}),
        json!({"mode": "at", "at": in_ms(3_600_000)}),
    ] {
        let r = app.post_auth("/api/v1/posts", &token, &json!({"channel_ids": [a], "content": {"parts": [{"text": "chart", "media": [{"id": m["id"]}]}]}, "schedule": schedule})).await;
        let body = expect_error(r, 422, "validation_failed").await;
        let msg = body["error"]["details"]["fields"]["content.parts[0].media"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            msg.contains("server.public_url") && msg.contains("remove the image"),
            "{body}"
        );
    }
    // The same text without the image is fine.
    create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "chart"}]}, "schedule": {"mode": "draft"}})).await;
    assert!(rx.requests().is_empty());
}

#[tokio::test]
async fn webhook_images_need_the_public_url_sqlite() {
    webhook_images_need_the_public_url(app_without_public_url(Backend::Sqlite).await).await;
}

#[tokio::test]
async fn webhook_images_need_the_public_url_postgres() {
    webhook_images_need_the_public_url(app_without_public_url(Backend::Postgres).await).await;
}

pub(crate) async fn user(app: &TestApp, email: &str) -> String {
    app.register(email).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn webhook(app: &TestApp, token: &str, rx: &Receiver, name: &str) -> String {
    let r = app
        .post_auth("/api/v1/channels", token, &json!({"platform": "webhook", "url": format!("{}/{name}", rx.base), "format": "generic"}))
        .await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    v["channel"]["id"].as_str().unwrap().to_owned()
}

pub(crate) fn in_ms(ms: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::milliseconds(ms))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_auth("/api/v1/posts", token, &body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    v
}

/// Polls the post until every target is in one of `states` (30 s at most).
async fn wait_states(app: &TestApp, token: &str, id: &str, states: &[&str]) -> Value {
    wait_post(app, token, id, Duration::from_secs(30), |v| {
        v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| states.contains(&t["state"].as_str().unwrap()))
    })
    .await
}

/// Polls the post until `done` holds for it, for at most `within`.
pub(crate) async fn wait_post(
    app: &TestApp,
    token: &str,
    id: &str,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + within;
    loop {
        let v = app.get_json(&format!("/api/v1/posts/{id}"), token).await;
        if done(&v) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "post {id} never got there: {v:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn history(target: &Value) -> Vec<String> {
    target["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap().to_owned())
        .collect()
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name(super::app(crate::helpers::Backend::Sqlite).await).await; } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name(super::app(crate::helpers::Backend::Postgres).await).await; } )* }
    };
}

both!(
    scheduled_post_publishes_once_on_time,
    invalid_posts_are_refused_field_by_field,
    duplicate_text_warns_before_saving,
    platform_refusal_fails_visibly_and_retry_publishes,
    unavailable_platform_is_retried_with_backoff,
    unknown_outcome_is_reconciled_with_the_same_key,
    thread_stops_at_the_failed_part_and_resumes_after_it,
    cancel_reschedule_and_publish_now,
    local_times_follow_the_dst_rule,
    queue_uses_the_next_free_slot,
    csv_import_reports_every_bad_row_and_imports_nothing,
    paused_channels_hold_posts_until_resumed,
    media_library_types_by_bytes_and_signs_links,
    disconnecting_a_channel_says_which_posts_went_with_it,
    rate_limits_are_honoured_and_the_channel_recovers,
    channel_health_follows_real_outcomes,
);

async fn channel_of(app: &TestApp, token: &str, id: &str) -> Value {
    let list: Value = app
        .get_auth("/api/v1/channels", token)
        .await
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap()
}

/// A channel's health follows what happens when posts are sent, not only the
/// Test button: refusals in a row turn it "failing" with the last error and
/// when; one post that goes through makes it "ok" again.
async fn channel_health_follows_real_outcomes(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "health@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    rx.script(&[400, 400, 400]);
    for n in 1..=3 {
        let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": format!("refused {n}")}]}, "schedule": {"mode": "now"}})).await;
        let done = wait_states(&app, &token, post["id"].as_str().unwrap(), &["failed"]).await;
        assert_eq!(done["targets"][0]["error"]["code"], "platform_rejected");
        let c = channel_of(&app, &token, &a).await;
        assert_eq!(c["consecutive_failures"], n, "{c}");
        assert!(c["last_outcome_at"].is_string(), "{c}");
        assert!(
            c["last_error"].as_str().unwrap().contains("HTTP 400"),
            "{c}"
        );
        // Two failures can be the platform's bad minute; the third is a pattern.
        let want = if n < 3 { "ok" } else { "failing" };
        assert_eq!(c["status"], want, "after {n} failures: {c}");
    }
    let c = channel_of(&app, &token, &a).await;
    assert!(
        c["status_message"].as_str().unwrap().contains("HTTP 400"),
        "{c}"
    );
    // One that goes through: healthy again, the last error kept for the record.
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "goes through"}]}, "schedule": {"mode": "now"}})).await;
    wait_states(&app, &token, post["id"].as_str().unwrap(), &["published"]).await;
    let c = channel_of(&app, &token, &a).await;
    assert_eq!(c["status"], "ok", "{c}");
    assert_eq!(c["consecutive_failures"], 0, "{c}");
    assert!(c["status_message"].is_null(), "{c}");
    assert!(c["last_error"].is_string(), "{c}");
}

async fn rate_limits_are_honoured_and_the_channel_recovers(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "ratelimit@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    rx.script(&[429]);
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "slow down"}]}, "schedule": {"mode": "now"}})).await;
    let id = post["id"].as_str().unwrap();
    // While waiting, the channel shows why.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let chans: Value = app
            .get_auth("/api/v1/channels", &token)
            .await
            .json()
            .await
            .unwrap();
        if chans[0]["status"] == "rate_limited" {
            assert!(chans[0]["rate_limited_until"].is_string());
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{chans}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let done = wait_states(&app, &token, id, &["published", "failed"]).await;
    let t = &done["targets"][0];
    assert_eq!(t["state"], "published", "{t}");
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1].2 - reqs[0].2 >= 1_900,
        "Retry-After: 2 was honoured ({} ms)",
        reqs[1].2 - reqs[0].2
    );
    let chans: Value = app
        .get_auth("/api/v1/channels", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chans[0]["status"], "ok", "{chans}");
}

async fn disconnecting_a_channel_says_which_posts_went_with_it(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "gone@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let b = webhook(&app, &token, &rx, "b").await;
    let post = create(&app, &token, json!({"channel_ids": [a, b], "content": {"parts": [{"text": "two channels"}]}, "schedule": {"mode": "at", "at": in_ms(3_600_000)}})).await;
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/channels/{a}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let notes: Value = app.get_json("/api/v1/notifications", &token).await;
    let note = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "channel_disconnected")
        .unwrap_or_else(|| panic!("{notes}"));
    assert!(
        note["body"].as_str().unwrap().starts_with("1 post(s)"),
        "{note}"
    );
    // The other channel's target is untouched.
    let v: Value = app
        .get_auth(
            &format!("/api/v1/posts/{}", post["id"].as_str().unwrap()),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0]["channel_id"], b.as_str());
    assert_eq!(targets[0]["state"], "scheduled");

    // Reading the notification: only this user's, only the ones named.
    assert!(note["read_at"].is_null());
    let other = user(&app, "someone-else@example.com").await;
    let r = app
        .post_auth(
            "/api/v1/notifications/read",
            &other,
            &json!({"ids": [note["id"]]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["unread"], 0);
    let unread_before = notes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["read_at"].is_null())
        .count() as i64;
    let r = app
        .post_auth(
            "/api/v1/notifications/read",
            &token,
            &json!({"ids": [note["id"]]}),
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["unread"],
        unread_before - 1
    );
    let notes: Value = app.get_json("/api/v1/notifications", &token).await;
    let read = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == note["id"])
        .unwrap();
    assert!(read["read_at"].is_string(), "{read}");
    let r = app
        .post_auth("/api/v1/notifications/read", &token, &json!({}))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["unread"], 0);
    let r = app
        .post_auth(
            "/api/v1/notifications/read",
            &token,
            &json!({"ids": ["not-a-uuid"]}),
        )
        .await;
    assert_eq!(r.status(), 422);
}

async fn scheduled_post_publishes_once_on_time(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "sched@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let b = webhook(&app, &token, &rx, "b").await;
    let due = in_ms(1500);
    let post = create(&app, &token, json!({"channel_ids": [a, b], "content": {"parts": [{"text": "Hello from LetsGrow"}]}, "schedule": {"mode": "at", "at": due}})).await;
    assert!(
        post["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "scheduled"),
        "{post}"
    );
    let id = post["id"].as_str().unwrap();
    let done = wait_states(&app, &token, id, &["published", "failed"]).await;
    let due_ms = chrono::DateTime::parse_from_rfc3339(&due)
        .unwrap()
        .timestamp_millis();
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2, "one request per channel: {reqs:?}");
    let keys: HashSet<&String> = reqs.iter().map(|r| &r.0).collect();
    assert_eq!(keys.len(), 2);
    for (key, _, arrival, body) in &reqs {
        assert!(!key.is_empty());
        assert!(
            *arrival >= due_ms,
            "published {} ms early",
            due_ms - arrival
        );
        assert!(
            *arrival - due_ms < 5_000,
            "published {} ms late",
            arrival - due_ms
        );
        assert_eq!(body["text"], "Hello from LetsGrow", "{body}");
    }
    for t in done["targets"].as_array().unwrap() {
        assert_eq!(t["state"], "published", "{t}");
        assert_eq!(history(t), ["scheduled", "publishing", "published"], "{t}");
        assert_eq!(t["parts"].as_array().unwrap().len(), 1);
    }
    // Nothing is published twice afterwards.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(rx.requests().len(), 2);
}

async fn invalid_posts_are_refused_field_by_field(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "invalid@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"channel_ids": [], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "now"}}),
            "channel_ids",
        ),
        (
            json!({"channel_ids": ["nope"], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "now"}}),
            "channel_ids[0]",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "   "}]}, "schedule": {"mode": "now"}}),
            "content.parts[0].text",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": []}, "schedule": {"mode": "now"}}),
            "content.parts",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "at", "at": "2020-01-01T00:00:00Z"}}),
            "schedule",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "at", "at": "tomorrow"}}),
            "schedule.at",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "at"}}),
            "schedule.at",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "local", "local": "2030-01-01T09:00", "timezone": "Mars/Olympus"}}),
            "schedule.timezone",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "local", "local": "2030-13-01T09:00"}}),
            "schedule.local",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x", "media": [{"id": "nope"}]}]}, "schedule": {"mode": "now"}}),
            "content.parts[0].media[0]",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}], "link": "javascript:alert(1)"}, "schedule": {"mode": "now"}}),
            "content.link",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "variants": {"other": {"parts": [{"text": "y"}]}}, "schedule": {"mode": "now"}}),
            "variants.other",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "queue"}}),
            "schedule",
        ),
        (
            json!({"channel_ids": [a], "content": {"parts": [{"text": "x"}]}, "schedule": {"mode": "sometime"}}),
            "schedule.mode",
        ),
    ];
    for (body, field) in cases {
        let r = app.post_auth("/api/v1/posts", &token, &body).await;
        let e = expect_error(r, 422, "validation_failed").await;
        assert!(
            e["error"]["details"]["fields"][field].is_string(),
            "{field}: {e}"
        );
    }
    // Nothing was saved or sent.
    let list: Value = app
        .get_auth("/api/v1/posts", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    // Bad filters and unknown ids.
    expect_error(
        app.get_auth("/api/v1/posts?state=lost", &token).await,
        422,
        "validation_failed",
    )
    .await;
    expect_error(
        app.get_auth("/api/v1/posts?from=yesterday", &token).await,
        422,
        "validation_failed",
    )
    .await;
    expect_error(
        app.get_auth("/api/v1/posts/nope", &token).await,
        404,
        "not_found",
    )
    .await;
    // Another user's post is invisible.
    let p = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "mine"}]}, "schedule": {"mode": "draft"}})).await;
    let other = user(&app, "other@example.com").await;
    expect_error(
        app.get_auth(
            &format!("/api/v1/posts/{}", p["id"].as_str().unwrap()),
            &other,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert!(rx.requests().is_empty());
}

async fn duplicate_text_warns_before_saving(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "dup@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let body = json!({"channel_ids": [a], "content": {"parts": [{"text": "Same words"}]}, "schedule": {"mode": "draft"}});
    create(&app, &token, body.clone()).await;
    let mut again = body.clone();
    again["content"]["parts"][0]["text"] = json!("  same   WORDS ");
    let e = expect_error(
        app.post_auth("/api/v1/posts", &token, &again).await,
        409,
        "duplicate_post",
    )
    .await;
    assert_eq!(
        e["error"]["details"]["duplicates"][0]["channel_id"],
        a.as_str()
    );
    again["allow_duplicate"] = json!(true);
    create(&app, &token, again).await;
}

async fn platform_refusal_fails_visibly_and_retry_publishes(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "refuse@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    rx.script(&[400]);
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "Will be refused"}]}, "schedule": {"mode": "now"}})).await;
    let id = post["id"].as_str().unwrap();
    let failed = wait_states(&app, &token, id, &["failed", "published"]).await;
    let t = &failed["targets"][0];
    assert_eq!(t["state"], "failed", "{t}");
    assert_eq!(t["error"]["code"], "platform_rejected");
    assert!(
        t["error"]["message"]
            .as_str()
            .unwrap()
            .contains("receiver says 400"),
        "the platform's own message is kept: {t}"
    );
    // The notification is written just after the state changes: wait for it.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let notes: Value = app.get_json("/api/v1/notifications", &token).await;
        let named = notes.as_array().unwrap().iter().any(|n| {
            n["kind"] == "publish_failed" && n["post_id"] == id && n["channel_id"] == a.as_str()
        });
        if named {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "the notification names the post and the channel: {notes}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Retry just that target.
    let r = app
        .post_auth(
            &format!("/api/v1/posts/{id}/publish"),
            &token,
            &json!({"target_ids": [t["id"]]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let done = wait_states(&app, &token, id, &["published"]).await;
    let h = history(&done["targets"][0]);
    assert_eq!(
        h,
        [
            "scheduled",
            "publishing",
            "failed",
            "scheduled",
            "publishing",
            "published"
        ],
        "{done}"
    );
    assert!(done["targets"][0]["error"].is_null());
    assert_eq!(rx.requests().len(), 2);
    // The retry went out: the failure's notice needs no action, and it was
    // marked read in the same transaction that recorded the publish.
    let notes: Value = app.get_json("/api/v1/notifications", &token).await;
    let unread = notes
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "publish_failed" && n["post_id"] == id && n["read_at"].is_null());
    assert!(
        !unread,
        "the failure notice is still unread after the retry published: {notes}"
    );
    // A retry of a published target is refused.
    let r = app
        .post_auth(&format!("/api/v1/posts/{id}/publish"), &token, &json!({}))
        .await;
    expect_error(r, 409, "conflict").await;
}

async fn unavailable_platform_is_retried_with_backoff(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "retry@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    // 503: the receiver guarantees nothing was created, so a blind retry is safe.
    rx.script(&[503]);
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "Try again"}]}, "schedule": {"mode": "now"}})).await;
    let id = post["id"].as_str().unwrap();
    let done = wait_states(&app, &token, id, &["published", "failed"]).await;
    let t = &done["targets"][0];
    assert_eq!(t["state"], "published", "{t}");
    assert_eq!(t["attempts"], 2);
    assert_eq!(
        history(t),
        [
            "scheduled",
            "publishing",
            "scheduled",
            "publishing",
            "published"
        ]
    );
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].2 - reqs[0].2;
    assert!(gap >= 1_500, "backoff before the retry: {gap} ms");
}

async fn unknown_outcome_is_reconciled_with_the_same_key(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "unknown@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    // 502: the request may have been processed: never a blind retry.
    rx.script(&[502]);
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "Did it land?"}]}, "schedule": {"mode": "now"}})).await;
    let id = post["id"].as_str().unwrap();
    let done = wait_states(&app, &token, id, &["published", "failed"]).await;
    let t = &done["targets"][0];
    assert_eq!(
        history(t),
        [
            "scheduled",
            "publishing",
            "unconfirmed",
            "publishing",
            "published"
        ],
        "{t}"
    );
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].0, reqs[1].0,
        "the re-send carries the same Idempotency-Key, so the receiver dedupes"
    );
}

async fn thread_stops_at_the_failed_part_and_resumes_after_it(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "thread@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    rx.script(&[200, 400]);
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "1/3"}, {"text": "2/3"}, {"text": "3/3"}]}, "schedule": {"mode": "now"}})).await;
    let id = post["id"].as_str().unwrap();
    let failed = wait_states(&app, &token, id, &["failed", "published"]).await;
    let t = &failed["targets"][0];
    assert_eq!(t["state"], "failed");
    assert_eq!(t["error"]["part"], 1, "{t}");
    assert!(
        t["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Part 2 of 3"),
        "{t}"
    );
    assert_eq!(
        t["parts"].as_array().unwrap().len(),
        1,
        "part 1 is recorded"
    );
    assert_eq!(rx.requests().len(), 2, "part 3 was never sent");
    app.post_auth(&format!("/api/v1/posts/{id}/publish"), &token, &json!({}))
        .await;
    let done = wait_states(&app, &token, id, &["published"]).await;
    assert_eq!(done["targets"][0]["parts"].as_array().unwrap().len(), 3);
    let texts: Vec<String> = rx
        .requests()
        .iter()
        .map(|r| r.3["text"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        texts,
        ["1/3", "2/3", "2/3", "3/3"],
        "part 1 is not re-sent; parts go in order"
    );
    let keys: Vec<String> = rx.requests().iter().map(|r| r.0.clone()).collect();
    assert_eq!(keys[1], keys[2], "the retried part keeps its key");
}

async fn cancel_reschedule_and_publish_now(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "cancel@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "Later"}]}, "schedule": {"mode": "at", "at": in_ms(3_600_000)}})).await;
    let id = post["id"].as_str().unwrap();
    let r = app
        .post_auth(&format!("/api/v1/posts/{id}/cancel"), &token, &json!({}))
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["targets"][0]["state"], "draft", "{v}");
    expect_error(
        app.post_auth(&format!("/api/v1/posts/{id}/cancel"), &token, &json!({}))
            .await,
        409,
        "conflict",
    )
    .await;
    // Edit and reschedule through PATCH.
    let at = in_ms(7_200_000);
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/posts/{id}")))
        .bearer_auth(&token)
        .json(&json!({"content": {"parts": [{"text": "Later, edited"}]}, "schedule": {"mode": "at", "at": at}}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["targets"][0]["state"], "scheduled", "{v}");
    assert_eq!(v["content"]["parts"][0]["text"], "Later, edited");
    let want = chrono::DateTime::parse_from_rfc3339(&at)
        .unwrap()
        .timestamp_millis();
    let got =
        chrono::DateTime::parse_from_rfc3339(v["targets"][0]["scheduled_at"].as_str().unwrap())
            .unwrap()
            .timestamp_millis();
    assert_eq!(got, want);
    let r = app
        .post_auth(&format!("/api/v1/posts/{id}/publish"), &token, &json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let done = wait_states(&app, &token, id, &["published"]).await;
    assert_eq!(rx.requests().len(), 1);
    assert_eq!(rx.requests()[0].3["text"], "Later, edited");
    // Published posts cannot be edited.
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/posts/{id}")))
        .bearer_auth(&token)
        .json(&json!({"content": {"parts": [{"text": "too late"}]}}))
        .send()
        .await
        .unwrap();
    expect_error(r, 409, "conflict").await;
    assert_eq!(done["targets"][0]["state"], "published");
}

async fn local_times_follow_the_dst_rule(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "dst@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    // 2030-03-31 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): 03:30 CEST = 01:30Z.
    let v = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "gap"}]}, "schedule": {"mode": "local", "local": "2030-03-31T02:30", "timezone": "Europe/Berlin"}})).await;
    assert_eq!(
        v["targets"][0]["scheduled_at"], "2030-03-31T01:30:00.000Z",
        "{v}"
    );
    assert!(
        v["schedule_note"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{v}"
    );
    assert_eq!(v["timezone"], "Europe/Berlin");
    assert_eq!(v["local_time"], "2030-03-31T02:30");
    // 2030-11-03 01:30 happens twice in New York: the first (EDT, 05:30Z) is used.
    let v = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "overlap"}]}, "schedule": {"mode": "local", "local": "2030-11-03T01:30", "timezone": "America/New_York"}})).await;
    assert_eq!(
        v["targets"][0]["scheduled_at"], "2030-11-03T05:30:00.000Z",
        "{v}"
    );
    assert!(
        v["schedule_note"].as_str().unwrap().contains("twice"),
        "{v}"
    );
    // The resolver says the same before saving.
    let r: Value = app
        .get_auth(
            "/api/v1/schedule/resolve?local=2030-03-31T02:30&timezone=Europe/Berlin",
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["kind"], "gap");
    assert_eq!(r["utc"], "2030-03-31T01:30:00.000Z");
    assert_eq!(r["shifted_by_minutes"], 60);
    let r: Value = app
        .get_auth(
            "/api/v1/schedule/resolve?local=2030-11-03T01:30&timezone=America/New_York",
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["kind"], "overlap");
    assert_eq!(r["later"], "2030-11-03T06:30:00.000Z");
    // Without a zone, the user's own zone applies.
    let r = app
        .client
        .patch(app.url("/api/v1/auth/me"))
        .bearer_auth(&token)
        .json(&json!({"timezone": "America/New_York"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "user zone"}]}, "schedule": {"mode": "local", "local": "2030-07-01T09:00"}})).await;
    assert_eq!(
        v["targets"][0]["scheduled_at"], "2030-07-01T13:00:00.000Z",
        "{v}"
    );
    expect_error(
        app.get_auth("/api/v1/schedule/resolve?local=soon", &token)
            .await,
        422,
        "validation_failed",
    )
    .await;
}

async fn queue_uses_the_next_free_slot(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "queue@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let r = app
        .client
        .patch(app.url("/api/v1/auth/me"))
        .bearer_auth(&token)
        .json(&json!({"timezone": "Europe/Berlin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let put = |body: Value| {
        app.client
            .put(app.url(&format!("/api/v1/channels/{a}/slots")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let e = put(json!({"slots": [{"weekday": "mon", "time": "25:00"}]}))
        .await
        .unwrap();
    expect_error(e, 422, "validation_failed").await;
    let r = put(json!({"slots": [{"weekday": "mon", "time": "09:00"}, {"weekday": "thu", "time": "18:30"}]})).await.unwrap();
    let slots: Value = r.json().await.unwrap();
    assert_eq!(slots["timezone"], "Europe/Berlin");
    assert_eq!(slots["slots"].as_array().unwrap().len(), 2);
    let next = slots["next_free"].as_str().unwrap().to_owned();
    let first = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "q1"}]}, "schedule": {"mode": "queue"}})).await;
    assert_eq!(first["targets"][0]["scheduled_at"], next.as_str());
    let second = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "q2"}]}, "schedule": {"mode": "queue"}})).await;
    let t1 = chrono::DateTime::parse_from_rfc3339(&next).unwrap();
    let t2 = chrono::DateTime::parse_from_rfc3339(
        second["targets"][0]["scheduled_at"].as_str().unwrap(),
    )
    .unwrap();
    assert!(t2 > t1, "the second post takes the following slot");
    // Both land on a slot's wall time in Berlin.
    for t in [t1, t2] {
        let local = t
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%a %H:%M")
            .to_string();
        assert!(local == "Mon 09:00" || local == "Thu 18:30", "{local}");
    }
    let got: Value = app
        .get_auth(&format!("/api/v1/channels/{a}/slots"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["slots"][1]["time"], "18:30");
}

async fn csv_import_reports_every_bad_row_and_imports_nothing(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "csv@example.com").await;
    let a = webhook(&app, &token, &rx, "alpha").await;
    let mut csv = String::from("channel,text,scheduled_at,timezone\n");
    let base = chrono::Utc::now() + chrono::Duration::days(3);
    for i in 0..200 {
        let row = i + 2;
        let line = match row {
            17 => format!("nosuchchannel,row {row},{},\n", base.to_rfc3339()),
            100 => format!("{a},row {row},not a time,\n"),
            150 => format!("{a},\"   \",{},\n", base.to_rfc3339()),
            _ => format!(
                "{a},\"row {row}, with comma\",{},\n",
                (base + chrono::Duration::minutes(i)).to_rfc3339()
            ),
        };
        csv.push_str(&line);
    }
    let send = |q: &str, body: String| {
        app.client
            .post(app.url(&format!("/api/v1/posts/import{q}")))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r: Value = send("", csv.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(r["committed"], false, "{r}");
    assert_eq!(r["posts_created"], 0);
    let bad: Vec<u64> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["ok"] == false)
        .map(|x| x["row"].as_u64().unwrap())
        .collect();
    assert_eq!(bad, [17, 100, 150], "{r}");
    assert_eq!(r["rows_ok"], 197);
    let list: Value = app
        .get_auth("/api/v1/posts?limit=1000", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing imported");
    let r: Value = send("?skip_invalid=true", csv)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["committed"], true);
    assert_eq!(r["posts_created"], 197);
    let list: Value = app
        .get_auth("/api/v1/posts?limit=1000&state=scheduled", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 197);
    // Export gives the same columns back, and re-importing it validates cleanly.
    let r = app.get_auth("/api/v1/posts/export", &token).await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let exported = r.text().await.unwrap();
    assert!(
        exported.starts_with(
            "\u{FEFF}channel,text,scheduled_at,timezone,media_url,alt_text,thread_id,thread_order"
        ),
        "{}",
        &exported[..80]
    );
    assert_eq!(exported.lines().count(), 198);
    assert!(exported.contains("\"row 2, with comma\""));
    let r: Value = send("?dry_run=true", exported)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["rows_failed"], 0, "{r}");
    assert_eq!(r["committed"], false);
    // File-level problems and wrong types.
    let e = send("", "text\nhello\n".into()).await.unwrap();
    expect_error(e, 422, "validation_failed").await;
    let e = app
        .client
        .post(app.url("/api/v1/posts/import"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(e, 415, "unsupported_media_type").await;
}

async fn paused_channels_hold_posts_until_resumed(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "pause@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let patch = |paused: bool| {
        app.client
            .patch(app.url(&format!("/api/v1/channels/{a}")))
            .bearer_auth(&token)
            .json(&json!({"paused": paused}))
            .send()
    };
    let c: Value = patch(true).await.unwrap().json().await.unwrap();
    assert!(c["paused_at"].is_string(), "{c}");
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "held"}]}, "schedule": {"mode": "now"}})).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(rx.requests().is_empty(), "nothing goes out while paused");
    let v: Value = app
        .get_auth(
            &format!("/api/v1/posts/{}", post["id"].as_str().unwrap()),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["targets"][0]["state"], "scheduled");
    let c: Value = patch(false).await.unwrap().json().await.unwrap();
    assert!(c["paused_at"].is_null());
    wait_states(&app, &token, post["id"].as_str().unwrap(), &["published"]).await;
    assert_eq!(rx.requests().len(), 1);
}

async fn media_library_types_by_bytes_and_signs_links(app: TestApp) {
    let rx = Receiver::start(0).await;
    let token = user(&app, "media@example.com").await;
    let a = webhook(&app, &token, &rx, "a").await;
    let png = crate::helpers::png(32, 16, &[]);
    let up = |body: Vec<u8>| {
        app.client
            .post(app.url("/api/v1/media?filename=chart.png"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let r = up(png.clone()).await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["mime"], "image/png");
    assert_eq!(m["width"], 32);
    assert_eq!(m["height"], 16);
    let link = m["url"].as_str().unwrap();
    let got = app.client.get(app.url(link)).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    let forged = link.replace("sig=", "sig=0");
    expect_error(
        app.client.get(app.url(&forged)).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    expect_error(
        up(b"<svg onload=alert(1)>".to_vec()).await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    expect_error(up(Vec::new()).await.unwrap(), 422, "validation_failed").await;
    // A post can carry it, with alt text.
    let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": "chart", "media": [{"id": m["id"], "alt": "A bar chart"}]}]}, "schedule": {"mode": "draft"}})).await;
    assert_eq!(
        post["content"]["parts"][0]["media"][0]["alt"],
        "A bar chart"
    );
    let list: Value = app
        .get_auth("/api/v1/media", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Another user cannot use it.
    let other = user(&app, "media2@example.com").await;
    let b = webhook(&app, &other, &rx, "b").await;
    let r = app.post_auth("/api/v1/posts", &other, &json!({"channel_ids": [b], "content": {"parts": [{"text": "x", "media": [{"id": m["id"]}]}]}, "schedule": {"mode": "draft"}})).await;
    expect_error(r, 422, "validation_failed").await;
}

/// Posts that became due while no worker ran are published when one starts,
/// and two workers on one PostgreSQL never publish a target twice or a
/// channel concurrently.
#[tokio::test]
async fn due_while_down_then_two_workers_share_postgres() {
    let app = spawn_app_with(Backend::Postgres, |c| {
        c.network.allow_private = true;
        c.worker.enabled = false;
        c.worker.poll_ms = 100;
    })
    .await;
    let rx = Receiver::start(20).await;
    let token = user(&app, "down@example.com").await;
    let mut channels = Vec::new();
    for i in 0..4 {
        channels.push(webhook(&app, &token, &rx, &format!("c{i}")).await);
    }
    let mut ids = Vec::new();
    for i in 0..40 {
        let c = &channels[i % 4];
        let p = create(&app, &token, json!({"channel_ids": [c], "content": {"parts": [{"text": format!("post {i}")}]}, "schedule": {"mode": "at", "at": in_ms(300)}, "allow_duplicate": true})).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(rx.requests().is_empty(), "no worker is running yet");
    let (tx, rx_stop) = tokio::sync::watch::channel(false);
    for _ in 0..2 {
        let mut r = rx_stop.clone();
        tokio::spawn(
            letsgrow_app::publisher::Publisher::new(app.state.publisher_deps()).run(async move {
                let _ = r.wait_for(|v| *v).await;
            }),
        );
    }
    for id in &ids {
        wait_states(&app, &token, id, &["published"]).await;
    }
    let _ = tx.send(true);
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 40, "each post exactly once");
    assert_eq!(reqs.iter().map(|r| &r.0).collect::<HashSet<_>>().len(), 40);
    assert_eq!(
        rx.seen.lock().unwrap().max_in_flight,
        1,
        "never two posts to one channel at once"
    );
}

/// A stopping worker finishes the post in hand, claims nothing more, and
/// returns promptly; what it left stays scheduled (not stuck in
/// `publishing`), and the next worker publishes it, each post once.
#[tokio::test]
async fn a_stopping_worker_finishes_the_post_in_hand_and_leaves_the_rest() {
    let app = spawn_app_with(Backend::Postgres, |c| {
        c.network.allow_private = true;
        c.worker.enabled = false;
        c.worker.poll_ms = 100;
    })
    .await;
    let rx = Receiver::start(300).await;
    let token = user(&app, "stopping@example.com").await;
    let channel = webhook(&app, &token, &rx, "one").await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let p = create(&app, &token, json!({"channel_ids": [channel], "content": {"parts": [{"text": format!("post {i}")}]}, "schedule": {"mode": "at", "at": in_ms(200)}})).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (tx, mut stop) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        letsgrow_app::publisher::Publisher::new(app.state.publisher_deps()).run(async move {
            let _ = stop.wait_for(|v| *v).await;
        }),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while rx.requests().is_empty() {
        assert!(std::time::Instant::now() < deadline, "nothing was sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let asked = std::time::Instant::now();
    let _ = tx.send(true);
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stopped within 5 s")
        .unwrap();
    let took = asked.elapsed();
    let sent = rx.requests().len();
    assert!(
        sent < 10,
        "the worker stopped claiming ({sent} sent, stop took {took:?})"
    );
    let mut published = 0;
    for id in &ids {
        let v: Value = app
            .get_auth(&format!("/api/v1/posts/{id}"), &token)
            .await
            .json()
            .await
            .unwrap();
        match v["targets"][0]["state"].as_str().unwrap() {
            "published" => published += 1,
            "scheduled" => {}
            other => panic!("left {other}: {v:#}"),
        }
    }
    assert_eq!(published, sent, "everything sent was recorded");
    // The next worker takes over the channel at once (the lease was given back).
    let (tx, mut stop) = tokio::sync::watch::channel(false);
    tokio::spawn(
        letsgrow_app::publisher::Publisher::new(app.state.publisher_deps()).run(async move {
            let _ = stop.wait_for(|v| *v).await;
        }),
    );
    for id in &ids {
        wait_states(&app, &token, id, &["published"]).await;
    }
    let _ = tx.send(true);
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 10, "each post exactly once");
    assert_eq!(reqs.iter().map(|r| &r.0).collect::<HashSet<_>>().len(), 10);
}
