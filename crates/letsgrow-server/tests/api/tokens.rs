//! Access tokens that must be refused.

use crate::both_backends;
use crate::helpers::{SIGNING_KEY, TestApp, expect_error};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use letsgrow_app::auth::tokens::TokenKeys;
use serde_json::Value;

both_backends!(expired_forged_none_and_wrong_audience_tokens_are_401);

async fn expired_forged_none_and_wrong_audience_tokens_are_401(app: TestApp) {
    let reg: Value = app.register("jwt@example.com").await;
    let good = reg["access_token"].as_str().unwrap();
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(good.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let (sub, sid) = (
        claims["sub"].as_str().unwrap(),
        claims["sid"].as_str().unwrap(),
    );
    let now = chrono::Utc::now().timestamp();

    let expired = TokenKeys::new(&SIGNING_KEY, "letsgrow", "letsgrow-api")
        .issue(sub, sid, now - 7200, 900)
        .unwrap();
    let body = expect_error(
        app.get_auth("/api/v1/auth/me", &expired).await,
        401,
        "unauthorized",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    let forged = TokenKeys::new(
        b"another-key-another-key-another-key-1234",
        "letsgrow",
        "letsgrow-api",
    )
    .issue(sub, sid, now, 900)
    .unwrap();
    expect_error(
        app.get_auth("/api/v1/auth/me", &forged).await,
        401,
        "unauthorized",
    )
    .await;

    let wrong_aud = TokenKeys::new(&SIGNING_KEY, "letsgrow", "someone-else")
        .issue(sub, sid, now, 900)
        .unwrap();
    expect_error(
        app.get_auth("/api/v1/auth/me", &wrong_aud).await,
        401,
        "unauthorized",
    )
    .await;
    let wrong_iss = TokenKeys::new(&SIGNING_KEY, "evil", "letsgrow-api")
        .issue(sub, sid, now, 900)
        .unwrap();
    expect_error(
        app.get_auth("/api/v1/auth/me", &wrong_iss).await,
        401,
        "unauthorized",
    )
    .await;

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = good.split('.').nth(1).unwrap();
    for none in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        expect_error(
            app.get_auth("/api/v1/auth/me", &none).await,
            401,
            "unauthorized",
        )
        .await;
    }
    // A valid signature for a session id that isn't this user's.
    let other_session = TokenKeys::new(&SIGNING_KEY, "letsgrow", "letsgrow-api")
        .issue("someone", sid, now, 900)
        .unwrap();
    expect_error(
        app.get_auth("/api/v1/auth/me", &other_session).await,
        401,
        "unauthorized",
    )
    .await;
    for junk in ["", "x", "a.b.c", &"A".repeat(5000)] {
        let r = app
            .client
            .get(app.url("/api/v1/auth/me"))
            .header("Authorization", format!("Bearer {junk}"))
            .send()
            .await
            .unwrap();
        expect_error(r, 401, "unauthorized").await;
    }
    assert_eq!(app.get_auth("/api/v1/auth/me", good).await.status(), 200);
}
