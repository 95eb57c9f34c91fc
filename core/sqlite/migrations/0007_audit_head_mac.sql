-- The audit head carries a keyed MAC of (seq, hash), so that cutting the
-- newest rows and copying an older row's hash into the head is noticed.
ALTER TABLE audit_head ADD COLUMN mac BLOB;
