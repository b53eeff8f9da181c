//! Extractors whose rejections use the API error envelope.

use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::net::{IpAddr, SocketAddr};

/// Like `axum::Json`, but every rejection is the JSON error envelope:
/// 415 without a JSON content type, 413 over the body limit, 400 for malformed
/// JSON, 422 for a NUL byte in any string, unknown or missing fields, or wrong types.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the request body as JSON with `Content-Type: application/json`.",
            ));
        }
        let limit = state.config.server.max_body_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|e| {
                if is_length_limit(&e) {
                    ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        format!("The request body is larger than the limit of {limit} bytes."),
                    )
                    .with_detail("limit_bytes", limit)
                } else {
                    ApiError::new(ErrorCode::BadRequest, "The request body could not be read.")
                }
            })?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidJson,
                format!("The request body is not valid JSON: {e}."),
            )
            .with_detail("line", e.line())
            .with_detail("column", e.column())
        })?;
        let mut nul = FieldErrors::default();
        find_nul(&value, "", &mut nul);
        nul.into_result()?;
        serde_path_to_error::deserialize::<_, T>(value)
            .map(ApiJson)
            .map_err(|e| data_error(&e.path().to_string(), e.inner()))
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Records every string (or key) that contains a NUL byte, by JSON path.
fn find_nul(value: &Value, path: &str, out: &mut FieldErrors) {
    let here = |p: &str| {
        if p.is_empty() {
            "body".to_owned()
        } else {
            p.to_owned()
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => {
            out.add(&here(path), "must not contain NUL (\\u0000) characters")
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_nul(v, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.contains('\0') {
                    out.add(
                        &here(path),
                        "field names must not contain NUL (\\u0000) characters",
                    );
                }
                find_nul(v, &p, out);
            }
        }
        _ => {}
    }
}

/// Deserializes an optional whole number that JSON may write as `2979` or
/// `2979.0` (JSON Schema counts both as integers).
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    use serde::de::Error;
    let Some(v) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if v.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&v) {
        return Err(D::Error::custom(format!(
            "expected a whole number between 0 and {}, found {v}",
            u32::MAX
        )));
    }
    Ok(Some(v as u32))
}

/// Turns serde's message for a shape mismatch into a 422 naming the field.
fn data_error(path: &str, e: &serde_json::Error) -> ApiError {
    let msg = e.to_string();
    let backticked = msg.split('`').nth(1).map(str::to_owned);
    // The path names the value that failed ("platform", "parts[2].text"); for a
    // missing field it is the enclosing object, so the name comes from serde's message.
    let at = |name: &str| match path {
        "" | "." => name.to_owned(),
        p => format!("{p}.{name}"),
    };
    let mut fields = FieldErrors::default();
    if msg.starts_with("unknown field") {
        // serde_path_to_error already points at the unknown key itself.
        let name = match path {
            "" | "." => backticked.unwrap_or_else(|| "body".into()),
            p => p.to_owned(),
        };
        fields.add(&name, "is not a known field");
    } else if msg.starts_with("missing field") {
        fields.add(
            &at(&backticked.unwrap_or_else(|| "body".into())),
            "is required",
        );
    } else if path.is_empty() || path == "." {
        fields.add("body", msg);
    } else {
        fields.add(path, msg);
    }
    ApiError::validation(fields)
}

/// Like `axum::extract::Query`, with rejections as a 422 in the error envelope.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        if query.contains("%00") || query.contains('\0') {
            return Err(ApiError::field("query", "must not contain NUL characters"));
        }
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                let msg = std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| e.body_text());
                let mut f = FieldErrors::default();
                let field = msg.split('`').nth(1).unwrap_or("query").to_owned();
                f.add(&field, msg);
                ApiError::validation(f)
            })
    }
}

/// Like `axum::extract::Path`, with rejections in the error envelope (404: a
/// malformed id names nothing that exists).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| ApiError::not_found("Nothing exists at this path."))
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` entry
/// when `server.trust_proxy` is on.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.server.trust_proxy
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(peer))
    }
}

/// A raw request body of at most `limit` bytes (413 `payload_too_large` above).
pub(crate) async fn read_limited(req: Request, limit: usize) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("The upload is larger than the limit of {limit} bytes."),
            )
            .with_detail("limit_bytes", limit)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        password: String,
    }

    #[test]
    fn nul_bytes_are_found_by_path() {
        let v: Value =
            serde_json::from_str(r#"{"a":"x\u0000","b":[{"c":"\u0000"}],"d":"ok"}"#).unwrap();
        let mut f = FieldErrors::default();
        find_nul(&v, "", &mut f);
        assert_eq!(f.0.keys().cloned().collect::<Vec<_>>(), vec!["a", "b[0].c"]);
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let e = serde_json::from_value::<Login>(
            serde_json::json!({"email":"a","password":"b","admin":true}),
        )
        .unwrap_err();
        let err = data_error("", &e);
        assert_eq!(err.details["fields"]["admin"], "is not a known field");
        let e = serde_json::from_value::<Login>(serde_json::json!({"email":"a"})).unwrap_err();
        assert_eq!(
            data_error("", &e).details["fields"]["password"],
            "is required"
        );
        let e = serde_json::from_value::<Login>(serde_json::json!({"email":5,"password":"b"}))
            .unwrap_err();
        assert!(
            data_error("email", &e).details["fields"]["email"]
                .as_str()
                .unwrap()
                .contains("invalid type")
        );
    }
}
