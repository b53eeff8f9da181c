//! Task rows and recurring schedules for the durable task runner
//! (`letsgrow-jobs`).
//!
//! Invariants:
//! - A task is `running` only while a worker holds its lease (`lease_owner`,
//!   `lease_until`); finishing a task whose lease was lost (or that was
//!   cancelled meanwhile) changes nothing.
//! - The claim takes due `queued` rows with `FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL (SQLite has one writer) and sets them `running` in the same
//!   statement; no transaction stays open while a handler runs.
//! - `dedupe_key` is unique: enqueueing an existing key returns the task that
//!   is already there.

use crate::{Backend, Db, DbError, DbResult, new_id, on_pool};

/// The states a task row can be in (stored as these words).
pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRow {
    pub id: String,
    pub kind: String,
    pub dedupe_key: Option<String>,
    pub payload: String,
    pub state: String,
    pub run_at: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub user_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

const COLS: &str = "id, kind, dedupe_key, payload, state, run_at, attempts, max_attempts, lease_owner, \
                    lease_until, last_error, user_id, created_at, updated_at, finished_at";

/// A task to enqueue.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub kind: &'a str,
    pub dedupe_key: Option<&'a str>,
    pub payload: &'a str,
    pub run_at: i64,
    pub max_attempts: i64,
    pub user_id: Option<&'a str>,
}

/// Whether enqueueing made a new row or found the dedupe key's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    Created(String),
    Existing(String),
}

impl Enqueued {
    pub fn id(&self) -> &str {
        match self {
            Enqueued::Created(id) | Enqueued::Existing(id) => id,
        }
    }
}

/// Inserts a task, or returns the one that already holds its dedupe key.
pub async fn enqueue(db: &Db, t: &NewTask<'_>, now_ms: i64) -> DbResult<Enqueued> {
    let id = new_id();
    let sql = "INSERT INTO tasks (id, kind, dedupe_key, payload, state, run_at, attempts, max_attempts, user_id, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7, $8, $8) \
               ON CONFLICT (dedupe_key) DO NOTHING RETURNING id";
    let inserted: Option<String> = on_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(&id).bind(t.kind).bind(t.dedupe_key).bind(t.payload).bind(t.run_at)
        .bind(t.max_attempts).bind(t.user_id).bind(now_ms)
        .fetch_optional(pool).await?);
    if let Some(id) = inserted {
        return Ok(Enqueued::Created(id));
    }
    let existing: Option<String> = on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM tasks WHERE dedupe_key = $1")
        .bind(t.dedupe_key).fetch_optional(pool).await?);
    existing
        .map(Enqueued::Existing)
        .ok_or(DbError::Conflict("dedupe key"))
}

/// Claims up to `limit` due queued tasks of `kinds` for `owner` until
/// `lease_until`, oldest due first, counting an attempt on each.
pub async fn claim(
    db: &Db,
    owner: &str,
    kinds: &[&str],
    now_ms: i64,
    lease_until: i64,
    limit: i64,
) -> DbResult<Vec<TaskRow>> {
    if kinds.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let marks: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 5)).collect();
    let sql = format!(
        "UPDATE tasks SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 \
         WHERE state = 'queued' AND id IN (SELECT id FROM tasks WHERE state = 'queued' AND run_at <= $3 AND kind IN ({}) \
         ORDER BY run_at LIMIT $4{lock}) RETURNING {COLS}",
        marks.join(", ")
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql)).bind(owner).bind(lease_until).bind(now_ms).bind(limit);
        for k in kinds {
            q = q.bind(*k);
        }
        let mut rows = q.fetch_all(pool).await?;
        rows.sort_by_key(|r| r.run_at);
        Ok(rows)
    })
}

/// Extends the lease of a task `owner` still runs. `false`: the lease was
/// lost (expired and taken over, or the task was cancelled).
pub async fn heartbeat(db: &Db, id: &str, owner: &str, lease_until: i64) -> DbResult<bool> {
    let sql = "UPDATE tasks SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(lease_until).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// How a run ended, as stored.
#[derive(Debug, Clone)]
pub enum Finish<'a> {
    Done,
    /// Queued again for `run_at`; `error` says why it did not finish.
    Retry {
        run_at: i64,
        error: &'a str,
    },
    Failed {
        error: &'a str,
    },
}

/// Records the end of a run. `false`: `owner` no longer held the task, so
/// nothing changed.
pub async fn finish(db: &Db, id: &str, owner: &str, f: &Finish<'_>, now_ms: i64) -> DbResult<bool> {
    let (state, run_at, error, finished) = match f {
        Finish::Done => (DONE, None, None, Some(now_ms)),
        Finish::Retry { run_at, error } => (QUEUED, Some(*run_at), Some(*error), None),
        Finish::Failed { error } => (FAILED, None, Some(*error), Some(now_ms)),
    };
    let sql = "UPDATE tasks SET state = $1, run_at = COALESCE($2, run_at), last_error = COALESCE($3, last_error), \
               lease_owner = NULL, lease_until = NULL, updated_at = $4, finished_at = $5 \
               WHERE id = $6 AND lease_owner = $7 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(state).bind(run_at).bind(error).bind(now_ms).bind(finished)
        .bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Tasks whose worker stopped holding them (the lease ran out): those out of
/// attempts become `failed` and are returned; the rest are queued to run now.
pub async fn reap_expired(db: &Db, now_ms: i64) -> DbResult<(Vec<TaskRow>, u64)> {
    const WHY: &str = "the worker running it stopped before it finished";
    let fail = format!(
        "UPDATE tasks SET state = 'failed', lease_owner = NULL, lease_until = NULL, last_error = $2, updated_at = $1, finished_at = $1 \
         WHERE state = 'running' AND lease_until < $1 AND attempts >= max_attempts RETURNING {COLS}"
    );
    let requeue = "UPDATE tasks SET state = 'queued', run_at = $1, lease_owner = NULL, lease_until = NULL, last_error = $2, updated_at = $1 \
                   WHERE state = 'running' AND lease_until < $1";
    let failed = on_pool!(db, pool => sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(fail)).bind(now_ms).bind(WHY).fetch_all(pool).await?);
    let requeued = on_pool!(db, pool => sqlx::query(requeue).bind(now_ms).bind(WHY).execute(pool).await?.rows_affected());
    Ok((failed, requeued))
}

/// The earliest instant something needs the runner: a queued task's `run_at`,
/// a running task's lease end (to reap it), or a schedule's next run.
pub async fn next_wake(db: &Db) -> DbResult<Option<i64>> {
    let due = "SELECT MIN(run_at) FROM tasks WHERE state = 'queued'";
    let lease = "SELECT MIN(lease_until) FROM tasks WHERE state = 'running'";
    let sched = "SELECT MIN(next_run_at) FROM task_schedules";
    let mut best: Option<i64> = None;
    for sql in [due, lease, sched] {
        let v: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        best = match (best, v) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(best)
}

pub async fn get(db: &Db, id: &str) -> DbResult<Option<TaskRow>> {
    let sql = format!("SELECT {COLS} FROM tasks WHERE id = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// Which tasks to list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter<'a> {
    pub state: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub limit: i64,
}

/// Tasks, newest first.
pub async fn list(db: &Db, f: &TaskFilter<'_>) -> DbResult<Vec<TaskRow>> {
    let sql = format!(
        "SELECT {COLS} FROM tasks WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR kind = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql)).bind(f.state).bind(f.kind).bind(f.limit.clamp(1, 10_000)).fetch_all(pool).await?),
    )
}

/// Queues a failed or cancelled task again, with fresh attempts.
pub async fn retry(db: &Db, id: &str, now_ms: i64) -> DbResult<Option<TaskRow>> {
    let sql = format!(
        "UPDATE tasks SET state = 'queued', run_at = $1, attempts = 0, finished_at = NULL, updated_at = $1 \
         WHERE id = $2 AND state IN ('failed', 'cancelled') RETURNING {COLS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql)).bind(now_ms).bind(id).fetch_optional(pool).await?),
    )
}

/// Cancels a task that has not finished (a running one's result is then
/// ignored) or a failed one. `None`: no such task, or it is done or cancelled.
pub async fn cancel(db: &Db, id: &str, now_ms: i64) -> DbResult<Option<TaskRow>> {
    let sql = format!(
        "UPDATE tasks SET state = 'cancelled', lease_owner = NULL, lease_until = NULL, finished_at = $1, updated_at = $1 \
         WHERE id = $2 AND state IN ('queued', 'running', 'failed') RETURNING {COLS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql)).bind(now_ms).bind(id).fetch_optional(pool).await?),
    )
}

/// Deletes tasks that finished (`done` or `cancelled`) before `before_ms`.
/// Failed ones stay until someone retries or cancels them.
pub async fn prune_finished(db: &Db, before_ms: i64) -> DbResult<u64> {
    let sql = "DELETE FROM tasks WHERE state IN ('done', 'cancelled') AND finished_at < $1";
    Ok(on_pool!(db, pool => sqlx::query(sql).bind(before_ms).execute(pool).await?.rows_affected()))
}

/// Counts for one (kind, state).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KindStats {
    pub kind: String,
    pub state: String,
    pub count: i64,
    /// The earliest `run_at` at or before `now` (queued rows: how long the
    /// oldest due task has waited).
    pub oldest_due: Option<i64>,
}

/// Queued, running and failed counts by kind.
pub async fn stats(db: &Db, now_ms: i64) -> DbResult<Vec<KindStats>> {
    let sql = "SELECT kind, state, COUNT(*) AS count, MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest_due \
               FROM tasks WHERE state IN ('queued', 'running', 'failed') GROUP BY kind, state ORDER BY kind, state";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, KindStats>(sql).bind(now_ms).fetch_all(pool).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub name: String,
    pub kind: String,
    pub payload: String,
    pub spec: String,
    pub zone: String,
    pub next_run_at: i64,
    pub user_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SCHED_COLS: &str =
    "name, kind, payload, spec, zone, next_run_at, user_id, created_at, updated_at";

/// A schedule to keep.
#[derive(Debug, Clone)]
pub struct NewSchedule<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub spec: &'a str,
    pub zone: &'a str,
    /// The next run, should the schedule be new or changed.
    pub next_run_at: i64,
    pub user_id: Option<&'a str>,
}

/// Creates the schedule, or updates it when its kind, payload, spec or zone
/// changed (then `next_run_at` too). An unchanged schedule keeps its next
/// run, so every process can declare its schedules at start-up.
pub async fn upsert_schedule(db: &Db, s: &NewSchedule<'_>, now_ms: i64) -> DbResult<()> {
    let sql = "INSERT INTO task_schedules (name, kind, payload, spec, zone, next_run_at, user_id, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
               ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, spec = excluded.spec, \
               zone = excluded.zone, next_run_at = excluded.next_run_at, user_id = excluded.user_id, updated_at = excluded.updated_at \
               WHERE task_schedules.kind <> excluded.kind OR task_schedules.payload <> excluded.payload \
               OR task_schedules.spec <> excluded.spec OR task_schedules.zone <> excluded.zone";
    on_pool!(db, pool => sqlx::query(sql).bind(s.name).bind(s.kind).bind(s.payload).bind(s.spec).bind(s.zone)
        .bind(s.next_run_at).bind(s.user_id).bind(now_ms).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Schedules whose next run is at or before `now_ms`.
pub async fn due_schedules(db: &Db, now_ms: i64) -> DbResult<Vec<ScheduleRow>> {
    let sql = format!(
        "SELECT {SCHED_COLS} FROM task_schedules WHERE next_run_at <= $1 ORDER BY next_run_at LIMIT 100"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ScheduleRow>(sqlx::AssertSqlSafe(sql)).bind(now_ms).fetch_all(pool).await?),
    )
}

/// Moves a schedule's next run from `from` to `to`, if no other process did
/// first. `true`: this call advanced it.
pub async fn advance_schedule(
    db: &Db,
    name: &str,
    from: i64,
    to: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE task_schedules SET next_run_at = $1, updated_at = $2 WHERE name = $3 AND next_run_at = $4";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(to).bind(now_ms).bind(name).bind(from).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

pub async fn schedules(db: &Db) -> DbResult<Vec<ScheduleRow>> {
    let sql = format!("SELECT {SCHED_COLS} FROM task_schedules ORDER BY name");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ScheduleRow>(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?),
    )
}

pub async fn delete_schedule(db: &Db, name: &str) -> DbResult<bool> {
    let n = on_pool!(db, pool => sqlx::query("DELETE FROM task_schedules WHERE name = $1").bind(name).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// The PostgreSQL `NOTIFY` channel that wakes every process's task runner.
pub const TASKS_CHANNEL: &str = "letsgrow_tasks";

/// Tells other processes' runners that a task was queued (PostgreSQL; on
/// SQLite there is one process and its own wake suffices).
pub async fn notify_queued(db: &Db) -> DbResult<()> {
    if let Db::Postgres(pool) = db {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(TASKS_CHANNEL)
            .execute(pool)
            .await?;
    }
    Ok(())
}
