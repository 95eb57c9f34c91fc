-- What a session's second step was, so that a device reported lost ends
-- the sessions signed in with it (core.Session.SignInKind).
ALTER TABLE sessions ADD COLUMN signin_kind text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN signin_method_id text NOT NULL DEFAULT '';

-- "This wasn't me": one report per audit event (the UNIQUE on event_seq is
-- the one conditional write that makes a second report of it a conflict),
-- listed for the help desk. The event's fields are copied (already masked).
CREATE TABLE activity_reports (
	id               text PRIMARY KEY,
	account_id       text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	account_name     text NOT NULL,
	event_seq        bigint NOT NULL UNIQUE,
	event_time       timestamptz NOT NULL,
	event_actor      text NOT NULL DEFAULT '',
	action           text NOT NULL,
	kind             text NOT NULL DEFAULT '',
	detail           text NOT NULL DEFAULT '',
	reported_by_id   text NOT NULL DEFAULT '',
	reported_by_name text NOT NULL DEFAULT '',
	reported_at      timestamptz NOT NULL,
	source           text NOT NULL DEFAULT ''
);

CREATE INDEX activity_reports_by_account ON activity_reports (account_id, reported_at);
CREATE INDEX activity_reports_by_time ON activity_reports (reported_at);
