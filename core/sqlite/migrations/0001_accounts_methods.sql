-- Accounts, their methods, the organisation policy and store settings.
CREATE TABLE accounts (
	id                  TEXT PRIMARY KEY,
	name                TEXT NOT NULL UNIQUE,
	display_name        TEXT NOT NULL,
	role                TEXT NOT NULL CHECK (role IN ('user', 'helpdesk', 'admin')),
	language            TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	password_hash       TEXT NOT NULL,
	password_changed_at TEXT NOT NULL,
	default_method_id   TEXT NOT NULL DEFAULT '',
	default_channel     TEXT NOT NULL DEFAULT '',
	removal_at          TEXT NOT NULL DEFAULT '',
	removal_method_id   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE methods (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	detail       TEXT NOT NULL DEFAULT '',
	extension    TEXT NOT NULL DEFAULT '',
	channel      TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	language     TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_used_at TEXT NOT NULL DEFAULT '',
	secret       BLOB,
	last_step    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX methods_by_account ON methods (account_id, created_at);

CREATE TABLE policy (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	body TEXT NOT NULL
);

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
