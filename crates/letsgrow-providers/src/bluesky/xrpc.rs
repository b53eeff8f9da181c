//! XRPC calls and the mapping of their failures into [`ProviderError`].
//!
//! Classification uses the HTTP status and the XRPC `error` name only (the
//! `message` is carried along for people, never matched).

use crate::http::{HttpClient, SendError};
pub(crate) use crate::session::Failure;
use crate::session::{Resp, fetch};
use crate::{ContentViolation, ProviderError};
use bytes::Bytes;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

/// One XRPC request, rebuildable for a retry after a token refresh.
#[derive(Debug, Clone)]
pub struct Xrpc {
    pub method: Method,
    pub nsid: &'static str,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
    /// Writes change state: a timeout after sending may have been applied.
    pub write: bool,
}

#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    Blob { mime: String, data: Bytes },
}

impl Xrpc {
    pub fn get(nsid: &'static str, query: Vec<(&'static str, String)>) -> Self {
        Xrpc {
            method: Method::GET,
            nsid,
            query,
            body: Body::None,
            write: false,
        }
    }
    pub fn post(nsid: &'static str, body: Value) -> Self {
        Xrpc {
            method: Method::POST,
            nsid,
            query: Vec::new(),
            body: Body::Json(body),
            write: true,
        }
    }
}

/// The session token is unusable: expired, revoked, malformed or missing.
pub fn is_auth(f: &Failure) -> bool {
    matches!(f.status(), Some(400 | 401))
        && matches!(
            f.code(),
            Some(
                "ExpiredToken"
                    | "InvalidToken"
                    | "AuthMissing"
                    | "AuthenticationRequired"
                    | "AuthRequired"
            )
        )
}

/// The URL of a call to `service` (the PDS base URL, no trailing slash).
pub fn endpoint(service: &str, x: &Xrpc) -> Result<url::Url, Failure> {
    let path = format!("/xrpc/{}", x.nsid);
    crate::session::endpoint(service, &path, &x.query, "PDS URL")
}

/// The request for `x` at `url` (from [`endpoint`]).
pub fn request(http: &HttpClient, url: &url::Url, token: Option<&str>, x: &Xrpc) -> RequestBuilder {
    let req = crate::session::json_request(http, &x.method, url, token);
    match &x.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Blob { mime, data } => req.header("content-type", mime.as_str()).body(data.clone()),
    }
}

/// The failure a non-2xx answer describes (XRPC `error` name and `message`).
pub fn failure(r: &Resp) -> Failure {
    let field = |k: &str| r.body.get(k).and_then(Value::as_str).map(str::to_owned);
    Failure::Status {
        status: r.status,
        code: field("error"),
        message: field("message"),
        retry_after: if r.status == 429 {
            crate::http::retry_after(&r.headers, chrono::Utc::now().timestamp())
        } else {
            None
        },
    }
}

/// The JSON of a success, else the failure.
pub fn answer(r: Resp) -> Result<Value, Failure> {
    if r.ok() { r.json() } else { Err(failure(&r)) }
}

/// Sends one call without a session (createSession, refreshSession).
pub async fn call(
    http: &HttpClient,
    service: &str,
    token: Option<&str>,
    x: &Xrpc,
) -> Result<Value, Failure> {
    let url = endpoint(service, x)?;
    answer(
        fetch(http, request(http, &url, token, x))
            .await
            .map_err(Failure::Send)?,
    )
}

/// Turns a failure into the taxonomy. `service` names the PDS in messages.
pub fn classify(f: Failure, service: &str, x: &Xrpc) -> ProviderError {
    let (status, error, message, retry_after) = match f {
        Failure::Classified(e) => return e,
        Failure::Send(SendError::Connect(m)) => {
            return ProviderError::Transient {
                message: format!(
                    "could not reach the Bluesky PDS at {service} ({m}); check the PDS URL"
                ),
                maybe_delivered: false,
            };
        }
        Failure::Send(SendError::AfterSend(m)) => {
            return ProviderError::Transient {
                message: format!(
                    "{} to the Bluesky PDS at {service} failed after sending: {m}",
                    x.nsid
                ),
                maybe_delivered: x.write,
            };
        }
        Failure::Send(e) => return e.into_provider_error(x.nsid),
        Failure::BadBody { status, message } => {
            return ProviderError::permanent(format!(
                "{} answered {status} but {message}; is {service} a Bluesky PDS?",
                x.nsid
            ));
        }
        Failure::Status {
            status,
            code,
            message,
            retry_after,
        } => (status, code, message, retry_after),
    };
    let name = error.as_deref().unwrap_or("");
    let text = format!(
        "the PDS answered {status}{}{} to {}",
        if name.is_empty() {
            String::new()
        } else {
            format!(" {name}")
        },
        message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default(),
        x.nsid
    );
    match (status, name) {
        (429, _) => ProviderError::RateLimited {
            retry_after,
            message: text,
        },
        (500..=599, _) => ProviderError::Transient {
            message: text,
            maybe_delivered: x.write && status != 503,
        },
        (400 | 401, "ExpiredToken") => ProviderError::AuthExpired { message: text },
        (400 | 401, "InvalidToken" | "AuthMissing" | "AuthenticationRequired" | "AuthRequired")
        | (_, "AccountTakedown" | "AccountDeactivated") => ProviderError::Revoked { message: text },
        (413, _) | (400, "BlobTooLarge" | "InvalidMimeType") => {
            invalid_content(name, "PayloadTooLarge", text)
        }
        (400, "InvalidRecord" | "InvalidRequest") if x.write => invalid_content(name, name, text),
        _ => ProviderError::Permanent { message: text },
    }
}

fn invalid_content(name: &str, fallback: &str, text: String) -> ProviderError {
    let code = if name.is_empty() { fallback } else { name };
    ProviderError::InvalidContent {
        violations: vec![ContentViolation {
            code: format!("bluesky.{code}"),
            message: text,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn status(status: u16, error: &str) -> Failure {
        Failure::Status {
            status,
            code: Some(error.into()),
            message: Some("m".into()),
            retry_after: None,
        }
    }

    #[test]
    fn statuses_and_error_names_map_into_the_taxonomy() {
        let w = Xrpc::post("com.atproto.repo.putRecord", Value::Null);
        let r = Xrpc::get("com.atproto.repo.getRecord", vec![]);
        let c = |f, x: &Xrpc| classify(f, "http://pds", x);
        assert!(matches!(
            c(status(400, "ExpiredToken"), &w),
            ProviderError::AuthExpired { .. }
        ));
        assert!(matches!(
            c(status(400, "InvalidToken"), &w),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            c(status(401, "AuthenticationRequired"), &w),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            c(status(401, "AccountTakedown"), &w),
            ProviderError::Revoked { .. }
        ));
        let e = c(status(400, "InvalidRequest"), &w);
        assert!(
            matches!(&e, ProviderError::InvalidContent { violations } if violations[0].code == "bluesky.InvalidRequest")
        );
        assert!(matches!(
            c(status(400, "InvalidRequest"), &r),
            ProviderError::Permanent { .. }
        ));
        assert!(matches!(
            c(status(413, "PayloadTooLarge"), &w),
            ProviderError::InvalidContent { .. }
        ));
        assert!(matches!(
            c(status(403, "AccountNotFound"), &w),
            ProviderError::Permanent { .. }
        ));
        assert!(matches!(
            c(status(500, "InternalServerError"), &w),
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ));
        assert!(matches!(
            c(status(500, "InternalServerError"), &r),
            ProviderError::Transient {
                maybe_delivered: false,
                ..
            }
        ));
        let limited = Failure::Status {
            status: 429,
            code: Some("RateLimitExceeded".into()),
            message: None,
            retry_after: Some(Duration::from_secs(289)),
        };
        assert_eq!(
            c(limited, &w),
            ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(289)),
                message: "the PDS answered 429 RateLimitExceeded to com.atproto.repo.putRecord"
                    .into()
            }
        );
        let unreachable = c(
            Failure::Send(SendError::Connect("connection refused".into())),
            &w,
        );
        assert!(
            matches!(&unreachable, ProviderError::Transient { maybe_delivered: false, message }
            if message.contains("could not reach the Bluesky PDS at http://pds") && message.contains("check the PDS URL"))
        );
        assert!(matches!(
            c(Failure::Send(SendError::AfterSend("timed out".into())), &w),
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ));
    }

    #[test]
    fn only_token_errors_count_as_auth_failures() {
        assert!(is_auth(&status(400, "ExpiredToken")));
        assert!(is_auth(&status(401, "AuthMissing")));
        assert!(!is_auth(&status(400, "InvalidRequest")));
        assert!(!is_auth(&status(500, "ExpiredToken")));
    }
}
