//! Bad input gets a clear error in the envelope, never a 500, and changes nothing.

use crate::both_backends;
use crate::helpers::{PASSWORD, TestApp, expect_error};
use serde_json::json;

both_backends!(
    malformed_json_is_400,
    wrong_content_type_is_415,
    oversized_bodies_are_413,
    unknown_and_missing_fields_are_422,
    nul_bytes_are_422_and_nothing_is_stored,
    huge_password_is_refused_without_hashing,
    wrong_types_are_422,
);

async fn malformed_json_is_400(app: TestApp) {
    for body in [
        "{",
        "{\"email\":",
        "not json",
        "[1,2",
        "{\"email\": \"a\",}",
    ] {
        let r = app
            .client
            .post(app.url("/api/v1/auth/register"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        expect_error(r, 400, "invalid_json").await;
    }
}

async fn wrong_content_type_is_415(app: TestApp) {
    let body = r#"{"email":"a@example.com","password":"correct-horse-battery"}"#;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data"),
    ] {
        let mut req = app.client.post(app.url("/api/v1/auth/register")).body(body);
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        expect_error(req.send().await.unwrap(), 415, "unsupported_media_type").await;
    }
    let ok = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
}

async fn oversized_bodies_are_413(app: TestApp) {
    let big = format!(
        r#"{{"email":"big@example.com","password":"{}"}}"#,
        "p".repeat(10 * 1024 * 1024)
    );
    let r = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let body = expect_error(r, 413, "payload_too_large").await;
    assert!(body["error"]["details"]["limit_bytes"].is_number());
    // A 1 MB password is over the body limit too.
    let mb = json!({"email": "big@example.com", "password": "p".repeat(1024 * 1024)});
    expect_error(
        app.post_json("/api/v1/auth/login", &mb).await,
        413,
        "payload_too_large",
    )
    .await;
    expect_error(
        app.login("big@example.com", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
}

async fn unknown_and_missing_fields_are_422(app: TestApp) {
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "u@example.com", "password": PASSWORD, "is_admin": true}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert_eq!(
        body["error"]["details"]["fields"]["is_admin"],
        "is not a known field"
    );
    let r = app
        .post_json("/api/v1/auth/register", &json!({"email": "u@example.com"}))
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert_eq!(
        body["error"]["details"]["fields"]["password"],
        "is required"
    );
    expect_error(
        app.login("u@example.com", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
}

async fn nul_bytes_are_422_and_nothing_is_stored(app: TestApp) {
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "nul\u{0}@example.com", "password": PASSWORD}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert!(
        body["error"]["details"]["fields"]["email"]
            .as_str()
            .unwrap()
            .contains("NUL")
    );
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "nul@example.com", "password": "pass\u{0}word-long"}),
        )
        .await;
    expect_error(r, 422, "validation_failed").await;
    let reg = app.register("nul@example.com").await;
    let t = reg["access_token"].as_str().unwrap();
    let r = app
        .client
        .patch(app.url("/api/v1/auth/me"))
        .bearer_auth(t)
        .json(&json!({"timezone": "UTC\u{0}"}))
        .send()
        .await
        .unwrap();
    expect_error(r, 422, "validation_failed").await;
    let r = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "nul@example.com\u{0}", "password": PASSWORD}),
        )
        .await;
    expect_error(r, 422, "validation_failed").await;
}

async fn huge_password_is_refused_without_hashing(app: TestApp) {
    // Under the body limit but over the password limit: a 422, and log-in simply fails.
    let long = "p".repeat(5000);
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "long@example.com", "password": long}),
        )
        .await;
    let body = expect_error(r, 422, "validation_failed").await;
    assert!(
        body["error"]["details"]["fields"]["password"]
            .as_str()
            .unwrap()
            .contains("at most")
    );
    expect_error(
        app.login("long@example.com", &long).await,
        401,
        "invalid_credentials",
    )
    .await;
}

async fn wrong_types_are_422(app: TestApp) {
    for body in [
        json!({"email": 5, "password": PASSWORD}),
        json!({"email": null, "password": PASSWORD}),
        json!([1, 2]),
        json!("str"),
    ] {
        let r = app.post_json("/api/v1/auth/register", &body).await;
        expect_error(r, 422, "validation_failed").await;
    }
}
