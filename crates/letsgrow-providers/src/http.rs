//! The one outbound HTTP client every provider uses.
//!
//! - Connect and overall timeouts, a descriptive User-Agent
//!   (`LetsGrow/<version> (+self-hosted)`).
//! - Base URLs come from configuration or from the channel (tests point them at
//!   local peers); nothing here hardcodes a host.
//! - User-supplied destinations are guarded (see [`guard`]): private, loopback,
//!   link-local, unique-local and unspecified addresses are refused unless
//!   `allow_private` is set (`LETSGROW__NETWORK__ALLOW_PRIVATE=true`). Redirects
//!   are never followed, so a redirect cannot lead past the guard.
//! - No proxy support is compiled in (a proxy would bypass the guard).
//! - TLS is rustls with the ring provider, installed once per process.

pub mod guard;

use crate::ProviderError;
use std::sync::Arc;
use std::time::Duration;

pub use guard::GuardError;

/// The default User-Agent.
pub const USER_AGENT: &str = concat!("LetsGrow/", env!("CARGO_PKG_VERSION"), " (+self-hosted)");

/// Network settings shared by every provider.
#[derive(Debug, Clone)]
pub struct NetworkOptions {
    /// Allow private/loopback/link-local destinations (tests, LAN-only setups).
    pub allow_private: bool,
    /// Time to establish a TCP (+TLS) connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, response body included.
    pub timeout: Duration,
    pub user_agent: String,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            allow_private: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: USER_AGENT.to_owned(),
        }
    }
}

/// The client could not be built (TLS initialisation).
#[derive(Debug, thiserror::Error)]
#[error("could not build the outbound HTTP client: {0}")]
pub struct BuildError(String);

/// A request that did not produce an HTTP response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// The guard refused the destination.
    #[error(transparent)]
    Blocked(#[from] GuardError),
    /// Nothing was sent (DNS failure, refused connection, connect timeout, TLS handshake).
    #[error("{0}")]
    Connect(String),
    /// The request may have reached the server (timeout or broken connection after sending).
    #[error("{0}")]
    AfterSend(String),
    /// The request could not be built; nothing was sent.
    #[error("{0}")]
    Build(String),
}

impl SendError {
    /// The default classification: refused destinations are permanent, the rest transient.
    pub fn into_provider_error(self, what: &str) -> ProviderError {
        match self {
            SendError::Blocked(g) => ProviderError::permanent(g.to_string()),
            SendError::Build(m) => ProviderError::permanent(format!("{what}: {m}")),
            SendError::Connect(m) => ProviderError::Transient {
                message: format!("{what}: {m}"),
                maybe_delivered: false,
            },
            SendError::AfterSend(m) => ProviderError::Transient {
                message: format!("{what}: {m}"),
                maybe_delivered: true,
            },
        }
    }
}

/// The shared client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    allow_private: bool,
}

fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider was installed first (by the binary); keep it.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl HttpClient {
    pub fn new(opts: &NetworkOptions) -> Result<Self, BuildError> {
        install_crypto_provider();
        let inner = reqwest::Client::builder()
            .user_agent(opts.user_agent.clone())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(guard::GuardedResolver {
                allow_private: opts.allow_private,
            }))
            .build()
            .map_err(|e| BuildError(e.to_string()))?;
        Ok(HttpClient {
            inner,
            allow_private: opts.allow_private,
        })
    }

    pub fn allow_private(&self) -> bool {
        self.allow_private
    }

    /// Starts a request (send it with [`HttpClient::send`]).
    pub fn request(&self, method: reqwest::Method, url: url::Url) -> reqwest::RequestBuilder {
        self.inner.request(method, url)
    }

    /// Resolves and checks a user-supplied URL without sending anything.
    pub async fn check_url(&self, url: &url::Url) -> Result<(), GuardError> {
        check_scheme(url)?;
        guard::check_url(url, self.allow_private).await
    }

    /// Sends a request through the guard and classifies transport failures.
    /// Error messages never contain the URL (webhook URLs carry tokens).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, SendError> {
        let req = req
            .build()
            .map_err(|e| SendError::Build(e.without_url().to_string()))?;
        check_scheme(req.url())?;
        guard::check_literal(req.url(), self.allow_private)?;
        self.inner.execute(req).await.map_err(classify)
    }
}

/// How a provider names and shapes a base URL the user types (a Bluesky
/// PDS, a Mastodon instance).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseUrl {
    /// The connect input it came in (`service_url`, `instance_url`).
    pub field: &'static str,
    /// "PDS URL", "instance URL".
    pub noun: &'static str,
    /// Only the server: no path (Mastodon lives at the root).
    pub server_only: bool,
    /// What to say when the URL has a query or fragment (or a path when `server_only`).
    pub shape: &'static str,
    /// "the Bluesky PDS at", "the Mastodon instance": what could not be reached.
    pub server: &'static str,
    /// Appended to the could-not-reach message ("; check the PDS URL").
    pub hint: &'static str,
}

impl HttpClient {
    /// Normalises a user-typed base URL (`https://` is assumed when no
    /// scheme is given; no trailing slash) and checks it with the guard:
    /// a refused or malformed destination is `InvalidInput` on `rule.field`,
    /// a name that does not resolve is `Transient`.
    pub(crate) async fn user_base_url(
        &self,
        raw: &str,
        rule: BaseUrl,
    ) -> Result<String, ProviderError> {
        let with_scheme = if raw.contains("://") {
            raw.to_owned()
        } else {
            format!("https://{raw}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|e| {
            ProviderError::invalid_input(
                rule.field,
                format!("{raw:?} is not a valid {}: {e}", rule.noun),
            )
        })?;
        if url.query().is_some()
            || url.fragment().is_some()
            || (rule.server_only && url.path() != "/")
        {
            return Err(ProviderError::invalid_input(rule.field, rule.shape));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        match self.check_url(&url).await {
            Ok(()) => Ok(base),
            Err(e @ (GuardError::Blocked { .. } | GuardError::BadUrl(_))) => {
                Err(ProviderError::invalid_input(rule.field, e.to_string()))
            }
            Err(e @ GuardError::Resolve { .. }) => Err(ProviderError::transient(format!(
                "could not reach {} {base}: {e}{}",
                rule.server, rule.hint
            ))),
        }
    }
}

fn check_scheme(url: &url::Url) -> Result<(), GuardError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(GuardError::BadUrl(format!(
            "unsupported URL scheme {other:?}: use https:// or http://"
        ))),
    }
}

fn classify(e: reqwest::Error) -> SendError {
    if let Some(g) = guard::find_guard_error(&e) {
        return SendError::Blocked(g);
    }
    let e = e.without_url();
    let text = describe(&e);
    if e.is_connect() {
        SendError::Connect(text)
    } else if e.is_builder() {
        SendError::Build(text)
    } else {
        // Timeouts after connecting, broken connections, unreadable bodies: the
        // request may have been processed.
        SendError::AfterSend(text)
    }
}

/// The error and its causes, e.g. "error sending request: connection refused".
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_owned()
    } else {
        e.to_string()
    };
    let mut cur = std::error::Error::source(e);
    let mut last = String::new();
    while let Some(s) = cur {
        let t = s.to_string();
        if !t.is_empty() && t != last && !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        last = t;
        cur = s.source();
    }
    out
}

/// The delay a 429 asks for: `Retry-After` (seconds or an HTTP date), else
/// `RateLimit-Reset` / `X-RateLimit-Reset` (unix seconds, or a delta when small).
pub fn retry_after(headers: &reqwest::header::HeaderMap, now_unix: i64) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(secs));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
            return Some(Duration::from_secs(
                u64::try_from(at.timestamp() - now_unix).unwrap_or(0),
            ));
        }
    }
    for name in ["ratelimit-reset", "x-ratelimit-reset"] {
        if let Some(v) = get(name).and_then(|v| v.parse::<i64>().ok()) {
            // Values below ~10 years in seconds are deltas (draft RateLimit headers).
            let delta = if v > 315_360_000 { v - now_unix } else { v };
            return Some(Duration::from_secs(u64::try_from(delta).unwrap_or(0)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_prefers_retry_after_then_reset() {
        let now = 1_800_000_000;
        assert_eq!(
            retry_after(&headers(&[("retry-after", "289")]), now),
            Some(Duration::from_secs(289))
        );
        assert_eq!(
            retry_after(
                &headers(&[("ratelimit-reset", &(now + 120).to_string())]),
                now
            ),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers(&[("ratelimit-reset", "30")]), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(
                &headers(&[
                    ("retry-after", "7"),
                    ("ratelimit-reset", &(now + 120).to_string())
                ]),
                now
            ),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after(&headers(&[]), now), None);
        let date = chrono::DateTime::from_timestamp(now + 60, 0)
            .unwrap()
            .to_rfc2822();
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn user_agent_is_descriptive() {
        assert!(USER_AGENT.starts_with("LetsGrow/0."));
        assert!(USER_AGENT.ends_with(" (+self-hosted)"));
    }

    fn client(allow_private: bool, timeout_ms: u64) -> HttpClient {
        HttpClient::new(&NetworkOptions {
            allow_private,
            timeout: Duration::from_millis(timeout_ms),
            ..NetworkOptions::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn the_guard_refuses_before_connecting() {
        let c = client(false, 2_000);
        let url = url::Url::parse("http://127.0.0.1:9/x").unwrap();
        let err = c
            .send(c.request(reqwest::Method::GET, url))
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            SendError::Blocked(GuardError::Blocked {
                reason: "loopback",
                ..
            })
        ));
        // A name that resolves to loopback is refused by the resolver.
        let url = url::Url::parse("http://localhost:9/x").unwrap();
        let err = c
            .send(c.request(reqwest::Method::GET, url))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                SendError::Blocked(GuardError::Blocked {
                    reason: "loopback",
                    ..
                })
            ),
            "{err:?}"
        );
        let err = c
            .check_url(&url::Url::parse("ftp://example.com/").unwrap())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("unsupported URL scheme"));
    }

    #[tokio::test]
    async fn refused_connections_were_not_delivered_and_timeouts_maybe_were() {
        let c = client(true, 300);
        // A port nobody listens on: bind, learn the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let err = c
            .send(c.request(reqwest::Method::POST, url))
            .await
            .unwrap_err();
        assert!(matches!(err, SendError::Connect(_)), "{err:?}");
        assert!(matches!(
            err.into_provider_error("x"),
            ProviderError::Transient {
                maybe_delivered: false,
                ..
            }
        ));

        // A server that accepts and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                held.push(s);
            }
        });
        let url = url::Url::parse(&format!("http://{addr}/")).unwrap();
        let err = c
            .send(c.request(reqwest::Method::POST, url).body("x"))
            .await
            .unwrap_err();
        assert!(matches!(err, SendError::AfterSend(_)), "{err:?}");
        assert!(err.to_string().contains("timed out"), "{err}");
        assert!(matches!(
            err.into_provider_error("x"),
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ));
        hold.abort();
    }
}
