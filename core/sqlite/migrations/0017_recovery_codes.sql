-- Recovery codes (issue 25): the keyed hashes (HMAC-SHA-256 under the
-- store's code key, hex) of a set's one-time codes, never the codes. A
-- code is used by one conditional UPDATE ... WHERE used_at = ''.
CREATE TABLE recovery_codes (
	method_id TEXT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	used_at   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (method_id, position),
	UNIQUE (method_id, hash)
);
