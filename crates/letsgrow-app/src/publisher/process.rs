//! Publishing one claimed target, in four steps: **load** (channel, post,
//! content, provider), **preflight** (the checks that need no platform: access,
//! rules, rate limits, budget), **send** each remaining part (reconciling an
//! unknown outcome first, recording each part's id before the next), and
//! **record** the outcome. What a provider error means is decided by the
//! pure [`classify`](super::classify::classify).

use super::classify::{Attempt, ChannelNews, Outcome, classify};
use super::{Publisher, backoff_ms, now_ms};
use crate::posts::content::Content;
use crate::ratelimit::{Decision, Quota};
use letsgrow_core::notification::NotificationKind;
use letsgrow_core::{ChannelStatus, FailureCode, Platform, TargetState};
use letsgrow_db::channels::ChannelRow;
use letsgrow_db::posts::{self as repo, Finish, PostRow, TargetRow};
use letsgrow_providers::{
    ChannelCtx, MediaItem, Provider, ProviderError, PublishPart, RemotePost, ReplyRef,
};
use std::sync::Arc;

/// Public media URLs handed to platforms stay valid this long.
const MEDIA_URL_TTL_SECS: i64 = 24 * 3600;

/// A channel's row and decrypted credentials, reused across one channel run.
pub(super) struct ChannelCache {
    channel: ChannelRow,
    ctx: ChannelCtx,
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

/// Everything one attempt works with, read once.
struct Loaded {
    channel: ChannelRow,
    ctx: ChannelCtx,
    loaded_at: std::time::Instant,
    post: PostRow,
    content: Content,
    platform: Platform,
    provider: Arc<dyn Provider>,
    /// The parts already out, from earlier attempts.
    remote: Vec<RemotePost>,
}

/// How sending stopped short.
enum Stop {
    /// The lease was lost; whoever holds the target now decides.
    LeaseLost,
    /// What to write down.
    Outcome(Outcome),
}

impl From<Outcome> for Stop {
    fn from(o: Outcome) -> Self {
        Stop::Outcome(o)
    }
}

/// Ends a message as a sentence, so more can follow it.
fn sentence(message: &str) -> String {
    let m = message.trim_end();
    if m.ends_with(['.', '!', '?']) {
        m.to_owned()
    } else {
        format!("{m}.")
    }
}

impl Publisher {
    pub(super) async fn process(&self, t: TargetRow, cache: &mut Option<ChannelCache>) {
        match self.attempt(&t, cache).await {
            Ok(done) => self.record_published(&t, done).await,
            Err(Stop::LeaseLost) => {}
            Err(Stop::Outcome(o)) => self.record_stopped(&t, &o).await,
        }
    }

    /// `Ok` published; `Err` how it stopped. `cache` holds the channel row and
    /// decrypted credentials between the targets of one channel run; it is
    /// emptied on any failure so the next target re-reads the channel's state.
    async fn attempt(
        &self,
        t: &TargetRow,
        cache: &mut Option<ChannelCache>,
    ) -> Result<Published, Stop> {
        let mut l = self.load(t, cache).await?;
        self.preflight(t, &l).await?;
        self.send(t, &mut l).await?;
        let Loaded {
            mut channel,
            ctx,
            loaded_at,
            remote,
            content,
            ..
        } = l;
        // The platform accepted a post: the channel is healthy again.
        if let Err(e) = self.deps.channels.record_success(&channel).await {
            tracing::warn!(error = %e, channel_id = %channel.id, "could not record the channel as healthy");
        }
        if channel.status != ChannelStatus::NeedsReconnect {
            channel.status = ChannelStatus::Ok.as_str().into();
            channel.status_message = None;
        }
        channel.rate_limited_until = None;
        channel.consecutive_failures = 0;
        *cache = Some(ChannelCache {
            channel,
            ctx,
            loaded_at,
        });
        Ok(Published {
            url: remote.first().and_then(|r| r.url.clone()),
            parts: content.parts.len(),
            remote: serde_json::to_string(&remote).unwrap_or_else(|_| "[]".into()),
        })
    }

    /// LetsGrow itself failed: try again later, without telling the user yet.
    fn internal(&self, t: &TargetRow, m: impl std::fmt::Display) -> Stop {
        Stop::Outcome(Outcome {
            to: TargetState::Scheduled,
            next_attempt_at: Some(now_ms() + backoff_ms(t.attempts)),
            needs_lookup: t.needs_lookup != 0,
            code: FailureCode::InternalError,
            message: format!("LetsGrow could not prepare this post ({m}); retrying"),
            part: None,
            notify: false,
        })
    }

    /// Step 1: the channel (cached within a channel run), the post, its content and provider.
    async fn load(&self, t: &TargetRow, cache: &mut Option<ChannelCache>) -> Result<Loaded, Stop> {
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
                            FailureCode::ChannelGone,
                            "The channel was disconnected.".into(),
                            None,
                        )
                        .into());
                    }
                    Err(e) => return Err(self.internal(t, e)),
                };
                let ctx = self
                    .deps
                    .channels
                    .context(&channel)
                    .await
                    .map_err(|e| self.internal(t, e))?;
                (channel, ctx, std::time::Instant::now())
            }
        };
        let post = match repo::posts_by_ids(&self.deps.db, std::slice::from_ref(&t.post_id)).await {
            Ok(mut v) if !v.is_empty() => v.remove(0),
            Ok(_) => {
                return Err(Outcome::failed(
                    FailureCode::PostGone,
                    "The post was deleted.".into(),
                    None,
                )
                .into());
            }
            Err(e) => return Err(self.internal(t, e)),
        };
        let content = t
            .content
            .as_deref()
            .map(Content::from_json)
            .unwrap_or_else(|| Content::from_json(&post.content))
            .map_err(|e| Outcome::failed(FailureCode::InternalError, e, None))?;
        let Ok(platform) = channel.platform.parse::<Platform>() else {
            return Err(Outcome::failed(
                FailureCode::Unsupported,
                format!("unknown platform {}", channel.platform),
                None,
            )
            .into());
        };
        let Some(provider) = self.deps.channels.registry().get(platform) else {
            return Err(Outcome::failed(
                FailureCode::Unsupported,
                format!("{platform} is not available in this build"),
                None,
            )
            .into());
        };
        let remote: Vec<RemotePost> = serde_json::from_str(&t.remote).unwrap_or_default();
        Ok(Loaded {
            channel,
            ctx,
            loaded_at,
            post,
            content,
            platform,
            provider,
            remote,
        })
    }

    /// Step 2: what can be known without the platform. A post that fails here
    /// never reached it, so it is never labelled as the platform's refusal.
    async fn preflight(&self, t: &TargetRow, l: &Loaded) -> Result<(), Stop> {
        let (channel, platform) = (&l.channel, l.platform);
        if channel.status == ChannelStatus::NeedsReconnect {
            return Err(Outcome::failed(
                FailureCode::ChannelNeedsReconnect,
                format!(
                    "{} needs to be reconnected before LetsGrow can publish to it ({}).",
                    channel.handle,
                    channel
                        .status_message
                        .as_deref()
                        .unwrap_or("access was revoked")
                ),
                None,
            )
            .into());
        }
        let fresh = l.remote.is_empty();
        // Re-validate with the save-time checks: rules, media or settings may
        // have changed since it was saved.
        if fresh {
            let mut errors = Vec::new();
            let code = self
                .deps
                .posts
                .validate_for(&t.user_id, channel, &l.content, "content", &mut errors)
                .await;
            if !errors.is_empty() {
                let msg = errors
                    .iter()
                    .map(|(f, m)| format!("{f}: {m}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(Outcome::failed(
                    code,
                    match code {
                        FailureCode::InvalidContent => format!(
                            "The post no longer passes {}'s rules: {msg}",
                            platform.display_name()
                        ),
                        _ => format!("LetsGrow could not send this post: {msg}"),
                    },
                    None,
                )
                .into());
            }
        }
        // The channel is known to be rate-limited: wait, without spending an attempt's error.
        let lookup = t.needs_lookup != 0;
        if let Some(until) = channel.rate_limited_until.filter(|u| *u > now_ms()) {
            return Err(Outcome::wait(
                lookup,
                until,
                FailureCode::RateLimited,
                format!(
                    "{} is rate-limited until then; waiting",
                    platform.display_name()
                ),
            )
            .into());
        }
        if let Some(b) = l.provider.capabilities().publish_budget
            && fresh
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
                return Err(Outcome::wait(
                    lookup,
                    until,
                    FailureCode::RateLimited,
                    format!(
                        "{} allows {} posts per {} s on this account; waiting for the budget",
                        platform.display_name(),
                        b.limit,
                        b.period.as_secs()
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Step 3: every part not out yet, in order. An unconfirmed part is looked
    /// up before it is sent again; each part's id is recorded before the next.
    async fn send(&self, t: &TargetRow, l: &mut Loaded) -> Result<(), Stop> {
        let caps = l.provider.capabilities();
        let total = l.content.parts.len();
        let mut refreshed_once = false;
        let mut i = l.remote.len();
        // The part the last attempt may have sent (only it needs a lookup first).
        let unconfirmed_part = (t.needs_lookup != 0).then_some(i);
        while i < total {
            let part = self
                .build_part(t, &l.post.id, &l.content, i, &l.remote)
                .await
                .map_err(|m| Outcome::failed(FailureCode::MediaUnavailable, m, Some(i as i64)))?;
            // Reconcile first when the last attempt at this part may have landed.
            if unconfirmed_part == Some(i) && caps.lookup {
                match l.provider.lookup(&l.ctx, &part).await {
                    Ok(found) => {
                        self.persist_creds(&l.channel, found.refreshed.as_ref())
                            .await;
                        if let Some(post) = found.value {
                            tracing::info!(target_id = %t.id, part = i, "reconciled: the earlier attempt had published");
                            l.remote.push(post);
                            if !self.record(t, &l.remote).await {
                                return Err(Stop::LeaseLost);
                            }
                            i += 1;
                            continue;
                        }
                    }
                    Err(e) => return Err(self.failed(t, l, e, i, true).await),
                }
            }
            match l.provider.publish(&l.ctx, &part).await {
                Ok(done) => {
                    self.persist_creds(&l.channel, done.refreshed.as_ref())
                        .await;
                    if let Some(c) = done.refreshed {
                        l.ctx.credentials = c;
                    }
                    l.remote.push(done.value);
                    // The last part's id is stored with the outcome.
                    if i + 1 < total && !self.record(t, &l.remote).await {
                        return Err(Stop::LeaseLost);
                    }
                    i += 1;
                }
                Err(ProviderError::AuthExpired { .. }) if !refreshed_once => {
                    refreshed_once = true;
                    match l.provider.refresh(&l.ctx).await {
                        Ok(creds) => {
                            self.persist_creds(&l.channel, Some(&creds)).await;
                            l.ctx.credentials = creds;
                        }
                        Err(e) => return Err(self.failed(t, l, e, i, false).await),
                    }
                }
                Err(e) => return Err(self.failed(t, l, e, i, false).await),
            }
        }
        Ok(())
    }

    /// A provider error: classified, and what it says about the channel stored.
    async fn failed(
        &self,
        t: &TargetRow,
        l: &Loaded,
        e: ProviderError,
        part: usize,
        during_lookup: bool,
    ) -> Stop {
        let (outcome, news) = classify(
            e,
            &Attempt {
                attempts: t.attempts,
                max_attempts: i64::from(self.deps.worker.max_attempts),
                needs_lookup: t.needs_lookup != 0,
                during_lookup,
                part,
                total: l.content.parts.len(),
                platform: l.platform.display_name(),
                now: now_ms(),
                backoff: backoff_ms(t.attempts),
            },
        );
        let channels = &self.deps.channels;
        let stored = match news {
            // The platform failed or refused the send: it counts against the channel's health.
            ChannelNews::Nothing => {
                channels
                    .record_send_failure(&l.channel, &outcome.message)
                    .await
            }
            ChannelNews::RateLimited { message, until } => {
                channels
                    .record_rate_limited(&l.channel, &message, until)
                    .await
            }
            ChannelNews::LostAccess { message } => {
                channels
                    .record_error(&l.channel, &ProviderError::Revoked { message })
                    .await
            }
        };
        if let Err(e) = stored {
            tracing::warn!(error = %e, channel_id = %l.channel.id, "could not record the channel's health");
        }
        Stop::Outcome(outcome)
    }

    /// Step 4, published: the outcome; any failure notice it answers is read.
    async fn record_published(&self, t: &TargetRow, done: Published) {
        let Published { url, parts, remote } = done;
        let message = if parts > 1 {
            format!("published ({parts} parts)")
        } else {
            "published".to_owned()
        };
        let f = Finish {
            to: TargetState::Published.as_str(),
            next_attempt_at: None,
            needs_lookup: false,
            remote: Some(&remote),
            url: url.as_deref(),
            error_code: None,
            error_message: None,
            error_part: None,
            message: &message,
        };
        // Finishing as published also marks the failure notices about this
        // post and channel read, in the same transaction.
        self.finish(t, &f).await;
    }

    /// Step 4, stopped: the outcome, the user told if it stopped for good.
    async fn record_stopped(&self, t: &TargetRow, o: &Outcome) {
        let f = Finish {
            to: o.to.as_str(),
            next_attempt_at: o.next_attempt_at,
            needs_lookup: o.needs_lookup,
            remote: None,
            url: None,
            error_code: Some(o.code.as_str()),
            error_message: Some(&o.message),
            error_part: o.part,
            message: &o.message,
        };
        if self.finish(t, &f).await && o.notify {
            self.notify_failure(t, o).await;
        }
        if o.next_attempt_at.is_some() {
            self.deps.wake.poke();
        }
    }

    async fn finish(&self, t: &TargetRow, f: &Finish<'_>) -> bool {
        let finished = super::retrying_db("record the outcome", || {
            repo::finish(&self.deps.db, &t.id, &self.worker_id, f, now_ms())
        })
        .await;
        match finished {
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
        let body = format!("{} Open the post to retry.", sentence(&o.message));
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

    async fn record(&self, t: &TargetRow, remote: &[RemotePost]) -> bool {
        let json = serde_json::to_string(remote).unwrap_or_else(|_| "[]".into());
        let now = now_ms();
        let recorded = super::retrying_db("record a published part", || {
            repo::record_remote(
                &self.deps.db,
                &t.id,
                &self.worker_id,
                &json,
                now + self.lease_ms(),
                now,
            )
        })
        .await;
        match recorded {
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
}
