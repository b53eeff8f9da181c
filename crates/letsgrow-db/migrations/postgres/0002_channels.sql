-- Channels: one connected account (or webhook destination) per row.
CREATE TABLE channels (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    platform            TEXT NOT NULL,
    external_id         TEXT NOT NULL,
    handle              TEXT NOT NULL,
    base_url            TEXT NOT NULL,
    settings            TEXT NOT NULL DEFAULT '{}',
    -- ok | needs_reconnect | rate_limited | error
    status              TEXT NOT NULL DEFAULT 'ok',
    status_message      TEXT,
    rate_limited_until  BIGINT,
    last_checked_at     BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    UNIQUE (user_id, platform, external_id)
);
CREATE INDEX channels_user_id ON channels(user_id);

-- Encrypted credentials: 'lg1:<key id>:<ciphertext>' bound to (channel, field) by AAD.
CREATE TABLE channel_secrets (
    channel_id          TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    field               TEXT NOT NULL,
    sealed              TEXT NOT NULL,
    key_id              TEXT NOT NULL,
    updated_at          BIGINT NOT NULL,
    PRIMARY KEY (channel_id, field)
);
CREATE INDEX channel_secrets_key_id ON channel_secrets(key_id);

-- In-app notifications (channel needs reconnect, publish failures, reports).
CREATE TABLE notifications (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    title               TEXT NOT NULL,
    body                TEXT NOT NULL,
    channel_id          TEXT REFERENCES channels(id) ON DELETE CASCADE,
    created_at          BIGINT NOT NULL,
    read_at             BIGINT
);
CREATE INDEX notifications_user_id ON notifications(user_id, created_at);
