//! The one error envelope every non-2xx response uses:
//! `{"error":{"code":"snake_case","message":"Human sentence.","details":{…}}}`.
//!
//! Codes map to statuses in one table (`ErrorCode::status`). A 5xx never says
//! anything internal: the cause is logged with the request id instead.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Every error code the API can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidJson,
    BadRequest,
    Unauthorized,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    EmailTaken,
    ChannelExists,
    ChannelNameTaken,
    DuplicatePost,
    Conflict,
    PlatformRejected,
    PlatformUnavailable,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidRefreshToken => "invalid_refresh_token",
            ErrorCode::RefreshTokenReused => "refresh_token_reused",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::EmailTaken => "email_taken",
            ErrorCode::ChannelExists => "channel_exists",
            ErrorCode::ChannelNameTaken => "channel_name_taken",
            ErrorCode::DuplicatePost => "duplicate_post",
            ErrorCode::PlatformRejected => "platform_rejected",
            ErrorCode::PlatformUnavailable => "platform_unavailable",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal_error",
            ErrorCode::Unavailable => "service_unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidJson | ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized
            | ErrorCode::InvalidCredentials
            | ErrorCode::InvalidRefreshToken
            | ErrorCode::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::EmailTaken
            | ErrorCode::ChannelExists
            | ErrorCode::ChannelNameTaken
            | ErrorCode::DuplicatePost
            | ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::PlatformRejected => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::PlatformUnavailable => StatusCode::BAD_GATEWAY,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// An API error: a code, a human message, optional details.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Map<String, Value>,
    /// Seconds for `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: Map::new(),
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// A 422 naming each bad field: `details.fields = {"field": "message"}`.
    pub fn validation(fields: FieldErrors) -> Self {
        let summary = match fields.0.len() {
            1 => "One field is invalid.".to_owned(),
            n => format!("{n} fields are invalid."),
        };
        let map: Map<String, Value> = fields
            .0
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        ApiError::new(ErrorCode::ValidationFailed, summary)
            .with_detail("fields", Value::Object(map))
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::default();
        f.add(field, message);
        Self::validation(f)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = ApiError::new(
            ErrorCode::RateLimited,
            format!("Too many attempts. Try again in {retry_after_secs} seconds."),
        )
        .with_detail("retry_after_seconds", retry_after_secs);
        e.retry_after = Some(retry_after_secs);
        e
    }

    /// A 500 whose cause is logged, never returned.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "Something went wrong on our side. The error has been logged.",
        )
    }
}

impl From<letsgrow_db::DbError> for ApiError {
    fn from(e: letsgrow_db::DbError) -> Self {
        match e {
            letsgrow_db::DbError::Conflict(what) => ApiError::new(
                ErrorCode::Conflict,
                format!("A record with this {what} already exists."),
            ),
            other => ApiError::internal(other),
        }
    }
}

/// Field-level validation messages, collected before answering 422.
#[derive(Debug, Default)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code.as_str(),
                "message": self.message,
                "details": Value::Object(self.details),
            }
        });
        let mut resp = (self.code.status(), axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// The error envelope, as documented in OpenAPI.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorObject {
    /// A stable snake_case code, e.g. `validation_failed`.
    pub code: String,
    /// A human-readable sentence.
    pub message: String,
    /// Extra facts; for `validation_failed`, `fields` maps each bad field to its message.
    #[schema(value_type = Object)]
    pub details: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case_and_4xx_or_5xx() {
        use ErrorCode::*;
        for c in [
            InvalidJson,
            BadRequest,
            Unauthorized,
            InvalidCredentials,
            InvalidRefreshToken,
            RefreshTokenReused,
            Forbidden,
            NotFound,
            MethodNotAllowed,
            EmailTaken,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            ValidationFailed,
            RateLimited,
            Internal,
            Unavailable,
        ] {
            assert!(
                c.as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_')
            );
            assert!(c.status().is_client_error() || c.status().is_server_error());
        }
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let e = ApiError::internal("connection to 10.0.0.5 refused, password=hunter2");
        assert!(!e.message.contains("hunter2") && !e.message.contains("10.0.0.5"));
        assert_eq!(e.code.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
