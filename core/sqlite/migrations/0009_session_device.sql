-- Sessions name the device they were opened on, for the Devices page.
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_by_account_seen ON sessions (account_id, last_seen_at);
