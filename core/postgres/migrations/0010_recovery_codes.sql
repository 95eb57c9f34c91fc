-- Recovery codes (issue 25): the keyed hashes (HMAC-SHA-256 under the
-- store's code key, hex) of a set's one-time codes, never the codes. A
-- code is used by one conditional UPDATE ... WHERE used_at IS NULL.
CREATE TABLE recovery_codes (
	method_id text NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
	position  integer NOT NULL,
	hash      text NOT NULL,
	used_at   timestamptz,
	PRIMARY KEY (method_id, position),
	UNIQUE (method_id, hash)
);
