-- The help desk finds people by the last digits of a phone: each phone's
-- number reversed, so that its end is the start of an indexed range.
CREATE TABLE phone_suffixes (
	method_id  text PRIMARY KEY REFERENCES methods (id) ON DELETE CASCADE,
	account_id text NOT NULL,
	rev        text COLLATE "C" NOT NULL
);
CREATE INDEX phone_suffixes_by_rev ON phone_suffixes (rev);
INSERT INTO phone_suffixes (method_id, account_id, rev)
	SELECT id, account_id, reverse(detail) FROM methods WHERE kind IN ('phone', 'alternatePhone', 'officePhone');
