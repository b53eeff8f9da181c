//! Posts, their per-channel targets (which double as the durable publish
//! jobs), the history of every target transition; the workers' side (leases,
//! claims, finishing) is in `queue`, a channel's queue slots in `slots`.
//!
//! Invariants:
//! - A target changes state only through a guarded UPDATE that names the
//!   states it may leave (and, for a worker, the lease it holds), and every
//!   change writes a `target_events` row in the same transaction.
//! - A worker acts on a channel only while it holds the channel's lease
//!   (per-channel concurrency 1 across processes) and on a target only while
//!   `lease_owner` is its id; finishing a target it no longer owns is a no-op.
//! - On PostgreSQL the target claim uses `FOR UPDATE SKIP LOCKED`, and every
//!   write that makes something due sends `NOTIFY letsgrow_due` (delivered at
//!   commit) so schedulers in other processes wake within milliseconds.

use crate::{Backend, Db, DbResult, new_id, on_pool};

/// The target states (`draft → scheduled → publishing → published | failed | unconfirmed`)
/// as stored: the text of `letsgrow_core::TargetState`, for SQL.
pub mod state {
    use letsgrow_core::TargetState as S;
    pub const DRAFT: &str = S::Draft.as_str();
    pub const SCHEDULED: &str = S::Scheduled.as_str();
    pub const PUBLISHING: &str = S::Publishing.as_str();
    pub const PUBLISHED: &str = S::Published.as_str();
    pub const FAILED: &str = S::Failed.as_str();
    pub const UNCONFIRMED: &str = S::Unconfirmed.as_str();
    pub const ALL: [&str; 6] = [DRAFT, SCHEDULED, PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED];
}

/// The PostgreSQL notification channel schedulers LISTEN on.
pub const DUE_CHANNEL: &str = "letsgrow_due";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostRow {
    pub id: String,
    pub user_id: String,
    pub content: String,
    pub timezone: String,
    pub local_time: Option<String>,
    pub source: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const POST_COLUMNS: &str =
    "id, user_id, content, timezone, local_time, source, created_at, updated_at";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TargetRow {
    pub id: String,
    pub post_id: String,
    pub user_id: String,
    pub channel_id: String,
    pub content: Option<String>,
    pub content_hash: String,
    pub state: String,
    pub scheduled_at: Option<i64>,
    pub next_attempt_at: Option<i64>,
    pub attempts: i64,
    pub needs_lookup: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub remote: String,
    pub url: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub error_part: Option<i64>,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const TARGET_COLUMNS: &str = "id, post_id, user_id, channel_id, content, content_hash, state, scheduled_at, \
    next_attempt_at, attempts, needs_lookup, lease_owner, lease_until, remote, url, error_code, error_message, \
    error_part, published_at, created_at, updated_at";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub target_id: String,
    pub at: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub message: String,
}

pub struct NewPost<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub content: &'a str,
    pub timezone: &'a str,
    pub local_time: Option<&'a str>,
    pub source: &'a str,
}

pub struct NewTarget<'a> {
    pub channel_id: &'a str,
    pub content: Option<&'a str>,
    pub content_hash: &'a str,
    /// `draft` or `scheduled`.
    pub state: &'a str,
    pub scheduled_at: Option<i64>,
    pub message: &'a str,
}

fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const EVENT_SQL: &str = "INSERT INTO target_events (id, target_id, at, from_state, to_state, message) VALUES ($1, $2, $3, $4, $5, $6)";

macro_rules! event {
    ($tx:expr, $target:expr, $at:expr, $from:expr, $to:expr, $msg:expr) => {
        sqlx::query(EVENT_SQL)
            .bind(new_id())
            .bind($target)
            .bind($at)
            .bind($from)
            .bind($to)
            .bind($msg)
            .execute(&mut *$tx)
            .await
    };
}

/// Wakes schedulers in other processes (PostgreSQL; a no-op on SQLite, where
/// the one process is woken in memory).
macro_rules! notify_due {
    ($db:expr, $tx:expr) => {
        if $db.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(DUE_CHANNEL)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// Inserts a post and its targets (with their first history entries) in one transaction.
pub async fn insert(
    db: &Db,
    post: &NewPost<'_>,
    targets: &[NewTarget<'_>],
    now_ms: i64,
) -> DbResult<Vec<String>> {
    let mut ids = Vec::with_capacity(targets.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO posts (id, user_id, content, timezone, local_time, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
            .bind(post.id).bind(post.user_id).bind(post.content).bind(post.timezone).bind(post.local_time).bind(post.source).bind(now_ms)
            .execute(&mut *tx).await?;
        let mut due = false;
        for t in targets {
            let id = new_id();
            sqlx::query("INSERT INTO post_targets (id, post_id, user_id, channel_id, content, content_hash, state, scheduled_at, next_attempt_at, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
                .bind(&id).bind(post.id).bind(post.user_id).bind(t.channel_id).bind(t.content).bind(t.content_hash)
                .bind(t.state).bind(t.scheduled_at)
                .bind(if t.state == state::SCHEDULED { t.scheduled_at } else { None })
                .bind(now_ms)
                .execute(&mut *tx).await?;
            event!(tx, &id, now_ms, None::<&str>, t.state, t.message)?;
            due |= t.state == state::SCHEDULED;
            ids.push(id);
        }
        if due {
            notify_due!(db, tx);
        }
        tx.commit().await?;
    });
    Ok(ids)
}

pub async fn get(db: &Db, user_id: &str, id: &str) -> DbResult<Option<PostRow>> {
    let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE user_id = $1 AND id = $2");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, PostRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(pool).await?),
    )
}

/// Deletes a post whose every channel is a draft, with its channels, history
/// and notifications; false when it is not the user's or a channel is not a
/// draft (checked in the same statement, so a post that was just scheduled stays).
pub async fn delete_draft(db: &Db, user_id: &str, id: &str) -> DbResult<bool> {
    let sql = "DELETE FROM posts WHERE user_id = $1 AND id = $2 \
               AND NOT EXISTS (SELECT 1 FROM post_targets WHERE post_id = $2 AND state <> 'draft')";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(user_id).bind(id).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Posts by id (any owner; workers), in no particular order.
pub async fn posts_by_ids(db: &Db, ids: &[String]) -> DbResult<Vec<PostRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, PostRow>(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(id);
        }
        Ok(q.fetch_all(pool).await?)
    })
}

/// Every target of the given posts, ordered by post then creation.
pub async fn targets_of(db: &Db, post_ids: &[String]) -> DbResult<Vec<TargetRow>> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {TARGET_COLUMNS} FROM post_targets WHERE post_id IN ({}) ORDER BY post_id, created_at, id",
        placeholders(1, post_ids.len())
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(sql));
        for id in post_ids {
            q = q.bind(id);
        }
        Ok(q.fetch_all(pool).await?)
    })
}

pub async fn target(db: &Db, id: &str) -> DbResult<Option<TargetRow>> {
    let sql = format!("SELECT {TARGET_COLUMNS} FROM post_targets WHERE id = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// History of the given targets, oldest first.
pub async fn events_of(db: &Db, target_ids: &[String]) -> DbResult<Vec<EventRow>> {
    if target_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, target_id, at, from_state, to_state, message FROM target_events WHERE target_id IN ({}) ORDER BY at, id",
        placeholders(1, target_ids.len())
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql));
        for id in target_ids {
            q = q.bind(id);
        }
        Ok(q.fetch_all(pool).await?)
    })
}

/// Filters for listing targets (all optional).
#[derive(Debug, Default, Clone)]
pub struct TargetFilter {
    pub state: Option<String>,
    pub channel_id: Option<String>,
    /// Inclusive lower bound on `scheduled_at` (ms).
    pub from: Option<i64>,
    /// Exclusive upper bound on `scheduled_at` (ms).
    pub to: Option<i64>,
    pub limit: i64,
}

/// The ids of the user's posts with a target matching `f`, most relevant
/// first: by scheduled time (unscheduled drafts by creation time), newest first.
pub async fn post_ids_matching(db: &Db, user_id: &str, f: &TargetFilter) -> DbResult<Vec<String>> {
    let sql = "SELECT post_id, MAX(COALESCE(scheduled_at, created_at)) AS k FROM post_targets \
               WHERE user_id = $1 AND ($2 IS NULL OR state = $2) AND ($3 IS NULL OR channel_id = $3) \
               AND ($4 IS NULL OR COALESCE(scheduled_at, created_at) >= $4) AND ($5 IS NULL OR COALESCE(scheduled_at, created_at) < $5) \
               GROUP BY post_id ORDER BY k DESC, post_id DESC LIMIT $6";
    let rows: Vec<(String, i64)> = on_pool!(db, pool => sqlx::query_as(sql)
        .bind(user_id).bind(f.state.as_deref()).bind(f.channel_id.as_deref()).bind(f.from).bind(f.to).bind(f.limit)
        .fetch_all(pool).await?);
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

/// Channels (among `channel_ids`) where the user already has a target with
/// this content hash created at or after `since_ms`: `(channel_id, post_id)`.
pub async fn recent_duplicates(
    db: &Db,
    user_id: &str,
    channel_ids: &[&str],
    hash: &str,
    since_ms: i64,
    exclude_post: Option<&str>,
) -> DbResult<Vec<(String, String)>> {
    if channel_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT channel_id, post_id FROM post_targets WHERE user_id = $1 AND content_hash = $2 AND created_at >= $3 \
         AND ($4 IS NULL OR post_id <> $4) AND channel_id IN ({})",
        placeholders(5, channel_ids.len())
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(hash).bind(since_ms).bind(exclude_post);
        for c in channel_ids {
            q = q.bind(*c);
        }
        Ok(q.fetch_all(pool).await?)
    })
}

/// Replaces a post's content and schedule display fields.
pub async fn update_post(
    db: &Db,
    id: &str,
    content: &str,
    timezone: &str,
    local_time: Option<&str>,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "UPDATE posts SET content = $1, timezone = $2, local_time = $3, updated_at = $4 WHERE id = $5";
    on_pool!(db, pool => sqlx::query(sql).bind(content).bind(timezone).bind(local_time).bind(now_ms).bind(id).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// One user-driven change to a target: content, schedule, or both.
pub struct TargetChange<'a> {
    pub target_id: &'a str,
    /// States the target may be in for the change to apply.
    pub from: &'a [&'a str],
    pub to: &'a str,
    /// `Some(None)` clears the variant; `None` leaves it.
    pub content: Option<Option<&'a str>>,
    pub content_hash: Option<&'a str>,
    /// `None` leaves `scheduled_at`; `Some(None)` clears it.
    pub scheduled_at: Option<Option<i64>>,
    pub message: &'a str,
}

/// Applies user changes in one transaction. Returns the ids of targets that
/// were not in an allowed state (nothing was changed for them); a target being
/// published right now is never touched.
pub async fn change_targets(
    db: &Db,
    changes: &[TargetChange<'_>],
    now_ms: i64,
) -> DbResult<Vec<String>> {
    let mut skipped = Vec::new();
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut due = false;
        for c in changes {
            let cur: Option<(String,)> = sqlx::query_as("SELECT state FROM post_targets WHERE id = $1")
                .bind(c.target_id).fetch_optional(&mut *tx).await?;
            let Some((from,)) = cur else { skipped.push(c.target_id.to_owned()); continue };
            if !c.from.contains(&from.as_str()) {
                skipped.push(c.target_id.to_owned());
                continue;
            }
            let scheduling = c.to == state::SCHEDULED;
            // Re-scheduling starts a fresh attempt sequence; parts already
            // published (a thread that failed half-way) are kept and skipped.
            let sql = "UPDATE post_targets SET state = $1, \
                content = CASE WHEN $2 THEN $3 ELSE content END, \
                content_hash = COALESCE($4, content_hash), \
                scheduled_at = CASE WHEN $5 THEN $6 ELSE scheduled_at END, \
                next_attempt_at = CASE WHEN $7 THEN CASE WHEN $5 THEN $6 ELSE scheduled_at END ELSE NULL END, \
                attempts = CASE WHEN $7 THEN 0 ELSE attempts END, \
                error_code = CASE WHEN $7 THEN NULL ELSE error_code END, \
                error_message = CASE WHEN $7 THEN NULL ELSE error_message END, \
                error_part = CASE WHEN $7 THEN NULL ELSE error_part END, \
                updated_at = $8 WHERE id = $9 AND state = $10";
            let n = sqlx::query(sql)
                .bind(c.to)
                .bind(c.content.is_some()).bind(c.content.flatten())
                .bind(c.content_hash)
                .bind(c.scheduled_at.is_some()).bind(c.scheduled_at.flatten())
                .bind(scheduling)
                .bind(now_ms).bind(c.target_id).bind(&from)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                if from != c.to || !c.message.is_empty() {
                    event!(tx, c.target_id, now_ms, Some(from.as_str()), c.to, c.message)?;
                }
                due |= scheduling;
            } else {
                skipped.push(c.target_id.to_owned());
            }
        }
        if due {
            notify_due!(db, tx);
        }
        tx.commit().await?;
    });
    Ok(skipped)
}

// After the macros above (`event!`, `notify_due!`), which they use.
mod queue;
mod slots;

pub use queue::*;
pub use slots::*;
