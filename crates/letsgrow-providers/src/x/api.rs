//! X API v2 requests, the OAuth 2.0 token endpoint, and the mapping of
//! failures into [`ProviderError`].
//!
//! Classification uses the HTTP status, the problem `type` of X's RFC 7807
//! bodies and the OAuth `error` code, never message text. Problem `detail`s
//! and `error_description`s are carried along for people.

use crate::http::{HttpClient, SendError};
pub(crate) use crate::session::Failure;
use crate::session::{Resp, fetch};
use crate::{ContentViolation, Credentials, OAuthClient, ProviderError, SecretString};
use base64::Engine as _;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::time::Duration;

/// One API request, rebuildable for a retry after a token refresh.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    /// Path below the API base, e.g. `/2/tweets`.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    /// Publishing writes: a timeout after sending may have created a post.
    pub write: bool,
    /// What the request does, for messages ("POST /2/tweets").
    pub what: &'static str,
}

impl Req {
    pub fn get(path: impl Into<String>, what: &'static str) -> Self {
        Req {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            body: None,
            write: false,
            what,
        }
    }
    pub fn post(path: impl Into<String>, body: Option<Value>, what: &'static str) -> Self {
        Req {
            method: Method::POST,
            body,
            ..Req::get(path, what)
        }
    }
}

/// The delay a 429 asks for: `Retry-After`, X's `x-rate-limit-reset` (unix
/// seconds, the endpoint's 15-minute window), or the 24-hour caps' resets
/// when those are exhausted (`x-user-limit-24hour-*`, `x-app-limit-24hour-*`).
/// Source: https://docs.x.com/x-api/fundamentals/rate-limits
pub fn retry_after(headers: &HeaderMap, now_unix: i64) -> Option<Duration> {
    let num = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let until = |reset: i64| Duration::from_secs(u64::try_from(reset - now_unix).unwrap_or(0));
    if headers.contains_key("retry-after") {
        return crate::http::retry_after(headers, now_unix);
    }
    for scope in ["user", "app"] {
        if num(&format!("x-{scope}-limit-24hour-remaining")) == Some(0)
            && let Some(reset) = num(&format!("x-{scope}-limit-24hour-reset"))
        {
            return Some(until(reset));
        }
    }
    if let Some(reset) = num("x-rate-limit-reset") {
        return Some(until(reset));
    }
    crate::http::retry_after(headers, now_unix)
}

/// The failure a non-2xx answer describes: the problem type's last path
/// segment (or the OAuth `error` code) and the `detail`,
/// `error_description` or `errors[0].message`.
pub fn failure(r: &Resp) -> Failure {
    let v = &r.body;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let first_error = v
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Failure::Status {
        status: r.status,
        code: s("type")
            .filter(|t| t != "about:blank")
            .or(s("error"))
            .map(|c| c.rsplit('/').next().unwrap_or(&c).to_owned()),
        message: s("detail").or(s("error_description")).or(first_error),
        retry_after: (r.status == 429)
            .then(|| retry_after(&r.headers, chrono::Utc::now().timestamp()))
            .flatten(),
    }
}

/// The JSON of a success, else the failure.
pub fn answer(r: Resp) -> Result<Value, Failure> {
    if r.ok() { r.json() } else { Err(failure(&r)) }
}

fn url(base: &str, path: &str) -> Result<url::Url, Failure> {
    url::Url::parse(&format!("{base}{path}"))
        .map_err(|e| Failure::Send(SendError::Build(format!("bad X API URL: {e}"))))
}

/// The URL of an API call.
pub fn endpoint(base: &str, r: &Req) -> Result<url::Url, Failure> {
    crate::session::endpoint(base, &r.path, &r.query, "X API URL")
}

/// One API call to `u` (from [`endpoint`]) with the user's token.
pub fn request(http: &HttpClient, u: &url::Url, token: Option<&str>, r: &Req) -> RequestBuilder {
    let mut req = crate::session::json_request(http, &r.method, u, token);
    if let Some(b) = &r.body {
        req = req.json(b);
    }
    req
}

/// Posts a form to an OAuth endpoint (`/2/oauth2/token`, `/2/oauth2/revoke`).
/// A confidential client authenticates with HTTP Basic; a public client sends
/// its `client_id` in the body.
/// Source: https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token
pub async fn oauth_form(
    http: &HttpClient,
    base: &str,
    path: &str,
    client: &OAuthClient,
    params: &[(&str, &str)],
) -> Result<Value, Failure> {
    let mut req = http
        .request(Method::POST, url(base, path)?)
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded");
    let body = {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(params);
        match &client.client_secret {
            Some(secret) => {
                let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    client.client_id,
                    secret.expose()
                ));
                req = req.header("authorization", format!("Basic {basic}"));
            }
            None => {
                form.append_pair("client_id", &client.client_id);
            }
        }
        form.finish()
    };
    answer(fetch(http, req.body(body)).await.map_err(Failure::Send)?)
}

/// Reads a token response into credentials. `previous_refresh` stays when
/// the response carries no new refresh token.
pub fn credentials(
    v: &Value,
    client: &OAuthClient,
    previous_refresh: Option<&SecretString>,
) -> Result<Credentials, Failure> {
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
        refresh_token: s("refresh_token")
            .map(SecretString::new)
            .or_else(|| previous_refresh.cloned()),
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

/// Classifies a token-endpoint failure (code exchange or refresh).
pub fn classify_token(f: Failure, grant: &str) -> ProviderError {
    match (f.status(), f.code()) {
        (Some(400 | 401), Some("invalid_grant" | "invalid_request")) => ProviderError::Revoked {
            message: format!(
                "X refused the {grant} (expired, already used or revoked); connect the X account again"
            ),
        },
        (Some(400 | 401), Some("invalid_client" | "unauthorized_client")) | (Some(401), None) => {
            ProviderError::permanent(
                "X refused LetsGrow's OAuth client; check the X client id and secret in the configuration",
            )
        }
        _ => classify(
            f,
            &Req::post("/2/oauth2/token", None, "POST /2/oauth2/token"),
        ),
    }
}

/// Turns a failure into the taxonomy.
pub fn classify(f: Failure, r: &Req) -> ProviderError {
    let (status, code, detail, retry_after) = match f {
        Failure::Classified(e) => return e,
        Failure::Send(SendError::AfterSend(m)) => {
            return ProviderError::Transient {
                message: format!("{} failed after sending: {m}", r.what),
                maybe_delivered: r.write,
            };
        }
        Failure::Send(e) => return e.into_provider_error(r.what),
        Failure::BadBody { status, message } => {
            return ProviderError::Transient {
                message: format!("{} answered {status} but {message}", r.what),
                maybe_delivered: r.write,
            };
        }
        Failure::Status {
            status,
            code,
            message,
            retry_after,
        } => (status, code, message, retry_after),
    };
    let short = code
        .as_deref()
        .map(|c| c.rsplit('/').next().unwrap_or(c).to_owned());
    let text = format!(
        "X answered {status}{} to {}{}",
        short
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default(),
        r.what,
        detail.map(|d| format!(": {d}")).unwrap_or_default()
    );
    match (status, short.as_deref()) {
        (429, _) | (_, Some("usage-capped")) => ProviderError::RateLimited {
            retry_after,
            message: text,
        },
        (401, _) => ProviderError::Revoked {
            message: format!("{text}; connect the X account again"),
        },
        (500..=599, _) => ProviderError::Transient {
            message: text,
            maybe_delivered: r.write && status != 503,
        },
        (400 | 413 | 422, _) if r.method == Method::POST => ProviderError::InvalidContent {
            violations: vec![ContentViolation {
                code: format!("x.{}", short.as_deref().unwrap_or("invalid-request")),
                message: text,
            }],
        },
        _ => ProviderError::Permanent { message: text },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn status(status: u16, code: Option<&str>) -> Failure {
        Failure::Status {
            status,
            code: code.map(str::to_owned),
            message: Some("d".into()),
            retry_after: None,
        }
    }

    #[test]
    fn statuses_and_problem_types_map_into_the_taxonomy() {
        let w = Req {
            write: true,
            ..Req::post("/2/tweets", None, "POST /2/tweets")
        };
        let r = Req::get("/2/users/me", "GET /2/users/me");
        assert!(matches!(
            classify(status(401, None), &r),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            classify(
                status(429, Some("https://api.x.com/2/problems/usage-capped")),
                &w
            ),
            ProviderError::RateLimited { .. }
        ));
        let e = classify(
            status(400, Some("https://api.x.com/2/problems/invalid-request")),
            &w,
        );
        assert!(
            matches!(&e, ProviderError::InvalidContent { violations } if violations[0].code == "x.invalid-request"),
            "{e:?}"
        );
        assert!(matches!(
            classify(status(400, None), &r),
            ProviderError::Permanent { .. }
        ));
        assert!(matches!(
            classify(status(500, None), &w),
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ));
        assert!(matches!(
            classify(status(503, None), &w),
            ProviderError::Transient {
                maybe_delivered: false,
                ..
            }
        ));
        assert!(matches!(
            classify_token(status(400, Some("invalid_request")), "authorization code"),
            ProviderError::Revoked { .. }
        ));
        assert!(matches!(
            classify_token(status(401, Some("invalid_client")), "refresh token"),
            ProviderError::Permanent { .. }
        ));
    }

    #[test]
    fn the_reset_headers_of_x_are_read() {
        let now = 1_800_000_000;
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-reset", HeaderValue::from(now + 600));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(600)));
        // An exhausted 24-hour cap wins over the 15-minute window.
        h.insert("x-user-limit-24hour-remaining", HeaderValue::from(0));
        h.insert("x-user-limit-24hour-reset", HeaderValue::from(now + 7200));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7200)));
        h.insert("retry-after", HeaderValue::from(5));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(5)));
    }
}
