-- OAuth connections in progress: one row per authorization redirect, consumed once.
CREATE TABLE oauth_states (
    state_hash          TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    platform            TEXT NOT NULL,
    -- The PKCE verifier and the client, sealed ('lg1:…') and bound to this row.
    sealed              TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    instance_url        TEXT,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states(expires_at);

-- Apps LetsGrow registered on Mastodon instances (POST /api/v1/apps), reused per instance.
CREATE TABLE oauth_apps (
    platform            TEXT NOT NULL,
    instance_url        TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    -- The client id and secret, sealed and bound to (platform, instance, redirect).
    sealed              TEXT NOT NULL,
    key_id              TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (platform, instance_url, redirect_uri)
);
