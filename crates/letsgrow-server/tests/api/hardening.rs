//! Issue 20: no lock-out of owners, limits on every password and token check,
//! refresh races, input limits on every path, private files and metrics.

use crate::helpers::{
    Backend, PASSWORD, TestApp, contains_bytes, expect_error, phone_jpeg, png, spawn_app_with,
};
use letsgrow_config::{Config, Secret};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn login_from(
    app: &TestApp,
    ip: &str,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({"email": email, "password": password}));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap()
}

fn device_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("lg_device="))
        .expect("a device cookie after a successful log-in")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// §1: an attacker hammering an email from many addresses cannot keep its
/// owner out: with a device cookie the owner gets in at once, without one
/// after at most the documented delay.
#[tokio::test]
async fn owner_gets_in_while_an_attacker_hammers_the_email() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| {
            c.server.trust_proxy = true;
            c.rate_limit.login_per_ip_per_minute = 1000;
            // Only the per-email delay is under test here, not the per-address caps.
            c.rate_limit.login_per_email_per_15_minutes = 1000;
            c.rate_limit.login_email_free_attempts = 2;
            c.rate_limit.login_email_max_delay_secs = 2;
        })
        .await;
        let email = "owner@example.com";
        app.register(email).await;
        let first = login_from(&app, "203.0.113.7", email, PASSWORD, None).await;
        assert_eq!(first.status(), 200);
        let cookie = device_cookie(&first);
        assert!(
            first
                .headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().contains("HttpOnly")),
        );

        // Attack from 20 addresses until a guess was counted after a delay.
        let started = Instant::now();
        let (mut limited, mut counted_after_limit, mut i) = (false, false, 0);
        while !(limited && counted_after_limit) {
            assert!(started.elapsed() < Duration::from_secs(20), "attack loop");
            let r = login_from(
                &app,
                &format!("198.51.100.{}", i % 20),
                email,
                "wrong-password-1",
                None,
            )
            .await;
            i += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            match r.status().as_u16() {
                401 => counted_after_limit = limited,
                429 => {
                    assert!(retry_after(&r) <= 2, "the per-email wait is capped");
                    limited = true;
                }
                s => panic!("attacker got {s}"),
            }
        }
        // The delay is active now: the owner's own device gets in at once …
        let with_device = login_from(&app, "203.0.113.7", email, PASSWORD, Some(&cookie)).await;
        assert_eq!(with_device.status(), 200, "{backend:?}: device cookie");
        // … a forged or foreign cookie does not help …
        let forged = format!("{cookie}x");
        let r = login_from(&app, "192.0.2.9", email, PASSWORD, Some(&forged)).await;
        assert_eq!(r.status(), 429, "{backend:?}: forged cookie");
        // … and a new device waits at most the documented delay, then gets in.
        let wait = retry_after(&r);
        assert!((1..=2).contains(&wait), "{wait}");
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let r = login_from(&app, "192.0.2.9", email, PASSWORD, None).await;
        assert_eq!(r.status(), 200, "{backend:?}: after the delay");
    }
}

/// §1: ordinary log-ins from a known device never run into a limit.
#[tokio::test]
async fn frequent_logins_from_a_known_device_are_never_limited() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.rate_limit.login_per_email_per_15_minutes = 3;
    })
    .await;
    app.register("daily@example.com").await;
    let first = app.login("daily@example.com", PASSWORD).await;
    let mut cookie = device_cookie(&first);
    for i in 0..6 {
        let r = login_from(
            &app,
            "127.0.0.1",
            "daily@example.com",
            PASSWORD,
            Some(&cookie),
        )
        .await;
        assert_eq!(r.status(), 200, "log-in {i}");
        cookie = device_cookie(&r);
    }
    // Without the cookie the (email, address) budget of 3 applies.
    for _ in 0..3 {
        login_from(&app, "127.0.0.1", "daily@example.com", PASSWORD, None).await;
    }
    let r = login_from(&app, "127.0.0.1", "daily@example.com", PASSWORD, None).await;
    expect_error(r, 429, "rate_limited").await;
}

/// §2: current-password guesses and refreshes are limited.
#[tokio::test]
async fn password_change_and_refresh_are_limited() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| {
            c.rate_limit.password_change_per_user_per_15_minutes = 3;
            c.rate_limit.refresh_per_ip_per_minute = 5;
        })
        .await;
        let reg = app.register("pw@example.com").await;
        let token = reg["access_token"].as_str().unwrap();
        let app = &app;
        let change = |current: &str| {
            let body =
                json!({"current_password": current, "new_password": "another-long-passphrase"});
            async move {
                app.post_auth("/api/v1/auth/change-password", token, &body)
                    .await
            }
        };
        for _ in 0..3 {
            expect_error(change("wrong-guess-123").await, 401, "invalid_credentials").await;
        }
        let r = change(PASSWORD).await;
        assert!(retry_after(&r) >= 1);
        expect_error(r, 429, "rate_limited").await;

        for _ in 0..5 {
            let r = app
                .post_json("/api/v1/auth/refresh", &json!({"refresh_token": "bad"}))
                .await;
            expect_error(r, 401, "invalid_refresh_token").await;
        }
        let good = reg["refresh_token"].as_str().unwrap();
        let r = app
            .post_json("/api/v1/auth/refresh", &json!({"refresh_token": good}))
            .await;
        expect_error(r, 429, "rate_limited").await;
    }
}

/// Moves every used refresh token's use `secs` into the past.
pub async fn age_used_refresh_tokens(app: &TestApp, secs: i64) {
    letsgrow_db::on_pool!(&app.state.db, pool => {
        sqlx::query("UPDATE refresh_tokens SET used_at = used_at - $1 WHERE used_at IS NOT NULL")
            .bind(secs * 1000)
            .execute(pool)
            .await
            .unwrap();
    });
}

/// §5: parallel refreshes with one token all get the same successor; reuse
/// after the window still ends the session.
#[tokio::test]
async fn parallel_refreshes_share_one_successor() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |_| {}).await;
        let reg = app.register("tabs@example.com").await;
        let r1 = reg["refresh_token"].as_str().unwrap().to_owned();
        let app = &app;
        let calls = (0..20).map(|_| {
            let body = json!({"refresh_token": r1});
            async move { app.post_json("/api/v1/auth/refresh", &body).await }
        });
        let answers = futures::future::join_all(calls).await;
        let mut successors = std::collections::HashSet::new();
        let mut access = Vec::new();
        for r in answers {
            assert_eq!(r.status(), 200, "{backend:?}");
            let v: Value = r.json().await.unwrap();
            successors.insert(v["refresh_token"].as_str().unwrap().to_owned());
            access.push(v["access_token"].as_str().unwrap().to_owned());
        }
        assert_eq!(successors.len(), 1, "one successor for all: {successors:?}");
        let r2 = successors.into_iter().next().unwrap();
        for a in &access {
            assert_eq!(app.get_auth("/api/v1/auth/me", a).await.status(), 200);
        }
        let r = app
            .post_json("/api/v1/auth/refresh", &json!({"refresh_token": r2}))
            .await;
        assert_eq!(r.status(), 200);
        let r3: Value = r.json().await.unwrap();

        // After the window, the first token is theft again.
        age_used_refresh_tokens(app, 31).await;
        let reuse = app
            .post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1}))
            .await;
        expect_error(reuse, 401, "refresh_token_reused").await;
        let after = app
            .post_json(
                "/api/v1/auth/refresh",
                &json!({"refresh_token": r3["refresh_token"]}),
            )
            .await;
        expect_error(after, 401, "invalid_refresh_token").await;
        expect_error(
            app.get_auth("/api/v1/auth/me", &access[0]).await,
            401,
            "unauthorized",
        )
        .await;
    }
}

/// A webhook receiver that accepts everything.
async fn receiver() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async { axum::Json(json!({"ok": true})) });
    tokio::spawn(async move { axum::serve(l, app).await });
    format!("http://{addr}/hook")
}

async fn webhook_user(app: &TestApp, email: &str) -> (String, String) {
    let token = app.register(email).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = receiver().await;
    let r = app
        .post_auth(
            "/api/v1/channels",
            &token,
            &json!({"platform": "webhook", "url": url, "format": "generic"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    (token, v["channel"]["id"].as_str().unwrap().to_owned())
}

/// §6: the 100,000-character cap holds for CSV imports too, and a list page
/// is capped by bytes as well as rows.
#[tokio::test]
async fn text_cap_holds_on_csv_and_list_pages_are_capped_by_bytes() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| c.network.allow_private = true).await;
        let (token, ch) = webhook_user(&app, "csv-cap@example.com").await;
        let when = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
        let csv = format!(
            "channel,text,scheduled_at,timezone\n{ch},{},{when},\n{ch},fine,{when},\n",
            "x".repeat(100_001)
        );
        let r: Value = app
            .client
            .post(app.url("/api/v1/posts/import?skip_invalid=true"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["posts_created"], 1, "{backend:?}: only the short row");
        let bad = &r["rows"][0];
        assert_eq!(bad["ok"], false, "{r}");
        assert!(bad.to_string().contains("100000 characters"), "{bad}");

        // JSON: the same rule.
        let long = json!({"channel_ids": [ch], "content": {"parts": [{"text": "y".repeat(100_001)}]}, "schedule": {"mode": "draft"}});
        expect_error(
            app.post_auth("/api/v1/posts", &token, &long).await,
            422,
            "validation_failed",
        )
        .await;

        // 22 drafts of 100,000 characters are ~2.2 MB: one page holds fewer.
        for i in 0..22 {
            let text = format!("{i} {}", "z".repeat(99_990));
            let body = json!({"channel_ids": [ch], "content": {"parts": [{"text": text}]}, "schedule": {"mode": "draft"}});
            assert_eq!(
                app.post_auth("/api/v1/posts", &token, &body).await.status(),
                201
            );
        }
        let r = app.get_auth("/api/v1/posts?limit=1000", &token).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-letsgrow-truncated"], "true");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.len() <= 2 * 1024 * 1024, "{}", bytes.len());
        let page: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        assert!((15..23).contains(&page.len()), "{}", page.len());
        let small = app.get_auth("/api/v1/posts?limit=2", &token).await;
        assert!(small.headers().get("x-letsgrow-truncated").is_none());
    }
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/media?filename={}",
            url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
        )))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// §6: media are checked whole, stored without location metadata, under a
/// safe name and within a per-user quota shown by `media_usage`.
#[tokio::test]
async fn media_are_checked_stripped_named_safely_and_within_quota() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| c.media.quota_bytes_per_user = 1024 * 1024).await;
        let token = app.register("photos@example.com").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let photo = phone_jpeg(640, 480);
        assert!(contains_bytes(&photo, b"PhoneCo") && contains_bytes(&photo, b"GPSLatitude"));
        let r = upload(&app, &token, "<script>alert(1)</script>.jpg", photo.clone()).await;
        assert_eq!(r.status(), 201, "{backend:?}");
        let m: Value = r.json().await.unwrap();
        assert_eq!(
            (m["width"].as_i64(), m["height"].as_i64()),
            (Some(640), Some(480))
        );
        let name = m["filename"].as_str().unwrap();
        assert!(
            !name.contains('<') && !name.contains('>') && !name.contains('/'),
            "{name}"
        );
        assert!(name.ends_with(".jpg"), "{name}");
        let stored = app
            .client
            .get(app.url(m["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        for gone in [
            &b"Exif"[..],
            b"PhoneCo",
            b"GPSLatitude",
            b"xmpmeta",
            b"52,31",
        ] {
            assert!(
                !contains_bytes(&stored, gone),
                "{}",
                String::from_utf8_lossy(gone)
            );
        }
        assert!(stored.len() < photo.len());
        assert_eq!(m["bytes"].as_u64(), Some(stored.len() as u64));
        assert_eq!(&stored[stored.len() - 2..], [0xFF, 0xD9]);

        let with_text = png(4, 4, &[(b"tEXt", b"Location\0Berlin Mitte")]);
        let r = upload(&app, &token, "map.png", with_text).await;
        assert_eq!(r.status(), 201);
        let m: Value = r.json().await.unwrap();
        let stored = app
            .client
            .get(app.url(m["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(!contains_bytes(&stored, b"Berlin"));

        // First bytes alone are not an image.
        let mut html = vec![0xFF, 0xD8, 0xFF];
        html.extend_from_slice(b"<html><script>alert(1)</script></html>");
        expect_error(
            upload(&app, &token, "x.jpg", html).await,
            415,
            "unsupported_media_type",
        )
        .await;
        let cut = phone_jpeg(10, 10)[..11].to_vec();
        let e = expect_error(
            upload(&app, &token, "cut.jpg", cut).await,
            415,
            "unsupported_media_type",
        )
        .await;
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not a complete JPEG"),
            "{e}"
        );

        // The quota (1 MiB): three parallel ~400 KB files, at most two fit.
        let big = |n: u8| png(8, 8, &[(b"zzZz", &vec![n; 400 * 1024])]);
        let results =
            futures::future::join_all((0..3u8).map(|n| upload(&app, &token, "big.png", big(n))))
                .await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            2,
            "{statuses:?}"
        );
        let refused = results.into_iter().find(|r| r.status() == 413).unwrap();
        let e = expect_error(refused, 413, "payload_too_large").await;
        assert_eq!(e["error"]["details"]["quota_bytes"], 1024 * 1024);
        let usage: Value = app
            .get_auth("/api/v1/media/usage", &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(usage["quota_bytes"], 1024 * 1024);
        assert_eq!(usage["files"], 4);
        assert!(
            usage["used_bytes"].as_u64().unwrap() > 800 * 1024,
            "{usage}"
        );
    }
}

/// §6: slots are deduplicated and capped; text checks cap size and entities.
#[tokio::test]
async fn slots_dedupe_and_text_check_caps() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| c.network.allow_private = true).await;
        let (token, ch) = webhook_user(&app, "slots@example.com").await;
        let put = |body: Value| {
            app.client
                .put(app.url(&format!("/api/v1/channels/{ch}/slots")))
                .bearer_auth(&token)
                .json(&body)
                .send()
        };
        let same: Vec<Value> = (0..200)
            .map(|_| json!({"weekday": "mon", "time": "09:00"}))
            .collect();
        let r: Value = put(json!({"slots": same}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["slots"].as_array().unwrap().len(), 1, "{backend:?}: {r}");
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let many: Vec<Value> = (0..150)
            .map(|i| json!({"weekday": days[i % 7], "time": format!("{:02}:{:02}", i / 7, i % 60)}))
            .collect();
        expect_error(
            put(json!({"slots": many})).await.unwrap(),
            422,
            "validation_failed",
        )
        .await;

        let app = &app;
        let check = |text: String| {
            let body = json!({"platform": "x", "text": text});
            let token = token.clone();
            async move { app.post_auth("/api/v1/text/check", &token, &body).await }
        };
        expect_error(check("a".repeat(100_001)).await, 422, "validation_failed").await;
        let tags = "#a ".repeat(30_000);
        let e = expect_error(check(tags).await, 422, "validation_failed").await;
        assert!(e.to_string().contains("hashtags"), "{e}");
        assert_eq!(check("#one #two".into()).await.status(), 200);
    }
}

/// §7: the data directory, database files and media are owner-only.
#[cfg(unix)]
#[tokio::test]
async fn data_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let token = app.register("files@example.com").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        upload(&app, &token, "p.png", png(2, 2, &[])).await.status(),
        201
    );
    let dir = app.state.config.server.data_dir.clone();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "data dir");
    assert_eq!(mode(&dir.join("media")), 0o700, "media dir");
    for f in [
        "letsgrow.db",
        "letsgrow.db-wal",
        "letsgrow.db-shm",
        "secrets.toml",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    for e in std::fs::read_dir(dir.join("media")).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o600, "media file");
    }
}

/// §7: `/metrics` is off without a token and needs the configured one.
#[tokio::test]
async fn metrics_need_the_configured_token() {
    let off = spawn_app_with(Backend::Sqlite, |c| c.server.metrics_token = None).await;
    expect_error(
        off.client.get(off.url("/metrics")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    let on = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let m = on.client.get(on.url("/metrics")).send().await.unwrap();
    expect_error(m, 401, "unauthorized").await;
    let m = on
        .client
        .get(on.url("/metrics"))
        .bearer_auth("not-the-metrics-token")
        .send()
        .await
        .unwrap();
    expect_error(m, 401, "unauthorized").await;
    let m = on
        .client
        .get(on.url("/metrics"))
        .bearer_auth(crate::helpers::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(m.status(), 200);
    let text = m.text().await.unwrap();
    assert!(
        text.contains("letsgrow_ratelimit_fallback_total 0"),
        "{text}"
    );
    assert!(
        !text.contains("\nletsgrow_redis_up "),
        "no Redis configured: {text}"
    );
}

/// A private `redis-server` on a free port (never the shared one on 6379).
struct PrivateRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn start(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn redis_config(c: &mut Config, url: String) {
    c.redis.url = Some(Secret::new(url));
    c.redis.retry_after_secs = 1;
    c.redis.processes = 2;
    c.rate_limit.login_per_ip_per_minute = 4;
}

async fn ready(app: &TestApp) -> Value {
    let r = app.client.get(app.url("/api/ready")).send().await.unwrap();
    assert_eq!(r.status(), 200, "Redis is not the system of record");
    r.json().await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .bearer_auth(crate::helpers::METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn wait_for_redis(app: &TestApp, want: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = ready(app).await;
        if r["redis"] == want {
            return r;
        }
        assert!(Instant::now() < deadline, "redis never became {want}: {r}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// §3: Redis going away makes checks fast and per-process (never unlimited),
/// shows on `/api/ready` and `/metrics`, and heals when it returns.
#[tokio::test]
async fn redis_outage_degrades_fast_and_recovers() {
    let mut redis = PrivateRedis {
        port: PrivateRedis::free_port(),
        child: None,
    };
    redis.start().await;
    let url = redis.url();
    let app = spawn_app_with(Backend::Sqlite, |c| redis_config(c, url)).await;
    assert_eq!(ready(&app).await["redis"], "ok");
    redis.stop();
    // Each attempt answers fast; the process's share (4 / 2) still holds.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let r = app.login("nobody@example.com", "wrong-password-1").await;
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 429]);
    let r = ready(&app).await;
    assert_eq!(
        (r["status"].as_str(), r["redis"].as_str()),
        (Some("degraded"), Some("unavailable"))
    );
    let m = metrics(&app).await;
    assert!(m.contains("letsgrow_redis_up 0"), "{m}");
    assert!(!m.contains("letsgrow_ratelimit_fallback_total 0\n"), "{m}");

    redis.start().await;
    let r = wait_for_redis(&app, "ok").await;
    assert_eq!(r["status"], "ready");
    assert!(metrics(&app).await.contains("letsgrow_redis_up 1"));
}

/// §3: `serve` with Redis configured but down starts degraded and picks
/// Redis up once it is there.
#[tokio::test]
async fn starts_degraded_when_redis_is_down() {
    let mut redis = PrivateRedis {
        port: PrivateRedis::free_port(),
        child: None,
    };
    let url = redis.url();
    let t = Instant::now();
    let app = spawn_app_with(Backend::Sqlite, |c| redis_config(c, url)).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    let r = ready(&app).await;
    assert_eq!(r["status"], "degraded");
    app.register("early@example.com").await;
    redis.start().await;
    wait_for_redis(&app, "ok").await;
    assert_eq!(app.login("early@example.com", PASSWORD).await.status(), 200);
}

/// §6: the media quota holds across processes. Two libraries over one
/// database stand for two `serve` processes (no lock in common but the
/// database's): of four parallel ~400 KB uploads against a 1 MiB quota,
/// exactly two are stored, and the refused ones leave no file behind.
#[tokio::test]
async fn media_quota_holds_across_processes() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| c.media.quota_bytes_per_user = 1024 * 1024).await;
        let reg = app.register("two-processes@example.com").await;
        let user_id = reg["user"]["id"].as_str().unwrap().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let process = || {
            letsgrow_app::media::MediaLibrary::new(
                app.state.app.db.clone(),
                dir.path().to_path_buf(),
                vec![7; 32],
                None,
            )
            .with_quota(1024 * 1024)
        };
        let (a, b) = (process(), process());
        let big = |n: u8| png(8, 8, &[(b"zzZz", &vec![n; 400 * 1024])]);
        let files: Vec<Vec<u8>> = (0..4u8).map(big).collect();
        let uploads = files.iter().enumerate().map(|(i, f)| {
            let lib = if i % 2 == 0 { &a } else { &b };
            lib.upload(&user_id, "big.png", f)
        });
        let results = futures::future::join_all(uploads).await;
        let stored = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(
            stored,
            2,
            "{backend:?}: {:?}",
            results
                .iter()
                .map(|r| r.as_ref().map(|m| m.bytes).map_err(|e| e.to_string()))
                .collect::<Vec<_>>()
        );
        for r in &results {
            if let Err(e) = r {
                assert!(
                    matches!(e, letsgrow_app::media::MediaError::QuotaExceeded { .. }),
                    "{backend:?}: {e}"
                );
            }
        }
        let (used, files_n, _) = a.usage(&user_id).await.unwrap();
        assert_eq!(files_n, 2, "{backend:?}");
        assert!(used <= 1024 * 1024, "{backend:?}: {used} bytes stored");
        let on_disk = std::fs::read_dir(dir.path().join("media")).unwrap().count();
        assert_eq!(on_disk, 2, "{backend:?}: refused uploads left files behind");
    }
}
