//! Contract checking for providers whose platform publishes an OpenAPI spec
//! (X, Mastodon): a validating tee between the provider and a stateful peer.
//!
//! Every request the provider sends goes first to Prism (`prism mock
//! --errors <spec>`), which answers 422 with an `sl-violations` header when
//! the request breaks the spec; the tee records such a violation and answers
//! 422 itself, so the scenario fails. Valid requests then go to the stateful
//! peer, whose answer the provider gets. Prism's own (stateless) answers are
//! only used for forced 429s (`Prefer: code=429`), which the tee arms per
//! test: the provider's code has no test hook.
//!
//! Prism runs from `peers/x/node_modules/.bin/prism` (`peers/x/install.sh`),
//! one per peer; the specs are read from `../shared/specs/` ([`spec`]).
//! Used by the provider behaviour suite and by the server's publishing tests.

// A test harness: a broken invariant should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path of one of the platform specs in `../shared/specs/`.
pub fn spec(file: &str) -> String {
    format!(
        "{}/../../../shared/specs/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Prism validating against `spec` in front of `backend`: the tee's URL is the
/// platform's base URL for the provider. Blocks until Prism listens (≤ 90 s).
pub async fn checked(spec: String, backend: &str, cfg: TeeConfig) -> (Prism, Tee) {
    let prism = tokio::task::spawn_blocking(move || Prism::start(&spec))
        .await
        .expect("Prism start-up panicked");
    let tee = Tee::start(&prism.url, backend, cfg).await;
    (prism, tee)
}

/// A running Prism; dropping it stops the process.
pub struct Prism {
    child: Child,
    pub url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Spawns a process and waits (≤ 90 s) for a line containing `ready` on
/// stdout or stderr; both pipes are drained for the process's lifetime.
pub fn spawn_until(mut cmd: Command, ready: &'static str, what: &str) -> Child {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {what}: {e}"));
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
    let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
    for pipe in [out, err] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut tail = std::collections::VecDeque::new();
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                if line.contains(ready) {
                    let _ = tx.send(String::new());
                }
                tail.push_back(line);
                if tail.len() > 20 {
                    tail.pop_front();
                }
            }
            let _ = tx.send(tail.into_iter().collect::<Vec<_>>().join("\n"));
        });
    }
    match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(s) if s.is_empty() => child,
        Ok(tail) => {
            let _ = child.kill();
            panic!("{what} exited before it was ready:\n{tail}")
        }
        Err(_) => {
            let _ = child.kill();
            panic!("{what} was not ready within 90 s")
        }
    }
}

impl Prism {
    pub fn start(spec: &str) -> Prism {
        let bin = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../peers/x/node_modules/.bin/prism"
        );
        assert!(
            std::path::Path::new(bin).exists(),
            "Prism is not installed: run peers/x/install.sh"
        );
        let port = free_port();
        let mut cmd = Command::new(bin);
        cmd.args([
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
            spec,
        ]);
        let child = spawn_until(cmd, "Prism is listening", "Prism");
        Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A 429 the tee forces through Prism for one request.
struct Force {
    method: Method,
    path: String,
    token: String,
    headers: Vec<(String, String)>,
}

pub struct TeeConfig {
    /// Paths (prefixes) the spec does not describe; not validated.
    pub unvalidated: Vec<&'static str>,
    /// Paths whose JSON body the peer only reads as a form (a peer's gap).
    pub json_as_form: Vec<&'static str>,
    /// Known spec defects: (method, path) where a `oneOf` that matches more
    /// than one branch is accepted if the body minus `field` validates.
    pub one_of_relax: Vec<(Method, &'static str, &'static str)>,
}

struct TeeState {
    prism: String,
    backend: String,
    http: reqwest::Client,
    cfg: TeeConfig,
    forced: Mutex<Vec<Force>>,
    violations: Mutex<Vec<String>>,
    validated: Mutex<BTreeMap<String, usize>>,
}

pub struct Tee {
    pub url: String,
    state: Arc<TeeState>,
}

impl Tee {
    /// The process must have a rustls crypto provider installed (building the
    /// provider registry or the app does that).
    pub async fn start(prism: &str, backend: &str, cfg: TeeConfig) -> Tee {
        let state = Arc::new(TeeState {
            prism: prism.to_owned(),
            backend: backend.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cfg,
            forced: Mutex::default(),
            violations: Mutex::default(),
            validated: Mutex::default(),
        });
        let app = axum::Router::new().fallback(tee).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Tee { url, state }
    }

    /// The next `method path` request with this bearer token (any token when
    /// `token` is empty) gets Prism's 429 plus `headers` (the platform's
    /// reset headers, which the specs omit).
    pub fn force_429(
        &self,
        method: Method,
        path: &str,
        token: &str,
        headers: Vec<(String, String)>,
    ) {
        self.state.forced.lock().unwrap().push(Force {
            method,
            path: path.to_owned(),
            token: token.to_owned(),
            headers,
        });
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.violations.lock().unwrap().clone()
    }

    /// Validated requests by `METHOD /path` (ids replaced by `{id}`).
    pub fn validated(&self) -> BTreeMap<String, usize> {
        self.state.validated.lock().unwrap().clone()
    }
}

fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.len() > 1 && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(
    st: &TeeState,
    base: &str,
    method: &Method,
    path_q: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    let mut req = st.http.request(method.clone(), format!("{base}{path_q}"));
    for (k, v) in headers {
        if k != "host" && k != "content-length" {
            req = req.header(k, v);
        }
    }
    req.body(body).send().await.unwrap()
}

/// The request-side violations Prism reported, if any.
fn request_violations(resp: &reqwest::Response) -> Vec<Value> {
    resp.headers()
        .get("sl-violations")
        .and_then(|v| serde_json::from_slice::<Vec<Value>>(v.as_bytes()).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|v| v["location"][0] == "request")
        .collect()
}

async fn tee(State(st): State<Arc<TeeState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let path_q = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let mut headers = parts.headers.clone();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let key = format!("{method} {}", template(&path));

    let forced = {
        let mut f = st.forced.lock().unwrap();
        f.iter()
            .position(|x| {
                x.method == method && x.path == path && (x.token.is_empty() || x.token == token)
            })
            .map(|i| f.remove(i))
    };
    let validate = !st.cfg.unvalidated.iter().any(|p| path.starts_with(p));
    if validate || forced.is_some() {
        if forced.is_some() {
            headers.insert("prefer", HeaderValue::from_static("code=429"));
        }
        let mut resp = send(&st, &st.prism, &method, &path_q, &headers, body.clone()).await;
        let mut bad = request_violations(&resp);
        let relax = st
            .cfg
            .one_of_relax
            .iter()
            .find(|(m, p, _)| *m == method && *p == path);
        if let (Some((_, _, field)), [only]) = (relax, bad.as_slice())
            && only["code"] == "oneOf"
            && let Ok(mut v) = serde_json::from_slice::<Value>(&body)
        {
            // The spec's oneOf branches overlap (e.g. TextStatus and
            // MediaStatus both match a status with text and media): check
            // the body against the narrower branch alone.
            v.as_object_mut().unwrap().remove(*field);
            let again = send(
                &st,
                &st.prism,
                &method,
                &path_q,
                &headers,
                v.to_string().into(),
            )
            .await;
            bad = request_violations(&again);
            // A forced answer is the one for the body Prism accepted.
            resp = again;
        }
        if !bad.is_empty() {
            let msg = format!("{key}: {}", Value::Array(bad));
            if headers.contains_key("x-contract-probe") {
                // A test checking that the tee refuses bad requests.
                return (StatusCode::UNPROCESSABLE_ENTITY, msg).into_response();
            }
            eprintln!("CONTRACT VIOLATION {msg}");
            st.violations.lock().unwrap().push(msg.clone());
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                [("sl-violations", "1")],
                msg,
            )
                .into_response();
        }
        if validate {
            *st.validated.lock().unwrap().entry(key).or_default() += 1;
        }
        if let Some(force) = forced {
            let status = StatusCode::from_u16(resp.status().as_u16()).unwrap();
            let ct = resp.headers().get("content-type").cloned();
            let bytes = resp.bytes().await.unwrap();
            let mut out = (status, bytes).into_response();
            if let Some(ct) = ct {
                out.headers_mut().insert(
                    "content-type",
                    HeaderValue::from_bytes(ct.as_bytes()).unwrap(),
                );
            }
            for (k, v) in force.headers {
                out.headers_mut().insert(
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(&v).unwrap(),
                );
            }
            return out;
        }
    }

    let mut body = body;
    if st.cfg.json_as_form.contains(&path.as_str())
        && let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&body)
    {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in m {
            form.append_pair(&k, v.as_str().unwrap_or_default());
        }
        body = form.finish().into();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
    }
    let resp = send(&st, &st.backend, &method, &path_q, &headers, body).await;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap();
    let mut out_headers = HeaderMap::new();
    for (k, v) in resp.headers() {
        if k != "content-length" && k != "transfer-encoding" && k != "connection" {
            out_headers.insert(
                HeaderName::from_bytes(k.as_str().as_bytes()).unwrap(),
                HeaderValue::from_bytes(v.as_bytes()).unwrap(),
            );
        }
    }
    let bytes = resp.bytes().await.unwrap();
    (status, out_headers, bytes).into_response()
}
