//! Accounts and sessions: register, log in, refresh, log out, change password.
//!
//! This module knows nothing of HTTP, so the CLI and tests can call it. Password
//! hashing runs on the blocking pool.

pub mod device;
pub mod password;
pub mod tokens;

use letsgrow_db::sessions::{self, NewSession, Rotation};
use letsgrow_db::users::{self, UserRow};
use letsgrow_db::{Db, DbError};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokens::TokenKeys;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid input")]
    Validation(BTreeMap<&'static str, String>),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("the refresh token is invalid or expired")]
    InvalidRefreshToken,
    #[error("the refresh token was already used")]
    RefreshTokenReused,
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for AuthError {
    fn from(e: DbError) -> Self {
        AuthError::Internal(e.to_string())
    }
}

/// The form emails are compared and throttled in: trimmed and lower-cased
/// (malformed input too, so it still has one budget).
pub fn normalized_email(email: &str) -> String {
    letsgrow_core::validate::normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase())
}

fn invalid(field: &'static str, message: impl Into<String>) -> AuthError {
    AuthError::Validation(BTreeMap::from([(field, message.into())]))
}

/// Who is calling, recorded on the session for the user's own review.
#[derive(Debug, Default, Clone)]
pub struct SessionMeta {
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
}

/// Tokens issued by register, log-in and refresh.
#[derive(Debug)]
pub struct Issued {
    pub user: UserRow,
    pub session_id: String,
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
}

/// A verified caller.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: UserRow,
    pub session_id: String,
}

pub struct AuthService {
    db: Db,
    keys: TokenKeys,
    access_ttl_s: i64,
    refresh_ttl_ms: i64,
    /// A real hash, verified against for unknown emails so that both cases take
    /// the same time.
    dummy_hash: Arc<str>,
    /// Bounds concurrent argon2 runs (19 MiB each) to the number of cores, so a
    /// burst of log-ins queues instead of spawning a blocking thread (and a
    /// malloc arena) per request: memory stays flat and latency stays fair.
    hash_permits: Arc<tokio::sync::Semaphore>,
    device: device::DeviceKey,
    /// Derives a refresh token's successor (see `tokens::successor_refresh_token`).
    successor_key: Vec<u8>,
    reuse_window_ms: i64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AuthError::Internal(e.to_string()))
}

impl AuthService {
    /// Runs a password hash or verification on the blocking pool, at most one
    /// per core at a time.
    async fn run_hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        let _permit = self
            .hash_permits
            .acquire()
            .await
            .map_err(|e| AuthError::Internal(e.to_string()))?;
        blocking(f).await
    }
}

impl AuthService {
    pub async fn new(
        db: Db,
        signing_key: &[u8],
        auth: &letsgrow_config::AuthConfig,
    ) -> Result<Self, AuthError> {
        let dummy = blocking(|| password::hash("letsgrow-timing-equaliser"))
            .await?
            .map_err(AuthError::Internal)?;
        Ok(AuthService {
            db,
            keys: TokenKeys::new(signing_key, &auth.issuer, &auth.audience),
            access_ttl_s: i64::try_from(auth.access_token_ttl_secs).unwrap_or(900),
            refresh_ttl_ms: i64::try_from(auth.refresh_token_ttl_days).unwrap_or(30) * 86_400_000,
            dummy_hash: dummy.into(),
            hash_permits: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map(usize::from)
                    .unwrap_or(2),
            )),
            device: device::DeviceKey::new(signing_key),
            successor_key: {
                use sha2::{Digest, Sha256};
                let mut h = Sha256::new();
                h.update(b"letsgrow refresh successor key v1|");
                h.update(signing_key);
                h.finalize().to_vec()
            },
            reuse_window_ms: i64::try_from(auth.refresh_reuse_window_secs)
                .unwrap_or(0)
                .saturating_mul(1000),
        })
    }

    pub fn refresh_ttl_secs(&self) -> i64 {
        self.refresh_ttl_ms / 1000
    }

    /// A fresh device cookie value for an account that just logged in.
    pub fn device_cookie(&self, email: &str) -> String {
        self.device.issue(&normalized_email(email), now_ms() / 1000)
    }

    /// The device id when `cookie` proves an earlier successful log-in to `email`.
    pub fn known_device(&self, cookie: &str, email: &str) -> Option<String> {
        self.device
            .verify(cookie, &normalized_email(email), now_ms() / 1000)
    }

    pub async fn register(
        &self,
        email: &str,
        password: &str,
        meta: SessionMeta,
    ) -> Result<Issued, AuthError> {
        let mut errors = BTreeMap::new();
        let email = letsgrow_core::validate::normalize_email(email)
            .map_err(|m| errors.insert("email", m.to_owned()));
        if let Err(m) = password::check_strength(password) {
            errors.insert("password", m);
        }
        let email = match email {
            Ok(e) if errors.is_empty() => e,
            _ => return Err(AuthError::Validation(errors)),
        };
        let pw = password.to_owned();
        let hash = self
            .run_hash(move || password::hash(&pw))
            .await?
            .map_err(AuthError::Internal)?;
        let user = match users::insert(&self.db, &email, &hash, now_ms()).await {
            Ok(u) => u,
            Err(DbError::Conflict(_)) => return Err(AuthError::EmailTaken),
            Err(e) => return Err(e.into()),
        };
        self.start_session(user, meta).await
    }

    pub async fn login(
        &self,
        email: &str,
        password: &str,
        meta: SessionMeta,
    ) -> Result<Issued, AuthError> {
        // Malformed emails and over-long passwords can't match an account: same answer.
        let email = letsgrow_core::validate::normalize_email(email).unwrap_or_default();
        if password.chars().count() > password::MAX_LEN {
            return Err(AuthError::InvalidCredentials);
        }
        let user = if email.is_empty() {
            None
        } else {
            users::by_email(&self.db, &email).await?
        };
        let hash: Arc<str> = match &user {
            Some(u) => u.password_hash.as_str().into(),
            None => self.dummy_hash.clone(),
        };
        let pw = password.to_owned();
        let ok = self.run_hash(move || password::verify(&pw, &hash)).await?;
        match user {
            Some(u) if ok => self.start_session(u, meta).await,
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    async fn start_session(&self, user: UserRow, meta: SessionMeta) -> Result<Issued, AuthError> {
        let now = now_ms();
        let session_id = letsgrow_db::new_id();
        let refresh_token = tokens::new_refresh_token();
        sessions::create(
            &self.db,
            &NewSession {
                id: &session_id,
                user_id: &user.id,
                now_ms: now,
                expires_at: now + self.refresh_ttl_ms,
                user_agent: meta.user_agent.as_deref(),
                client_ip: meta.client_ip.as_deref(),
                refresh_hash: &tokens::hash_refresh_token(&refresh_token),
            },
        )
        .await?;
        self.issue(user, session_id, refresh_token, now)
    }

    fn issue(
        &self,
        user: UserRow,
        session_id: String,
        refresh_token: String,
        now: i64,
    ) -> Result<Issued, AuthError> {
        let access_token = self
            .keys
            .issue(&user.id, &session_id, now / 1000, self.access_ttl_s)
            .map_err(AuthError::Internal)?;
        Ok(Issued {
            user,
            session_id,
            access_token,
            expires_in: u64::try_from(self.access_ttl_s).unwrap_or(0),
            refresh_token,
        })
    }

    /// Rotates a refresh token. Presenting it again within the reuse window
    /// answers with the same successor (parallel refreshes from two tabs);
    /// after the window it counts as theft and revokes the session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Issued, AuthError> {
        if refresh_token.is_empty() || refresh_token.len() > 256 {
            return Err(AuthError::InvalidRefreshToken);
        }
        let now = now_ms();
        let new_token = tokens::successor_refresh_token(&self.successor_key, refresh_token);
        let rotation = sessions::rotate_refresh(
            &self.db,
            &tokens::hash_refresh_token(refresh_token),
            &tokens::hash_refresh_token(&new_token),
            now,
            now + self.refresh_ttl_ms,
            self.reuse_window_ms,
        )
        .await?;
        match rotation {
            Rotation::Rotated {
                session_id,
                user_id,
            }
            | Rotation::Replayed {
                session_id,
                user_id,
            } => {
                let user = users::by_id(&self.db, &user_id)
                    .await?
                    .ok_or(AuthError::InvalidRefreshToken)?;
                self.issue(user, session_id, new_token, now)
            }
            Rotation::Reused { session_id } => {
                tracing::warn!(session_id, "refresh token reuse detected; session revoked");
                Err(AuthError::RefreshTokenReused)
            }
            Rotation::Invalid => Err(AuthError::InvalidRefreshToken),
        }
    }

    /// Verifies an access token and that its session is still live.
    pub async fn authenticate(&self, access_token: &str) -> Result<Authed, AuthError> {
        let claims = self.keys.verify(access_token).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => {
                    AuthError::Unauthorized("The access token has expired. Refresh it.")
                }
                _ => AuthError::Unauthorized("The access token is invalid."),
            }
        })?;
        let session = sessions::live(&self.db, &claims.sid, now_ms())
            .await?
            .filter(|s| s.user_id == claims.sub)
            .ok_or(AuthError::Unauthorized(
                "This session has ended. Log in again.",
            ))?;
        let user = users::by_id(&self.db, &session.user_id)
            .await?
            .ok_or(AuthError::Unauthorized("This account no longer exists."))?;
        Ok(Authed {
            user,
            session_id: session.id,
        })
    }

    pub async fn logout(&self, session_id: &str) -> Result<(), AuthError> {
        sessions::revoke(&self.db, session_id, "logout", now_ms()).await?;
        Ok(())
    }

    pub async fn logout_all(&self, user_id: &str) -> Result<u64, AuthError> {
        Ok(sessions::revoke_all_for_user(&self.db, user_id, None, "logout_all", now_ms()).await?)
    }

    /// Changes the password and revokes every other session of the user.
    pub async fn change_password(
        &self,
        who: &Authed,
        current: &str,
        new: &str,
    ) -> Result<(), AuthError> {
        password::check_strength(new).map_err(|m| invalid("new_password", m))?;
        if current.chars().count() > password::MAX_LEN {
            return Err(AuthError::WrongCurrentPassword);
        }
        let (hash, cur) = (who.user.password_hash.clone(), current.to_owned());
        if !self.run_hash(move || password::verify(&cur, &hash)).await? {
            return Err(AuthError::WrongCurrentPassword);
        }
        if current == new {
            return Err(invalid(
                "new_password",
                "must differ from the current password",
            ));
        }
        let pw = new.to_owned();
        let new_hash = self
            .run_hash(move || password::hash(&pw))
            .await?
            .map_err(AuthError::Internal)?;
        let now = now_ms();
        users::set_password_hash(&self.db, &who.user.id, &new_hash, now).await?;
        sessions::revoke_all_for_user(
            &self.db,
            &who.user.id,
            Some(&who.session_id),
            "password_changed",
            now,
        )
        .await?;
        Ok(())
    }

    /// The user's own time zone; UTC when the account or its zone is gone.
    pub async fn user_zone(&self, user_id: &str) -> Result<chrono_tz::Tz, AuthError> {
        Ok(users::by_id(&self.db, user_id)
            .await?
            .and_then(|u| u.timezone.parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC))
    }

    pub async fn set_timezone(&self, user_id: &str, zone: &str) -> Result<UserRow, AuthError> {
        if !letsgrow_core::validate::is_iana_zone(zone) {
            return Err(invalid(
                "timezone",
                "must be an IANA time zone name such as Europe/Berlin",
            ));
        }
        users::set_timezone(&self.db, user_id, zone, now_ms())
            .await?
            .ok_or(AuthError::Unauthorized("This account no longer exists."))
    }
}
