//! Channels: connect, list, test, disconnect. Credentials are sealed with the
//! keyring (bound to their channel row) before they touch the database, and
//! refreshed credentials are persisted the same way. No HTTP types here.

use crate::notifications::NotificationService;
use letsgrow_core::notification::NotificationKind;
use letsgrow_core::{ChannelStatus, Platform};
use letsgrow_crypto::{Keyring, Sealed, row_aad};
use letsgrow_db::channels::{self as repo, ChannelRow, NewChannel, SealedSecret};
use letsgrow_db::notifications::About;
use letsgrow_db::{Db, DbError};
use letsgrow_providers::{
    Account, ChannelCtx, ConnectInput, Credentials, ProviderError, Registry, SecretString,
};
use std::sync::Arc;

/// Sends in a row that must fail before a channel shows as failing: one
/// failure is often the platform's bad minute; three in a row are a pattern.
pub const FAILING_AFTER: i64 = 3;

pub mod oauth;

const CREDENTIALS_FIELD: &str = "credentials";

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("invalid input")]
    Validation(Vec<(&'static str, String)>),
    #[error("{0} is not available in this build")]
    Unsupported(Platform),
    #[error("this account is already connected")]
    Duplicate,
    /// Another of the user's channels already has this name.
    #[error("another channel is already called {0}")]
    NameTaken(String),
    #[error("no such channel")]
    NotFound,
    /// The platform refused the credentials (nothing was stored).
    #[error("{message}")]
    Rejected { field: String, message: String },
    /// The platform could not be reached.
    #[error("{0}")]
    Unreachable(String),
    #[error("rate limited")]
    RateLimited(Option<std::time::Duration>),
    /// The channel changed between reading and writing it; nothing was saved.
    #[error("the channel changed meanwhile")]
    Changed,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for ChannelError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(_) => ChannelError::Duplicate,
            other => ChannelError::Internal(other.to_string()),
        }
    }
}

/// Longest channel name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// How names compare for uniqueness: as the CSV import finds channels
/// (case-insensitive, a leading `@` ignored).
fn name_key(name: &str) -> String {
    name.trim().trim_start_matches('@').to_lowercase()
}

/// `None` when `handle` is free among `taken` (keys), else the first free
/// "handle (n)".
fn free_name(handle: &str, taken: &[String]) -> Option<String> {
    if !taken.contains(&name_key(handle)) {
        return None;
    }
    (2..)
        .map(|n| format!("{handle} ({n})"))
        .find(|candidate| !taken.contains(&name_key(candidate)))
}

/// What the user submitted to connect a channel.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub platform: Platform,
    pub identifier: Option<String>,
    pub app_password: Option<SecretString>,
    pub service_url: Option<String>,
    pub url: Option<String>,
    pub format: Option<String>,
}

#[derive(Clone)]
pub struct ChannelService {
    db: Db,
    keyring: Arc<Keyring>,
    registry: Registry,
    notifications: NotificationService,
    /// OAuth apps configured per platform (`[platforms.<id>]`).
    clients: std::collections::BTreeMap<Platform, letsgrow_providers::OAuthClient>,
}

/// The request field a settings key is reported under.
fn settings_field(key: &str) -> &'static str {
    match key {
        "subreddit" => "settings.subreddit",
        "flair_id" => "settings.flair_id",
        "visibility" => "settings.visibility",
        "spoiler_text" => "settings.spoiler_text",
        "language" => "settings.language",
        _ => "settings",
    }
}

/// The channel's settings with the user's `(key, value)` changes applied.
fn merged_settings(
    row: &ChannelRow,
    changes: &[(&'static str, &str)],
) -> Result<String, ChannelError> {
    let platform: Platform = row
        .platform
        .parse()
        .map_err(|_| ChannelError::Internal(format!("unknown platform {}", row.platform)))?;
    let mut settings: serde_json::Value =
        serde_json::from_str(&row.settings).unwrap_or_else(|_| serde_json::json!({}));
    if !settings.is_object() {
        settings = serde_json::json!({});
    }
    let mut errors = Vec::new();
    for (key, value) in changes {
        match letsgrow_providers::channel_settings::check(platform, key, value) {
            Ok(Some(v)) => settings[*key] = serde_json::Value::String(v),
            Ok(None) => {
                if let Some(m) = settings.as_object_mut() {
                    m.remove(*key);
                }
            }
            Err(message) => errors.push((settings_field(key), message)),
        }
    }
    if errors.is_empty() {
        Ok(settings.to_string())
    } else {
        Err(ChannelError::Validation(errors))
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn required(
    v: &Option<String>,
    field: &'static str,
    errors: &mut Vec<(&'static str, String)>,
) -> String {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => {
            errors.push((field, "is required".into()));
            String::new()
        }
    }
}

impl ChannelService {
    pub fn new(
        db: Db,
        keyring: Arc<Keyring>,
        registry: Registry,
        notifications: NotificationService,
    ) -> Self {
        ChannelService {
            db,
            keyring,
            registry,
            notifications,
            clients: std::collections::BTreeMap::new(),
        }
    }

    /// The OAuth apps configured for each platform.
    pub fn with_oauth_clients(
        mut self,
        clients: std::collections::BTreeMap<Platform, letsgrow_providers::OAuthClient>,
    ) -> Self {
        self.clients = clients;
        self
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub async fn list(&self, user_id: &str) -> Result<Vec<ChannelRow>, ChannelError> {
        Ok(repo::list_for_user(&self.db, user_id).await?)
    }

    /// Connects a channel; returns it and, for webhooks, the signing secret (shown once).
    pub async fn connect(
        &self,
        user_id: &str,
        req: ConnectRequest,
    ) -> Result<(ChannelRow, Option<String>), ChannelError> {
        let provider = self
            .registry
            .get(req.platform)
            .ok_or(ChannelError::Unsupported(req.platform))?;
        let mut errors = Vec::new();
        let (input, shown_secret) = match req.platform {
            Platform::Bluesky => {
                let identifier = required(&req.identifier, "identifier", &mut errors);
                let password = req
                    .app_password
                    .clone()
                    .filter(|p| !p.expose().trim().is_empty());
                if password.is_none() {
                    errors.push(("app_password", "is required".into()));
                }
                let service_url = req
                    .service_url
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                if !errors.is_empty() {
                    return Err(ChannelError::Validation(errors));
                }
                let password = password.unwrap_or_else(|| SecretString::new(""));
                (
                    ConnectInput::AppPassword {
                        identifier,
                        password,
                        service_url,
                    },
                    None,
                )
            }
            Platform::Webhook => {
                let url = required(&req.url, "url", &mut errors);
                let format = req.format.clone().unwrap_or_else(|| "generic".into());
                if !["generic", "discord", "slack"].contains(&format.as_str()) {
                    errors.push(("format", "must be generic, discord or slack".into()));
                }
                if !errors.is_empty() {
                    return Err(ChannelError::Validation(errors));
                }
                let secret = hex_secret().map_err(ChannelError::Internal)?;
                (
                    ConnectInput::Webhook {
                        url,
                        secret: SecretString::new(secret.clone()),
                        format,
                    },
                    Some(secret),
                )
            }
            other => return Err(ChannelError::Unsupported(other)),
        };
        let connected = provider
            .connect(input)
            .await
            .map_err(|e| connect_error(req.platform, e))?;
        let row = self.store(user_id, req.platform, connected).await?;
        Ok((row, shown_secret))
    }

    /// Seals the credentials and inserts the channel (409 when already connected).
    async fn store(
        &self,
        user_id: &str,
        platform: Platform,
        connected: letsgrow_providers::Connected,
    ) -> Result<ChannelRow, ChannelError> {
        let id = letsgrow_db::new_id();
        let sealed = self.seal(&id, &connected.credentials)?;
        let settings = connected.account.settings.to_string();
        // Names are unique per user: a second "127.0.0.1" becomes "127.0.0.1 (2)".
        let taken: Vec<String> = repo::list_for_user(&self.db, user_id)
            .await?
            .iter()
            .map(|c| name_key(&c.handle))
            .collect();
        let name = free_name(&connected.account.handle, &taken);
        let row = repo::insert(
            &self.db,
            &id,
            &NewChannel {
                user_id,
                platform: platform.as_str(),
                external_id: &connected.account.external_id,
                handle: &connected.account.handle,
                name: name.as_deref(),
                base_url: &connected.account.base_url,
                settings: &settings,
            },
            &[sealed],
            now_ms(),
        )
        .await?;
        tracing::info!(channel_id = %row.id, platform = %row.platform, "channel connected");
        Ok(row)
    }

    /// Revokes the platform tokens where the platform offers it (best effort:
    /// a failure is logged, the channel and its secrets are deleted regardless).
    pub async fn disconnect(&self, user_id: &str, id: &str) -> Result<(), ChannelError> {
        let row = repo::get_for_user(&self.db, user_id, id)
            .await?
            .ok_or(ChannelError::NotFound)?;
        if let Some(provider) = row.platform.parse().ok().and_then(|p| self.registry.get(p)) {
            match self.context(&row).await {
                Ok(ctx) => {
                    if let Err(e) = provider.revoke(&ctx).await {
                        tracing::warn!(channel_id = %id, error = %e, "could not revoke the platform tokens");
                    }
                }
                Err(e) => {
                    tracing::warn!(channel_id = %id, error = %e, "could not read credentials to revoke")
                }
            }
        }
        // Its unpublished posts go with it (ON DELETE CASCADE): say so, never silently.
        let pending = letsgrow_db::posts::pending_on_channel(&self.db, id).await?;
        if repo::delete(&self.db, user_id, id).await? {
            tracing::info!(channel_id = %id, pending, "channel disconnected; its secrets were deleted");
            if pending > 0 {
                self.notifications
                    .notify(
                        user_id,
                        NotificationKind::ChannelDisconnected,
                        &format!("{} was disconnected", channel_label(&row)),
                        &format!("{pending} post(s) for it that had not been published were removed with it. Posts already published stay on the platform."),
                        About::default(),
                    )
                    .await?;
            }
            Ok(())
        } else {
            Err(ChannelError::NotFound)
        }
    }

    /// A harmless connectivity check that records the channel's health.
    /// Pauses or resumes publishing and changes the user's publishing
    /// settings (`(key, value)`, checked per platform by
    /// `letsgrow_providers::channel_settings`; an empty value restores the
    /// default). Every setting is checked before anything is saved.
    pub async fn update(
        &self,
        user_id: &str,
        id: &str,
        name: Option<&str>,
        paused: Option<bool>,
        settings: &[(&'static str, &str)],
    ) -> Result<ChannelRow, ChannelError> {
        let now = now_ms();
        let mut row = repo::get_for_user(&self.db, user_id, id)
            .await?
            .ok_or(ChannelError::NotFound)?;
        if let Some(name) = name {
            row = self.rename(user_id, &row, name, now).await?;
        }
        let merged = if settings.is_empty() {
            None
        } else {
            Some(merged_settings(&row, settings)?)
        };
        if let Some(p) = paused {
            let at = if p {
                Some(row.paused_at.unwrap_or(now))
            } else {
                None
            };
            row = repo::set_paused(&self.db, user_id, id, at, now)
                .await?
                .ok_or(ChannelError::NotFound)?;
        }
        if let Some(merged) = merged {
            row = repo::set_settings(&self.db, user_id, id, &row.settings, &merged, now)
                .await?
                .ok_or(ChannelError::Changed)?;
        }
        Ok(row)
    }

    /// Gives a channel its own name (an empty one, or the handle, restores the
    /// account's handle). Names are unique per user, ignoring case and a leading
    /// `@`, because the CSV `channel` column finds channels by them.
    async fn rename(
        &self,
        user_id: &str,
        row: &ChannelRow,
        name: &str,
        now: i64,
    ) -> Result<ChannelRow, ChannelError> {
        let name = name.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(ChannelError::Validation(vec![(
                "name",
                format!("is too long: at most {MAX_NAME_CHARS} characters"),
            )]));
        }
        if name.chars().any(char::is_control) {
            return Err(ChannelError::Validation(vec![(
                "name",
                "must be one line of text, without control characters".into(),
            )]));
        }
        let own = (!name.is_empty() && name != row.account_handle).then_some(name);
        let shown = own.unwrap_or(&row.account_handle);
        let others = repo::list_for_user(&self.db, user_id).await?;
        if let Some(other) = others
            .iter()
            .find(|c| c.id != row.id && name_key(&c.handle) == name_key(shown))
        {
            return Err(ChannelError::NameTaken(other.handle.clone()));
        }
        repo::set_name(&self.db, user_id, &row.id, own, now)
            .await?
            .ok_or(ChannelError::NotFound)
    }

    pub async fn test(&self, user_id: &str, id: &str) -> Result<ChannelRow, ChannelError> {
        let row = repo::get_for_user(&self.db, user_id, id)
            .await?
            .ok_or(ChannelError::NotFound)?;
        let platform: Platform = row
            .platform
            .parse()
            .map_err(|e| ChannelError::Internal(format!("{e}")))?;
        let provider = self
            .registry
            .get(platform)
            .ok_or(ChannelError::Unsupported(platform))?;
        let ctx = self.context(&row).await?;
        let now = now_ms();
        let (status, message, until) = match provider.check(&ctx).await {
            Ok(checked) => {
                if let Some(creds) = &checked.refreshed {
                    let sealed = self.seal(&row.id, creds)?;
                    repo::replace_secrets(&self.db, &row.id, &[sealed], now).await?;
                }
                (ChannelStatus::Ok, None, None)
            }
            Err(e) => self.health_from_error(&row, &e, now).await?,
        };
        repo::set_health(
            &self.db,
            &row.id,
            status.as_str(),
            message.as_deref(),
            until,
            now,
        )
        .await?
        .ok_or(ChannelError::NotFound)
    }

    async fn health_from_error(
        &self,
        row: &ChannelRow,
        e: &ProviderError,
        now: i64,
    ) -> Result<(ChannelStatus, Option<String>, Option<i64>), ChannelError> {
        Ok(match e {
            ProviderError::Revoked { .. } | ProviderError::AuthExpired { .. } => {
                let msg = format!("{e}");
                if row.status != ChannelStatus::NeedsReconnect {
                    self.notifications
                        .notify(
                            &row.user_id,
                            NotificationKind::ChannelNeedsReconnect,
                            &format!("Reconnect {}", channel_label(row)),
                            &format!("LetsGrow can no longer publish to this channel: {msg}. Reconnect it on the Channels page."),
                            About {
                                channel_id: Some(&row.id),
                                post_id: None,
                            },
                        )
                        .await?;
                }
                (ChannelStatus::NeedsReconnect, Some(msg), None)
            }
            ProviderError::RateLimited { retry_after, .. } => {
                let until = retry_after.map(|d| now + i64::try_from(d.as_millis()).unwrap_or(0));
                (ChannelStatus::RateLimited, Some(format!("{e}")), until)
            }
            other => (ChannelStatus::Error, Some(format!("{other}")), None),
        })
    }

    /// Seals and stores credentials a provider refreshed.
    pub async fn persist_credentials(
        &self,
        channel_id: &str,
        creds: &Credentials,
    ) -> Result<(), ChannelError> {
        let sealed = self.seal(channel_id, creds)?;
        repo::replace_secrets(&self.db, channel_id, &[sealed], now_ms()).await?;
        Ok(())
    }

    /// Records what a provider error says about a channel's health (needs
    /// reconnect, with a notification the first time; rate-limited; error).
    pub async fn record_error(
        &self,
        row: &ChannelRow,
        e: &ProviderError,
    ) -> Result<(), ChannelError> {
        let now = now_ms();
        let (status, message, until) = self.health_from_error(row, e, now).await?;
        repo::set_health(
            &self.db,
            &row.id,
            status.as_str(),
            message.as_deref(),
            until,
            now,
        )
        .await?;
        Ok(())
    }

    /// A post went through: the failure count restarts, and a rate-limited,
    /// erroring or failing channel is healthy again. (No write when there is
    /// nothing to change, so a healthy channel costs nothing per post.)
    pub async fn record_success(&self, row: &ChannelRow) -> Result<(), ChannelError> {
        let unhealthy = row
            .status
            .parse::<ChannelStatus>()
            .is_ok_and(ChannelStatus::clears_on_success);
        if unhealthy || row.consecutive_failures > 0 {
            repo::record_send_ok(&self.db, &row.id, now_ms()).await?;
        }
        Ok(())
    }

    /// A send the platform answered with a failure (or never answered): after
    /// [`FAILING_AFTER`] in a row the channel shows as failing, with `message`.
    pub async fn record_send_failure(
        &self,
        row: &ChannelRow,
        message: &str,
    ) -> Result<(), ChannelError> {
        repo::record_send_failed(&self.db, &row.id, message, FAILING_AFTER, now_ms()).await?;
        Ok(())
    }

    /// The platform asked to wait until `until` (ms) before the next post.
    pub async fn record_rate_limited(
        &self,
        row: &ChannelRow,
        message: &str,
        until: i64,
    ) -> Result<(), ChannelError> {
        repo::set_health(
            &self.db,
            &row.id,
            ChannelStatus::RateLimited.as_str(),
            Some(message),
            Some(until),
            now_ms(),
        )
        .await?;
        Ok(())
    }

    /// A channel by id, whoever owns it (for the workers).
    pub async fn get(&self, id: &str) -> Result<Option<ChannelRow>, ChannelError> {
        Ok(repo::get(&self.db, id).await?)
    }

    /// The provider's view of a stored channel, credentials decrypted.
    pub async fn context(&self, row: &ChannelRow) -> Result<ChannelCtx, ChannelError> {
        let mut credentials = Credentials::default();
        for (field, sealed) in repo::secrets(&self.db, &row.id).await? {
            if field != CREDENTIALS_FIELD {
                continue;
            }
            let sealed =
                Sealed::parse(&sealed).map_err(|e| ChannelError::Internal(e.to_string()))?;
            let plain = self
                .keyring
                .open(&sealed, &row_aad("channel", &row.id, CREDENTIALS_FIELD))
                .map_err(|e| ChannelError::Internal(e.to_string()))?;
            credentials = serde_json::from_slice(plain.expose())
                .map_err(|e| ChannelError::Internal(e.to_string()))?;
        }
        Ok(ChannelCtx {
            channel_id: row.id.clone(),
            account: Account {
                external_id: row.external_id.clone(),
                handle: row.account_handle.clone(),
                base_url: row.base_url.clone(),
                settings: serde_json::from_str(&row.settings).unwrap_or_default(),
            },
            credentials,
        })
    }

    fn seal(&self, channel_id: &str, creds: &Credentials) -> Result<SealedSecret, ChannelError> {
        let json = serde_json::to_vec(creds).map_err(|e| ChannelError::Internal(e.to_string()))?;
        let json = letsgrow_crypto::SecretBytes::new(json);
        let sealed = self
            .keyring
            .seal(
                json.expose(),
                &row_aad("channel", channel_id, CREDENTIALS_FIELD),
            )
            .map_err(|e| ChannelError::Internal(e.to_string()))?;
        Ok(SealedSecret {
            field: CREDENTIALS_FIELD,
            key_id: sealed.key_id().to_owned(),
            sealed: sealed.to_string(),
        })
    }
}

fn hex_secret() -> Result<String, String> {
    let key = letsgrow_crypto::generate_key().map_err(|e| e.to_string())?;
    Ok(key.iter().map(|b| format!("{b:02x}")).collect())
}

pub(crate) fn connect_error(platform: Platform, e: ProviderError) -> ChannelError {
    let field = if platform == Platform::Webhook {
        "url"
    } else {
        "app_password"
    }
    .to_owned();
    match e {
        ProviderError::Revoked { message } | ProviderError::AuthExpired { message } => {
            ChannelError::Rejected {
                field,
                message: match platform {
                    Platform::Bluesky => {
                        format!("Bluesky refused this handle or app password ({message}).")
                    }
                    _ => message,
                },
            }
        }
        ProviderError::Transient { message, .. } => ChannelError::Unreachable(match platform {
            // The provider's message already names the PDS and suggests checking its URL.
            Platform::Bluesky => message,
            _ => format!("Could not reach the URL: {message}. Check it and try again."),
        }),
        ProviderError::RateLimited { retry_after, .. } => ChannelError::RateLimited(retry_after),
        ProviderError::InvalidContent { violations } => ChannelError::Rejected {
            field,
            message: violations
                .iter()
                .map(|v| v.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        },
        ProviderError::Permanent { message } => ChannelError::Rejected {
            field: if platform == Platform::Bluesky {
                "service_url"
            } else {
                "url"
            }
            .to_owned(),
            message,
        },
        ProviderError::InvalidInput { field, message } => ChannelError::Rejected { field, message },
    }
}

/// Re-encrypts every stored secret that is not under the active key.
/// Returns `(resealed, failed)`.
pub async fn rotate_keys(db: &Db, keyring: &Keyring) -> Result<(u64, u64), DbError> {
    let (mut resealed, mut failed) = (0u64, 0u64);
    let mut skip = std::collections::HashSet::new();
    loop {
        let page = repo::secrets_not_under(db, keyring.active_key_id(), 500).await?;
        let fresh: Vec<_> = page
            .into_iter()
            .filter(|(c, f, _)| !skip.contains(&(c.clone(), f.clone())))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for (channel_id, field, sealed_text) in fresh {
            let aad = row_aad("channel", &channel_id, &field);
            let outcome = Sealed::parse(&sealed_text)
                .map_err(|e| e.to_string())
                .and_then(|s| keyring.reseal(&s, &aad).map_err(|e| e.to_string()));
            match outcome {
                Ok(new) => {
                    if repo::reseal_secret(
                        db,
                        &channel_id,
                        &field,
                        &sealed_text,
                        &new.to_string(),
                        new.key_id(),
                        now_ms(),
                    )
                    .await?
                    {
                        resealed += 1;
                    }
                }
                Err(reason) => {
                    tracing::error!(channel_id, field, %reason, "could not re-encrypt a secret");
                    failed += 1;
                    skip.insert((channel_id, field));
                }
            }
        }
    }
    // Per-instance OAuth apps (Mastodon client secrets).
    let mut skip_apps = std::collections::HashSet::new();
    loop {
        let page = letsgrow_db::oauth::apps_not_under(db, keyring.active_key_id(), 500).await?;
        let fresh: Vec<_> = page
            .into_iter()
            .filter(|r| !skip_apps.contains(r))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for row in fresh {
            let (platform, instance, redirect, sealed_text) = &row;
            let aad = row_aad("oauth_app", &format!("{platform}|{instance}"), redirect);
            let outcome = Sealed::parse(sealed_text)
                .map_err(|e| e.to_string())
                .and_then(|s| keyring.reseal(&s, &aad).map_err(|e| e.to_string()));
            match outcome {
                Ok(new) => {
                    let key = (platform.as_str(), instance.as_str(), redirect.as_str());
                    if letsgrow_db::oauth::reseal_app(
                        db,
                        key,
                        sealed_text,
                        &new.to_string(),
                        new.key_id(),
                    )
                    .await?
                    {
                        resealed += 1;
                    }
                }
                Err(reason) => {
                    tracing::error!(%platform, %instance, %reason, "could not re-encrypt an OAuth app secret");
                    failed += 1;
                    skip_apps.insert(row.clone());
                }
            }
        }
    }
    Ok((resealed, failed))
}

/// "@alice on Bluesky": how notifications name a channel.
pub fn channel_label(c: &ChannelRow) -> String {
    match c.platform.parse::<Platform>() {
        Ok(p) => format!("{} on {}", c.handle, p.display_name()),
        Err(_) => c.handle.clone(),
    }
}
