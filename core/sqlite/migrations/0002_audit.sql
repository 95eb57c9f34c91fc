-- The append-only audit log. Each row carries the keyed hash of the row
-- before it; audit_head holds the newest, so that rows cut from the end are
-- noticed too. The code never updates or deletes a row of audit_events.
CREATE TABLE audit_events (
	seq          INTEGER PRIMARY KEY,
	time         TEXT NOT NULL,
	actor_id     TEXT NOT NULL DEFAULT '',
	actor_name   TEXT NOT NULL DEFAULT '',
	account_id   TEXT NOT NULL DEFAULT '',
	account_name TEXT NOT NULL DEFAULT '',
	action       TEXT NOT NULL,
	kind         TEXT NOT NULL DEFAULT '',
	detail       TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	prev_hash    BLOB,
	hash         BLOB NOT NULL
);

CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);

CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash BLOB
);
