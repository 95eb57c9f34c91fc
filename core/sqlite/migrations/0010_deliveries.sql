-- The outbox table: every code and notice is stored here in the
-- transaction that makes it, sealed, and removed once delivered, so a
-- crash loses no message.
CREATE TABLE deliveries (
	id         TEXT PRIMARY KEY,
	created_at TEXT NOT NULL,
	next_at    TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	payload    BLOB NOT NULL,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_by_next ON deliveries (next_at);
