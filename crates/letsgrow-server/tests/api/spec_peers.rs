//! Publishing through the scheduler and workers to the X and Mastodon peers,
//! with every request the server sends checked against the platform's
//! official OpenAPI spec by Prism (`letsgrow_fakes::contract`): connect
//! through the platform's consent page, publish a thread with an image and
//! alt text, get through a forced 429, and find each part on the peer once.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::platforms::{PNG, connect, publish_now};
use axum::http::Method;
use letsgrow_config::{PlatformConfig, Secret};
use letsgrow_fakes::contract::{Tee, checked, spec};
use serde_json::{Value, json};

fn assert_contract(tee: &Tee, expect: &[&str]) {
    assert_eq!(
        tee.violations(),
        Vec::<String>::new(),
        "contract violations"
    );
    let seen = tee.validated();
    for op in expect {
        assert!(seen.contains_key(*op), "{op} was validated: {seen:?}");
    }
}

async fn x_publishes_a_thread_within_the_spec(backend: Backend) {
    let peer = letsgrow_fakes::x::start().await.unwrap();
    let fake = peer.base_url.clone();
    // The tee's client needs the rustls provider that the app would install
    // later; X's base URL is the tee's, so the tee starts first.
    letsgrow_providers::http::HttpClient::new(&Default::default()).unwrap();
    let (_prism, tee) = checked(
        spec("x-api-v2.openapi.json"),
        &fake,
        letsgrow_fakes::x::tee_config(),
    )
    .await;
    let tee_url = tee.url.clone();
    let app = spawn_app_with(backend, move |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
        c.platforms.insert(
            "x".into(),
            PlatformConfig {
                client_id: Some(letsgrow_fakes::x::CLIENT_ID.into()),
                client_secret: Some(Secret::new(letsgrow_fakes::x::CLIENT_SECRET)),
                api_base: Some(tee_url.clone()),
                auth_base: Some(fake.clone()),
            },
        );
    })
    .await;
    let token = app.register("x@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let channel = connect(&app, &token, "x").await;
    let media = app
        .upload_media(&token, "red.png", hex::decode(PNG).unwrap())
        .await;

    // X answers the first post with 429 and a reset two seconds away.
    let reset = chrono::Utc::now().timestamp() + 2;
    tee.force_429(
        Method::POST,
        "/2/tweets",
        "",
        vec![
            ("x-rate-limit-limit".into(), "100".into()),
            ("x-rate-limit-remaining".into(), "0".into()),
            ("x-rate-limit-reset".into(), reset.to_string()),
        ],
    );
    let t = publish_now(
        &app,
        &token,
        &channel,
        json!({"parts": [
            {"text": "A thread from LetsGrow, checked against X's spec", "media": [{"id": media["id"], "alt": "A red square"}]},
            {"text": "and its second part"}
        ]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    assert!(
        chrono::Utc::now().timestamp() >= reset,
        "the reset was waited for"
    );
    let first: u64 = t["parts"][0]["external_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let second: u64 = t["parts"][1]["external_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let a = peer.state.tweet(first).expect("first part on X");
    let b = peer.state.tweet(second).expect("second part on X");
    assert_eq!(
        a["text"],
        "A thread from LetsGrow, checked against X's spec"
    );
    assert_eq!(a["media"][0]["alt"], "A red square");
    assert_eq!(a["media"][0]["mime"], "image/png");
    assert_eq!(b["reply_to"], first.to_string());
    assert_eq!(
        peer.state.count(a["author"].as_str().unwrap()),
        2,
        "each part once"
    );
    assert!(
        t["parts"][0]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&first.to_string())),
        "{t:#}"
    );
    assert_contract(
        &tee,
        &[
            "GET /2/users/me",
            "POST /2/media/upload/initialize",
            "POST /2/media/upload/{id}/append",
            "POST /2/media/upload/{id}/finalize",
            "POST /2/media/metadata",
            "POST /2/tweets",
        ],
    );
}

/// Mastodon's account picker (mastodon-mock's consent page, not part of the
/// API): choose `username`, then follow the redirect to the callback.
async fn mastodon_consent(
    app: &TestApp,
    mock: &str,
    authorize_url: &str,
    username: &str,
) -> String {
    let page = app.client.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "{authorize_url}");
    let q: std::collections::HashMap<_, _> = url::Url::parse(authorize_url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let form = [
        ("username", username),
        ("redirect_uri", &q["redirect_uri"]),
        ("client_id", &q["client_id"]),
        ("scope", &q["scope"]),
        ("state", &q["state"]),
    ];
    let back = app
        .client
        .post(format!("{mock}/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 302);
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&app.url("/api/v1/channels/oauth/callback")),
        "{callback}"
    );
    let done = app.client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    location
        .strip_prefix("/channels/?connected=")
        .unwrap_or_else(|| panic!("{location}"))
        .to_owned()
}

async fn mastodon_publishes_a_thread_within_the_spec(backend: Backend) {
    let mock = tokio::task::spawn_blocking(letsgrow_fakes::mastodon::MastodonMock::start)
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}"));
    let app = spawn_app_with(backend, |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
    })
    .await;
    let (_prism, tee) = checked(
        spec("mastodon.prism.openapi.json"),
        &mock.url,
        letsgrow_fakes::mastodon::tee_config(),
    )
    .await;
    let username = format!("grower{}", std::process::id());
    let user: Value = app
        .client
        .post(format!("{}/api/v1/_mock/dev_user", mock.url))
        .json(&json!({ "username": username }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let peer_token = user["access_token"].as_str().unwrap().to_owned();
    let token = app.register("masto@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &token,
            &json!({"platform": "mastodon", "instance_url": tee.url}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let url = r.json::<Value>().await.unwrap()["authorize_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let channel = mastodon_consent(&app, &mock.url, &url, &username).await;
    let media = app
        .upload_media(&token, "red.png", hex::decode(PNG).unwrap())
        .await;

    let reset = chrono::Utc::now() + chrono::Duration::seconds(2);
    tee.force_429(
        Method::POST,
        "/api/v1/statuses",
        "",
        vec![
            ("x-ratelimit-limit".into(), "300".into()),
            ("x-ratelimit-remaining".into(), "0".into()),
            (
                "x-ratelimit-reset".into(),
                reset.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        ],
    );
    let t = publish_now(
        &app,
        &token,
        &channel,
        json!({"parts": [
            {"text": "A thread from LetsGrow, checked against Mastodon's spec", "media": [{"id": media["id"], "alt": "A red square"}]},
            {"text": "and its second part"}
        ]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    assert!(chrono::Utc::now() >= reset, "the reset was waited for");
    let get = |path: String| {
        let http = app.client.clone();
        let url = format!("{}{path}", mock.url);
        let peer_token = peer_token.clone();
        async move {
            http.get(url)
                .bearer_auth(peer_token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let first = t["parts"][0]["external_id"].as_str().unwrap().to_owned();
    let second = t["parts"][1]["external_id"].as_str().unwrap().to_owned();
    let a = get(format!("/api/v1/statuses/{first}")).await;
    let b = get(format!("/api/v1/statuses/{second}")).await;
    assert_eq!(
        a["media_attachments"][0]["description"], "A red square",
        "{a}"
    );
    assert_eq!(b["in_reply_to_id"], first.as_str(), "{b}");
    let source = get(format!("/api/v1/statuses/{first}/source")).await;
    assert_eq!(
        source["text"],
        "A thread from LetsGrow, checked against Mastodon's spec"
    );
    let all = get(format!(
        "/api/v1/accounts/{}/statuses?limit=40",
        user["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(all.as_array().unwrap().len(), 2, "each part once: {all}");
    assert_eq!(t["parts"][0]["url"], a["url"]);

    // Visibility, a content warning and the language, set on the channel.
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/channels/{channel}")))
        .bearer_auth(&token)
        .json(&json!({"settings": {"visibility": "unlisted", "spoiler_text": "Spoilers for the finale", "language": "DE"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["settings"]["language"], "de", "{v}");
    let limit = v["settings"]["max_characters"].as_u64().unwrap() as usize;
    // The warning counts toward the instance's limit.
    let long = "a".repeat(limit - 10);
    let r = app.post_auth("/api/v1/posts", &token, &json!({"channel_ids": [channel], "content": {"parts": [{"text": long}]}, "schedule": {"mode": "now"}})).await;
    assert_eq!(r.status(), 422, "{long:?} plus the warning is over {limit}");
    let t = publish_now(
        &app,
        &token,
        &channel,
        json!({"parts": [{"text": "Ein Beitrag mit Inhaltswarnung"}]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    let c = get(format!(
        "/api/v1/statuses/{}",
        t["parts"][0]["external_id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(c["visibility"], "unlisted", "{c}");
    assert_eq!(c["spoiler_text"], "Spoilers for the finale", "{c}");
    assert_eq!(c["language"], "de", "{c}");
    assert_contract(
        &tee,
        &[
            "POST /api/v1/apps",
            "POST /oauth/token",
            "GET /api/v1/accounts/verify_credentials",
            "POST /api/v2/media",
            "POST /api/v1/statuses",
        ],
    );
}

#[tokio::test]
async fn x_publishes_a_thread_within_the_spec_sqlite() {
    x_publishes_a_thread_within_the_spec(Backend::Sqlite).await;
}

#[tokio::test]
async fn x_publishes_a_thread_within_the_spec_postgres() {
    x_publishes_a_thread_within_the_spec(Backend::Postgres).await;
}

#[tokio::test]
async fn mastodon_publishes_a_thread_within_the_spec_sqlite() {
    mastodon_publishes_a_thread_within_the_spec(Backend::Sqlite).await;
}

#[tokio::test]
async fn mastodon_publishes_a_thread_within_the_spec_postgres() {
    mastodon_publishes_a_thread_within_the_spec(Backend::Postgres).await;
}
