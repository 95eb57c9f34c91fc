-- Audit events written by changes and waiting to be chained: writers only
-- insert here, and one sequencer at a time chains them in batches, so
-- changes do not line up behind the audit head row. Sealed.
CREATE TABLE audit_queue (
	n      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id     text NOT NULL UNIQUE,
	sealed bytea NOT NULL
);
