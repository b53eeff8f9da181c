//! What the crash tests drive: `letsgrow serve` / `letsgrow worker` child
//! processes (killed when their guard drops, so a failing test leaves nothing
//! running), a slow webhook receiver that records every delivery, a small API
//! client, and a per-test PostgreSQL database.

use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "correct-horse-battery";

/// Polls `f` every 100 ms until it returns `Some`, or panics after `limit` naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let until = Instant::now() + limit;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            Instant::now() < until,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---------------------------------------------------------------------------
// Child processes

/// A `letsgrow` child process; SIGKILLed when dropped. Its stderr goes to
/// `log`, printed when the test panics.
pub struct Proc {
    pub name: String,
    child: Option<Child>,
    log: PathBuf,
}

impl Proc {
    /// Starts `letsgrow <args>` with `env` and waits (30 s) for a stdout line
    /// containing `ready`; returns the guard and that line.
    pub fn start(
        name: &str,
        args: &[&str],
        env: &[(&str, String)],
        log_dir: &Path,
        ready: &str,
    ) -> (Proc, String) {
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut cmd = crate::letsgrow();
        cmd.args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(file));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let needle = ready.to_owned();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && line.contains(&needle) {
                    let _ = tx.send(line);
                    sent = true;
                }
            }
        });
        let mut p = Proc {
            name: name.to_owned(),
            child: Some(child),
            log,
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => (p, line),
            Err(_) => {
                p.kill();
                panic!(
                    "{name} did not print {ready:?} within 30 s:\n{}",
                    p.log_text()
                );
            }
        }
    }

    /// `kill -9`: no chance to finish anything in flight.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let text = self.log_text();
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!(
                "--- last lines of {} ({}) ---",
                self.name,
                self.log.display()
            );
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}

/// Starts `letsgrow serve --port 0 --data-dir <dir>`; returns the guard and its base URL.
pub fn serve(name: &str, dir: &Path, env: &[(&str, String)]) -> (Proc, String) {
    let dir_s = dir.to_str().unwrap();
    let (p, line) = Proc::start(
        name,
        &["serve", "--port", "0", "--data-dir", dir_s],
        env,
        dir,
        "listening on http://",
    );
    let base = line[line.find("http://").unwrap()..].trim().to_owned();
    (p, base)
}

/// Starts `letsgrow worker --data-dir <dir>`.
pub fn worker(name: &str, dir: &Path, env: &[(&str, String)]) -> Proc {
    let dir_s = dir.to_str().unwrap();
    Proc::start(
        name,
        &["worker", "--data-dir", dir_s],
        env,
        dir,
        "worker started",
    )
    .0
}

// ---------------------------------------------------------------------------
// The webhook receiver

#[derive(Clone, Debug)]
pub struct Delivery {
    pub key: String,
    pub text: String,
}

#[derive(Clone)]
struct RecvState {
    log: Arc<Mutex<Vec<Delivery>>>,
    delay: Duration,
}

/// Records every delivery when it arrives (before answering), then answers
/// `200 {"id"}` after `delay`, so a kill lands while requests are in flight.
pub struct Receiver {
    addr: std::net::SocketAddr,
    log: Arc<Mutex<Vec<Delivery>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Receiver {
    pub async fn start(delay: Duration) -> Receiver {
        let log = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new()
            .route("/hook/{n}", axum::routing::post(hook))
            .with_state(RecvState {
                log: log.clone(),
                delay,
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Receiver {
            addr,
            log,
            _stop: tx,
        }
    }

    pub fn url(&self, n: usize) -> String {
        format!("http://{}/hook/{n}", self.addr)
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log.lock().unwrap().clone()
    }

    pub fn distinct_keys(&self) -> BTreeSet<String> {
        self.deliveries().into_iter().map(|d| d.key).collect()
    }

    /// How many times each key arrived.
    pub fn key_counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for d in self.deliveries() {
            *m.entry(d.key).or_insert(0) += 1;
        }
        m
    }
}

async fn hook(
    State(s): State<RecvState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::Json<Value> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["text"].as_str().map(str::to_owned))
        .unwrap_or_default();
    s.log.lock().unwrap().push(Delivery {
        key: key.clone(),
        text,
    });
    tokio::time::sleep(s.delay).await;
    axum::Json(json!({ "id": format!("recv-{key}") }))
}

// ---------------------------------------------------------------------------
// The API

/// A logged-in API client. The base URL can change (a restarted server picks a new port).
pub struct Api {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Api {
    /// Registers a fresh account on `base`.
    pub async fn register(base: &str) -> Api {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let email = format!("crash-{}@example.com", uuid::Uuid::new_v4().simple());
        let r = http
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "register: {v}");
        Api {
            base: base.to_owned(),
            token: v["access_token"].as_str().unwrap().to_owned(),
            http,
        }
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Connects a channel; returns its id.
    pub async fn connect(&self, body: Value) -> String {
        let (status, v) = self
            .call(reqwest::Method::POST, "/api/v1/channels", Some(body))
            .await;
        assert_eq!(status, 201, "connect: {v}");
        v["channel"]["id"].as_str().unwrap().to_owned()
    }

    /// Schedules one single-part post at `at` on `channels`; returns the created post.
    pub async fn schedule(
        &self,
        channels: &[String],
        text: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Value {
        let body = json!({
            "channel_ids": channels,
            "content": {"parts": [{"text": text}]},
            "schedule": {"mode": "at", "at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)},
            "allow_duplicate": true,
        });
        let (status, v) = self
            .call(reqwest::Method::POST, "/api/v1/posts", Some(body))
            .await;
        assert_eq!(status, 201, "create post: {v}");
        v
    }

    pub async fn post(&self, id: &str) -> Value {
        let (status, v) = self
            .call(reqwest::Method::GET, &format!("/api/v1/posts/{id}"), None)
            .await;
        assert_eq!(status, 200, "get post {id}: {v}");
        v
    }

    /// Every post of the account (up to 1000), with their targets.
    pub async fn posts(&self) -> Vec<Value> {
        let (status, v) = self
            .call(reqwest::Method::GET, "/api/v1/posts?limit=1000", None)
            .await;
        assert_eq!(status, 200, "list posts: {v}");
        v.as_array().unwrap().clone()
    }

    /// Target states across every post: state → count.
    pub async fn target_states(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for p in self.posts().await {
            for t in p["targets"].as_array().unwrap() {
                *m.entry(t["state"].as_str().unwrap().to_owned())
                    .or_insert(0) += 1;
            }
        }
        m
    }
}

/// The Idempotency-Key of each target of `post` (single-part: `<target id>-0`).
pub fn keys_of(post: &Value) -> Vec<String> {
    post["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}-0", t["id"].as_str().unwrap()))
        .collect()
}

// ---------------------------------------------------------------------------
// PostgreSQL

pub fn pg_admin_url() -> String {
    std::env::var("LETSGROW_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database on the test server, dropped (forcibly) with the guard.
pub struct PgDb {
    name: String,
    pub url: String,
}

impl PgDb {
    pub async fn create() -> PgDb {
        use sqlx::Connection;
        let name = format!(
            "letsgrow_crash_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let mut c = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut c)
            .await
            .unwrap();
        let admin = pg_admin_url();
        let server = &admin[..admin.rfind('/').unwrap()];
        PgDb {
            url: format!("{server}/{name}"),
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                }
            });
        })
        .join();
    }
}
