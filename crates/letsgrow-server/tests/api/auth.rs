//! Accounts and sessions, end to end over HTTP.

use crate::both_backends;
use crate::helpers::{PASSWORD, TestApp, expect_error};
use serde_json::{Value, json};

both_backends!(
    register_login_me_logout,
    email_is_trimmed_lowercased_and_unicode_kept,
    duplicate_registration_is_409,
    wrong_password_and_unknown_email_look_the_same,
    weak_passwords_are_refused_per_field,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_all_ends_every_session,
    change_password_revokes_other_sessions,
    timezone_is_validated_and_stored,
    web_clients_get_the_refresh_token_only_as_a_cookie,
);

async fn register_login_me_logout(app: TestApp) {
    let reg = app.register("ada@example.com").await;
    assert_eq!(reg["token_type"], "Bearer");
    assert_eq!(reg["expires_in"], 900);
    assert_eq!(reg["user"]["email"], "ada@example.com");
    assert_eq!(reg["user"]["timezone"], "UTC");
    assert!(reg["refresh_token"].as_str().is_some_and(|t| t.len() >= 40));

    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.status(), 200);
    let login: Value = login.json().await.unwrap();
    let token = login["access_token"].as_str().unwrap();
    let me = app.get_auth("/api/v1/auth/me", token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], reg["user"]["id"]);

    let out = app
        .post_auth("/api/v1/auth/logout", token, &json!({}))
        .await;
    assert_eq!(out.status(), 204);
    let again = app.get_auth("/api/v1/auth/me", token).await;
    let body = expect_error(again, 401, "unauthorized").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("session has ended")
    );
    // The registration session is untouched by logging out of the other one.
    let first = app
        .get_auth("/api/v1/auth/me", reg["access_token"].as_str().unwrap())
        .await;
    assert_eq!(first.status(), 200);
    let anon = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.headers()["www-authenticate"], "Bearer");
    expect_error(anon, 401, "unauthorized").await;
}

async fn email_is_trimmed_lowercased_and_unicode_kept(app: TestApp) {
    let reg = app.register("  Zoë.Ünïcode@Exämple.DE ").await;
    assert_eq!(reg["user"]["email"], "zoë.ünïcode@exämple.de");
    assert_eq!(
        app.login("ZOË.ÜNÏCODE@EXÄMPLE.DE", PASSWORD).await.status(),
        200
    );
    for bad in [
        "no-at-sign",
        "a b@example.com",
        "x@localhost",
        "@example.com",
        "",
    ] {
        let r = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": bad, "password": PASSWORD}),
            )
            .await;
        let body = expect_error(r, 422, "validation_failed").await;
        assert!(
            body["error"]["details"]["fields"]["email"].is_string(),
            "{bad:?}: {body}"
        );
    }
}

async fn duplicate_registration_is_409(app: TestApp) {
    app.register("dup@example.com").await;
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "DUP@example.com ", "password": "another-good-password"}),
        )
        .await;
    let body = expect_error(r, 409, "email_taken").await;
    assert!(body["error"]["details"]["fields"]["email"].is_string());
}

async fn wrong_password_and_unknown_email_look_the_same(app: TestApp) {
    app.register("known@example.com").await;
    let wrong = expect_error(
        app.login("known@example.com", "wrong-password-123").await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown = expect_error(
        app.login("nobody@example.com", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
    let malformed = expect_error(
        app.login("not an email", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, malformed);
}

async fn weak_passwords_are_refused_per_field(app: TestApp) {
    for (pw, needle) in [
        ("short", "at least 10"),
        ("password123", "too common"),
        ("QWERTYUIOP", "too common"),
    ] {
        let r = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": "w@example.com", "password": pw}),
            )
            .await;
        let body = expect_error(r, 422, "validation_failed").await;
        let msg = body["error"]["details"]["fields"]["password"]
            .as_str()
            .unwrap();
        assert!(msg.contains(needle), "{pw}: {msg}");
    }
    let both = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "bad", "password": "short"}),
        )
        .await;
    let body = expect_error(both, 422, "validation_failed").await;
    assert!(
        body["error"]["details"]["fields"]["email"].is_string()
            && body["error"]["details"]["fields"]["password"].is_string()
    );
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let reg = app.register("rot@example.com").await;
    let r1 = reg["refresh_token"].as_str().unwrap().to_owned();
    let resp = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1}))
        .await;
    assert_eq!(resp.status(), 200);
    let second: Value = resp.json().await.unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    let access2 = second["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &access2).await.status(),
        200
    );

    // Presenting the used token again after the 30 s reuse window: the whole
    // family is revoked.
    crate::hardening::age_used_refresh_tokens(&app, 31).await;
    let reuse = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1}))
        .await;
    expect_error(reuse, 401, "refresh_token_reused").await;
    let r2_after = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": r2}))
        .await;
    expect_error(r2_after, 401, "invalid_refresh_token").await;
    expect_error(
        app.get_auth("/api/v1/auth/me", &access2).await,
        401,
        "unauthorized",
    )
    .await;

    let garbage = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": "nope"}))
        .await;
    expect_error(garbage, 401, "invalid_refresh_token").await;
    let missing = app.post_json("/api/v1/auth/refresh", &json!({})).await;
    expect_error(missing, 401, "invalid_refresh_token").await;
}

async fn logout_all_ends_every_session(app: TestApp) {
    let a = app.register("all@example.com").await;
    let b: Value = app
        .login("all@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let (ta, tb) = (
        a["access_token"].as_str().unwrap(),
        b["access_token"].as_str().unwrap(),
    );
    assert_eq!(
        app.post_auth("/api/v1/auth/logout-all", ta, &json!({}))
            .await
            .status(),
        204
    );
    expect_error(
        app.get_auth("/api/v1/auth/me", ta).await,
        401,
        "unauthorized",
    )
    .await;
    expect_error(
        app.get_auth("/api/v1/auth/me", tb).await,
        401,
        "unauthorized",
    )
    .await;
    let r = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": b["refresh_token"]}),
        )
        .await;
    expect_error(r, 401, "invalid_refresh_token").await;
}

async fn change_password_revokes_other_sessions(app: TestApp) {
    let a = app.register("cp@example.com").await;
    let b: Value = app
        .login("cp@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let (ta, tb) = (
        a["access_token"].as_str().unwrap(),
        b["access_token"].as_str().unwrap(),
    );

    let wrong = app
        .post_auth(
            "/api/v1/auth/change-password",
            ta,
            &json!({"current_password": "not-my-password", "new_password": "a-brand-new-secret"}),
        )
        .await;
    let body = expect_error(wrong, 401, "invalid_credentials").await;
    assert!(body["error"]["details"]["fields"]["current_password"].is_string());
    let weak = app
        .post_auth(
            "/api/v1/auth/change-password",
            ta,
            &json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    let body = expect_error(weak, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["new_password"].is_string());

    let ok = app
        .post_auth(
            "/api/v1/auth/change-password",
            ta,
            &json!({"current_password": PASSWORD, "new_password": "a-brand-new-secret"}),
        )
        .await;
    assert_eq!(ok.status(), 204);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", ta).await.status(),
        200,
        "the session that changed it stays"
    );
    expect_error(
        app.get_auth("/api/v1/auth/me", tb).await,
        401,
        "unauthorized",
    )
    .await;
    expect_error(
        app.login("cp@example.com", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login("cp@example.com", "a-brand-new-secret")
            .await
            .status(),
        200
    );
}

async fn timezone_is_validated_and_stored(app: TestApp) {
    let reg = app.register("tz@example.com").await;
    let t = reg["access_token"].as_str().unwrap();
    let patch = |body: Value| {
        app.client
            .patch(app.url("/api/v1/auth/me"))
            .bearer_auth(t)
            .json(&body)
            .send()
    };
    let r = patch(json!({"timezone": "Europe/Berlin"})).await.unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = app
        .get_auth("/api/v1/auth/me", t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["timezone"], "Europe/Berlin");
    let bad = patch(json!({"timezone": "Mars/Olympus_Mons"}))
        .await
        .unwrap();
    let body = expect_error(bad, 422, "validation_failed").await;
    assert!(body["error"]["details"]["fields"]["timezone"].is_string());
    let me: Value = app
        .get_auth("/api/v1/auth/me", t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["timezone"], "Europe/Berlin",
        "a refused update changes nothing"
    );
}

fn refresh_cookie(resp: &reqwest::Response) -> String {
    let c = resp
        .headers()
        .get("set-cookie")
        .expect("set-cookie")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/api/v1/auth"),
        "{c}"
    );
    assert!(!c.contains("Secure"), "plain http in tests: no Secure flag");
    c.split(';').next().unwrap().to_owned()
}

async fn web_clients_get_the_refresh_token_only_as_a_cookie(app: TestApp) {
    let r = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("X-LetsGrow-Client", "web")
        .json(&json!({"email": "web@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cookie = refresh_cookie(&r);
    let body: Value = r.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");

    let refresh = |cookie: String| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .header("X-LetsGrow-Client", "web")
            .header("Cookie", cookie)
            .json(&json!({}))
            .send()
    };
    let r2 = refresh(cookie.clone()).await.unwrap();
    assert_eq!(r2.status(), 200);
    let cookie2 = refresh_cookie(&r2);
    assert_ne!(cookie, cookie2);
    // Without the web header the cookie is ignored (a cross-site form can't set it).
    let no_header = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("Cookie", cookie2.clone())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(no_header, 401, "invalid_refresh_token").await;
    // Reusing the first cookie after the reuse window revokes the family and
    // clears the cookie.
    crate::hardening::age_used_refresh_tokens(&app, 31).await;
    let reuse = refresh(cookie).await.unwrap();
    assert!(
        reuse.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    expect_error(reuse, 401, "refresh_token_reused").await;
    expect_error(
        refresh(cookie2).await.unwrap(),
        401,
        "invalid_refresh_token",
    )
    .await;
}
