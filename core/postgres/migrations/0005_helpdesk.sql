-- The help desk: what an agent proved of who is asking for an account,
-- and each account's Temporary Access Pass (its hash only).
CREATE TABLE identity_proofs (
	agent_id       text NOT NULL,
	account_id     text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	verified_until timestamptz,
	how            text NOT NULL DEFAULT '',
	failures       integer NOT NULL DEFAULT 0,
	PRIMARY KEY (agent_id, account_id)
);
CREATE TABLE access_passes (
	account_id text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	hash       text NOT NULL,
	created_by text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	one_time   boolean NOT NULL,
	used_at    timestamptz
);
