//! `spawn_app()`: a real server on 127.0.0.1:0 over a fresh database.

use base64::Engine;
use letsgrow_config::{Config, Secret};
use letsgrow_db::Db;
use serde_json::{Value, json};

pub const SIGNING_KEY: [u8; 48] = *b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL";
pub const PASSWORD: &str = "correct-horse-battery";

pub fn pg_admin_url() -> String {
    std::env::var("LETSGROW_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn redis_url() -> String {
    std::env::var("LETSGROW_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Drops the per-test PostgreSQL database when the test ends, pass or fail.
pub struct PgGuard {
    name: String,
}

impl Drop for PgGuard {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
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

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    _data_dir: tempfile::TempDir,
    _pg: Option<PgGuard>,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    /// The app's state (database, services) for tests that look inside.
    pub state: letsgrow_server::state::AppState,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.server.data_dir = data_dir.path().to_path_buf();
    config.server.port = 0;
    config.auth.signing_key = Some(Secret::new(
        base64::engine::general_purpose::STANDARD.encode(SIGNING_KEY),
    ));
    let mut pg = None;
    if backend == Backend::Postgres {
        use sqlx::Connection;
        let name = format!("lg_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
            .await
            .expect("PostgreSQL at 127.0.0.1:5432");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        let base = pg_admin_url();
        let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
        config.database.url = Some(Secret::new(url));
        pg = Some(PgGuard { name });
    }
    tweak(&mut config);
    // Bind first (the server accepts as soon as this returns), so a test can
    // ask for the server's own address as its public URL with `public_url = "auto"`.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if config.server.public_url.as_deref() == Some("auto") {
        config.server.public_url = Some(format!("http://{addr}"));
    }
    let secrets = letsgrow_config::load_or_create_secrets(&config).unwrap();
    let db = Db::connect(
        config.database.url.as_ref().map(|u| u.expose()),
        &config.server.data_dir,
        5,
    )
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let state = letsgrow_server::build_state(config, &secrets, db.clone())
        .await
        .unwrap();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    if state.config.worker.enabled {
        // Like `letsgrow serve`: the scheduler and workers run in-process.
        tokio::spawn(
            letsgrow_app::publisher::Publisher::new(state.publisher_deps())
                .run(stopped(rx.clone())),
        );
    }
    tokio::spawn(letsgrow_server::serve(listener, state.clone(), stopped(rx)));
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        backend,
        _data_dir: data_dir,
        _pg: pg,
        shutdown: Some(tx),
        state,
    }
}

impl TestApp {
    /// Uploads `bytes` to the media library as `filename`; the server's answer.
    pub async fn upload_media(
        &self,
        token: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> serde_json::Value {
        self.client
            .post(self.url(&format!("/api/v1/media?filename={filename}")))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Registers `email` and returns the auth response body.
    pub async fn register(&self, email: &str) -> Value {
        let r = self
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), 201, "register {email}");
        r.json().await.unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }
}

/// Asserts the error envelope and returns it.
pub async fn expect_error(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(
        resp.status().as_u16(),
        status,
        "status for expected `{code}`"
    );
    assert!(
        resp.headers().get("x-request-id").is_some(),
        "every response has a request id"
    );
    let body: Value = resp.json().await.expect("error body is JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["details"].is_object(), "{body}");
    body
}

/// Runs one async test body against both backends: `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await;
                }
            )*
        }
    };
}
