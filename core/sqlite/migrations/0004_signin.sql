-- Sign-in: failed sign-ins by account name (also for names that have no
-- account, so the answers do not tell them apart), pending two-step
-- sign-ins and sessions.
CREATE TABLE signin_failures (
	name         TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	two_step     INTEGER NOT NULL DEFAULT 0,
	ended_at     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sessions_by_account ON sessions (account_id);
