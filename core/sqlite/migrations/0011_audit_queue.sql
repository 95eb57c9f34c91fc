-- Audit events written by changes and waiting to be chained (the central
-- service chains them in batches, so that changes do not line up behind
-- the head row), sealed.
CREATE TABLE audit_queue (
	n      INTEGER PRIMARY KEY AUTOINCREMENT,
	id     TEXT NOT NULL UNIQUE,
	sealed BLOB NOT NULL
);
