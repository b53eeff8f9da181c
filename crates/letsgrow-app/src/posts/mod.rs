//! Posts: compose, validate per channel, schedule (exact instant, local time in
//! an IANA zone, next free slot, now), reschedule, cancel. No HTTP types here;
//! publishing itself is `crate::publisher`.

pub mod content;
pub mod csv;
mod schedule;
mod validate;

pub use schedule::{describe, schedule_message};
use validate::dedup;

use crate::media::MediaLibrary;
use crate::publisher::Wake;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use content::Content;
use letsgrow_core::Platform;
use letsgrow_core::schedule::{Resolution, Slot, next_free_slot, resolve_local};
use letsgrow_core::text::{CheckOptions, RedditField};
use letsgrow_db::Db;
use letsgrow_db::channels::ChannelRow;
use letsgrow_db::posts::{self as repo, EventRow, NewPost, NewTarget, PostRow, TargetRow, state};
use letsgrow_providers::Registry;
use std::collections::{BTreeMap, HashMap};

/// The duplicate guard looks this far back.
pub const DUPLICATE_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;
/// A schedule this far in the past is refused (clock skew between browser and server is allowed).
const PAST_TOLERANCE_MS: i64 = 60_000;
/// Queue slots are searched this many days ahead.
const SLOT_HORIZON_DAYS: u32 = 366;

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("invalid input")]
    Validation(Vec<(String, String)>),
    #[error("no such post")]
    NotFound,
    /// The same text went to these channels within 7 days: `(channel_id, post_id)`.
    #[error("duplicate")]
    Duplicate(Vec<(String, String)>),
    #[error("{0}")]
    Conflict(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<letsgrow_db::DbError> for PostError {
    fn from(e: letsgrow_db::DbError) -> Self {
        PostError::Internal(e.to_string())
    }
}

/// When to publish.
#[derive(Debug, Clone)]
pub enum When {
    /// Not scheduled.
    Draft,
    /// An exact instant.
    At(DateTime<Utc>),
    /// A wall time in a zone, resolved by `letsgrow_core::schedule`'s DST rule.
    Local(NaiveDateTime, Tz),
    /// Each channel's next free weekly slot.
    Queue,
    /// As soon as possible.
    Now,
}

#[derive(Debug, Clone)]
pub struct PostInput {
    pub channel_ids: Vec<String>,
    pub content: Content,
    /// Per-channel variants, by channel id.
    pub variants: BTreeMap<String, Content>,
    pub when: When,
    /// Save even if the same text went to a channel within 7 days.
    pub allow_duplicate: bool,
    pub source: &'static str,
}

/// A post with its targets and (when asked) their history.
#[derive(Debug, Clone)]
pub struct PostDetail {
    pub post: PostRow,
    pub content: Content,
    pub targets: Vec<(TargetRow, Option<ChannelRow>)>,
    pub events: Vec<EventRow>,
    /// How the local time resolved (DST gap/overlap), when scheduled by local time.
    pub resolution: Option<Resolution>,
}

#[derive(Clone)]
pub struct PostService {
    db: Db,
    registry: Registry,
    media: MediaLibrary,
    wake: Wake,
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

type Errors = Vec<(String, String)>;

impl PostService {
    pub fn new(db: Db, registry: Registry, media: MediaLibrary, wake: Wake) -> Self {
        PostService {
            db,
            registry,
            media,
            wake,
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    async fn user_channels(&self, user_id: &str) -> Result<HashMap<String, ChannelRow>, PostError> {
        Ok(letsgrow_db::channels::list_for_user(&self.db, user_id)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect())
    }

    async fn user_zone(&self, user_id: &str) -> Result<Tz, PostError> {
        let user = letsgrow_db::users::by_id(&self.db, user_id)
            .await?
            .ok_or(PostError::NotFound)?;
        Ok(user.timezone.parse().unwrap_or(Tz::UTC))
    }

    pub async fn create(&self, user_id: &str, input: PostInput) -> Result<PostDetail, PostError> {
        let owned = self.user_channels(user_id).await?;
        let mut errors: Errors = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for id in &input.channel_ids {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        if ids.is_empty() {
            errors.push(("channel_ids".into(), "pick at least one channel".into()));
        }
        let mut channels = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match owned.get(id) {
                Some(c) => channels.push(c),
                None => errors.push((format!("channel_ids[{i}]"), "no such channel".into())),
            }
        }
        for id in input.variants.keys() {
            if !ids.contains(id) {
                errors.push((format!("variants.{id}"), "is not one of channel_ids".into()));
            }
        }
        for c in &channels {
            let content = input.variants.get(&c.id).unwrap_or(&input.content);
            let prefix = if input.variants.contains_key(&c.id) {
                format!("variants.{}", c.id)
            } else {
                "content".into()
            };
            self.validate_for(user_id, c, content, &prefix, &mut errors)
                .await;
        }
        let (instants, resolution) = self
            .instants(user_id, &input.when, &channels, &mut errors)
            .await?;
        if !errors.is_empty() {
            return Err(PostError::Validation(dedup(errors)));
        }
        if !input.allow_duplicate {
            let dups = self.duplicates(user_id, &input, &channels, None).await?;
            if !dups.is_empty() {
                return Err(PostError::Duplicate(dups));
            }
        }
        let tz_name = match &input.when {
            When::Local(_, tz) => tz.name().to_owned(),
            _ => self.user_zone(user_id).await?.name().to_owned(),
        };
        let local_time = match &input.when {
            When::Local(l, _) => Some(l.format("%Y-%m-%dT%H:%M").to_string()),
            _ => None,
        };
        let post_id = letsgrow_db::new_id();
        let variant_json: Vec<Option<String>> = channels
            .iter()
            .map(|c| input.variants.get(&c.id).map(Content::to_json))
            .collect();
        let hashes: Vec<String> = channels
            .iter()
            .map(|c| input.variants.get(&c.id).unwrap_or(&input.content).hash())
            .collect();
        let message = schedule_message(&input.when, resolution.as_ref());
        let targets: Vec<NewTarget<'_>> = channels
            .iter()
            .enumerate()
            .map(|(i, c)| NewTarget {
                channel_id: &c.id,
                content: variant_json[i].as_deref(),
                content_hash: &hashes[i],
                state: if instants[i].is_some() {
                    state::SCHEDULED
                } else {
                    state::DRAFT
                },
                scheduled_at: instants[i],
                message: &message,
            })
            .collect();
        repo::insert(
            &self.db,
            &NewPost {
                id: &post_id,
                user_id,
                content: &input.content.to_json(),
                timezone: &tz_name,
                local_time: local_time.as_deref(),
                source: input.source,
            },
            &targets,
            now_ms(),
        )
        .await?;
        if instants.iter().any(Option::is_some) {
            self.wake.poke();
        }
        let mut detail = self.get(user_id, &post_id).await?;
        detail.resolution = resolution;
        Ok(detail)
    }

    async fn duplicates(
        &self,
        user_id: &str,
        input: &PostInput,
        channels: &[&ChannelRow],
        exclude: Option<&str>,
    ) -> Result<Vec<(String, String)>, PostError> {
        let since = now_ms() - DUPLICATE_WINDOW_MS;
        let mut out = Vec::new();
        for c in channels {
            let hash = input.variants.get(&c.id).unwrap_or(&input.content).hash();
            out.extend(
                repo::recent_duplicates(&self.db, user_id, &[c.id.as_str()], &hash, since, exclude)
                    .await?,
            );
        }
        Ok(out)
    }

    pub async fn get(&self, user_id: &str, id: &str) -> Result<PostDetail, PostError> {
        let post = repo::get(&self.db, user_id, id)
            .await?
            .ok_or(PostError::NotFound)?;
        let mut list = self.details(vec![post], true).await?;
        list.pop().ok_or(PostError::NotFound)
    }

    /// Posts with their targets (and history when `history`), in the given order.
    async fn details(
        &self,
        posts: Vec<PostRow>,
        history: bool,
    ) -> Result<Vec<PostDetail>, PostError> {
        let ids: Vec<String> = posts.iter().map(|p| p.id.clone()).collect();
        let targets = repo::targets_of(&self.db, &ids).await?;
        let user_id = posts.first().map(|p| p.user_id.clone()).unwrap_or_default();
        let channels = self.user_channels(&user_id).await?;
        let events = if history {
            let tids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
            repo::events_of(&self.db, &tids).await?
        } else {
            Vec::new()
        };
        let mut by_post: HashMap<String, Vec<(TargetRow, Option<ChannelRow>)>> = HashMap::new();
        for t in targets {
            let c = channels.get(&t.channel_id).cloned();
            by_post.entry(t.post_id.clone()).or_default().push((t, c));
        }
        posts
            .into_iter()
            .map(|post| {
                let content = Content::from_json(&post.content).map_err(PostError::Internal)?;
                let targets = by_post.remove(&post.id).unwrap_or_default();
                let events = events
                    .iter()
                    .filter(|e| targets.iter().any(|(t, _)| t.id == e.target_id))
                    .cloned()
                    .collect();
                Ok(PostDetail {
                    post,
                    content,
                    targets,
                    events,
                    resolution: None,
                })
            })
            .collect()
    }

    pub async fn list(
        &self,
        user_id: &str,
        filter: &repo::TargetFilter,
    ) -> Result<Vec<PostDetail>, PostError> {
        let ids = repo::post_ids_matching(&self.db, user_id, filter).await?;
        let mut posts = repo::posts_by_ids(&self.db, &ids).await?;
        let order: HashMap<&String, usize> =
            ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
        posts.sort_by_key(|p| order.get(&p.id).copied().unwrap_or(usize::MAX));
        self.details(posts, false).await
    }

    /// Edits content and/or the schedule of the targets that have not started
    /// publishing. Published and in-flight targets are never changed.
    pub async fn update(
        &self,
        user_id: &str,
        id: &str,
        content: Option<Content>,
        variants: Option<BTreeMap<String, Option<Content>>>,
        when: Option<When>,
        allow_duplicate: bool,
    ) -> Result<PostDetail, PostError> {
        let detail = self.get(user_id, id).await?;
        let editable = [state::DRAFT, state::SCHEDULED, state::FAILED];
        let targets: Vec<&(TargetRow, Option<ChannelRow>)> = detail
            .targets
            .iter()
            .filter(|(t, _)| editable.contains(&t.state.as_str()))
            .collect();
        if targets.is_empty() {
            return Err(PostError::Conflict(
                "Every channel of this post is published or publishing; nothing can be changed."
                    .into(),
            ));
        }
        let new_content = content.clone().unwrap_or_else(|| detail.content.clone());
        let mut errors: Errors = Vec::new();
        let mut per_target: Vec<(String, Content, Option<Option<String>>)> = Vec::new();
        for (t, c) in &targets {
            let Some(c) = c else { continue };
            let variant_change = variants
                .as_ref()
                .and_then(|v| v.get(&t.channel_id))
                .cloned();
            let current_variant = match &t.content {
                Some(s) => Some(Content::from_json(s).map_err(PostError::Internal)?),
                None => None,
            };
            let effective_variant = match &variant_change {
                Some(v) => v.clone(),
                None => current_variant,
            };
            let effective = effective_variant
                .clone()
                .unwrap_or_else(|| new_content.clone());
            let prefix = if effective_variant.is_some() {
                format!("variants.{}", c.id)
            } else {
                "content".into()
            };
            self.validate_for(user_id, c, &effective, &prefix, &mut errors)
                .await;
            per_target.push((
                t.id.clone(),
                effective,
                variant_change.map(|v| v.map(|c| c.to_json())),
            ));
        }
        if let Some(v) = &variants {
            for cid in v.keys() {
                if !detail.targets.iter().any(|(t, _)| &t.channel_id == cid) {
                    errors.push((
                        format!("variants.{cid}"),
                        "this post does not target that channel".into(),
                    ));
                }
            }
        }
        let channel_rows: Vec<&ChannelRow> =
            targets.iter().filter_map(|(_, c)| c.as_ref()).collect();
        let (instants, resolution) = match &when {
            Some(w) => {
                let (i, r) = self
                    .instants(user_id, w, &channel_rows, &mut errors)
                    .await?;
                (Some(i), r)
            }
            None => (None, None),
        };
        if !errors.is_empty() {
            return Err(PostError::Validation(dedup(errors)));
        }
        if !allow_duplicate && (content.is_some() || variants.is_some()) {
            let input = PostInput {
                channel_ids: Vec::new(),
                content: new_content.clone(),
                variants: per_target
                    .iter()
                    .zip(&targets)
                    .map(|((_, eff, _), (t, _))| (t.channel_id.clone(), eff.clone()))
                    .collect(),
                when: When::Draft,
                allow_duplicate,
                source: "api",
            };
            let dups = self
                .duplicates(user_id, &input, &channel_rows, Some(id))
                .await?;
            if !dups.is_empty() {
                return Err(PostError::Duplicate(dups));
            }
        }
        let now = now_ms();
        if content.is_some() || when.is_some() {
            let (tz, local) = match &when {
                Some(When::Local(l, tz)) => (
                    tz.name().to_owned(),
                    Some(l.format("%Y-%m-%dT%H:%M").to_string()),
                ),
                Some(_) => (detail.post.timezone.clone(), None),
                None => (detail.post.timezone.clone(), detail.post.local_time.clone()),
            };
            repo::update_post(
                &self.db,
                id,
                &new_content.to_json(),
                &tz,
                local.as_deref(),
                now,
            )
            .await?;
        }
        let message = match &when {
            Some(w) => schedule_message(w, resolution.as_ref()),
            None => "edited".to_owned(),
        };
        let hashes: Vec<String> = per_target.iter().map(|(_, eff, _)| eff.hash()).collect();
        let variant_json: Vec<Option<Option<String>>> =
            per_target.iter().map(|(_, _, v)| v.clone()).collect();
        let mut changes = Vec::new();
        for (i, (tid, _, _)) in per_target.iter().enumerate() {
            let (to, scheduled_at) = match &instants {
                Some(list) => match list.get(i).copied().flatten() {
                    Some(at) => (state::SCHEDULED, Some(Some(at))),
                    None => (state::DRAFT, Some(None)),
                },
                // Content-only edit: a failed target stays failed until retried.
                None => (targets[i].0.state.as_str(), None),
            };
            changes.push(repo::TargetChange {
                target_id: tid,
                from: &editable,
                to,
                content: variant_json[i].as_ref().map(|v| v.as_deref()),
                content_hash: Some(&hashes[i]),
                scheduled_at,
                message: &message,
            });
        }
        repo::change_targets(&self.db, &changes, now).await?;
        self.wake.poke();
        let mut out = self.get(user_id, id).await?;
        out.resolution = resolution;
        Ok(out)
    }

    /// Takes scheduled (and failed) targets back to draft.
    pub async fn cancel(&self, user_id: &str, id: &str) -> Result<PostDetail, PostError> {
        let detail = self.get(user_id, id).await?;
        // Scheduled includes a channel waiting between attempts (retrying), and
        // unconfirmed one whose last attempt may have reached the platform: it
        // keeps `needs_lookup`, so publishing it again looks the post up first
        // and never sends it twice. A channel being sent right now is left alone.
        let from = [state::SCHEDULED, state::FAILED, state::UNCONFIRMED];
        let changes: Vec<repo::TargetChange<'_>> = detail
            .targets
            .iter()
            .filter(|(t, _)| from.contains(&t.state.as_str()))
            .map(|(t, _)| repo::TargetChange {
                target_id: &t.id,
                from: &from,
                to: state::DRAFT,
                content: None,
                content_hash: None,
                scheduled_at: Some(None),
                message: "cancelled",
            })
            .collect();
        if changes.is_empty() {
            return Err(PostError::Conflict(
                "Nothing to cancel: no channel of this post is waiting to be sent (a channel being sent right now finishes first).".into(),
            ));
        }
        repo::change_targets(&self.db, &changes, now_ms()).await?;
        self.get(user_id, id).await
    }

    /// Deletes a draft: a post whose every channel is a draft. Anything else
    /// is a conflict that says what to do.
    pub async fn delete_draft(&self, user_id: &str, id: &str) -> Result<(), PostError> {
        self.get(user_id, id).await?;
        if repo::delete_draft(&self.db, user_id, id).await? {
            return Ok(());
        }
        match repo::get(&self.db, user_id, id).await? {
            None => Ok(()),
            Some(_) => Err(PostError::Conflict(
                "Only drafts can be deleted. Cancel the post's scheduled channels first; posts that went out stay in the history.".into(),
            )),
        }
    }

    /// Publishes now (also the "retry" of failed targets). `target_ids`
    /// narrows it to some targets; by default every draft, scheduled or failed one.
    pub async fn publish_now(
        &self,
        user_id: &str,
        id: &str,
        target_ids: Option<Vec<String>>,
    ) -> Result<PostDetail, PostError> {
        let detail = self.get(user_id, id).await?;
        if let Some(ids) = &target_ids {
            let mut errors = Vec::new();
            for (i, tid) in ids.iter().enumerate() {
                if !detail.targets.iter().any(|(t, _)| &t.id == tid) {
                    errors.push((
                        format!("target_ids[{i}]"),
                        "is not a target of this post".into(),
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(PostError::Validation(errors));
            }
        }
        let from = [state::DRAFT, state::SCHEDULED, state::FAILED];
        let now = now_ms();
        let mut errors = Vec::new();
        let mut chosen = Vec::new();
        for (t, c) in &detail.targets {
            if target_ids.as_ref().is_some_and(|ids| !ids.contains(&t.id))
                || !from.contains(&t.state.as_str())
            {
                continue;
            }
            let Some(c) = c else { continue };
            let content = match &t.content {
                Some(s) => Content::from_json(s).map_err(PostError::Internal)?,
                None => detail.content.clone(),
            };
            let prefix = if t.content.is_some() {
                format!("variants.{}", c.id)
            } else {
                "content".into()
            };
            self.validate_for(user_id, c, &content, &prefix, &mut errors)
                .await;
            chosen.push(t);
        }
        if !errors.is_empty() {
            return Err(PostError::Validation(dedup(errors)));
        }
        if chosen.is_empty() {
            return Err(PostError::Conflict(
                "Nothing to publish: every chosen channel is published or publishing.".into(),
            ));
        }
        let changes: Vec<repo::TargetChange<'_>> = chosen
            .iter()
            .map(|t| repo::TargetChange {
                target_id: &t.id,
                from: &from,
                to: state::SCHEDULED,
                content: None,
                content_hash: None,
                scheduled_at: Some(Some(now)),
                message: if t.state == state::FAILED {
                    "retry requested"
                } else {
                    "publish now"
                },
            })
            .collect();
        repo::change_targets(&self.db, &changes, now).await?;
        self.wake.poke();
        self.get(user_id, id).await
    }
}
