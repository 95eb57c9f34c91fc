-- What a session's second step was, so that a device reported lost ends
-- the sessions signed in with it (core.Session.SignInKind).
ALTER TABLE sessions ADD COLUMN signin_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN signin_method_id TEXT NOT NULL DEFAULT '';

-- "This wasn't me": one report per audit event (the UNIQUE on event_seq is
-- the one conditional write that makes a second report of it a conflict),
-- listed for the help desk. The event's fields are copied (already masked).
CREATE TABLE activity_reports (
	id               TEXT PRIMARY KEY,
	account_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	account_name     TEXT NOT NULL,
	event_seq        INTEGER NOT NULL UNIQUE,
	event_time       TEXT NOT NULL,
	event_actor      TEXT NOT NULL DEFAULT '',
	action           TEXT NOT NULL,
	kind             TEXT NOT NULL DEFAULT '',
	detail           TEXT NOT NULL DEFAULT '',
	reported_by_id   TEXT NOT NULL DEFAULT '',
	reported_by_name TEXT NOT NULL DEFAULT '',
	reported_at      TEXT NOT NULL,
	source           TEXT NOT NULL DEFAULT ''
);

CREATE INDEX activity_reports_by_account ON activity_reports (account_id, reported_at);
CREATE INDEX activity_reports_by_time ON activity_reports (reported_at);
