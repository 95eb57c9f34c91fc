-- Hardening: every verification is bound to the flow that created it (the
-- owner's page, one sign-in, one reset); sends are counted per purpose, so
-- adds and resets by others cannot use up the sign-in codes of a number;
-- a reset keeps its decoy state; security questions are drawn once a day.
ALTER TABLE verifications ADD COLUMN flow TEXT NOT NULL DEFAULT '';
ALTER TABLE sends ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE resets ADD COLUMN decoy_state TEXT NOT NULL DEFAULT '';

CREATE INDEX verifications_by_account ON verifications (account_id, purpose);
CREATE INDEX resets_by_account ON resets (account_id);
CREATE INDEX sends_by_account_purpose ON sends (account_id, purpose, destination, at);

CREATE TABLE question_draws (
	method_id    TEXT PRIMARY KEY REFERENCES methods (id) ON DELETE CASCADE,
	question_ids TEXT NOT NULL,
	drawn_at     TEXT NOT NULL,
	draws        INTEGER NOT NULL DEFAULT 0
);
