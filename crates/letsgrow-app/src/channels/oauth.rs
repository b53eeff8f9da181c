//! Connecting channels through OAuth 2.0 with PKCE (X, Mastodon, LinkedIn,
//! Reddit, Instagram, Threads).
//!
//! `start` stores a single-use state row (the PKCE verifier and client sealed
//! and bound to it, 10 minutes to live) and returns the platform's
//! authorization URL. The platform redirects the browser to the callback, and
//! `finish` consumes the state, exchanges the code and stores the channel. The
//! state row names the user, so the callback needs no session cookie.

use super::{ChannelError, ChannelService, connect_error, now_ms};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use letsgrow_core::{ConnectFailure, Platform};
use letsgrow_crypto::{Sealed, row_aad};
use letsgrow_db::channels::ChannelRow;
use letsgrow_db::oauth::{self as repo, OAuthStateRow};
use letsgrow_providers::{
    AuthorizeRequest, ConnectInput, ConnectMethod, OAuthClient, SecretString,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const STATE_TTL_MS: i64 = 10 * 60 * 1000;

/// Whether a platform can be connected here, and why not.
#[derive(Debug, Clone)]
pub struct PlatformAvailability {
    pub platform: Platform,
    pub connect: ConnectMethod,
    pub available: bool,
    pub reason: Option<String>,
}

/// What the state row keeps secret until the callback.
#[derive(Serialize, Deserialize)]
struct Pending {
    code_verifier: String,
    client: OAuthClient,
}

fn random_token() -> Result<String, ChannelError> {
    let bytes =
        letsgrow_crypto::generate_key().map_err(|e| ChannelError::Internal(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn sha256_b64(input: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(input.as_bytes()))
}

/// A failed callback: a stable code for the UI and a sentence for people.
#[derive(Debug)]
pub struct CallbackError {
    pub code: ConnectFailure,
    pub message: String,
}

impl CallbackError {
    fn from_channel(e: ChannelError) -> Self {
        let (code, message) = match e {
            ChannelError::Duplicate => (
                ConnectFailure::ChannelExists,
                "This account is already connected as a channel.".to_owned(),
            ),
            ChannelError::Rejected { message, .. } => (ConnectFailure::PlatformRejected, message),
            ChannelError::Unreachable(m) => (ConnectFailure::PlatformUnavailable, m),
            ChannelError::RateLimited(_) => (
                ConnectFailure::RateLimited,
                "The platform is rate-limiting LetsGrow; try again in a few minutes.".to_owned(),
            ),
            ChannelError::Validation(_)
            | ChannelError::Unsupported(_)
            | ChannelError::NotFound
            | ChannelError::NameTaken(_)
            | ChannelError::Changed => (
                ConnectFailure::InvalidRequest,
                "The connection request was not valid.".to_owned(),
            ),
            ChannelError::Internal(m) => {
                tracing::error!(error = %m, "OAuth callback failed");
                (
                    ConnectFailure::InternalError,
                    "Something went wrong on our side. The error has been logged.".to_owned(),
                )
            }
        };
        CallbackError { code, message }
    }
}

fn normalize_instance(raw: &str) -> Result<String, ChannelError> {
    let raw = raw.trim().trim_end_matches('/');
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| {
        ChannelError::Validation(vec![(
            "instance_url",
            "must be a URL such as https://mastodon.social".into(),
        )])
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() || url.path() != "/" {
        return Err(ChannelError::Validation(vec![(
            "instance_url",
            "must be the instance's address, such as https://mastodon.social".into(),
        )]));
    }
    Ok(with_scheme.trim_end_matches('/').to_owned())
}

impl ChannelService {
    /// Every platform with how it connects and whether it can be connected here.
    pub fn platforms(&self) -> Vec<PlatformAvailability> {
        Platform::ALL
            .into_iter()
            .map(|platform| match self.registry.get(platform) {
                None => PlatformAvailability {
                    platform,
                    connect: ConnectMethod::OAuth2Pkce,
                    available: false,
                    reason: Some(format!("{} support is not compiled into this build", platform.display_name())),
                },
                Some(p) => {
                    let connect = p.capabilities().connect;
                    let missing = connect == ConnectMethod::OAuth2Pkce && !self.clients.contains_key(&platform);
                    let upper = platform.as_str().to_uppercase();
                    PlatformAvailability {
                        platform,
                        connect,
                        available: !missing,
                        reason: missing.then(|| {
                            format!(
                                "{} is not configured on this server: set LETSGROW__PLATFORMS__{upper}__CLIENT_ID and LETSGROW__PLATFORMS__{upper}__CLIENT_SECRET",
                                platform.display_name()
                            )
                        }),
                    }
                }
            })
            .collect()
    }

    /// Starts an OAuth connection; returns the URL to send the browser to.
    pub async fn oauth_start(
        &self,
        user_id: &str,
        platform: Platform,
        instance_url: Option<&str>,
        redirect_uri: &str,
    ) -> Result<String, ChannelError> {
        let provider = self
            .registry
            .get(platform)
            .ok_or(ChannelError::Unsupported(platform))?;
        let method = provider.capabilities().connect;
        let (client, instance) =
            match method {
                ConnectMethod::OAuth2Pkce => {
                    let client = self.clients.get(&platform).cloned().ok_or_else(|| {
                        ChannelError::Rejected {
                            field: "platform".into(),
                            message: self
                                .platforms()
                                .into_iter()
                                .find(|p| p.platform == platform)
                                .and_then(|p| p.reason)
                                .unwrap_or_else(|| {
                                    format!("{platform} is not configured on this server")
                                }),
                        }
                    })?;
                    (client, None)
                }
                ConnectMethod::InstanceOAuth2 => {
                    let raw = instance_url
                        .filter(|s| !s.trim().is_empty())
                        .ok_or_else(|| {
                            ChannelError::Validation(vec![(
                                "instance_url",
                                "is required (e.g. https://mastodon.social)".into(),
                            )])
                        })?;
                    let instance = normalize_instance(raw)?;
                    let client = self
                        .instance_client(platform, &instance, redirect_uri)
                        .await?;
                    (client, Some(instance))
                }
                _ => {
                    return Err(ChannelError::Validation(vec![(
                        "platform",
                        format!("{platform} does not connect through OAuth"),
                    )]));
                }
            };
        let state = random_token()?;
        let verifier = random_token()?;
        let state_hash = sha256_b64(&state);
        let pending = serde_json::to_vec(&Pending {
            code_verifier: verifier.clone(),
            client: client.clone(),
        })
        .map_err(|e| ChannelError::Internal(e.to_string()))?;
        let sealed = self
            .keyring
            .seal(&pending, &row_aad("oauth_state", &state_hash, "pending"))
            .map_err(|e| ChannelError::Internal(e.to_string()))?;
        let url = provider
            .authorize_url(&AuthorizeRequest {
                state: state.clone(),
                code_challenge: sha256_b64(&verifier),
                redirect_uri: redirect_uri.to_owned(),
                client,
                instance_url: instance.clone(),
            })
            .map_err(|e| connect_error(platform, e))?;
        let now = now_ms();
        repo::insert_state(
            &self.db,
            &OAuthStateRow {
                state_hash,
                user_id: user_id.to_owned(),
                platform: platform.as_str().to_owned(),
                sealed: sealed.to_string(),
                redirect_uri: redirect_uri.to_owned(),
                instance_url: instance,
                created_at: now,
                expires_at: now + STATE_TTL_MS,
            },
        )
        .await?;
        Ok(url)
    }

    /// The per-instance app (Mastodon), registered on first use and reused.
    async fn instance_client(
        &self,
        platform: Platform,
        instance: &str,
        redirect_uri: &str,
    ) -> Result<OAuthClient, ChannelError> {
        let aad = row_aad("oauth_app", &format!("{platform}|{instance}"), redirect_uri);
        if let Some(sealed) = repo::app(&self.db, platform.as_str(), instance, redirect_uri).await?
        {
            let sealed =
                Sealed::parse(&sealed).map_err(|e| ChannelError::Internal(e.to_string()))?;
            let plain = self
                .keyring
                .open(&sealed, &aad)
                .map_err(|e| ChannelError::Internal(e.to_string()))?;
            return serde_json::from_slice(plain.expose())
                .map_err(|e| ChannelError::Internal(e.to_string()));
        }
        let provider = self
            .registry
            .get(platform)
            .ok_or(ChannelError::Unsupported(platform))?;
        let client = provider
            .register_app(instance, redirect_uri)
            .await
            .map_err(|e| match connect_error(platform, e) {
                ChannelError::Rejected { message, .. } => ChannelError::Rejected {
                    field: "instance_url".into(),
                    message,
                },
                other => other,
            })?;
        let json =
            serde_json::to_vec(&client).map_err(|e| ChannelError::Internal(e.to_string()))?;
        let sealed = self
            .keyring
            .seal(&json, &aad)
            .map_err(|e| ChannelError::Internal(e.to_string()))?;
        repo::save_app(
            &self.db,
            platform.as_str(),
            instance,
            redirect_uri,
            &sealed.to_string(),
            sealed.key_id(),
            now_ms(),
        )
        .await?;
        Ok(client)
    }

    /// Completes an OAuth connection from the platform's redirect.
    pub async fn oauth_finish(
        &self,
        state: &str,
        code: Option<&str>,
        platform_error: Option<&str>,
    ) -> Result<ChannelRow, CallbackError> {
        let invalid = || CallbackError {
            code: ConnectFailure::StateInvalid,
            message:
                "This connection link has expired or was already used. Start connecting again."
                    .into(),
        };
        if state.is_empty() || state.len() > 128 {
            return Err(invalid());
        }
        let state_hash = sha256_b64(state);
        let row = repo::take_state(&self.db, &state_hash, now_ms())
            .await
            .map_err(|e| CallbackError::from_channel(e.into()))?
            .ok_or_else(invalid)?;
        if let Some(err) = platform_error {
            let message = if err == "access_denied" {
                "You declined the connection on the platform; nothing was connected.".to_owned()
            } else {
                format!("The platform refused the connection ({err}).")
            };
            return Err(CallbackError {
                code: if err == "access_denied" {
                    ConnectFailure::AccessDenied
                } else {
                    ConnectFailure::PlatformRejected
                },
                message,
            });
        }
        let code = code
            .filter(|c| !c.is_empty() && c.len() <= 2048)
            .ok_or_else(|| CallbackError {
                code: ConnectFailure::PlatformRejected,
                message: "The platform did not return an authorization code.".into(),
            })?;
        let platform: Platform = row.platform.parse().map_err(|_| invalid())?;
        let provider = self
            .registry
            .get(platform)
            .ok_or_else(|| CallbackError::from_channel(ChannelError::Unsupported(platform)))?;
        let sealed = Sealed::parse(&row.sealed)
            .map_err(|e| CallbackError::from_channel(ChannelError::Internal(e.to_string())))?;
        let plain = self
            .keyring
            .open(&sealed, &row_aad("oauth_state", &state_hash, "pending"))
            .map_err(|e| CallbackError::from_channel(ChannelError::Internal(e.to_string())))?;
        let pending: Pending = serde_json::from_slice(plain.expose())
            .map_err(|e| CallbackError::from_channel(ChannelError::Internal(e.to_string())))?;
        let connected = provider
            .connect(ConnectInput::OAuthCode {
                code: SecretString::new(code),
                code_verifier: SecretString::new(pending.code_verifier),
                redirect_uri: row.redirect_uri.clone(),
                client: pending.client,
                instance_url: row.instance_url.clone(),
            })
            .await
            .map_err(|e| CallbackError::from_channel(connect_error(platform, e)))?;
        self.store(&row.user_id, platform, connected)
            .await
            .map_err(CallbackError::from_channel)
    }
}
