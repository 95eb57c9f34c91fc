-- The whole schema of the SQLite store (its migrations 1 to 8) in one
-- step, in PostgreSQL's types. Differences, all invisible through core.Tx:
--   * times are timestamptz, microsecond precision; NULL is the zero time.
--     The two times the core hashes or compares to the nanosecond (an
--     audit event's, a sign-in lock's) keep their nanoseconds past the
--     microsecond in a column of their own, so they read back exactly;
--   * account names compare byte-wise (COLLATE "C"), as SQLite's TEXT
--     does, whatever the database's locale (the queries that order by an
--     ID say COLLATE "C" too);
--   * lists of IDs (a reset's proven methods, a question draw) are text[];
--   * sends have an identity column, where SQLite used its rowid;
--   * a reset's count of question requests has its own name (SQLite keeps
--     it in the column once used for decoy tries).

-- Accounts, their methods, the organisation policy and store settings.
CREATE TABLE accounts (
	id                      text PRIMARY KEY,
	name                    text COLLATE "C" NOT NULL UNIQUE,
	display_name            text NOT NULL,
	role                    text NOT NULL CHECK (role IN ('user', 'helpdesk', 'admin')),
	language                text NOT NULL,
	created_at              timestamptz,
	password_hash           text NOT NULL,
	password_changed_at     timestamptz,
	default_method_id       text NOT NULL DEFAULT '',
	default_channel         text NOT NULL DEFAULT '',
	removal_at              timestamptz,
	removal_method_id       text NOT NULL DEFAULT '',
	-- What the window asks after sign-in: how often "Keep your account
	-- secure" was snoozed, when the info was last confirmed, when the
	-- person was first asked to, until when they skipped.
	registration_snoozes    integer NOT NULL DEFAULT 0,
	confirmed_at            timestamptz,
	reconfirm_noticed_at    timestamptz,
	reconfirm_skipped_until timestamptz
);

CREATE TABLE methods (
	id           text PRIMARY KEY,
	account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind         text NOT NULL,
	detail       text NOT NULL DEFAULT '',
	extension    text NOT NULL DEFAULT '',
	channel      text NOT NULL DEFAULT '',
	name         text NOT NULL DEFAULT '',
	language     text NOT NULL,
	created_at   timestamptz,
	last_used_at timestamptz,
	secret       bytea,
	last_step    bigint NOT NULL DEFAULT 0
);

CREATE INDEX methods_by_account ON methods (account_id, created_at);

CREATE TABLE policy (
	id   integer PRIMARY KEY CHECK (id = 1),
	body text NOT NULL
);

CREATE TABLE settings (
	name  text PRIMARY KEY,
	value text NOT NULL
);

-- The append-only audit log. Each row carries the keyed hash of the row
-- before it; audit_head holds the newest, with a keyed MAC of (seq, hash),
-- so that rows cut from the end are noticed too. The code never updates or
-- deletes a row of audit_events.
CREATE TABLE audit_events (
	seq          bigint PRIMARY KEY,
	time         timestamptz,
	-- The nanoseconds past time's microsecond (0 to 999): the chain hashes
	-- the time to the nanosecond, so it must read back exactly.
	time_nanos   smallint NOT NULL DEFAULT 0 CHECK (time_nanos BETWEEN 0 AND 999),
	actor_id     text NOT NULL DEFAULT '',
	actor_name   text NOT NULL DEFAULT '',
	account_id   text NOT NULL DEFAULT '',
	account_name text NOT NULL DEFAULT '',
	action       text NOT NULL,
	kind         text NOT NULL DEFAULT '',
	detail       text NOT NULL DEFAULT '',
	source       text NOT NULL DEFAULT '',
	reason       text NOT NULL DEFAULT '',
	prev_hash    bytea,
	hash         bytea NOT NULL
);

CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);

CREATE TABLE audit_head (
	id   integer PRIMARY KEY CHECK (id = 1),
	seq  bigint NOT NULL,
	hash bytea,
	mac  bytea
);

-- Codes and enrolments waiting to be proven, each bound to the flow that
-- created it (the owner's page, one sign-in, one reset).
CREATE TABLE verifications (
	id         text PRIMARY KEY,
	account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	purpose    text NOT NULL,
	kind       text NOT NULL,
	method_id  text NOT NULL DEFAULT '',
	detail     text NOT NULL DEFAULT '',
	extension  text NOT NULL DEFAULT '',
	channel    text NOT NULL DEFAULT '',
	name       text NOT NULL DEFAULT '',
	language   text NOT NULL DEFAULT '',
	code_hash  bytea,
	secret     bytea,
	created_at timestamptz,
	sent_at    timestamptz,
	expires_at timestamptz,
	tries      integer NOT NULL DEFAULT 0,
	used_at    timestamptz,
	flow       text NOT NULL DEFAULT ''
);

CREATE INDEX verifications_by_expiry ON verifications (expires_at);
CREATE INDEX verifications_by_account ON verifications (account_id, purpose);

-- The sends that the limits count, per purpose, so that adds and resets by
-- others cannot use up the sign-in codes of a number.
CREATE TABLE sends (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id  text NOT NULL,
	destination text NOT NULL,
	channel     text NOT NULL,
	purpose     text NOT NULL DEFAULT '',
	at          timestamptz
);

CREATE INDEX sends_by_destination ON sends (destination, at);
CREATE INDEX sends_by_account ON sends (account_id, at);
CREATE INDEX sends_by_account_purpose ON sends (account_id, purpose, destination, at);

-- Failure counters for lockouts of a method (or another subject).
CREATE TABLE failure_counters (
	account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	subject      text NOT NULL,
	failures     integer NOT NULL DEFAULT 0,
	locked_until timestamptz,
	PRIMARY KEY (account_id, subject)
);

-- Security question answers, hashed.
CREATE TABLE answers (
	method_id     text NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
	position      integer NOT NULL,
	question_id   text NOT NULL,
	question_text text NOT NULL,
	answer_hash   text NOT NULL,
	PRIMARY KEY (method_id, position)
);

-- Failed sign-ins by account name (also for names that have no account,
-- so the answers do not tell them apart).
CREATE TABLE signin_failures (
	name               text PRIMARY KEY,
	failures           integer NOT NULL DEFAULT 0,
	locked_until       timestamptz,
	-- The nanoseconds past locked_until's microsecond: the core tells the
	-- lock an attempt set by comparing it with the stored one.
	locked_until_nanos smallint NOT NULL DEFAULT 0 CHECK (locked_until_nanos BETWEEN 0 AND 999)
);

CREATE TABLE sessions (
	id           text PRIMARY KEY,
	account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at   timestamptz,
	last_seen_at timestamptz,
	two_step     boolean NOT NULL DEFAULT false,
	ended_at     timestamptz
);

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Self-service password resets. A reset is kept by account name, with no
-- reference to an account, because one is started for any name: the
-- answers must not tell whether the account exists. decoy_state is the
-- state of a reset's made-up options (for names without an account or
-- methods), so that they behave as real ones do.
CREATE TABLE resets (
	id            text PRIMARY KEY,
	name          text NOT NULL,
	account_id    text NOT NULL DEFAULT '',
	created_at    timestamptz,
	expires_at    timestamptz,
	proven        text[] NOT NULL DEFAULT '{}',
	done_at       timestamptz,
	question_asks integer NOT NULL DEFAULT 0,
	decoy_state   text NOT NULL DEFAULT ''
);

CREATE INDEX resets_by_account ON resets (account_id);

-- Security questions are drawn once a day per method.
CREATE TABLE question_draws (
	method_id    text PRIMARY KEY REFERENCES methods (id) ON DELETE CASCADE,
	question_ids text[] NOT NULL DEFAULT '{}',
	drawn_at     timestamptz,
	draws        integer NOT NULL DEFAULT 0
);
