-- The help desk: what an agent proved of who is asking for an account,
-- and each account's Temporary Access Pass (its hash only).
CREATE TABLE identity_proofs (
	agent_id       TEXT NOT NULL,
	account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	verified_until TEXT NOT NULL DEFAULT '',
	how            TEXT NOT NULL DEFAULT '',
	failures       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (agent_id, account_id)
);
CREATE TABLE access_passes (
	account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	hash       TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	one_time   INTEGER NOT NULL,
	used_at    TEXT NOT NULL DEFAULT ''
);
