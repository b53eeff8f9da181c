//! `POST /api/v1/text/check`.

use crate::helpers::{Backend, expect_error, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn text_check_returns_the_rules_result_and_validates_input() {
    let app = spawn_app(Backend::Sqlite).await;
    let t = app.register("text@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "mastodon", "text": "hi @bob@mastodon.social", "max_override": 5}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["platform"], "mastodon");
    assert_eq!(
        v["weighted_length"], 7,
        "a remote mention counts only its local part"
    );
    assert_eq!(v["max"], 5);
    assert_eq!(v["valid"], false);
    assert_eq!(v["violations"][0]["code"], "too_long");

    let r = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "reddit", "text": "t".repeat(301), "reddit_field": "title"}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["max"], 300);

    let bad = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "myspace", "text": "hi"}),
        )
        .await;
    expect_error(bad, 422, "validation_failed").await;
    let zero = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "x", "text": "hi", "max_override": 0}),
        )
        .await;
    let body = expect_error(zero, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["max_override"].is_string());
    let whole = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "x", "text": "hi", "max_override": 5.0}),
        )
        .await;
    assert_eq!(
        whole.json::<Value>().await.unwrap()["max"],
        5,
        "5.0 is a whole number"
    );
    let frac = app
        .post_auth(
            "/api/v1/text/check",
            &t,
            &json!({"platform": "x", "text": "hi", "max_override": 5.5}),
        )
        .await;
    let body = expect_error(frac, 422, "validation_failed").await;
    assert!(
        body["error"]["details"]["fields"]["max_override"].is_string(),
        "{body}"
    );
    let anon = app
        .post_json(
            "/api/v1/text/check",
            &json!({"platform": "x", "text": "hi"}),
        )
        .await;
    expect_error(anon, 401, "unauthorized").await;
}
