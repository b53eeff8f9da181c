-- Accounts and sessions. Instants are INTEGER milliseconds since the Unix epoch (UTC)
-- on both backends, so comparisons and ordering behave identically.
CREATE TABLE users (
    id                  TEXT PRIMARY KEY NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    timezone            TEXT NOT NULL DEFAULT 'UTC',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- A session is one log-in: a family of refresh tokens that rotate on each use.
CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    last_used_at        INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    revoked_at          INTEGER,
    revoked_reason      TEXT,
    user_agent          TEXT,
    client_ip           TEXT
);
CREATE INDEX sessions_user_id ON sessions(user_id);

-- Refresh tokens are stored only as SHA-256 hashes.
CREATE TABLE refresh_tokens (
    token_hash          TEXT PRIMARY KEY NOT NULL,
    session_id          TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    used_at             INTEGER
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens(session_id);
