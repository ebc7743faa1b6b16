-- The schema of pgstore (github.com/compliancekit/userevents/pgstore). Idempotent:
-- pgstore.Migrate runs it (and then moves the rows of an earlier schema's event table
-- into the history, see migrate.go); it can be run by hand on a new database. Tables
-- are created in the current search_path.

-- Documents are json, not jsonb: json keeps the text as written, and so holds every
-- string the library accepts, U+0000 (\u0000) included, which jsonb refuses (SQLSTATE
-- 22P05). The store reads documents back whole and queries only the columns.

-- One row per user id: the current record's columns. Its user is the replay of its history
-- (from the newest snapshot), so that a commit writes the event, not the user; doc, the
-- user in Flagright's wire format, is what an earlier release wrote (and read), kept
-- until the user's next commit sets it to NULL.
CREATE TABLE IF NOT EXISTS userevents_users (
    user_id               text PRIMARY KEY,
    version               bigint NOT NULL CHECK (version > 0),
    user_type             text NOT NULL CHECK (user_type IN ('CONSUMER', 'BUSINESS')),
    kyc_risk_level_locked boolean NOT NULL DEFAULT false,
    cra_risk_level_locked boolean NOT NULL DEFAULT false,
    last_event_timestamp  double precision NOT NULL DEFAULT 0,
    doc                   json NOT NULL
);
-- Columns added by the history schema (Record.HistoryID and Record.SnapshotDue).
ALTER TABLE userevents_users ADD COLUMN IF NOT EXISTS history_id text;
ALTER TABLE userevents_users ADD COLUMN IF NOT EXISTS snapshot_due bigint NOT NULL DEFAULT 0;
-- The row no longer holds its user (Commit sets doc to NULL).
ALTER TABLE userevents_users ALTER COLUMN doc DROP NOT NULL;

-- One row per commit: the entries of each user's history, compact. An applied event
-- has its id (unique across users), the event as Flagright returns it
-- (ConsumerUserEventWithRulesResult) and its outcome (flags, level, changes,
-- transitions); a creation has no event. Now and then an entry keeps the whole record
-- after it (snapshot); past records are rebuilt from the newest snapshot before them.
CREATE TABLE IF NOT EXISTS userevents_history (
    history_id text NOT NULL,
    version    bigint NOT NULL CHECK (version > 0),
    event_id   text UNIQUE,                -- NULL for a creation
    user_id    text NOT NULL,              -- the event's userId (before a re-key), or the created user's id
    timestamp  double precision NOT NULL,  -- the event's timestamp, in milliseconds (0: a creation)
    event      json,                       -- NULL for a creation
    outcome    json NOT NULL,
    snapshot   json,                       -- the record after the entry, when kept
    PRIMARY KEY (history_id, version)
);

-- The snapshots of a history, for "the newest snapshot at or before version v".
CREATE INDEX IF NOT EXISTS userevents_history_snapshots ON userevents_history (history_id, version) WHERE snapshot IS NOT NULL;
-- The entries of a history in event time.
CREATE INDEX IF NOT EXISTS userevents_history_time ON userevents_history (history_id, timestamp, version);

-- Snapshots (and the documents of an earlier release) are compressed (TOAST) with lz4,
-- several times faster than the default pglz, for about as many bytes
-- (docs/BENCHMARKS.md, issue 15). Servers built without lz4, or before PostgreSQL 14,
-- keep the default.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE userevents_users ALTER COLUMN doc SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE userevents_history ALTER COLUMN snapshot SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
