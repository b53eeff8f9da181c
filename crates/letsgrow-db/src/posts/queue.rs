//! What the workers do with targets: find what is due, lease channels, claim,
//! record and finish targets, and sweep expired leases. The invariants are
//! the parent module's (guarded updates, leases, `NOTIFY letsgrow_due`).

use super::*;
use letsgrow_core::notification::NotificationKind;

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
/// Marks read the unread publish-failure notices about a target's post and channel.
const RESOLVE_FAILURE_NOTICES: &str = "UPDATE notifications SET read_at = $1 WHERE kind = $2 AND read_at IS NULL \
     AND user_id = (SELECT user_id FROM post_targets WHERE id = $3) \
     AND post_id = (SELECT post_id FROM post_targets WHERE id = $3) \
     AND channel_id = (SELECT channel_id FROM post_targets WHERE id = $3)";

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
            if f.to == state::PUBLISHED {
                // It went out after all: any failure notice about it needs no
                // action any more. In this transaction, so no extra commit.
                sqlx::query(RESOLVE_FAILURE_NOTICES)
                    .bind(now_ms).bind(NotificationKind::PublishFailed.as_str()).bind(target_id)
                    .execute(&mut *tx).await?;
            }
            if f.next_attempt_at.is_some() {
                notify_due!(db, tx);
            }
        }
        tx.commit().await?;
        Ok(n == 1)
    })
}

/// The history line of a target whose worker stopped mid-publish.
const WORKER_STOPPED: &str = "the worker publishing this stopped before recording the outcome; checking the platform before any re-send";

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
                WORKER_STOPPED)?;
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

/// Records that worker `id` is alive (the first call also registers it).
pub async fn heartbeat(db: &Db, id: &str, now_ms: i64) -> DbResult<()> {
    let sql = "INSERT INTO workers (id, started_at, heartbeat_at) VALUES ($1, $2, $2) \
               ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at";
    on_pool!(db, pool => sqlx::query(sql).bind(id).bind(now_ms).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Unregisters worker `id` (a clean shutdown, after its leases are given back).
pub async fn forget_worker(db: &Db, id: &str) -> DbResult<()> {
    on_pool!(db, pool => sqlx::query("DELETE FROM workers WHERE id = $1").bind(id).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// What [`sweep_dead_workers`] took back.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeadWorkers {
    /// Workers whose heartbeat was older than the cut-off.
    pub workers: u64,
    /// Their channel leases, now free.
    pub leases: u64,
    /// Their in-flight targets, now `unconfirmed` (looked up before any re-send).
    pub targets: Vec<String>,
}

/// Takes everything from workers known dead (a heartbeat older than
/// `dead_before`), at once rather than when their leases expire: their
/// `publishing` targets go to reconciliation and their channel leases are
/// freed, in one transaction. A worker that never registered a heartbeat is
/// not judged here; its leases still expire as before.
pub async fn sweep_dead_workers(db: &Db, dead_before: i64, now_ms: i64) -> DbResult<DeadWorkers> {
    const DEAD: &str = "SELECT id FROM workers WHERE heartbeat_at < $1";
    let targets_sql = format!(
        "UPDATE post_targets SET state = 'unconfirmed', needs_lookup = 1, next_attempt_at = $2, lease_owner = NULL, \
         lease_until = NULL, updated_at = $2 WHERE state = 'publishing' AND lease_owner IN ({DEAD}) RETURNING id"
    );
    let leases_sql = format!("DELETE FROM channel_leases WHERE owner IN ({DEAD})");
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(targets_sql.as_str()))
            .bind(dead_before).bind(now_ms).fetch_all(&mut *tx).await?;
        for id in &ids {
            event!(tx, id, now_ms, Some(state::PUBLISHING), state::UNCONFIRMED,
                WORKER_STOPPED)?;
        }
        let leases = sqlx::query(sqlx::AssertSqlSafe(leases_sql.as_str()))
            .bind(dead_before).execute(&mut *tx).await?.rows_affected();
        let workers = sqlx::query("DELETE FROM workers WHERE heartbeat_at < $1")
            .bind(dead_before).execute(&mut *tx).await?.rows_affected();
        if !ids.is_empty() || leases > 0 {
            notify_due!(db, tx);
        }
        tx.commit().await?;
        Ok(DeadWorkers { workers, leases, targets: ids })
    })
}
