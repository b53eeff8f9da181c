-- Analytics: every post of a channel that has numbers (published by
-- LetsGrow, made on the platform directly, or imported from a history
-- export), dated snapshots of its numbers, and dated account numbers.
-- A number the platform does not report is NULL, never 0. Snapshots are
-- wide (one nullable column per canonical metric, letsgrow_core::Metric)
-- rather than one row per metric: the same information, an eleventh of the
-- rows and one index probe per post for the latest numbers.
CREATE TABLE analytics_posts (
    id              TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- NULL for history imported under a handle with no connected channel yet.
    channel_id      TEXT REFERENCES channels(id) ON DELETE SET NULL,
    platform        TEXT NOT NULL,
    handle          TEXT,
    -- Set when LetsGrow published it.
    target_id       TEXT REFERENCES post_targets(id) ON DELETE SET NULL,
    external_id     TEXT,
    -- The platform id when known, else a hash of time and text (re-imports match).
    dedupe_key      TEXT NOT NULL,
    -- 'letsgrow' | 'external' | 'import'
    origin          TEXT NOT NULL,
    posted_at       BIGINT NOT NULL,
    text            TEXT NOT NULL,
    url             TEXT,
    is_reply        BIGINT NOT NULL DEFAULT 0,
    is_repost       BIGINT NOT NULL DEFAULT 0,
    UNIQUE (user_id, platform, dedupe_key)
);
CREATE INDEX analytics_posts_user_time ON analytics_posts (user_id, posted_at);
CREATE INDEX analytics_posts_channel_time ON analytics_posts (channel_id, posted_at);

CREATE TABLE post_snapshots (
    post_id         TEXT NOT NULL REFERENCES analytics_posts(id) ON DELETE CASCADE,
    captured_at     BIGINT NOT NULL,
    -- 'api' | 'import'
    source          TEXT NOT NULL,
    views           BIGINT,
    reach           BIGINT,
    likes           BIGINT,
    reposts         BIGINT,
    replies         BIGINT,
    quotes          BIGINT,
    saves           BIGINT,
    shares          BIGINT,
    clicks          BIGINT,
    profile_visits  BIGINT,
    follows         BIGINT,
    PRIMARY KEY (post_id, captured_at)
);

CREATE TABLE account_snapshots (
    channel_id      TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    captured_at     BIGINT NOT NULL,
    followers       BIGINT,
    following       BIGINT,
    posts           BIGINT,
    PRIMARY KEY (channel_id, captured_at)
);
