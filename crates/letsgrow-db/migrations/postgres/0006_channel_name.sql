-- A channel's own name, chosen by its owner (NULL: the account's handle). Unique per
-- user, case-insensitively, as the service checks; the CSV `channel` column uses it.
ALTER TABLE channels ADD COLUMN name TEXT;
