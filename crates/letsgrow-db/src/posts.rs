//! Posts, their per-channel targets (which double as the durable publish
//! jobs), the history of every target transition, channel leases and slots.
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

// ---------------------------------------------------------------------------
// Workers

/// The scheduler's view of what is due: the earliest due instant of any
/// waiting target, and the earliest one after `now_ms` (two probes of the
/// partial `post_targets_due` index, whatever the backlog).
pub async fn next_due(db: &Db, now_ms: i64) -> DbResult<(Option<i64>, Option<i64>)> {
    let sql = "SELECT (SELECT MIN(next_attempt_at) FROM post_targets WHERE state IN ('scheduled', 'unconfirmed')), \
               (SELECT MIN(next_attempt_at) FROM post_targets WHERE state IN ('scheduled', 'unconfirmed') AND next_attempt_at > $1)";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (Option<i64>, Option<i64>)>(sql).bind(now_ms).fetch_one(pool).await?),
    )
}

/// Leases up to `limit` unpaused channels that have due targets and no live
/// lease. Returns their ids.
pub async fn claim_channels(
    db: &Db,
    owner: &str,
    now_ms: i64,
    until_ms: i64,
    limit: i64,
) -> DbResult<Vec<String>> {
    // One probe of the `(channel_id, next_attempt_at)` partial index per
    // unleased channel, so the cost follows the number of channels, not the
    // backlog (grouping every due target cost 275 ms at 46,000 due).
    let sql = "INSERT INTO channel_leases (channel_id, owner, until) \
        SELECT d.channel_id, $1, $2 FROM (SELECT c.id AS channel_id, \
            (SELECT MIN(t.next_attempt_at) FROM post_targets t \
             WHERE t.channel_id = c.id AND t.state IN ('scheduled', 'unconfirmed')) AS due \
          FROM channels c WHERE c.paused_at IS NULL \
          AND NOT EXISTS (SELECT 1 FROM channel_leases l WHERE l.channel_id = c.id AND l.until >= $3)) d \
        WHERE d.due <= $3 ORDER BY d.due LIMIT $4 \
        ON CONFLICT (channel_id) DO UPDATE SET owner = excluded.owner, until = excluded.until \
        WHERE channel_leases.until < $3 \
        RETURNING channel_id";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar(sql).bind(owner).bind(until_ms).bind(now_ms).bind(limit).fetch_all(pool).await?),
    )
}

/// Gives a channel lease back.
pub async fn release_channel(db: &Db, channel_id: &str, owner: &str) -> DbResult<()> {
    let sql = "DELETE FROM channel_leases WHERE channel_id = $1 AND owner = $2";
    on_pool!(db, pool => sqlx::query(sql).bind(channel_id).bind(owner).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Gives every channel lease back, whoever holds it: for the embedded
/// single-process mode (SQLite) at start-up, where any lease left belongs to a
/// process that is gone. Returns how many there were.
pub async fn release_all_channels(db: &Db) -> DbResult<u64> {
    let sql = "DELETE FROM channel_leases";
    Ok(on_pool!(db, pool => sqlx::query(sql).execute(pool).await?.rows_affected()))
}

/// Claims the channel's next due target (while still holding the channel's
/// lease, which this extends): `publishing`, leased to `owner` until `until_ms`.
/// `Ok(None)`: nothing due, or the channel lease was lost.
pub async fn claim_target(
    db: &Db,
    channel_id: &str,
    owner: &str,
    now_ms: i64,
    until_ms: i64,
) -> DbResult<Option<TargetRow>> {
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE post_targets SET state = 'publishing', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 \
         WHERE id = (SELECT id FROM post_targets WHERE channel_id = $4 AND state IN ('scheduled', 'unconfirmed') \
         AND next_attempt_at <= $3 ORDER BY next_attempt_at, id LIMIT 1{lock}) RETURNING {TARGET_COLUMNS}"
    );
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let held = sqlx::query("UPDATE channel_leases SET until = $1 WHERE channel_id = $2 AND owner = $3")
            .bind(until_ms).bind(channel_id).bind(owner).execute(&mut *tx).await?.rows_affected();
        if held != 1 {
            return Ok(None);
        }
        let row = sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(sql))
            .bind(owner).bind(until_ms).bind(now_ms).bind(channel_id)
            .fetch_optional(&mut *tx).await?;
        if let Some(t) = &row {
            let from = if t.needs_lookup != 0 { state::UNCONFIRMED } else { state::SCHEDULED };
            let msg = if t.needs_lookup != 0 {
                format!("attempt {}: checking whether the last attempt reached the platform", t.attempts)
            } else {
                format!("attempt {}", t.attempts)
            };
            event!(tx, &t.id, now_ms, Some(from), state::PUBLISHING, &msg)?;
        }
        tx.commit().await?;
        Ok(row)
    })
}

/// Records the parts published so far (JSON array) while the lease is held,
/// and extends the lease. `false`: the lease was lost.
pub async fn record_remote(
    db: &Db,
    target_id: &str,
    owner: &str,
    remote_json: &str,
    lease_until: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE post_targets SET remote = $1, lease_until = $2, updated_at = $3 \
               WHERE id = $4 AND lease_owner = $5 AND state = 'publishing'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(remote_json).bind(lease_until).bind(now_ms).bind(target_id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// How a worker leaves a target it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish<'a> {
    /// `published`, `failed`, `scheduled` (retry later) or `unconfirmed` (reconcile later).
    pub to: &'a str,
    pub next_attempt_at: Option<i64>,
    pub needs_lookup: bool,
    /// Every part's platform post (JSON array), when this call knows them all.
    pub remote: Option<&'a str>,
    pub url: Option<&'a str>,
    pub error_code: Option<&'a str>,
    pub error_message: Option<&'a str>,
    pub error_part: Option<i64>,
    pub message: &'a str,
}

/// Moves a target out of `publishing`, only if `owner` still holds it.
pub async fn finish(
    db: &Db,
    target_id: &str,
    owner: &str,
    f: &Finish<'_>,
    now_ms: i64,
) -> DbResult<bool> {
    let published_at = (f.to == state::PUBLISHED).then_some(now_ms);
    let sql = "UPDATE post_targets SET state = $1, next_attempt_at = $2, needs_lookup = $3, lease_owner = NULL, lease_until = NULL, \
               url = COALESCE($4, url), error_code = $5, error_message = $6, error_part = $7, published_at = COALESCE($8, published_at), \
               updated_at = $9, remote = COALESCE($12, remote) WHERE id = $10 AND lease_owner = $11 AND state = 'publishing'";
    // On PostgreSQL the outcome commits without waiting for the WAL flush
    // (`synchronous_commit = off` for this transaction only). If the server
    // crashes before the flush, the target is still `publishing` under an
    // expiring lease: the sweep makes it `unconfirmed`, and the next attempt
    // looks the last part up before any re-send. Only this last step may be
    // lost: the claim and each earlier part's id (`record_remote`) commit
    // durably, so at most one part is ever unrecorded.
    let sql = match db.backend() {
        Backend::Postgres => format!(
            "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) {} ",
            sql.replacen(" WHERE id = $10", " FROM relaxed WHERE id = $10", 1)
        ),
        Backend::Sqlite => sql.to_owned(),
    };
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let n = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(f.to).bind(f.next_attempt_at).bind(i64::from(f.needs_lookup)).bind(f.url)
            .bind(f.error_code).bind(f.error_message).bind(f.error_part).bind(published_at)
            .bind(now_ms).bind(target_id).bind(owner).bind(f.remote)
            .execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            event!(tx, target_id, now_ms, Some(state::PUBLISHING), f.to, f.message)?;
            if f.next_attempt_at.is_some() {
                notify_due!(db, tx);
            }
        }
        tx.commit().await?;
        Ok(n == 1)
    })
}

/// Returns targets whose `publishing` lease ends before `expired_before`
/// (their worker died or stalled) to reconciliation: `unconfirmed`, due at
/// `now_ms`, look up before re-sending. (`expired_before` is separate from
/// `now_ms` so SQLite's start-up sweep can take every lease without making
/// the targets due at the end of time.)
pub async fn sweep_expired(db: &Db, expired_before: i64, now_ms: i64) -> DbResult<Vec<String>> {
    let sql = "UPDATE post_targets SET state = 'unconfirmed', needs_lookup = 1, next_attempt_at = $2, lease_owner = NULL, \
               lease_until = NULL, updated_at = $2 WHERE state = 'publishing' AND lease_until < $1 RETURNING id";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let ids: Vec<String> = sqlx::query_scalar(sql).bind(expired_before).bind(now_ms).fetch_all(&mut *tx).await?;
        for id in &ids {
            event!(tx, id, now_ms, Some(state::PUBLISHING), state::UNCONFIRMED,
                "the worker publishing this stopped before recording the outcome; checking the platform before any re-send")?;
        }
        if !ids.is_empty() {
            notify_due!(db, tx);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// How many of a channel's targets have not gone out yet (draft, scheduled, unconfirmed, publishing).
pub async fn pending_on_channel(db: &Db, channel_id: &str) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM post_targets WHERE channel_id = $1 AND state IN ('draft', 'scheduled', 'unconfirmed', 'publishing')";
    Ok(on_pool!(db, pool => sqlx::query_scalar(sql).bind(channel_id).fetch_one(pool).await?))
}

// ---------------------------------------------------------------------------
// Slots

/// A channel's weekly slots: `(weekday 0 = Monday, minute of day)`.
pub async fn slots(db: &Db, channel_id: &str) -> DbResult<Vec<(i64, i64)>> {
    let sql =
        "SELECT weekday, minute FROM channel_slots WHERE channel_id = $1 ORDER BY weekday, minute";
    Ok(on_pool!(db, pool => sqlx::query_as(sql).bind(channel_id).fetch_all(pool).await?))
}

pub async fn set_slots(db: &Db, channel_id: &str, slots: &[(i64, i64)]) -> DbResult<()> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM channel_slots WHERE channel_id = $1").bind(channel_id).execute(&mut *tx).await?;
        for (d, m) in slots {
            sqlx::query("INSERT INTO channel_slots (channel_id, weekday, minute) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(channel_id).bind(d).bind(m).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Instants at or after `from_ms` already taken on a channel (targets that are
/// scheduled, publishing or published there).
pub async fn taken_times(db: &Db, channel_id: &str, from_ms: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT scheduled_at FROM post_targets WHERE channel_id = $1 AND scheduled_at >= $2 \
               AND state IN ('scheduled', 'publishing', 'published', 'unconfirmed')";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar(sql).bind(channel_id).bind(from_ms).fetch_all(pool).await?),
    )
}

/// Scheduled targets of a user, for the CSV export: `(target, post)` pairs by time.
pub async fn queue(db: &Db, user_id: &str, limit: i64) -> DbResult<Vec<TargetRow>> {
    let sql = format!(
        "SELECT {TARGET_COLUMNS} FROM post_targets WHERE user_id = $1 AND state = 'scheduled' ORDER BY scheduled_at, id LIMIT $2"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(limit).fetch_all(pool).await?),
    )
}
