-- A password the help desk reset must be changed at the next sign-in; and
-- a second agent's approval of what one agent may not do alone (acting on
-- another administrator, verifying a person by photo ID).
ALTER TABLE accounts ADD COLUMN password_must_change INTEGER NOT NULL DEFAULT 0;
CREATE TABLE approvals (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	reason       TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	approved_by  TEXT NOT NULL DEFAULT '',
	approved_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_pending ON approvals (approved_by, expires_at);
CREATE INDEX approvals_agent ON approvals (requested_by, account_id);
