-- The outbox table: every code and notice is stored here in the
-- transaction that makes it, sealed, and removed once delivered, so a
-- crash loses no message. Workers on several servers claim rows with
-- FOR UPDATE SKIP LOCKED.
CREATE TABLE deliveries (
	id         text PRIMARY KEY,
	created_at timestamptz NOT NULL,
	next_at    timestamptz NOT NULL,
	attempts   integer NOT NULL DEFAULT 0,
	payload    bytea NOT NULL,
	last_error text NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_by_next ON deliveries (next_at);
