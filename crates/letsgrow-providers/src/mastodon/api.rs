//! Mastodon REST calls, OAuth (app registration, token, revoke) and the
//! mapping of failures into [`ProviderError`].
//!
//! Bodies are JSON (the published spec declares JSON request bodies; Rails
//! accepts them everywhere), except media uploads, which are multipart as
//! the API requires. Classification uses the HTTP status and the OAuth
//! `error` code, never Mastodon's `error` message text.

use crate::http::{HttpClient, SendError};
pub(crate) use crate::session::Failure;
use crate::session::{Resp, fetch};
use crate::{ContentViolation, Credentials, OAuthClient, ProviderError, SecretString};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::time::Duration;

/// One API request, rebuildable for a retry.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
    /// Sent as `Idempotency-Key` (Mastodon keeps it for an hour).
    pub idempotency_key: Option<String>,
    pub write: bool,
    pub what: &'static str,
}

#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    Multipart { boundary: String, bytes: Vec<u8> },
}

impl Req {
    pub fn get(path: impl Into<String>, what: &'static str) -> Self {
        Req {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            body: Body::None,
            idempotency_key: None,
            write: false,
            what,
        }
    }
    pub fn post(path: impl Into<String>, body: Value, what: &'static str) -> Self {
        Req {
            method: Method::POST,
            body: Body::Json(body),
            ..Req::get(path, what)
        }
    }
}

/// The delay a 429 asks for. Mastodon sends `X-RateLimit-Reset` as an ISO
/// 8601 time (https://docs.joinmastodon.org/api/rate-limits/); unix seconds
/// and `Retry-After` are understood too.
pub fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    if !headers.contains_key("retry-after")
        && let Some(at) = headers
            .get("x-ratelimit-reset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v.trim()).ok())
    {
        let ms = (at.with_timezone(&chrono::Utc) - now).num_milliseconds();
        return Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
    }
    crate::http::retry_after(headers, now.timestamp())
}

/// The URL of a call to the instance (`https://mastodon.social`, no trailing slash).
pub fn endpoint(instance: &str, r: &Req) -> Result<url::Url, Failure> {
    crate::session::endpoint(instance, &r.path, &r.query, "instance URL")
}

/// The request for `r` at `u` (from [`endpoint`]).
pub fn request(http: &HttpClient, u: &url::Url, token: Option<&str>, r: &Req) -> RequestBuilder {
    let mut req = crate::session::json_request(http, &r.method, u, token);
    if let Some(k) = &r.idempotency_key {
        req = req.header("idempotency-key", k.as_str());
    }
    match &r.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Multipart { boundary, bytes } => req
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(bytes.clone()),
    }
}

/// The status (200 vs 206 matters for media) and JSON of a success, else the failure.
pub fn answer(r: Resp) -> Result<(u16, Value), Failure> {
    if r.ok() {
        return r.json().map(|v| (r.status, v));
    }
    let s = |k: &str| r.body.get(k).and_then(Value::as_str).map(str::to_owned);
    let description = s("error_description");
    Err(Failure::Status {
        status: r.status,
        // The OAuth `error` code, when the body has an `error_description`
        // beside it (plain API errors put a message in `error`).
        code: description
            .is_some()
            .then(|| s("error"))
            .flatten()
            .or_else(|| {
                // Doorkeeper always pairs the code with a description; a bare
                // snake_case code (as some servers and fakes send) counts too.
                s("error").filter(|e| e.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            }),
        message: description.or(s("error")),
        retry_after: (r.status == 429)
            .then(|| retry_after(&r.headers, chrono::Utc::now()))
            .flatten(),
    })
}

/// Sends one call without a session (app registration, tokens, instance limits).
pub async fn call(
    http: &HttpClient,
    instance: &str,
    token: Option<&str>,
    r: &Req,
) -> Result<(u16, Value), Failure> {
    let u = endpoint(instance, r)?;
    answer(
        fetch(http, request(http, &u, token, r))
            .await
            .map_err(Failure::Send)?,
    )
}

/// Reads a token response. Mastodon's tokens do not expire and come without
/// a refresh token; both are kept when an instance sends them.
pub fn credentials(v: &Value, client: &OAuthClient) -> Result<Credentials, Failure> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let Some(access) = s("access_token") else {
        return Err(Failure::BadBody {
            status: 200,
            message: "the token response has no access_token".into(),
        });
    };
    let now = chrono::Utc::now().timestamp_millis();
    Ok(Credentials {
        access_token: Some(SecretString::new(access)),
        refresh_token: s("refresh_token").map(SecretString::new),
        expires_at: v
            .get("expires_in")
            .and_then(Value::as_i64)
            .map(|secs| now + secs * 1000),
        secret: None,
        oauth_client: Some(client.clone()),
        scopes: s("scope")
            .map(|sc| sc.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

/// Classifies a token-endpoint failure.
pub fn classify_token(f: Failure, instance: &str, grant: &str) -> ProviderError {
    match (f.status(), f.code()) {
        (Some(400 | 401), Some("invalid_grant" | "invalid_request")) => ProviderError::Revoked {
            message: format!(
                "{instance} refused the {grant} (expired, already used or revoked); connect the Mastodon account again"
            ),
        },
        (Some(400 | 401), Some("invalid_client" | "unauthorized_client")) => {
            ProviderError::permanent(format!(
                "{instance} no longer knows LetsGrow's app registration; register the app on this instance again"
            ))
        }
        _ => classify(
            f,
            instance,
            &Req::post("/oauth/token", Value::Null, "POST /oauth/token"),
        ),
    }
}

/// Turns a failure into the taxonomy. `instance` names the server in messages.
pub fn classify(f: Failure, instance: &str, r: &Req) -> ProviderError {
    let (status, message, retry_after) = match f {
        Failure::Classified(e) => return e,
        Failure::Send(SendError::Connect(m)) => {
            return ProviderError::Transient {
                message: format!("could not reach the Mastodon instance {instance} ({m})"),
                maybe_delivered: false,
            };
        }
        Failure::Send(SendError::AfterSend(m)) => {
            return ProviderError::Transient {
                message: format!("{} on {instance} failed after sending: {m}", r.what),
                maybe_delivered: r.write,
            };
        }
        Failure::Send(e) => return e.into_provider_error(r.what),
        Failure::BadBody { status, message } => {
            return ProviderError::Permanent {
                message: format!(
                    "{} answered {status} but {message}; is {instance} a Mastodon instance?",
                    r.what
                ),
            };
        }
        Failure::Status {
            status,
            message,
            retry_after,
            ..
        } => (status, message, retry_after),
    };
    let text = format!(
        "{instance} answered {status} to {}{}",
        r.what,
        message.map(|m| format!(": {m}")).unwrap_or_default()
    );
    match status {
        429 => ProviderError::RateLimited {
            retry_after,
            message: text,
        },
        401 => ProviderError::Revoked {
            message: format!("{text}; connect the Mastodon account again"),
        },
        500..=599 => ProviderError::Transient {
            message: text,
            maybe_delivered: r.write && status != 503,
        },
        413 | 422 if r.method == Method::POST => ProviderError::InvalidContent {
            violations: vec![ContentViolation {
                code: if status == 413 {
                    "mastodon.too_large".into()
                } else {
                    "mastodon.unprocessable".into()
                },
                message: text,
            }],
        },
        _ => ProviderError::Permanent { message: text },
    }
}

/// A multipart body with one file and text fields.
pub fn multipart(file: (&str, &str, &[u8]), fields: &[(&str, &str)]) -> Body {
    let boundary = format!("letsgrow-{}", hex::encode(rand_bytes()));
    let mut bytes = Vec::new();
    for (name, value) in fields {
        bytes.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (filename, mime, data) = file;
    bytes.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(data);
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Body::Multipart { boundary, bytes }
}

/// Boundary entropy: the clock and a counter through SHA-256 (a boundary
/// only has to be absent from the content, which carries none of these).
fn rand_bytes() -> [u8; 12] {
    use sha2::Digest;
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let seed = format!(
        "{:?}{}",
        std::time::SystemTime::now(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let d = sha2::Sha256::digest(seed.as_bytes());
    let mut out = [0u8; 12];
    out.copy_from_slice(&d[..12]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn status(status: u16, oauth_error: Option<&str>) -> Failure {
        Failure::Status {
            status,
            code: oauth_error.map(str::to_owned),
            message: Some("m".into()),
            retry_after: None,
        }
    }

    #[test]
    fn statuses_map_into_the_taxonomy() {
        let w = Req::post("/api/v1/statuses", Value::Null, "POST /api/v1/statuses");
        let w = Req { write: true, ..w };
        let r = Req::get(
            "/api/v1/accounts/verify_credentials",
            "GET verify_credentials",
        );
        let c = |f, r: &Req| classify(f, "https://m.example", r);
        assert!(matches!(
            c(status(401, None), &r),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            c(status(422, None), &w),
            ProviderError::InvalidContent { .. }
        ));
        assert!(matches!(
            c(status(422, None), &r),
            ProviderError::Permanent { .. }
        ));
        assert!(matches!(
            c(status(500, None), &w),
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ));
        assert!(matches!(
            classify_token(
                status(400, Some("invalid_grant")),
                "https://m.example",
                "code"
            ),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            classify_token(
                status(401, Some("invalid_client")),
                "https://m.example",
                "code"
            ),
            ProviderError::Permanent { .. }
        ));
    }

    #[test]
    fn the_reset_is_read_as_iso_8601_or_seconds() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut h = HeaderMap::new();
        let at = (now + chrono::Duration::seconds(300)).to_rfc3339();
        h.insert("x-ratelimit-reset", HeaderValue::from_str(&at).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(300)));
        h.insert("x-ratelimit-reset", HeaderValue::from(1_800_000_060));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(60)));
    }

    #[test]
    fn multipart_bodies_carry_the_file_and_fields() {
        let Body::Multipart { boundary, bytes } = multipart(
            ("image.png", "image/png", b"PNG"),
            &[("description", "red")],
        ) else {
            panic!()
        };
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"description\"\r\n\r\nred\r\n"));
        assert!(text.contains("filename=\"image.png\"\r\ncontent-type: image/png\r\n\r\nPNG\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
