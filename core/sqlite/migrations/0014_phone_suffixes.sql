-- The help desk finds people by the last digits of a phone: each phone's
-- number reversed, so that its end is the start of an indexed range.
CREATE TABLE phone_suffixes (
	method_id  TEXT PRIMARY KEY REFERENCES methods (id) ON DELETE CASCADE,
	account_id TEXT NOT NULL,
	rev        TEXT NOT NULL
);
CREATE INDEX phone_suffixes_by_rev ON phone_suffixes (rev);
WITH RECURSIVE r(id, account_id, s, rev) AS (
	SELECT id, account_id, detail, '' FROM methods WHERE kind IN ('phone', 'alternatePhone', 'officePhone')
	UNION ALL
	SELECT id, account_id, substr(s, 1, length(s) - 1), rev || substr(s, -1) FROM r WHERE s <> ''
)
INSERT INTO phone_suffixes (method_id, account_id, rev) SELECT id, account_id, rev FROM r WHERE s = '';
