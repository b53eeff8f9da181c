-- Posts and publishing (issue 5).
--
-- A post is written once (`content`) and targets one or more channels; each
-- (post, channel) target has its own state machine and doubles as the durable
-- job row the workers claim:
--   draft -> scheduled -> publishing -> published | failed | unconfirmed
-- `next_attempt_at` is when a worker should next act on a scheduled or
-- unconfirmed target (the scheduled instant, or a retry/reconciliation time).
-- A worker owns a target while `lease_until` is in the future; a sweeper moves
-- expired `publishing` leases to `unconfirmed` (the outcome is unknown).

ALTER TABLE channels ADD COLUMN paused_at INTEGER;

-- The media library: files live in <data_dir>/media/<id>.
CREATE TABLE media (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    filename            TEXT NOT NULL,
    mime                TEXT NOT NULL,
    bytes               INTEGER NOT NULL,
    sha256              TEXT NOT NULL,
    width               INTEGER,
    height              INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX media_user ON media(user_id, created_at);

CREATE TABLE posts (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- JSON: {"parts":[{"text":…,"media":[{"id":…,"alt":…}]}],"link":…}
    content             TEXT NOT NULL,
    -- The IANA zone and wall time the user scheduled in (shown back to them).
    timezone            TEXT NOT NULL,
    local_time          TEXT,
    -- composer | csv | api
    source              TEXT NOT NULL DEFAULT 'composer',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX posts_user ON posts(user_id, created_at);

CREATE TABLE post_targets (
    id                  TEXT PRIMARY KEY NOT NULL,
    post_id             TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id             TEXT NOT NULL,
    channel_id          TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    -- Per-channel variant (same JSON shape as posts.content); NULL = the post's.
    content             TEXT,
    -- SHA-256 of the normalised text, for the 7-day duplicate guard.
    content_hash        TEXT NOT NULL,
    state               TEXT NOT NULL,
    scheduled_at        INTEGER,
    next_attempt_at     INTEGER,
    attempts            INTEGER NOT NULL DEFAULT 0,
    -- 1 when the last attempt may have reached the platform: look up before re-sending.
    needs_lookup        INTEGER NOT NULL DEFAULT 0,
    lease_owner         TEXT,
    lease_until         INTEGER,
    -- JSON array: the platform's post for each part published so far, in order.
    remote              TEXT NOT NULL DEFAULT '[]',
    url                 TEXT,
    error_code          TEXT,
    error_message       TEXT,
    error_part          INTEGER,
    published_at        INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (post_id, channel_id)
);
CREATE INDEX post_targets_due ON post_targets(next_attempt_at) WHERE state IN ('scheduled', 'unconfirmed');
CREATE INDEX post_targets_channel_due ON post_targets(channel_id, next_attempt_at) WHERE state IN ('scheduled', 'unconfirmed');
CREATE INDEX post_targets_lease ON post_targets(lease_until) WHERE state = 'publishing';
CREATE INDEX post_targets_user_time ON post_targets(user_id, scheduled_at);
CREATE INDEX post_targets_dup ON post_targets(channel_id, content_hash);
CREATE INDEX post_targets_post ON post_targets(post_id);

-- Every state transition of a target, with the reason (platform message, retry, …).
CREATE TABLE target_events (
    id                  TEXT PRIMARY KEY NOT NULL,
    target_id           TEXT NOT NULL REFERENCES post_targets(id) ON DELETE CASCADE,
    at                  INTEGER NOT NULL,
    from_state          TEXT,
    to_state            TEXT NOT NULL,
    message             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX target_events_target ON target_events(target_id, at);

-- Per-channel concurrency 1 across processes: a worker publishes to a channel
-- only while it holds the channel's lease.
CREATE TABLE channel_leases (
    channel_id          TEXT PRIMARY KEY NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    owner               TEXT NOT NULL,
    until               INTEGER NOT NULL
);

-- Weekly queue slots, wall-clock in the owner's time zone. weekday 0 = Monday.
CREATE TABLE channel_slots (
    channel_id          TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    weekday             INTEGER NOT NULL,
    minute              INTEGER NOT NULL,
    PRIMARY KEY (channel_id, weekday, minute)
);
