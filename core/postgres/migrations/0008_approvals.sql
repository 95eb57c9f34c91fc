-- A password the help desk reset must be changed at the next sign-in; and
-- a second agent's approval of what one agent may not do alone (acting on
-- another administrator, verifying a person by photo ID).
ALTER TABLE accounts ADD COLUMN password_must_change boolean NOT NULL DEFAULT false;
CREATE TABLE approvals (
	id           text PRIMARY KEY,
	account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind         text NOT NULL,
	requested_by text NOT NULL,
	reason       text NOT NULL,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	approved_by  text NOT NULL DEFAULT '',
	approved_at  timestamptz
);
CREATE INDEX approvals_pending ON approvals (approved_by, expires_at);
CREATE INDEX approvals_agent ON approvals (requested_by, account_id);
