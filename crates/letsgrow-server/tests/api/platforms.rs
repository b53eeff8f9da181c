//! Publishing through the scheduler and workers to every OAuth platform peer
//! that runs here (LinkedIn, Reddit, Instagram, Threads fakes): connect through
//! the consent page, post, and find the post on the platform.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::oauth::consent;
use letsgrow_config::{PlatformConfig, Secret};
use serde_json::{Value, json};
use std::time::Duration;

pub(crate) const PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63382127070002b6010534a675aa0000000049454e44ae426082";

pub(crate) async fn connect(app: &TestApp, token: &str, platform: &str) -> String {
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            token,
            &json!({"platform": platform}),
        )
        .await;
    assert_eq!(r.status(), 200, "{platform}");
    let url = r.json::<Value>().await.unwrap()["authorize_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let location = consent(app, &url, "allow").await;
    let id = location
        .strip_prefix("/channels/?connected=")
        .unwrap_or_else(|| panic!("{platform}: {location}"));
    id.to_owned()
}

pub(crate) async fn publish_now(
    app: &TestApp,
    token: &str,
    channel: &str,
    content: Value,
) -> Value {
    let r = app
        .post_auth(
            "/api/v1/posts",
            token,
            &json!({"channel_ids": [channel], "content": content, "schedule": {"mode": "now"}}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let id = v["id"].as_str().unwrap_or_else(|| panic!("{v}")).to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let v: Value = app
            .get_auth(&format!("/api/v1/posts/{id}"), token)
            .await
            .json()
            .await
            .unwrap();
        let s = v["targets"][0]["state"].as_str().unwrap().to_owned();
        if s == "published" || s == "failed" {
            return v["targets"][0].clone();
        }
        assert!(std::time::Instant::now() < deadline, "{v:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn every_oauth_platform_publishes(backend: Backend) {
    let linkedin = letsgrow_fakes::linkedin::start().await.unwrap();
    let reddit = letsgrow_fakes::reddit::start().await.unwrap();
    let instagram = letsgrow_fakes::instagram::start().await.unwrap();
    let threads = letsgrow_fakes::threads::start().await.unwrap();
    let bases = [
        ("linkedin", linkedin.base_url.clone()),
        ("reddit", reddit.base_url.clone()),
        ("instagram", instagram.base_url.clone()),
        ("threads", threads.base_url.clone()),
    ];
    let app = spawn_app_with(backend, move |c| {
        c.network.allow_private = true;
        c.worker.poll_ms = 200;
        // Instagram and Threads fetch media by URL: the server signs links under its public URL.
        c.server.public_url = Some("auto".into());
        for (p, base) in &bases {
            c.platforms.insert(
                (*p).into(),
                PlatformConfig {
                    client_id: Some(letsgrow_fakes::CLIENT_ID.into()),
                    client_secret: Some(Secret::new(letsgrow_fakes::CLIENT_SECRET)),
                    api_base: Some(base.clone()),
                    auth_base: Some(base.clone()),
                },
            );
        }
    })
    .await;
    let token = app.register("platforms@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Instagram takes JPEG only: a complete 400×300 JPEG.
    let jpeg = crate::helpers::jpeg(400, 300);
    let png = app
        .upload_media(&token, "red.png", hex::decode(PNG).unwrap())
        .await;
    let media = app.upload_media(&token, "square.jpg", jpeg).await;

    let li = connect(&app, &token, "linkedin").await;
    let t = publish_now(
        &app,
        &token,
        &li,
        json!({"parts": [{"text": "Hello LinkedIn from LetsGrow"}]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    let urn = t["parts"][0]["external_id"].as_str().unwrap();
    assert!(linkedin.state.post(urn).is_some(), "{urn} is on LinkedIn");

    let rd = connect(&app, &token, "reddit").await;
    let t = publish_now(
        &app,
        &token,
        &rd,
        json!({"parts": [{"text": "A title for Reddit\nand a body"}]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    let name = t["parts"][0]["external_id"].as_str().unwrap();
    assert!(reddit.state.post(name).is_some(), "{name} is on Reddit");

    // Post to a community instead of the profile; it requires flair.
    let mut sub = letsgrow_fakes::reddit::Subreddit::new("letsgrow_test", "any");
    sub.requirements["is_flair_required"] = json!(true);
    reddit.state.add_subreddit(sub);
    let settings = |s: Value| {
        let app = &app;
        let token = &token;
        let rd = rd.clone();
        async move {
            let r = app
                .client
                .patch(app.url(&format!("/api/v1/channels/{rd}")))
                .bearer_auth(token)
                .json(&json!({ "settings": s }))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, v) = settings(json!({"subreddit": "r/letsgrow_test"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["settings"]["subreddit"], "letsgrow_test");
    let (status, v) = settings(json!({"visibility": "public", "subreddit": "no spaces"})).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(
        v["error"]["details"]["fields"]["settings.visibility"],
        "Reddit channels have no \"visibility\" setting."
    );
    assert!(
        v["error"]["details"]["fields"]["settings.subreddit"].is_string(),
        "{v}"
    );
    let t = publish_now(
        &app,
        &token,
        &rd,
        json!({"parts": [{"text": "Flair first\nplease"}]}),
    )
    .await;
    assert_eq!(t["state"], "failed", "{t:#}");
    let message = t["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("requires post flair"), "{t:#}");
    let (status, v) = settings(json!({"flair_id": "0a1b2c3d-flair"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["settings"]["subreddit"], "letsgrow_test", "kept");
    let t = publish_now(
        &app,
        &token,
        &rd,
        json!({"parts": [{"text": "With flair\nnow"}]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    let post = reddit
        .state
        .post(t["parts"][0]["external_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(post.subreddit, "letsgrow_test");
    assert_eq!(post.flair_id.as_deref(), Some("0a1b2c3d-flair"));
    // An empty value restores the default: the profile again.
    let (status, v) = settings(json!({"subreddit": "", "flair_id": ""})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["settings"]["subreddit"].is_null(), "{v}");

    let th = connect(&app, &token, "threads").await;
    let t = publish_now(
        &app,
        &token,
        &th,
        json!({"parts": [{"text": "first"}, {"text": "second"}]}),
    )
    .await;
    assert_eq!(t["state"], "published", "{t:#}");
    let first = threads
        .state
        .media(t["parts"][0]["external_id"].as_str().unwrap())
        .expect("first part on Threads");
    let second = threads
        .state
        .media(t["parts"][1]["external_id"].as_str().unwrap())
        .expect("second part on Threads");
    assert_eq!(first.text, "first");
    assert_eq!(second.text, "second");
    assert_eq!(
        second.reply_to.as_deref(),
        Some(first.id.as_str()),
        "the second part replies to the first"
    );

    let ig = connect(&app, &token, "instagram").await;
    // Instagram needs an image: refused before anything is sent.
    let r = app.post_auth("/api/v1/posts", &token, &json!({"channel_ids": [ig], "content": {"parts": [{"text": "no image"}]}, "schedule": {"mode": "now"}})).await;
    assert_eq!(r.status(), 422);
    let r = app.post_auth("/api/v1/posts", &token, &json!({"channel_ids": [ig], "content": {"parts": [{"text": "png", "media": [{"id": png["id"]}]}]}, "schedule": {"mode": "now"}})).await;
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["details"]["fields"]["content.parts[0].media[0]"],
        "Instagram does not accept image/png files",
        "{e}"
    );
    let t = publish_now(&app, &token, &ig, json!({"parts": [{"text": "A red square #letsgrow", "media": [{"id": media["id"], "alt": "red"}]}]})).await;
    assert_eq!(t["state"], "published", "{t:#}");
    let m = instagram
        .state
        .media(t["parts"][0]["external_id"].as_str().unwrap())
        .expect("on Instagram");
    assert_eq!(m.text, "A red square #letsgrow");
    assert_eq!(m.alts, ["red"]);
}

#[tokio::test]
async fn every_oauth_platform_publishes_sqlite() {
    every_oauth_platform_publishes(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_oauth_platform_publishes_postgres() {
    every_oauth_platform_publishes(Backend::Postgres).await;
}
