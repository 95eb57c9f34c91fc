-- Applications registered to use the verify API: a client ID, a name and
-- the SHA-256 of a 256-bit random secret (never the secret itself).
CREATE TABLE applications (
	id          text PRIMARY KEY,
	name        text NOT NULL UNIQUE,
	secret_hash text NOT NULL,
	created_at  timestamptz NOT NULL,
	created_by  text NOT NULL DEFAULT ''
);
