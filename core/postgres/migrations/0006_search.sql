-- The help desk searches display names by their start, whatever the case.
CREATE INDEX accounts_by_display_name ON accounts ((lower(display_name) COLLATE "C"));
