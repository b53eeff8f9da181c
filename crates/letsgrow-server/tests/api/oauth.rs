//! OAuth connect over HTTP: start → the fake platform's consent form → callback
//! → channel stored; plus the refusals (not configured, bad state, declined).

use crate::helpers::{Backend, TestApp, expect_error, spawn_app_with};
use letsgrow_config::{PlatformConfig, Secret};
use serde_json::{Value, json};

async fn app_with_linkedin(
    backend: Backend,
) -> (
    TestApp,
    letsgrow_fakes::FakeHandle<letsgrow_fakes::linkedin::Linkedin>,
) {
    let fake = letsgrow_fakes::linkedin::start().await.unwrap();
    let base = fake.base_url.clone();
    let app = spawn_app_with(backend, move |c| {
        c.network.allow_private = true;
        c.platforms.insert(
            "linkedin".into(),
            PlatformConfig {
                client_id: Some(letsgrow_fakes::CLIENT_ID.into()),
                client_secret: Some(Secret::new(letsgrow_fakes::CLIENT_SECRET)),
                api_base: Some(base.clone()),
                auth_base: Some(base),
            },
        );
    })
    .await;
    (app, fake)
}

/// What a browser does on the consent page: submit "allow" (or "deny") and follow
/// the redirect back to LetsGrow's callback. Returns the callback's Location.
pub(crate) async fn consent(app: &TestApp, authorize_url: &str, decision: &str) -> String {
    let page = app.client.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Authorize LetsGrow"));
    let parsed = url::Url::parse(authorize_url).unwrap();
    let mut form: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    form.push(("username".into(), "ada".into()));
    form.push(("decision".into(), decision.into()));
    let back = app
        .client
        .post(authorize_url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(back.status().is_redirection(), "{}", back.status());
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&app.url("/api/v1/channels/oauth/callback")),
        "{callback}"
    );
    let done = app.client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303);
    done.headers()["location"].to_str().unwrap().to_owned()
}

async fn round_trip(backend: Backend) {
    let (app, _fake) = app_with_linkedin(backend).await;
    let t = app.register("oauth@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let platforms: Value = app
        .get_auth("/api/v1/channels/platforms", &t)
        .await
        .json()
        .await
        .unwrap();
    let find = |p: &str| {
        platforms
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["platform"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(find("linkedin")["available"], true);
    assert_eq!(find("linkedin")["connect"], "oauth2_pkce");
    assert_eq!(find("x")["available"], false);
    assert!(
        find("x")["reason"]
            .as_str()
            .unwrap()
            .contains("LETSGROW__PLATFORMS__X__CLIENT_ID")
    );
    assert_eq!(find("bluesky")["connect"], "app_password");
    assert_eq!(find("mastodon")["connect"], "instance_oauth2");

    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "linkedin"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let url = r.json::<Value>().await.unwrap()["authorize_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "{url}"
    );
    let location = consent(&app, &url, "allow").await;
    assert!(location.starts_with("/channels/?connected="), "{location}");
    let list: Value = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["platform"], "linkedin");
    assert_eq!(list[0]["status"], "ok");
    assert!(location.ends_with(list[0]["id"].as_str().unwrap()));

    // The state is single-use: replaying the callback fails cleanly.
    let replay = url::Url::parse(&url).unwrap();
    let state = replay
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    let again = app
        .client
        .get(app.url(&format!(
            "/api/v1/channels/oauth/callback?state={state}&code=whatever"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/channels/?oauth_error=state_invalid")
    );

    // Connecting the same account again is a duplicate.
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "linkedin"}),
        )
        .await;
    let url = r.json::<Value>().await.unwrap()["authorize_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        consent(&app, &url, "allow")
            .await
            .starts_with("/channels/?oauth_error=channel_exists")
    );

    // Declining on the platform stores nothing and says so.
    let other = app.register("decline@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &other,
            &json!({"platform": "linkedin"}),
        )
        .await;
    let url = r.json::<Value>().await.unwrap()["authorize_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let location = consent(&app, &url, "deny").await;
    assert!(
        location.starts_with("/channels/?oauth_error=access_denied"),
        "{location}"
    );
    let list: Value = app
        .get_auth("/api/v1/channels", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));

    // Disconnect revokes at the platform, then deletes.
    let id = app
        .get_auth("/api/v1/channels", &t)
        .await
        .json::<Value>()
        .await
        .unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let del = app
        .client
        .delete(app.url(&format!("/api/v1/channels/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
}

#[tokio::test]
async fn oauth_round_trip_sqlite() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn oauth_round_trip_postgres() {
    round_trip(Backend::Postgres).await;
}

#[tokio::test]
async fn oauth_refusals_are_clear() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.network.allow_private = true).await;
    let t = app.register("refuse@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "x"}),
        )
        .await;
    let body = expect_error(r, 422, "platform_rejected").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not configured"),
        "{body}"
    );
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "mastodon"}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["instance_url"].is_string());
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "mastodon", "instance_url": "https://mastodon.example/some/path"}),
        )
        .await;
    expect_error(r, 422, "validation_failed").await;
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "mastodon", "instance_url": "http://127.0.0.1:9"}),
        )
        .await;
    expect_error(r, 502, "platform_unavailable").await;
    let r = app
        .post_auth(
            "/api/v1/channels/oauth/start",
            &t,
            &json!({"platform": "bluesky"}),
        )
        .await;
    expect_error(r, 422, "validation_failed").await;
    for q in [
        "",
        "?state=",
        "?state=nope&code=x",
        "?error=access_denied&state=nope",
    ] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/channels/oauth/callback{q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{q}");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/channels/?oauth_error=state_invalid"),
            "{q}"
        );
    }
}
