-- What the window asks after sign-in: "Keep your account secure" (how
-- often it was snoozed) and "Verify your security info" (when the info was
-- last confirmed, when the person was first asked, until when they skipped).
ALTER TABLE accounts ADD COLUMN registration_snoozes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN confirmed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN reconfirm_noticed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN reconfirm_skipped_until TEXT NOT NULL DEFAULT '';
