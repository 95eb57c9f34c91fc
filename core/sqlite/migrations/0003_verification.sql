-- Codes and enrolments waiting to be proven, the sends that the limits
-- count, failure counters for lockouts, and security question answers.
CREATE TABLE verifications (
	id         TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	method_id  TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT '',
	extension  TEXT NOT NULL DEFAULT '',
	channel    TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL DEFAULT '',
	language   TEXT NOT NULL DEFAULT '',
	code_hash  BLOB,
	secret     BLOB,
	created_at TEXT NOT NULL,
	sent_at    TEXT NOT NULL DEFAULT '',
	expires_at TEXT NOT NULL,
	tries      INTEGER NOT NULL DEFAULT 0,
	used_at    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX verifications_by_expiry ON verifications (expires_at);

CREATE TABLE sends (
	account_id  TEXT NOT NULL,
	destination TEXT NOT NULL,
	channel     TEXT NOT NULL,
	at          TEXT NOT NULL
);

CREATE INDEX sends_by_destination ON sends (destination, at);
CREATE INDEX sends_by_account ON sends (account_id, at);

CREATE TABLE failure_counters (
	account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	subject      TEXT NOT NULL,
	failures     INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (account_id, subject)
);

CREATE TABLE answers (
	method_id     TEXT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	question_id   TEXT NOT NULL,
	question_text TEXT NOT NULL,
	answer_hash   TEXT NOT NULL,
	PRIMARY KEY (method_id, position)
);
