//! Log-in and registration budgets, in memory and shared through Redis.

use crate::helpers::{Backend, PASSWORD, expect_error, redis_url, spawn_app_with};
use letsgrow_config::Secret;
use serde_json::json;

#[tokio::test]
async fn login_is_limited_per_email_with_retry_after() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.rate_limit.login_per_email_per_15_minutes = 3
    })
    .await;
    app.register("rl@example.com").await;
    for _ in 0..3 {
        expect_error(
            app.login("rl@example.com", "wrong-password-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let limited = app.login("RL@example.com ", PASSWORD).await;
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    let body = expect_error(limited, 429, "rate_limited").await;
    assert_eq!(body["error"]["details"]["retry_after_seconds"], retry);
    // Another email from the same address still works.
    app.register("other@example.com").await;
    assert_eq!(app.login("other@example.com", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn registration_is_limited_per_ip() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.rate_limit.register_per_ip_per_hour = 2
    })
    .await;
    app.register("r1@example.com").await;
    app.register("r2@example.com").await;
    let r = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "r3@example.com", "password": PASSWORD}),
        )
        .await;
    expect_error(r, 429, "rate_limited").await;
}

/// Two server processes (two apps) on one Redis share one budget.
#[tokio::test]
async fn redis_budget_is_shared_between_processes() {
    let prefix = format!("lgtest:{}:", uuid::Uuid::new_v4().simple());
    let tweak = |c: &mut letsgrow_config::Config| {
        c.redis.url = Some(Secret::new(redis_url()));
        c.redis.key_prefix = prefix.clone();
        c.rate_limit.login_per_ip_per_minute = 4;
    };
    let a = spawn_app_with(Backend::Postgres, tweak).await;
    let b = spawn_app_with(Backend::Postgres, tweak).await;
    let ready: serde_json::Value = a
        .client
        .get(a.url("/api/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["redis"], "ok");
    for app in [&a, &b, &a, &b] {
        expect_error(
            app.login("nobody@example.com", "wrong-password-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    expect_error(
        a.login("nobody@example.com", "wrong-password-1").await,
        429,
        "rate_limited",
    )
    .await;
    expect_error(
        b.login("nobody@example.com", "wrong-password-1").await,
        429,
        "rate_limited",
    )
    .await;

    // Cleanup of this test's keys.
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        !keys.is_empty(),
        "budgets live in Redis under the configured prefix"
    );
    let _: () = redis::cmd("DEL")
        .arg(keys)
        .query_async(&mut conn)
        .await
        .unwrap();
}
