//! Channels over HTTP: webhook connect/list/test/disconnect, SSRF refusal,
//! duplicates, and key rotation of stored credentials.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, expect_error, spawn_app_with};
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A local webhook receiver that records what it gets.
async fn receiver() -> (String, Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>) {
    let seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let store = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn allow_private(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| c.network.allow_private = true).await
}

mod sqlite_private {
    #[tokio::test]
    async fn webhook_lifecycle() {
        super::webhook_lifecycle(super::allow_private(crate::helpers::Backend::Sqlite).await).await;
    }
}
mod postgres_private {
    #[tokio::test]
    async fn webhook_lifecycle() {
        super::webhook_lifecycle(super::allow_private(crate::helpers::Backend::Postgres).await)
            .await;
    }
}

both_backends!(
    private_webhook_urls_are_refused_by_default,
    connect_input_is_validated
);

async fn webhook_lifecycle(app: TestApp) {
    let t = app.register("hooks@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, seen) = receiver().await;
    let r = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "webhook", "url": url, "format": "generic"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let secret = created["webhook_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64, "a 256-bit secret, shown once");
    let id = created["channel"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["channel"]["platform"], "webhook");
    assert_eq!(created["channel"]["status"], "ok");

    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        !list.to_string().contains(&secret),
        "the secret is never shown again"
    );

    let dup = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "webhook", "url": url}),
        )
        .await;
    expect_error(dup, 409, "channel_exists").await;

    let tested = app
        .post_auth(&format!("/api/v1/channels/{id}/test"), &t, &json!({}))
        .await;
    assert_eq!(tested.status(), 200);
    let tested: Value = tested.json().await.unwrap();
    assert_eq!(tested["status"], "ok", "{tested}");
    assert!(tested["last_checked_at"].is_string());
    assert!(
        !seen.lock().unwrap().is_empty(),
        "the test reached the receiver"
    );

    // Another user can't see, test or delete it.
    let other = app.register("other@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let list: Value = app
        .get_auth("/api/v1/channels", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
    expect_error(
        app.post_auth(&format!("/api/v1/channels/{id}/test"), &other, &json!({}))
            .await,
        404,
        "not_found",
    )
    .await;
    let del = app
        .client
        .delete(app.url(&format!("/api/v1/channels/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    expect_error(del, 404, "not_found").await;

    // A PDS that isn't there: the error says so, and nothing is stored.
    let r = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "bluesky", "identifier": "alice.test", "app_password": "abcd-efgh-ijkl-mnop", "service_url": "http://127.0.0.1:9"}),
        )
        .await;
    let body = expect_error(r, 502, "platform_unavailable").await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("PDS"),
        "{body}"
    );
    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let del = app
        .client
        .delete(app.url(&format!("/api/v1/channels/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
    let del = app
        .client
        .delete(app.url(&format!("/api/v1/channels/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    expect_error(del, 404, "not_found").await;
}

async fn private_webhook_urls_are_refused_by_default(app: TestApp) {
    let t = app.register("ssrf@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
    ] {
        let r = app
            .post_auth(
                "/api/v1/channels",
                &t,
                &json!({"platform": "webhook", "url": url}),
            )
            .await;
        let body = expect_error(r, 422, "platform_rejected").await;
        let msg = body["error"]["details"]["fields"]["url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            msg.contains("private")
                || msg.contains("loopback")
                || msg.contains("link-local")
                || msg.contains("refus"),
            "{url}: {body}"
        );
    }
    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]), "nothing stored");
}

async fn connect_input_is_validated(app: TestApp) {
    let t = app.register("val@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "bluesky", "identifier": "alice.test"}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert_eq!(
        body["error"]["details"]["fields"]["app_password"],
        "is required"
    );
    let r = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "webhook", "url": "https://example.com/h", "format": "irc"}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["format"].is_string());
    let r = app
        .post_auth("/api/v1/channels", &t, &json!({"platform": "x"}))
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["platform"].is_string());
    let r = app
        .post_auth(
            "/api/v1/channels",
            &t,
            &json!({"platform": "webhook", "url": "ftp://example.com/x"}),
        )
        .await;
    expect_error(r, 422, "platform_rejected").await;
    let missing = app
        .post_auth("/api/v1/channels/not-a-channel/test", &t, &json!({}))
        .await;
    expect_error(missing, 404, "not_found").await;
}

/// `keys rotate`: secrets sealed under k1 are re-encrypted under k2 and still open.
#[tokio::test]
async fn rotation_reseals_every_secret_under_the_active_key() {
    use base64::Engine;
    use letsgrow_config::Secret;
    let k1 =
        base64::engine::general_purpose::STANDARD.encode(letsgrow_crypto::generate_key().unwrap());
    let k2 =
        base64::engine::general_purpose::STANDARD.encode(letsgrow_crypto::generate_key().unwrap());
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path().to_path_buf();
    let k1c = k1.clone();
    let app = spawn_app_with(Backend::Sqlite, move |c| {
        c.network.allow_private = true;
        c.server.data_dir = dir;
        c.crypto.keys.insert("k1".into(), Secret::new(k1c));
    })
    .await;
    let t = app.register("rot@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, _) = receiver().await;
    for n in 0..3 {
        let r = app
            .post_auth(
                "/api/v1/channels",
                &t,
                &json!({"platform": "webhook", "url": format!("{url}?n={n}")}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    let db = letsgrow_db::Db::connect(None, data_dir.path(), 2)
        .await
        .unwrap();
    assert_eq!(
        letsgrow_db::channels::secret_counts_by_key(&db)
            .await
            .unwrap(),
        vec![("k1".to_owned(), 3)]
    );

    let mut keys = std::collections::BTreeMap::new();
    for (id, b64) in [("k1", &k1), ("k2", &k2)] {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        keys.insert(
            id.to_owned(),
            <[u8; 32]>::try_from(bytes.as_slice()).unwrap(),
        );
    }
    let ring = letsgrow_crypto::Keyring::new(keys.clone(), "k2").unwrap();
    assert_eq!(
        letsgrow_app::channels::rotate_keys(&db, &ring)
            .await
            .unwrap(),
        (3, 0)
    );
    assert_eq!(
        letsgrow_db::channels::secret_counts_by_key(&db)
            .await
            .unwrap(),
        vec![("k2".to_owned(), 3)]
    );
    assert_eq!(
        letsgrow_app::channels::rotate_keys(&db, &ring)
            .await
            .unwrap(),
        (0, 0),
        "idempotent"
    );

    // Only k2 is needed now: every credential still opens.
    keys.remove("k1");
    let only_k2 = Arc::new(letsgrow_crypto::Keyring::new(keys, "k2").unwrap());
    let registry =
        letsgrow_providers::registry(&letsgrow_providers::ProviderOptions::default()).unwrap();
    let svc = letsgrow_app::channels::ChannelService::new(
        db.clone(),
        only_k2,
        registry,
        letsgrow_app::notifications::NotificationService::new(db.clone()),
    );
    let me: Value = app
        .get_auth("/api/v1/auth/me", &t)
        .await
        .json()
        .await
        .unwrap();
    for row in svc.list(me["id"].as_str().unwrap()).await.unwrap() {
        let ctx = svc.context(&row).await.unwrap();
        assert_eq!(ctx.credentials.secret.map(|s| s.expose().len()), Some(64));
    }
}

/// Two webhooks to the same host get distinct names, can be renamed, and a name
/// another channel has is a 409 `channel_name_taken` naming the field; the CSV
/// `channel` column then finds the channel by its new name.
async fn channels_are_renamed_with_unique_names(app: TestApp) {
    let t = app.register("names@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, _) = receiver().await;
    let mut ids = Vec::new();
    let mut handles = Vec::new();
    for n in 1..=2 {
        let r = app
            .post_auth(
                "/api/v1/channels",
                &t,
                &json!({"platform": "webhook", "url": format!("{url}?n={n}"), "format": "generic"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        ids.push(v["channel"]["id"].as_str().unwrap().to_owned());
        handles.push(v["channel"]["handle"].as_str().unwrap().to_owned());
    }
    // Both would be "127.0.0.1 (generic)": the second one's name says it is another.
    assert_eq!(
        handles[1],
        format!("{} (2)", handles[0]),
        "connected names are unique"
    );

    let patch = |id: String, body: Value| {
        let app = &app;
        let t = &t;
        async move {
            app.client
                .patch(app.url(&format!("/api/v1/channels/{id}")))
                .bearer_auth(t)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let r = patch(ids[1].clone(), json!({"name": "  Team Discord "})).await;
    assert_eq!(r.status(), 200);
    let renamed: Value = r.json().await.unwrap();
    assert_eq!(renamed["handle"], "Team Discord");
    assert_eq!(
        renamed["account_handle"],
        handles[0].as_str(),
        "the platform's handle stays: {renamed}"
    );

    // Taken, whatever the case or a leading @.
    let taken = patch(ids[0].clone(), json!({"name": "@team discord"})).await;
    let body = expect_error(taken, 409, "channel_name_taken").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Team Discord"),
        "{body}"
    );
    assert!(
        body["error"]["details"]["fields"]["name"].is_string(),
        "{body}"
    );
    let long = patch(ids[0].clone(), json!({"name": "x".repeat(101)})).await;
    expect_error(long, 422, "validation_failed").await;

    // Renaming to its own name again is fine; the list shows the names.
    assert_eq!(
        patch(ids[1].clone(), json!({"name": "Team Discord"}))
            .await
            .status(),
        200
    );
    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["handle"].as_str().unwrap())
        .collect();
    assert_eq!(names, [handles[0].as_str(), "Team Discord"]);

    // The CSV `channel` key is the name.
    let csv = "channel,text,scheduled_at\nTeam Discord,hello from the csv,2031-01-01T10:00:00Z\n";
    let r = app
        .client
        .post(app.url("/api/v1/posts/import?dry_run=true"))
        .bearer_auth(&t)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["rows_ok"].as_u64(), v["rows_failed"].as_u64()),
        (Some(1), Some(0)),
        "{v}"
    );

    // An empty name restores the account's handle (free again).
    let back = patch(ids[1].clone(), json!({"name": ""})).await;
    let back: Value = back.json().await.unwrap();
    assert_eq!(back["handle"], back["account_handle"]);
}

mod rename {
    #[tokio::test]
    async fn sqlite() {
        super::channels_are_renamed_with_unique_names(
            super::allow_private(crate::helpers::Backend::Sqlite).await,
        )
        .await;
    }
    #[tokio::test]
    async fn postgres() {
        super::channels_are_renamed_with_unique_names(
            super::allow_private(crate::helpers::Backend::Postgres).await,
        )
        .await;
    }
}
