-- A channel's health follows what really happens when LetsGrow posts to it:
-- how many sends in a row failed, the last failure's message, and when the
-- last send (either way) happened. Enough failures in a row turn the status
-- to 'failing'; a send that goes through turns it back to 'ok'.
ALTER TABLE channels ADD COLUMN consecutive_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN last_error TEXT;
ALTER TABLE channels ADD COLUMN last_outcome_at BIGINT;
