-- The durable task runner (letsgrow-jobs): every background job that is not
-- per-target publishing is a row here, claimed with a lease.
--   queued -> running -> done | failed | cancelled   (running -> queued on retry
--   or when the worker's lease ran out; failed/cancelled -> queued on manual retry)
-- `dedupe_key` is unique for as long as the row exists: enqueueing the same
-- key twice yields one task (recurring schedules put the occurrence in it).
CREATE TABLE tasks (
    id                  TEXT PRIMARY KEY NOT NULL,
    kind                TEXT NOT NULL,
    dedupe_key          TEXT UNIQUE,
    -- JSON, read by the kind's handler.
    payload             TEXT NOT NULL,
    state               TEXT NOT NULL,
    run_at              INTEGER NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    max_attempts        INTEGER NOT NULL,
    lease_owner         TEXT,
    lease_until         INTEGER,
    last_error          TEXT,
    -- Whom a failure concerns (told by a notification); NULL: the operator only.
    user_id             TEXT REFERENCES users(id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    finished_at         INTEGER
);
-- The claim and the earliest-due probe read only queued rows.
CREATE INDEX tasks_due ON tasks(run_at) WHERE state = 'queued';
-- The lease sweep reads only running rows.
CREATE INDEX tasks_running ON tasks(lease_until) WHERE state = 'running';
CREATE INDEX tasks_kind_state ON tasks(kind, state);
CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;

-- Recurring schedules live here, not in memory: each process fires what is
-- due by enqueueing `<name>@<occurrence ms>` (deduped) and advancing
-- `next_run_at` with a compare-and-set, so an occurrence runs once however
-- many processes see it.
CREATE TABLE task_schedules (
    name                TEXT PRIMARY KEY NOT NULL,
    kind                TEXT NOT NULL,
    payload             TEXT NOT NULL,
    -- `every 15m`, `daily 08:00`, `weekly mon,thu 08:00` (letsgrow_core::recurrence).
    spec                TEXT NOT NULL,
    -- IANA zone the wall-clock specs are read in.
    zone                TEXT NOT NULL,
    next_run_at         INTEGER NOT NULL,
    user_id             TEXT REFERENCES users(id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX task_schedules_next ON task_schedules(next_run_at);
