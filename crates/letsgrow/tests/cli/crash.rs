//! Crash safety: `kill -9` a process that is publishing a burst of posts,
//! and check that every post still goes out, exactly once per idempotency key.
//!
//! The contract (ARCHITECTURE.md, publisher): a worker that dies mid-publish
//! leaves its targets `publishing`; once another worker sees its heartbeat
//! is old (or, on SQLite, when the one process starts again) they become
//! `unconfirmed` and its channel leases are freed, and the next
//! attempt re-sends with the same `Idempotency-Key`, which webhook receivers
//! dedupe on. So the receiver may see a key twice (a re-send), but the set of
//! distinct keys must be exactly the targets, and every target must end
//! `published`.

mod harness;

use harness::{Api, PgDb, Receiver, keys_of, serve, wait_for, worker};
use std::collections::BTreeSet;
use std::time::Duration;

/// How long a receiver takes to answer: long enough that a kill lands while
/// requests are in flight.
const RECEIVER_DELAY: Duration = Duration::from_millis(250);
/// Bound on recovery: lease expiry + sweep + the rest of the burst.
const SETTLE: Duration = Duration::from_secs(60);
/// Bound on a restarted embedded `serve` publishing again: start-up plus one
/// poll, far below `worker.lease_secs` (the stall this guards against).
const RESUME_BOUND: Duration = Duration::from_secs(15);

fn env(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// Posts created for one burst: every expected key, and the post ids.
struct Burst {
    keys: BTreeSet<String>,
    post_ids: Vec<String>,
}

/// Schedules `posts` posts, each on every channel, all due `due_in` from now.
async fn burst(api: &Api, channels: &[String], posts: usize, due_in: Duration, tag: &str) -> Burst {
    let at = chrono::Utc::now() + chrono::Duration::from_std(due_in).unwrap();
    let mut keys = BTreeSet::new();
    let mut post_ids = Vec::new();
    for i in 0..posts {
        let post = api
            .schedule(channels, &format!("crash test {tag} #{i}"), at)
            .await;
        for t in post["targets"].as_array().unwrap() {
            assert_eq!(t["state"], "scheduled", "{post}");
        }
        keys.extend(keys_of(&post));
        post_ids.push(post["id"].as_str().unwrap().to_owned());
    }
    assert!(
        chrono::Utc::now() < at,
        "creating the burst took longer than {due_in:?}; the kill would not land mid-burst"
    );
    Burst { keys, post_ids }
}

/// Waits until at least `n` distinct keys arrived; returns how many.
async fn wait_received(recv: &Receiver, n: usize) -> usize {
    wait_for(
        &format!("{n} deliveries"),
        Duration::from_secs(30),
        || async {
            let got = recv.distinct_keys().len();
            (got >= n).then_some(got)
        },
    )
    .await
}

/// Waits until every target of the account is `published` (panics on `failed`).
async fn wait_all_published(api: &Api, total: usize) {
    let until = std::time::Instant::now() + SETTLE;
    loop {
        let states = api.target_states().await;
        assert!(
            !states.contains_key("failed"),
            "a target failed: {states:?}"
        );
        if states.get("published").copied().unwrap_or(0) == total {
            return;
        }
        if std::time::Instant::now() > until {
            let stuck: Vec<serde_json::Value> = api
                .posts()
                .await
                .into_iter()
                .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
                .filter(|t| t["state"] != "published")
                .take(5)
                .collect();
            panic!(
                "not every target was published within {SETTLE:?}: {states:?}; for example {stuck:#?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Exactly once per key at the receiver, and every post's history ends `published`.
async fn assert_exactly_once(api: &Api, recv: &Receiver, burst: &Burst, label: &str) {
    let counts = recv.key_counts();
    let got: BTreeSet<String> = counts.keys().cloned().collect();
    let missing: Vec<_> = burst.keys.difference(&got).collect();
    let extra: Vec<_> = got.difference(&burst.keys).collect();
    assert!(missing.is_empty(), "{label}: never delivered: {missing:?}");
    assert!(
        extra.is_empty(),
        "{label}: delivered but never scheduled: {extra:?}"
    );
    let resent: usize = counts.values().map(|n| n - 1).sum();
    let keys_resent = counts.values().filter(|n| **n > 1).count();
    eprintln!(
        "{label}: {} keys delivered, {resent} re-send(s) of {keys_resent} key(s) (receivers dedupe on Idempotency-Key)",
        got.len()
    );
    // Each delivery carried its post's text; a key never maps to two texts.
    let mut text_of = std::collections::BTreeMap::new();
    for d in recv.deliveries() {
        let prev = text_of.insert(d.key.clone(), d.text.clone());
        assert!(
            prev.is_none_or(|p| p == d.text),
            "{label}: key {} delivered with different texts",
            d.key
        );
    }
    for id in &burst.post_ids {
        let post = api.post(id).await;
        for t in post["targets"].as_array().unwrap() {
            assert_eq!(t["state"], "published", "{label}: {post}");
            let history = t["history"].as_array().unwrap();
            assert_eq!(
                history.last().map(|e| e["to"].clone()),
                Some("published".into()),
                "{label}: history of {}: {history:?}",
                t["id"]
            );
        }
    }
}

/// SQLite, one process: kill -9 `serve` mid-burst, restart it on the same data directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_serve_killed_mid_burst_publishes_each_post_once() {
    let dir = tempfile::tempdir().unwrap();
    let recv = Receiver::start(RECEIVER_DELAY).await;
    // A lease far longer than the recovery bound below: a restart that waited
    // for the dead process's channel leases to expire could not pass.
    let vars = env(&[
        ("LETSGROW__NETWORK__ALLOW_PRIVATE", "true"),
        ("LETSGROW__WORKER__LEASE_SECS", "120"),
        ("LETSGROW__WORKER__POLL_MS", "200"),
        ("LETSGROW__LOG__LEVEL", "info"),
    ]);
    let (mut server, base) = serve("serve-1", dir.path(), &vars);
    let mut api = Api::register(&base).await;
    let mut channels = Vec::new();
    for i in 0..4 {
        channels.push(
            api.connect(
                serde_json::json!({"platform": "webhook", "url": recv.url(i), "format": "generic"}),
            )
            .await,
        );
    }
    let burst = burst(&api, &channels, 40, Duration::from_secs(4), "sqlite").await;
    let total = burst.keys.len();
    assert_eq!(total, 160);

    wait_received(&recv, 20).await;
    server.kill();
    let at_kill = recv.distinct_keys().len();
    assert!(
        at_kill < total,
        "everything arrived before the kill ({at_kill}); the test proves nothing"
    );
    eprintln!("sqlite: killed serve after {at_kill} of {total} keys arrived");

    // Requests the dead process had in flight may still land for a moment.
    tokio::time::sleep(RECEIVER_DELAY * 2).await;
    let before_restart = recv.deliveries().len();
    let restarted = std::time::Instant::now();
    let (_server2, base2) = serve("serve-2", dir.path(), &vars);
    let resumed = wait_for(
        "the first publish after the restart",
        RESUME_BOUND,
        || async { (recv.deliveries().len() > before_restart).then(std::time::Instant::now) },
    )
    .await;
    eprintln!(
        "sqlite: first publish {:.2} s after the restart (bound {RESUME_BOUND:?}; worker.lease_secs = 120)",
        (resumed - restarted).as_secs_f64()
    );
    api.base = base2;
    wait_all_published(&api, total).await;
    assert_exactly_once(&api, &recv, &burst, "sqlite").await;
}

/// PostgreSQL, an API-only `serve` and two `worker` processes: kill -9 one
/// worker mid-burst; the other takes over once the dead one's heartbeat is
/// old (`DEAD_AFTER`, 10 s), long before its 120 s leases would expire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_worker_killed_mid_burst_publishes_each_post_once() {
    let db = PgDb::create().await;
    let dir = tempfile::tempdir().unwrap();
    let recv = Receiver::start(RECEIVER_DELAY).await;
    let common = [
        ("LETSGROW__DATABASE__URL", db.url.as_str()),
        ("LETSGROW__NETWORK__ALLOW_PRIVATE", "true"),
        // Far longer than the settle bound: waiting for the dead worker's
        // leases to expire could not pass.
        ("LETSGROW__WORKER__LEASE_SECS", "120"),
        ("LETSGROW__WORKER__POLL_MS", "200"),
        ("LETSGROW__LOG__LEVEL", "info"),
    ];
    let mut api_only = common.to_vec();
    api_only.push(("LETSGROW__WORKER__ENABLED", "false"));
    let (_server, base) = serve("serve", dir.path(), &env(&api_only));
    // Three channels each: both workers are busy when one dies.
    let mut worker_env = common.to_vec();
    worker_env.push(("LETSGROW__WORKER__CONCURRENCY", "3"));
    let mut w1 = worker("worker-1", dir.path(), &env(&worker_env));
    let _w2 = worker("worker-2", dir.path(), &env(&worker_env));

    let api = Api::register(&base).await;
    let mut channels = Vec::new();
    for i in 0..6 {
        channels.push(
            api.connect(
                serde_json::json!({"platform": "webhook", "url": recv.url(i), "format": "generic"}),
            )
            .await,
        );
    }
    let burst = burst(&api, &channels, 30, Duration::from_secs(4), "postgres").await;
    let total = burst.keys.len();
    assert_eq!(total, 180);

    wait_received(&recv, 30).await;
    w1.kill();
    let at_kill = recv.distinct_keys().len();
    assert!(
        at_kill < total,
        "everything arrived before the kill ({at_kill}); the test proves nothing"
    );
    eprintln!("postgres: killed worker-1 after {at_kill} of {total} keys arrived");
    let killed = std::time::Instant::now();

    wait_all_published(&api, total).await;
    eprintln!(
        "postgres: every post published {:.2} s after the kill (worker.lease_secs = 120)",
        killed.elapsed().as_secs_f64()
    );
    assert_exactly_once(&api, &recv, &burst, "postgres").await;
}

/// The real Bluesky PDS (`peers/bluesky`): kill -9 `serve` while it is
/// creating records; after the restart every post's text is in the
/// account's repository exactly once (the deterministic record key lets the
/// publisher look an unconfirmed post up instead of re-creating it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_serve_killed_mid_burst_creates_each_record_once() {
    let pds = letsgrow_fakes::pds::start(&[]).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let vars = env(&[
        ("LETSGROW__NETWORK__ALLOW_PRIVATE", "true"),
        ("LETSGROW__WORKER__LEASE_SECS", "3"),
        ("LETSGROW__WORKER__POLL_MS", "200"),
        ("LETSGROW__LOG__LEVEL", "info"),
    ]);
    let (mut server, base) = serve("serve-1", dir.path(), &vars);
    let mut api = Api::register(&base).await;
    let pds_call = |nsid: &str, token: Option<String>, body: serde_json::Value| {
        let req = api
            .http
            .post(format!("{}/xrpc/{nsid}", pds.url))
            .json(&body);
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        async move {
            let r = req.send().await.unwrap();
            let status = r.status();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            assert!(status.is_success(), "{status} {v}");
            v
        }
    };
    let handle = format!(
        "crash{}x.test",
        &uuid::Uuid::new_v4().simple().to_string()[..6]
    );
    let account = pds_call(
        "com.atproto.server.createAccount",
        None,
        serde_json::json!({"handle": handle, "email": format!("{handle}@example.com"), "password": harness::PASSWORD}),
    )
    .await;
    let did = account["did"].as_str().unwrap().to_owned();
    let app_password = pds_call(
        "com.atproto.server.createAppPassword",
        account["accessJwt"].as_str().map(str::to_owned),
        serde_json::json!({"name": "letsgrow"}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let channel = api
        .connect(serde_json::json!({
            "platform": "bluesky", "identifier": handle, "app_password": app_password, "service_url": pds.url,
        }))
        .await;
    let texts = |records: &[serde_json::Value]| -> Vec<String> {
        records
            .iter()
            .map(|r| r["value"]["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let list = || {
        let url = format!(
            "{}/xrpc/com.atproto.repo.listRecords?repo={did}&collection=app.bsky.feed.post&limit=100",
            pds.url
        );
        let http = api.http.clone();
        async move {
            let v: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
            v["records"].as_array().cloned().unwrap_or_default()
        }
    };

    let burst = burst(
        &api,
        std::slice::from_ref(&channel),
        30,
        Duration::from_secs(4),
        "bluesky",
    )
    .await;
    let total = burst.keys.len();
    let at_kill = wait_for("the first records", Duration::from_secs(30), || async {
        let n = list().await.len();
        (n >= 3).then_some(n)
    })
    .await;
    server.kill();
    assert!(
        at_kill < total,
        "everything was published before the kill ({at_kill}); the test proves nothing"
    );
    eprintln!("bluesky: killed serve after {at_kill} of {total} records were created");

    let (_server2, base2) = serve("serve-2", dir.path(), &vars);
    api.base = base2;
    wait_all_published(&api, total).await;
    let records = list().await;
    let mut got = texts(&records);
    got.sort();
    let mut want: Vec<String> = (0..total)
        .map(|i| format!("crash test bluesky #{i}"))
        .collect();
    want.sort();
    assert_eq!(got, want, "each post exactly once in the repository");
    let mut reconciled = 0;
    for id in &burst.post_ids {
        let post = api.post(id).await;
        let t = &post["targets"][0];
        reconciled += usize::from(
            t["history"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["to"] == "unconfirmed"),
        );
        assert_eq!(t["state"], "published", "{post}");
        assert_eq!(
            t["history"].as_array().unwrap().last().unwrap()["to"],
            "published",
            "{post}"
        );
        assert!(t["url"].as_str().is_some_and(|u| !u.is_empty()), "{post}");
    }
    eprintln!(
        "bluesky: {reconciled} post(s) were in flight at the kill and reconciled after the restart"
    );
}

/// A PostgreSQL cluster of its own (initdb + pg_ctl on a free port), so a
/// test can restart it without touching the shared one.
struct PrivatePg {
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePg {
    fn as_postgres(args: &[&str]) -> std::process::Command {
        // initdb and the server refuse to run as root: run them as `postgres` then.
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let mut c = if root {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).args(args);
            c
        } else {
            let mut c = std::process::Command::new(args[0]);
            c.args(&args[1..]);
            c
        };
        c.stdout(std::process::Stdio::null());
        c
    }

    fn run(args: &[&str]) {
        let out = Self::as_postgres(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_str().unwrap().to_owned()
    }

    fn options(&self) -> String {
        format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off",
            self.port,
            self.dir.path().display()
        )
    }

    fn start() -> PrivatePg {
        let dir = tempfile::tempdir().unwrap();
        let _ = std::process::Command::new("chown")
            .args(["-R", "postgres", dir.path().to_str().unwrap()])
            .status();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = PrivatePg { dir, port };
        let data = pg.data();
        Self::run(&[
            "initdb",
            "-D",
            &data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        Self::run(&[
            "pg_ctl",
            "-D",
            &data,
            "-o",
            &pg.options(),
            "-w",
            "-l",
            &format!("{data}.log"),
            "start",
        ]);
        pg
    }

    /// `pg_ctl stop -m immediate` (every connection cut, as in a crash),
    /// `down` with the database gone, then start again.
    fn crash_and_restart(&self, down: Duration) {
        let data = self.data();
        Self::run(&["pg_ctl", "-D", &data, "-m", "immediate", "stop"]);
        std::thread::sleep(down);
        let log = format!("{data}.log");
        Self::run(&[
            "pg_ctl",
            "-D",
            &data,
            "-o",
            &self.options(),
            "-w",
            "-l",
            &log,
            "start",
        ]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ =
            Self::as_postgres(&["pg_ctl", "-D", &self.data(), "-m", "immediate", "stop"]).status();
    }
}

/// PostgreSQL killed (`-m immediate`) mid-burst under a live `serve` and back
/// 2 s later: the
/// worker keeps trying to record what it sent and gives its leases back the
/// moment the database is back, so nothing waits for a lease to expire
/// (120 s here): p99 lateness stays within 5 s, and each post goes out once
/// per key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_mid_burst_resumes_at_once() {
    let pg = PrivatePg::start();
    let url = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let recv = Receiver::start(RECEIVER_DELAY).await;
    let vars = env(&[
        ("LETSGROW__DATABASE__URL", url.as_str()),
        ("LETSGROW__NETWORK__ALLOW_PRIVATE", "true"),
        ("LETSGROW__WORKER__LEASE_SECS", "120"),
        ("LETSGROW__WORKER__POLL_MS", "200"),
        ("LETSGROW__WORKER__CONCURRENCY", "20"),
        ("LETSGROW__LOG__LEVEL", "info"),
    ]);
    let (_server, base) = serve("serve", dir.path(), &vars);
    let api = Api::register(&base).await;
    let mut channels = Vec::new();
    for i in 0..20 {
        channels.push(
            api.connect(
                serde_json::json!({"platform": "webhook", "url": recv.url(i), "format": "generic"}),
            )
            .await,
        );
    }
    let burst = burst(&api, &channels, 6, Duration::from_secs(4), "pg-restart").await;
    let total = burst.keys.len();
    assert_eq!(total, 120);

    wait_received(&recv, 30).await;
    let restarted = std::time::Instant::now();
    // Down for 2 s: sends in flight complete meanwhile, and their outcomes
    // can only be recorded once it is back.
    pg.crash_and_restart(Duration::from_secs(2));
    let at_restart = recv.distinct_keys().len();
    eprintln!(
        "pg-restart: PostgreSQL back {:.2} s after the crash; {at_restart} of {total} keys had arrived",
        restarted.elapsed().as_secs_f64()
    );
    assert!(
        at_restart < total,
        "everything arrived before the restart; the test proves nothing"
    );

    wait_all_published(&api, total).await;
    assert_exactly_once(&api, &recv, &burst, "pg-restart").await;
    let mut late: Vec<f64> = api
        .posts()
        .await
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .map(|t| {
            let at =
                |k: &str| chrono::DateTime::parse_from_rfc3339(t[k].as_str().unwrap()).unwrap();
            (at("published_at") - at("scheduled_at")).as_seconds_f64()
        })
        .collect();
    late.sort_by(f64::total_cmp);
    let p99 = late[(late.len() * 99).div_ceil(100) - 1];
    let max = late[late.len() - 1];
    eprintln!("pg-restart: lateness p99 {p99:.2} s, max {max:.2} s (worker.lease_secs = 120)");
    assert!(
        p99 <= 5.0,
        "p99 lateness {p99:.2} s across the restart (max {max:.2} s)"
    );
}
