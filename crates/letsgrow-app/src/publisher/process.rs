//! Publishing one claimed target: re-validate, respect budgets, reconcile an
//! unknown outcome, send each remaining part, record each part's id before
//! the next, and classify every failure.

use super::{Publisher, backoff_ms, now_ms};
use crate::posts::content::Content;
use crate::ratelimit::{Decision, Quota};
use letsgrow_core::Platform;
use letsgrow_core::notification::NotificationKind;
use letsgrow_db::channels::ChannelRow;
use letsgrow_db::posts::{self as repo, Finish, TargetRow, state};
use letsgrow_providers::{MediaItem, ProviderError, PublishPart, RemotePost, ReplyRef};

/// Public media URLs handed to platforms stay valid this long.
const MEDIA_URL_TTL_SECS: i64 = 24 * 3600;

/// A channel's row and decrypted credentials, reused across one channel run.
pub(super) struct ChannelCache {
    channel: ChannelRow,
    ctx: letsgrow_providers::ChannelCtx,
    loaded_at: std::time::Instant,
}

/// How long a cached channel is trusted before its state is read again.
const CACHE_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// A target that went out: the first part's link, the part count, every part's platform post (JSON).
struct Published {
    url: Option<String>,
    parts: usize,
    remote: String,
}

/// Why a target stops here, before it is written down.
struct Outcome {
    finish_to: &'static str,
    next_attempt_at: Option<i64>,
    needs_lookup: bool,
    code: Option<&'static str>,
    message: String,
    part: Option<i64>,
    notify: bool,
}

impl Outcome {
    fn failed(code: &'static str, message: String, part: Option<i64>) -> Self {
        Outcome {
            finish_to: state::FAILED,
            next_attempt_at: None,
            needs_lookup: false,
            code: Some(code),
            message,
            part,
            notify: true,
        }
    }
}

impl Publisher {
    pub(super) async fn process(&self, t: TargetRow, cache: &mut Option<ChannelCache>) {
        let outcome = match self.attempt(&t, cache).await {
            Ok(Some(done)) => {
                let Published { url, parts, remote } = done;
                let message = if parts > 1 {
                    format!("published ({parts} parts)")
                } else {
                    "published".to_owned()
                };
                let f = Finish {
                    to: state::PUBLISHED,
                    next_attempt_at: None,
                    needs_lookup: false,
                    remote: Some(&remote),
                    url: url.as_deref(),
                    error_code: None,
                    error_message: None,
                    error_part: None,
                    message: &message,
                };
                self.finish(&t, &f).await;
                return;
            }
            // The lease was lost mid-way; whoever holds the target now decides.
            Ok(None) => return,
            Err(o) => o,
        };
        let f = Finish {
            to: outcome.finish_to,
            next_attempt_at: outcome.next_attempt_at,
            needs_lookup: outcome.needs_lookup,
            remote: None,
            url: None,
            error_code: outcome.code,
            error_message: Some(&outcome.message),
            error_part: outcome.part,
            message: &outcome.message,
        };
        if self.finish(&t, &f).await && outcome.notify {
            self.notify_failure(&t, &outcome).await;
        }
        if outcome.next_attempt_at.is_some() {
            self.deps.wake.poke();
        }
    }

    async fn finish(&self, t: &TargetRow, f: &Finish<'_>) -> bool {
        match repo::finish(&self.deps.db, &t.id, &self.worker_id, f, now_ms()).await {
            Ok(true) => {
                tracing::info!(target_id = %t.id, post_id = %t.post_id, channel_id = %t.channel_id, state = f.to, "post target {}", f.to);
                true
            }
            Ok(false) => {
                tracing::warn!(target_id = %t.id, "lost the lease before recording the outcome; the sweeper reconciles it");
                false
            }
            Err(e) => {
                tracing::error!(target_id = %t.id, error = %e, "could not record the outcome; the lease expires and it is reconciled");
                false
            }
        }
    }

    async fn notify_failure(&self, t: &TargetRow, o: &Outcome) {
        let handle = match self.deps.channels.get(&t.channel_id).await {
            Ok(Some(c)) => crate::channels::channel_label(&c),
            _ => "a channel".to_owned(),
        };
        let title = format!("A post to {handle} failed");
        let body = format!("{} Open the post to retry.", o.message);
        if let Err(e) = self
            .deps
            .notifications
            .notify(
                &t.user_id,
                NotificationKind::PublishFailed,
                &title,
                &body,
                letsgrow_db::notifications::About {
                    channel_id: Some(&t.channel_id),
                    post_id: Some(&t.post_id),
                },
            )
            .await
        {
            tracing::error!(error = %e, "could not write the failure notification");
        }
    }

    /// `Ok(Some(_))` published; `Ok(None)` lease lost; `Err` how it stopped.
    /// `cache` holds the channel row and decrypted credentials between the
    /// targets of one channel run; it is emptied on any failure so the next
    /// target re-reads the channel's state.
    async fn attempt(
        &self,
        t: &TargetRow,
        cache: &mut Option<ChannelCache>,
    ) -> Result<Option<Published>, Outcome> {
        let db = &self.deps.db;
        let internal = |m: String| Outcome {
            finish_to: state::SCHEDULED,
            next_attempt_at: Some(now_ms() + backoff_ms(t.attempts)),
            needs_lookup: t.needs_lookup != 0,
            code: Some("internal_error"),
            message: format!("LetsGrow could not prepare this post ({m}); retrying"),
            part: None,
            notify: false,
        };
        let cached = cache
            .take()
            .filter(|c| c.channel.id == t.channel_id && c.loaded_at.elapsed() < CACHE_FOR);
        let (channel, ctx, loaded_at) = match cached {
            Some(c) => (c.channel, c.ctx, c.loaded_at),
            None => {
                let channel = match self.deps.channels.get(&t.channel_id).await {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        return Err(Outcome::failed(
                            "channel_gone",
                            "The channel was disconnected.".into(),
                            None,
                        ));
                    }
                    Err(e) => return Err(internal(e.to_string())),
                };
                let ctx = match self.deps.channels.context(&channel).await {
                    Ok(c) => c,
                    Err(e) => return Err(internal(e.to_string())),
                };
                (channel, ctx, std::time::Instant::now())
            }
        };
        let post = match repo::posts_by_ids(db, std::slice::from_ref(&t.post_id)).await {
            Ok(mut v) if !v.is_empty() => v.remove(0),
            Ok(_) => {
                return Err(Outcome::failed(
                    "post_gone",
                    "The post was deleted.".into(),
                    None,
                ));
            }
            Err(e) => return Err(internal(e.to_string())),
        };
        let content = match t
            .content
            .as_deref()
            .map(Content::from_json)
            .unwrap_or_else(|| Content::from_json(&post.content))
        {
            Ok(c) => c,
            Err(e) => return Err(Outcome::failed("internal_error", e, None)),
        };
        let Ok(platform) = channel.platform.parse::<Platform>() else {
            return Err(Outcome::failed(
                "unsupported",
                format!("unknown platform {}", channel.platform),
                None,
            ));
        };
        let Some(provider) = self.deps.channels.registry().get(platform) else {
            return Err(Outcome::failed(
                "unsupported",
                format!("{platform} is not available in this build"),
                None,
            ));
        };
        let mut remote: Vec<RemotePost> = serde_json::from_str(&t.remote).unwrap_or_default();
        if channel.status == "needs_reconnect" {
            return Err(Outcome::failed(
                "channel_needs_reconnect",
                format!(
                    "{} needs to be reconnected before LetsGrow can publish to it ({}).",
                    channel.handle,
                    channel
                        .status_message
                        .as_deref()
                        .unwrap_or("access was revoked")
                ),
                None,
            ));
        }
        // Re-validate: rules or media may have changed since it was saved.
        if remote.is_empty() {
            let mut errors = Vec::new();
            self.deps
                .posts
                .validate_for(&t.user_id, &channel, &content, "content", &mut errors)
                .await;
            if !errors.is_empty() {
                let msg = errors
                    .iter()
                    .map(|(f, m)| format!("{f}: {m}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(Outcome::failed(
                    "invalid_content",
                    format!(
                        "The post no longer passes {}'s rules: {msg}",
                        platform.display_name()
                    ),
                    None,
                ));
            }
        }
        // The channel is known to be rate-limited: wait, without spending an attempt's error.
        if let Some(until) = channel.rate_limited_until.filter(|u| *u > now_ms()) {
            return Err(wait_until(
                t,
                until,
                format!(
                    "{} is rate-limited until then; waiting",
                    platform.display_name()
                ),
            ));
        }
        let caps = provider.capabilities();
        if let Some(b) = caps.publish_budget
            && remote.is_empty()
        {
            let quota = Quota {
                limit: b.limit,
                period: b.period,
            };
            if let Decision::Limited(wait) = self
                .deps
                .limiter
                .check(&format!("publish:{}", channel.id), quota)
                .await
            {
                let until = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(60_000);
                return Err(wait_until(
                    t,
                    until,
                    format!(
                        "{} allows {} posts per {} s on this account; waiting for the budget",
                        platform.display_name(),
                        b.limit,
                        b.period.as_secs()
                    ),
                ));
            }
        }
        let mut ctx = ctx;
        let total = content.parts.len();
        let mut refreshed_once = false;
        let mut i = remote.len();
        // The part the last attempt may have sent (only it needs a lookup first).
        let unconfirmed_part = (t.needs_lookup != 0).then_some(i);
        while i < total {
            let part = match self.build_part(t, &post.id, &content, i, &remote).await {
                Ok(p) => p,
                Err(m) => return Err(Outcome::failed("media_unavailable", m, Some(i as i64))),
            };
            // Reconcile first when the last attempt at this part may have landed.
            if unconfirmed_part == Some(i) && caps.lookup {
                match provider.lookup(&ctx, &part).await {
                    Ok(found) => {
                        self.persist_creds(&channel, found.refreshed.as_ref()).await;
                        if let Some(post) = found.value {
                            tracing::info!(target_id = %t.id, part = i, "reconciled: the earlier attempt had published");
                            remote.push(post);
                            if !self.record(t, &remote).await {
                                return Ok(None);
                            }
                            i += 1;
                            continue;
                        }
                    }
                    Err(e) => return Err(self.classify(t, &channel, e, i, total, true).await),
                }
            }
            match provider.publish(&ctx, &part).await {
                Ok(done) => {
                    self.persist_creds(&channel, done.refreshed.as_ref()).await;
                    if let Some(c) = done.refreshed {
                        ctx.credentials = c;
                    }
                    remote.push(done.value);
                    // The last part's id is stored by `finish` with the outcome.
                    if i + 1 < total && !self.record(t, &remote).await {
                        return Ok(None);
                    }
                    i += 1;
                }
                Err(ProviderError::AuthExpired { .. }) if !refreshed_once => {
                    refreshed_once = true;
                    match provider.refresh(&ctx).await {
                        Ok(creds) => {
                            self.persist_creds(&channel, Some(&creds)).await;
                            ctx.credentials = creds;
                        }
                        Err(e) => return Err(self.classify(t, &channel, e, i, total, false).await),
                    }
                }
                Err(e) => return Err(self.classify(t, &channel, e, i, total, false).await),
            }
        }
        let mut channel = channel;
        if channel.status == "rate_limited" || channel.status == "error" {
            // The platform accepted a post: the channel is healthy again.
            if let Err(e) = self.deps.channels.record_success(&channel).await {
                tracing::warn!(error = %e, channel_id = %channel.id, "could not record the channel as healthy");
            }
            channel.status = "ok".into();
            channel.rate_limited_until = None;
        }
        let published = Published {
            url: remote.first().and_then(|r| r.url.clone()),
            parts: total,
            remote: serde_json::to_string(&remote).unwrap_or_else(|_| "[]".into()),
        };
        *cache = Some(ChannelCache {
            channel,
            ctx,
            loaded_at,
        });
        Ok(Some(published))
    }

    async fn record(&self, t: &TargetRow, remote: &[RemotePost]) -> bool {
        let json = serde_json::to_string(remote).unwrap_or_else(|_| "[]".into());
        let now = now_ms();
        match repo::record_remote(
            &self.deps.db,
            &t.id,
            &self.worker_id,
            &json,
            now + self.lease_ms(),
            now,
        )
        .await
        {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(target_id = %t.id, "lost the lease while publishing");
                false
            }
            Err(e) => {
                // The part is out but not recorded: stop; the lease expires and
                // reconciliation finds it (lookup or idempotent re-send).
                tracing::error!(target_id = %t.id, error = %e, "could not record a published part");
                false
            }
        }
    }

    async fn persist_creds(
        &self,
        channel: &ChannelRow,
        creds: Option<&letsgrow_providers::Credentials>,
    ) {
        if let Some(c) = creds
            && let Err(e) = self.deps.channels.persist_credentials(&channel.id, c).await
        {
            tracing::error!(channel_id = %channel.id, error = %e, "could not store refreshed credentials");
        }
    }

    async fn build_part(
        &self,
        t: &TargetRow,
        post_id: &str,
        content: &Content,
        i: usize,
        remote: &[RemotePost],
    ) -> Result<PublishPart, String> {
        let p = &content.parts[i];
        let mut media = Vec::with_capacity(p.media.len());
        for m in &p.media {
            let row = match self.deps.media.get_for_user(&t.user_id, &m.id).await {
                Ok(Some(r)) => r,
                Ok(None) => return Err(format!("media item {} was deleted", m.id)),
                Err(e) => return Err(format!("could not read media item {}: {e}", m.id)),
            };
            let data = self
                .deps
                .media
                .read(&row.id)
                .await
                .map_err(|e| format!("could not read {}: {e}", row.filename))?;
            media.push(MediaItem {
                mime: row.mime.clone(),
                data: bytes::Bytes::from(data),
                alt: m.alt.clone().filter(|a| !a.trim().is_empty()),
                public_url: self.deps.media.public_url(&row.id, MEDIA_URL_TTL_SECS),
            });
        }
        Ok(PublishPart {
            // Stable per (post, channel, part): the target id is unique per (post, channel).
            idempotency_key: format!("{}-{i}", t.id),
            post_id: post_id.to_owned(),
            part_index: u32::try_from(i).unwrap_or(u32::MAX),
            text: p.text.clone(),
            media,
            link: if i == 0 { content.link.clone() } else { None },
            reply_to: match (remote.first(), remote.last()) {
                (Some(root), Some(parent)) if i > 0 => Some(ReplyRef {
                    root: root.clone(),
                    parent: parent.clone(),
                }),
                _ => None,
            },
            scheduled_at: chrono::DateTime::from_timestamp_millis(
                t.scheduled_at.unwrap_or_else(now_ms),
            )
            .unwrap_or_default(),
        })
    }

    /// Maps a provider error to what happens next.
    async fn classify(
        &self,
        t: &TargetRow,
        channel: &ChannelRow,
        e: ProviderError,
        part: usize,
        total: usize,
        during_lookup: bool,
    ) -> Outcome {
        let now = now_ms();
        let which = if total > 1 {
            format!("Part {} of {total}: ", part + 1)
        } else {
            String::new()
        };
        let name = channel
            .platform
            .parse::<Platform>()
            .map(|p| p.display_name())
            .unwrap_or("the platform");
        let max_attempts = i64::from(self.deps.worker.max_attempts);
        let part_i = Some(part as i64);
        let give_up = t.attempts >= max_attempts;
        match e {
            ProviderError::RateLimited {
                retry_after,
                message,
            } => {
                let wait = retry_after
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
                    .unwrap_or_else(|| backoff_ms(t.attempts));
                let until = now + wait.max(1000);
                if let Err(e) = self
                    .deps
                    .channels
                    .record_rate_limited(channel, &message, until)
                    .await
                {
                    tracing::warn!(error = %e, channel_id = %channel.id, "could not record the rate limit on the channel");
                }
                Outcome {
                    finish_to: if t.needs_lookup != 0 && during_lookup {
                        state::UNCONFIRMED
                    } else {
                        state::SCHEDULED
                    },
                    next_attempt_at: Some(until),
                    needs_lookup: t.needs_lookup != 0 && during_lookup,
                    code: Some("rate_limited"),
                    message: format!(
                        "{which}{name} rate-limited this account; retrying at {}",
                        letsgrow_core::time::rfc3339(until)
                    ),
                    part: part_i,
                    notify: false,
                }
            }
            ProviderError::Transient {
                message,
                maybe_delivered,
            } if !give_up => {
                let unknown = maybe_delivered || (during_lookup && t.needs_lookup != 0);
                let next = now + backoff_ms(t.attempts);
                Outcome {
                    finish_to: if unknown {
                        state::UNCONFIRMED
                    } else {
                        state::SCHEDULED
                    },
                    next_attempt_at: Some(next),
                    needs_lookup: unknown,
                    code: Some(if unknown {
                        "outcome_unknown"
                    } else {
                        "platform_unavailable"
                    }),
                    message: if unknown {
                        format!(
                            "{which}{name} did not confirm ({message}); checking whether it was published before any re-send, at {}",
                            letsgrow_core::time::rfc3339(next)
                        )
                    } else {
                        format!(
                            "{which}{name} could not be reached ({message}); retry {} of {max_attempts} at {}",
                            t.attempts,
                            letsgrow_core::time::rfc3339(next)
                        )
                    },
                    part: part_i,
                    notify: false,
                }
            }
            ProviderError::Transient {
                message,
                maybe_delivered,
            } => Outcome::failed(
                if maybe_delivered {
                    "outcome_unknown"
                } else {
                    "platform_unavailable"
                },
                format!(
                    "{which}gave up after {} attempts: {message}{}",
                    t.attempts,
                    if maybe_delivered || t.needs_lookup != 0 {
                        ". It may have been published: check the channel before retrying."
                    } else {
                        ""
                    }
                ),
                part_i,
            ),
            ProviderError::AuthExpired { message } | ProviderError::Revoked { message } => {
                let err = ProviderError::Revoked {
                    message: message.clone(),
                };
                if let Err(e) = self.deps.channels.record_error(channel, &err).await {
                    tracing::error!(error = %e, "could not record the channel's health");
                }
                Outcome::failed(
                    "channel_needs_reconnect",
                    format!(
                        "{which}{name} refused LetsGrow's access ({message}). Reconnect the channel, then retry."
                    ),
                    part_i,
                )
            }
            ProviderError::InvalidContent { violations } => Outcome::failed(
                "platform_rejected",
                format!(
                    "{which}{name} refused the post: {}",
                    violations
                        .iter()
                        .map(|v| v.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                part_i,
            ),
            ProviderError::Permanent { message } | ProviderError::InvalidInput { message, .. } => {
                Outcome::failed(
                    "platform_rejected",
                    format!("{which}{name} refused the request: {message}"),
                    part_i,
                )
            }
        }
    }
}

/// Back to `scheduled` (or `unconfirmed` if a lookup is still owed) until `until`.
fn wait_until(t: &TargetRow, until: i64, message: String) -> Outcome {
    let lookup = t.needs_lookup != 0;
    Outcome {
        finish_to: if lookup {
            state::UNCONFIRMED
        } else {
            state::SCHEDULED
        },
        next_attempt_at: Some(until),
        needs_lookup: lookup,
        code: Some("rate_limited"),
        message,
        part: None,
        notify: false,
    }
}
