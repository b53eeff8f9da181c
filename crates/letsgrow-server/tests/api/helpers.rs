//! `spawn_app()`: a real server on 127.0.0.1:0 over a fresh database.

use base64::Engine;
use letsgrow_config::{Config, Secret};
use letsgrow_db::Db;
use serde_json::{Value, json};

pub const SIGNING_KEY: [u8; 48] = *b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL";
pub const PASSWORD: &str = "correct-horse-battery";
/// Every test app serves `/metrics` to this bearer token.
pub const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

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
    config.server.metrics_token = Some(Secret::new(METRICS_TOKEN.to_owned()));
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
        let tasks = std::sync::Arc::new(state.task_runner());
        tokio::spawn(tasks.run(state.jobs_wake.clone(), stopped(rx.clone())));
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

    /// GET as the user, the body as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.get_auth(path, token).await.json().await.unwrap()
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

/// CRC-32 as PNG uses it.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for p in parts {
        for b in *p {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
    }
    !c
}

/// A structurally complete PNG of `w`×`h` (one IDAT chunk), plus `extra`
/// chunks (type, data) before the image data.
pub fn png(w: u32, h: u32, extra: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    }
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut p, b"IHDR", &ihdr);
    for (kind, data) in extra {
        chunk(&mut p, *kind, data);
    }
    chunk(&mut p, b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1]);
    chunk(&mut p, b"IEND", &[]);
    p
}

/// A baseline JPEG of `w`×`h` as a phone camera writes one: JFIF, then an
/// APP1 Exif segment whose TIFF structure has IFD0 (Make, Model, a GPS IFD
/// pointer) and a GPS IFD with latitude/longitude (52°31'12" N, 13°24'36" E),
/// an XMP packet with the location again, tables, the frame, one scan and EOI.
pub fn phone_jpeg(w: u16, h: u16) -> Vec<u8> {
    fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(body);
    }
    // TIFF, little endian. IFD0 at 8: 3 entries; GPS IFD after it: 4 entries.
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 4 * 12 + 4;
    let data_at = gps_at + gps_len;
    let make = b"PhoneCo\0";
    let model = b"Pocket 9\0";
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    let at = |n: usize| u32::try_from(n).unwrap();
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, at(make.len()), at(data_at));
    entry(&mut t, 0x0110, 2, at(model.len()), at(data_at + make.len()));
    entry(&mut t, 0x8825, 4, 1, at(gps_at));
    t.extend_from_slice(&0u32.to_le_bytes());
    let lat_at = data_at + make.len() + model.len();
    let lon_at = lat_at + 24;
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, at(lat_at));
    entry(&mut t, 0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0"));
    entry(&mut t, 0x0004, 5, 3, at(lon_at));
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(make);
    t.extend_from_slice(model);
    for (num, den) in [(52u32, 1u32), (31, 1), (12, 1), (13, 1), (24, 1), (36, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&t);

    let mut j = vec![0xFF, 0xD8];
    segment(&mut j, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    segment(&mut j, 0xE1, &exif);
    segment(
        &mut j,
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude=\"52,31.2N\" exif:GPSLongitude=\"13,24.6E\"/></x:xmpmeta>",
    );
    let mut dqt = vec![0u8];
    dqt.extend_from_slice(&[1u8; 64]);
    segment(&mut j, 0xDB, &dqt);
    let mut sof = vec![8u8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.extend_from_slice(&[1, 1, 0x11, 0]);
    segment(&mut j, 0xC0, &sof);
    let mut dht = vec![0x00];
    dht.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    segment(&mut j, 0xC4, &dht);
    segment(&mut j, 0xDA, &[1, 1, 0, 0, 0x3F, 0]);
    j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0x56]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// `phone_jpeg` without its metadata: what a plain JPEG export looks like.
pub fn jpeg(w: u16, h: u16) -> Vec<u8> {
    let full = phone_jpeg(w, h);
    let mut out = vec![0xFF, 0xD8];
    let mut i = 2;
    while full[i + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([full[i + 2], full[i + 3]]));
        if full[i + 1] != 0xE1 {
            out.extend_from_slice(&full[i..i + 2 + len]);
        }
        i += 2 + len;
    }
    out.extend_from_slice(&full[i..]);
    out
}

/// Whether `needle` occurs in `hay`.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
