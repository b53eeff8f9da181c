//! `/api/v1/auth/*`: thin handlers over `letsgrow_app::auth::AuthService`.

use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::extract::{ApiJson, ClientIp};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use letsgrow_app::auth::device::{DEVICE_COOKIE, DEVICE_TTL_SECS};
use letsgrow_app::auth::{AuthError, Authed, Issued, SessionMeta};
use letsgrow_app::ratelimit::{Backoff, Decision, Quota, retry_after_secs};
use letsgrow_core::time::rfc3339;
use letsgrow_db::users::UserRow;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;

/// Header the web app sends so that the refresh token travels only in an
/// httpOnly cookie (and that a cross-site form can't send).
pub const WEB_CLIENT_HEADER: &str = "x-letsgrow-client";
pub const REFRESH_COOKIE: &str = "lg_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Validation(fields) => {
                let mut f = FieldErrors::default();
                for (k, v) in fields {
                    f.add(k, v);
                }
                ApiError::validation(f)
            }
            AuthError::EmailTaken => ApiError::new(
                ErrorCode::EmailTaken,
                "An account with this email already exists.",
            )
            .with_detail(
                "fields",
                serde_json::json!({"email": "is already registered"}),
            ),
            AuthError::InvalidCredentials => {
                ApiError::new(ErrorCode::InvalidCredentials, "Wrong email or password.")
            }
            AuthError::WrongCurrentPassword => ApiError::new(
                ErrorCode::InvalidCredentials,
                "The current password is wrong.",
            )
            .with_detail(
                "fields",
                serde_json::json!({"current_password": "is wrong"}),
            ),
            AuthError::InvalidRefreshToken => ApiError::new(
                ErrorCode::InvalidRefreshToken,
                "The session has expired. Log in again.",
            ),
            AuthError::RefreshTokenReused => ApiError::new(
                ErrorCode::RefreshTokenReused,
                "This refresh token was already used, so the session was ended for safety. Log in again.",
            ),
            AuthError::Unauthorized(m) => ApiError::unauthorized(m),
            AuthError::Internal(m) => ApiError::internal(m),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Trimmed and lower-cased before use.
    #[schema(
        format = "email",
        max_length = 254,
        pattern = "^[^\\u0000]*$",
        example = "ada@example.com"
    )]
    pub email: String,
    /// At least 10 characters and not a common password.
    #[schema(
        min_length = 10,
        max_length = 1024,
        pattern = "^[^\\u0000]*$",
        example = "correct-horse-battery"
    )]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(
        max_length = 320,
        pattern = "^[^\\u0000]*$",
        example = "ada@example.com"
    )]
    pub email: String,
    #[schema(
        max_length = 1024,
        pattern = "^[^\\u0000]*$",
        example = "correct-horse-battery"
    )]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// For API clients. Browsers send `{}` with `X-LetsGrow-Client: web`, and the cookie.
    #[schema(max_length = 256, pattern = "^[^\\u0000]*$")]
    pub refresh_token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(max_length = 1024, pattern = "^[^\\u0000]*$")]
    pub current_password: String,
    /// At least 10 characters, not a common password, not the current one.
    #[schema(min_length = 10, max_length = 1024, pattern = "^[^\\u0000]*$")]
    pub new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// IANA time zone name; later features schedule in it.
    #[schema(schema_with = crate::http::timezone_schema, example = "Europe/Berlin")]
    pub timezone: String,
}

#[derive(Serialize, ToSchema)]
pub struct User {
    #[schema(format = "uuid")]
    pub id: String,
    pub email: String,
    /// IANA time zone name.
    pub timezone: String,
    /// RFC 3339, UTC.
    #[schema(format = "date-time")]
    pub created_at: String,
}

impl From<UserRow> for User {
    fn from(u: UserRow) -> Self {
        User {
            id: u.id,
            email: u.email,
            timezone: u.timezone,
            created_at: rfc3339(u.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuthResponse {
    pub user: User,
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    /// Present for API clients; web clients get it only as an httpOnly cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The caller, from `Authorization: Bearer <access token>`.
pub struct Authenticated(pub Authed);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let challenge = |e: ApiError| {
            let mut r = e.into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                challenge(ApiError::unauthorized(
                    "Send an access token: `Authorization: Bearer <token>`.",
                ))
            })?;
        state
            .auth
            .authenticate(token)
            .await
            .map(Authenticated)
            .map_err(|e| challenge(e.into()))
    }
}

fn is_web(headers: &HeaderMap) -> bool {
    headers
        .get(WEB_CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("web"))
}

fn meta(headers: &HeaderMap, ip: &ClientIp) -> SessionMeta {
    SessionMeta {
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
        client_ip: Some(ip.0.to_string()),
    }
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.serves_https() {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{REFRESH_COOKIE}={value}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn read_cookie(headers: &HeaderMap) -> Option<String> {
    read_named_cookie(headers, REFRESH_COOKIE)
}

fn read_named_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Remembers this device for `email`: a later log-in from it with the right
/// password skips the per-email delay.
fn set_device_cookie(state: &AppState, resp: &mut Response, email: &str) {
    let secure = if state.config.serves_https() {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{DEVICE_COOKIE}={}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age={DEVICE_TTL_SECS}{secure}",
        state.auth.device_cookie(email)
    );
    if let Ok(v) = HeaderValue::from_str(&v) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn respond(state: &AppState, status: StatusCode, issued: Issued, web: bool) -> Response {
    let body = AuthResponse {
        user: issued.user.into(),
        access_token: issued.access_token,
        token_type: "Bearer".into(),
        expires_in: issued.expires_in,
        refresh_token: if web {
            None
        } else {
            Some(issued.refresh_token.clone())
        },
    };
    let mut resp = (status, axum::Json(body)).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if web {
        headers.insert(
            header::SET_COOKIE,
            cookie(state, &issued.refresh_token, state.auth.refresh_ttl_secs()),
        );
    }
    resp
}

async fn spend(
    state: &AppState,
    key: String,
    limit: u32,
    period: Duration,
) -> Result<(), ApiError> {
    match state.limiter.check(&key, Quota { limit, period }).await {
        Decision::Allowed => Ok(()),
        Decision::Limited(wait) => Err(ApiError::rate_limited(retry_after_secs(wait))),
    }
}

/// Create an account and start a session.
#[utoipa::path(post, path = "/api/v1/auth/register", operation_id = "auth_register", tag = "auth",
    request_body = RegisterRequest,
    params(("X-LetsGrow-Client" = Option<String>, Header, description = "`web`: refresh token only as an httpOnly cookie")),
    responses(
        (status = 201, description = "Account created and logged in", body = AuthResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 409, description = "Email already registered (`email_taken`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields (`details.fields`)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts (see Retry-After)", body = crate::error::ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let per_hour = state.config.rate_limit.register_per_ip_per_hour;
    spend(
        &state,
        format!("register:ip:{}", ip.0),
        per_hour,
        Duration::from_secs(3600),
    )
    .await?;
    let issued = state
        .auth
        .register(&req.email, &req.password, meta(&headers, &ip))
        .await?;
    tracing::info!(user_id = %issued.user.id, "account registered");
    let email = issued.user.email.clone();
    let mut resp = respond(&state, StatusCode::CREATED, issued, is_web(&headers));
    set_device_cookie(&state, &mut resp, &email);
    Ok(resp)
}

/// Log in with email and password.
///
/// Throttled per client address, per (email, client address), and per email
/// with an increasing delay between attempts (never a ban). A device that
/// logged in to the account before (its `lg_device` cookie) skips the
/// per-email delay, so an attacker hammering an email cannot lock its owner out.
#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "auth_login", tag = "auth",
    request_body = LoginRequest,
    params(("X-LetsGrow-Client" = Option<String>, Header, description = "`web`: refresh token only as an httpOnly cookie")),
    responses(
        (status = 200, description = "Logged in", body = AuthResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts (see Retry-After)", body = crate::error::ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let rl = &state.config.rate_limit;
    spend(
        &state,
        format!("login:ip:{}", ip.0),
        rl.login_per_ip_per_minute,
        Duration::from_secs(60),
    )
    .await?;
    let email_key = letsgrow_app::auth::normalized_email(&req.email);
    let device = read_named_cookie(&headers, DEVICE_COOKIE)
        .and_then(|c| state.auth.known_device(&c, &email_key));
    let email_budget = format!("login:email:{email_key}");
    match &device {
        // A known device has its own budget instead of the email's delay and
        // the (email, address) budget, so frequent log-ins from it never lock
        // its owner out.
        Some(id) => {
            spend(
                &state,
                format!("login:device:{id}"),
                rl.login_per_email_per_15_minutes,
                Duration::from_secs(900),
            )
            .await?
        }
        None => {
            spend(
                &state,
                format!("login:email:{email_key}:ip:{}", ip.0),
                rl.login_per_email_per_15_minutes,
                Duration::from_secs(900),
            )
            .await?;
            let backoff = Backoff {
                free: rl.login_email_free_attempts,
                max_delay: Duration::from_secs(rl.login_email_max_delay_secs),
                window: Duration::from_secs(900),
            };
            if let Decision::Limited(wait) = state.limiter.backoff(&email_budget, backoff).await {
                let secs = retry_after_secs(wait);
                let mut e = ApiError::rate_limited(secs);
                e.message = format!(
                    "Too many log-in attempts for this email. Try again in {secs} seconds; a device you logged in from before does not have to wait."
                );
                return Err(e);
            }
        }
    }
    let issued = state
        .auth
        .login(&req.email, &req.password, meta(&headers, &ip))
        .await?;
    // A success without a known device proves the password: the email's delay
    // starts over. A known device's success leaves it, so logging in from a
    // trusted device does not hand an attacker fresh free attempts.
    if device.is_none() {
        state.limiter.clear_backoff(&email_budget).await;
    }
    let mut resp = respond(&state, StatusCode::OK, issued, is_web(&headers));
    set_device_cookie(&state, &mut resp, &email_key);
    Ok(resp)
}

/// Exchange a refresh token for new tokens (the refresh token rotates).
#[utoipa::path(post, path = "/api/v1/auth/refresh", operation_id = "auth_refresh", tag = "auth",
    request_body = RefreshRequest,
    params(("X-LetsGrow-Client" = Option<String>, Header, description = "`web`: read and set the refresh cookie")),
    responses(
        (status = 200, description = "New tokens", body = AuthResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Invalid, expired or reused refresh token", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = crate::error::ErrorBody),
        (status = 429, description = "Too many refreshes from this address (see Retry-After)", body = crate::error::ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    spend(
        &state,
        format!("refresh:ip:{}", ip.0),
        state.config.rate_limit.refresh_per_ip_per_minute,
        Duration::from_secs(60),
    )
    .await?;
    let web = is_web(&headers);
    let token = match (req.refresh_token, web) {
        (Some(t), _) => t,
        (None, true) => read_cookie(&headers).unwrap_or_default(),
        (None, false) => {
            return Err(ApiError::new(
                ErrorCode::InvalidRefreshToken,
                "No refresh token was presented: send `refresh_token`, or (web clients) `X-LetsGrow-Client: web` with the cookie.",
            ));
        }
    };
    match state.auth.refresh(&token).await {
        Ok(issued) => Ok(respond(&state, StatusCode::OK, issued, web)),
        Err(e) => {
            let mut resp = ApiError::from(e).into_response();
            if web {
                resp.headers_mut()
                    .insert(header::SET_COOKIE, cookie(&state, "", 0));
            }
            Ok(resp)
        }
    }
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "auth_logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<Response, ApiError> {
    state.auth.logout(&who.session_id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie(&state, "", 0))],
    )
        .into_response())
}

/// End every session of the current user, on every device.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", operation_id = "auth_logout_all", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All sessions ended"),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn logout_all(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<Response, ApiError> {
    let n = state.auth.logout_all(&who.user.id).await?;
    tracing::info!(user_id = %who.user.id, sessions = n, "logged out everywhere");
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie(&state, "", 0))],
    )
        .into_response())
}

/// The current user.
#[utoipa::path(get, path = "/api/v1/auth/me", operation_id = "auth_me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current user", body = User),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn me(Authenticated(who): Authenticated) -> axum::Json<User> {
    axum::Json(who.user.into())
}

/// Update the current user's settings (time zone).
#[utoipa::path(patch, path = "/api/v1/auth/me", operation_id = "auth_update_me", tag = "auth",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown time zone", body = crate::error::ErrorBody),
    ))]
pub async fn update_me(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<UpdateMeRequest>,
) -> Result<axum::Json<User>, ApiError> {
    let user = state
        .auth
        .set_timezone(&who.user.id, req.timezone.trim())
        .await?;
    Ok(axum::Json(user.into()))
}

/// Change the password; every other session is ended.
#[utoipa::path(post, path = "/api/v1/auth/change-password", operation_id = "auth_change_password", tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; other sessions ended"),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in, or the current password is wrong", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "New password too weak", body = crate::error::ErrorBody),
        (status = 429, description = "Too many password checks for this account or address (see Retry-After)", body = crate::error::ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    ip: ClientIp,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let rl = &state.config.rate_limit;
    // Every current-password check spends the address's password-check
    // budget (shared with log-in) and the account's own.
    spend(
        &state,
        format!("login:ip:{}", ip.0),
        rl.login_per_ip_per_minute,
        Duration::from_secs(60),
    )
    .await?;
    spend(
        &state,
        format!("password:user:{}", who.user.id),
        rl.password_change_per_user_per_15_minutes,
        Duration::from_secs(900),
    )
    .await?;
    state
        .auth
        .change_password(&who, &req.current_password, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
