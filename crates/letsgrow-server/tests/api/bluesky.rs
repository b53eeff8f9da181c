//! Publishing end to end against the real Bluesky PDS (`peers/bluesky`): a
//! scheduled thread with an image goes out through the scheduler and workers,
//! once, in order, as replies, and the post links to it.

use crate::helpers::{Backend, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;

const PASSWORD: &str = "correct-horse-battery-staple";
/// A 1×1 red PNG.
const RED_PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63382127070002b6010534a675aa0000000049454e44ae426082";

async fn xrpc(
    http: &reqwest::Client,
    pds: &str,
    nsid: &str,
    token: Option<&str>,
    body: Option<Value>,
    query: &str,
) -> Value {
    let url = format!("{pds}/xrpc/{nsid}{query}");
    let mut req = if body.is_some() {
        http.post(url)
    } else {
        http.get(url)
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{nsid}: {status} {v}");
    v
}

async fn scheduled_thread_publishes_once_on_the_pds(backend: Backend) {
    let pds = letsgrow_fakes::pds::start(&[]).unwrap_or_else(|e| panic!("{e}"));
    let app = spawn_app_with(backend, |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
    })
    .await;
    // The server installed the TLS provider; reuse its test client.
    let http = app.client.clone();
    let handle = format!(
        "pub{}x.test",
        &uuid::Uuid::new_v4().simple().to_string()[..6]
    );
    let account = xrpc(&http, &pds.url, "com.atproto.server.createAccount", None,
        Some(json!({"handle": handle, "email": format!("{handle}@example.com"), "password": PASSWORD})), "").await;
    let did = account["did"].as_str().unwrap().to_owned();
    let app_pw = xrpc(
        &http,
        &pds.url,
        "com.atproto.server.createAppPassword",
        account["accessJwt"].as_str(),
        Some(json!({"name": "letsgrow"})),
        "",
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();

    let token = app.register("bsky@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app.post_auth("/api/v1/channels", &token, &json!({"platform": "bluesky", "identifier": handle, "app_password": app_pw, "service_url": pds.url})).await;
    let v: Value = r.json().await.unwrap();
    let channel = v["channel"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_owned();
    let media = app
        .upload_media(&token, "red.png", hex::decode(RED_PNG).unwrap())
        .await;
    let at = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let r = app.post_auth("/api/v1/posts", &token, &json!({
        "channel_ids": [channel],
        "content": {"parts": [
            {"text": "A thread from LetsGrow #scheduling", "media": [{"id": media["id"], "alt": "A red square"}]},
            {"text": "second part"},
            {"text": "third part"}
        ]},
        "schedule": {"mode": "at", "at": at}
    })).await;
    let post: Value = r.json().await.unwrap();
    let id = post["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{post}"))
        .to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    let done = loop {
        let v: Value = app
            .get_auth(&format!("/api/v1/posts/{id}"), &token)
            .await
            .json()
            .await
            .unwrap();
        let s = v["targets"][0]["state"].as_str().unwrap().to_owned();
        if s == "published" || s == "failed" {
            break v;
        }
        assert!(std::time::Instant::now() < deadline, "{v:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let t = &done["targets"][0];
    assert_eq!(t["state"], "published", "{t:#}");
    let parts = t["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert!(
        t["url"].as_str().unwrap().contains(&handle) || t["url"].as_str().unwrap().contains(&did),
        "{t}"
    );

    // The PDS holds exactly three posts: the root with the image and alt text, then replies in order.
    let list = xrpc(
        &http,
        &pds.url,
        "com.atproto.repo.listRecords",
        None,
        None,
        &format!("?repo={did}&collection=app.bsky.feed.post&limit=100"),
    )
    .await;
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), 3, "{list:#}");
    let by_uri = |uri: &str| {
        records
            .iter()
            .find(|r| r["uri"] == uri)
            .unwrap_or_else(|| panic!("{uri} not on the PDS"))
            .clone()
    };
    let root = by_uri(parts[0]["external_id"].as_str().unwrap());
    let second = by_uri(parts[1]["external_id"].as_str().unwrap());
    let third = by_uri(parts[2]["external_id"].as_str().unwrap());
    assert_eq!(root["value"]["text"], "A thread from LetsGrow #scheduling");
    assert_eq!(root["value"]["embed"]["images"][0]["alt"], "A red square");
    assert_eq!(
        root["value"]["facets"][0]["features"][0]["tag"],
        "scheduling"
    );
    assert_eq!(second["value"]["reply"]["parent"]["uri"], root["uri"]);
    assert_eq!(third["value"]["reply"]["parent"]["uri"], second["uri"]);
    assert_eq!(third["value"]["reply"]["root"]["uri"], root["uri"]);
    let created =
        chrono::DateTime::parse_from_rfc3339(root["value"]["createdAt"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(&at).unwrap();
    assert!(
        created >= due - chrono::Duration::seconds(1),
        "not early: {created} vs {due}"
    );
}

#[tokio::test]
async fn scheduled_thread_publishes_once_on_the_pds_sqlite() {
    scheduled_thread_publishes_once_on_the_pds(Backend::Sqlite).await;
}

#[tokio::test]
async fn scheduled_thread_publishes_once_on_the_pds_postgres() {
    scheduled_thread_publishes_once_on_the_pds(Backend::Postgres).await;
}
