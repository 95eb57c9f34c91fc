-- Self-service password resets. A reset is kept by account name, with no
-- reference to an account, because one is started for any name: the
-- answers must not tell whether the account exists.
CREATE TABLE resets (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	proven     TEXT NOT NULL DEFAULT '',
	done_at    TEXT NOT NULL DEFAULT ''
);

-- Wrong codes typed against a reset's decoy options (for names without an
-- account or methods), so that they run out as real codes do.
ALTER TABLE resets ADD COLUMN decoy_tries INTEGER NOT NULL DEFAULT 0;
