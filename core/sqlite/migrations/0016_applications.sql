-- Applications registered to use the verify API: a client ID, a name and
-- the SHA-256 of a 256-bit random secret (never the secret itself).
CREATE TABLE applications (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	secret_hash TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	created_by  TEXT NOT NULL DEFAULT ''
);
