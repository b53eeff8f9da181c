-- Each publishing worker writes a heartbeat every few seconds. A worker
-- whose heartbeat is old is known dead (kill -9, a lost machine), so another
-- worker takes its channel leases and reconciles its in-flight posts at once
-- instead of waiting for the leases to expire.
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
CREATE INDEX workers_heartbeat ON workers (heartbeat_at);
