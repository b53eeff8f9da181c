-- A notification about a post (e.g. publish_failed) names it, so it can link to it.
ALTER TABLE notifications ADD COLUMN post_id TEXT REFERENCES posts(id) ON DELETE CASCADE;
