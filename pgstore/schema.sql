-- The schema of pgstore (github.com/compliancekit/userevents/pgstore). Idempotent:
-- pgstore.Migrate runs it, and it can be run by hand. Tables are created in the current
-- search_path.

-- Documents are json, not jsonb: json keeps the text as written, and so holds every
-- string the library accepts, U+0000 (\u0000) included, which jsonb refuses (SQLSTATE
-- 22P05). The store reads documents back whole and queries only the columns.

-- One row per user id: the record, its user in Flagright's wire format.
CREATE TABLE IF NOT EXISTS userevents_users (
    user_id               text PRIMARY KEY,
    version               bigint NOT NULL CHECK (version > 0),
    user_type             text NOT NULL CHECK (user_type IN ('CONSUMER', 'BUSINESS')),
    kyc_risk_level_locked boolean NOT NULL DEFAULT false,
    cra_risk_level_locked boolean NOT NULL DEFAULT false,
    last_event_timestamp  double precision NOT NULL DEFAULT 0,
    doc                   json NOT NULL
);

-- One row per event id, unique across users: the event as Flagright returns it
-- (ConsumerUserEventWithRulesResult), and its outcome.
CREATE TABLE IF NOT EXISTS userevents_events (
    event_id   text PRIMARY KEY,
    user_id    text NOT NULL,              -- the userId of the event (before a re-key)
    timestamp  double precision NOT NULL,  -- the event's timestamp, in milliseconds
    version    bigint NOT NULL,            -- the record version the event produced
    event      json NOT NULL,
    outcome    json NOT NULL
);

-- The events of a user in time order.
CREATE INDEX IF NOT EXISTS userevents_events_user_time ON userevents_events (user_id, timestamp, version);

-- Tables made by an earlier schema hold jsonb documents: turn them into json (once; a
-- jsonb value is valid json text, so nothing is lost).
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type = 'jsonb'
          AND (table_name, column_name) IN (('userevents_users', 'doc'), ('userevents_events', 'event'), ('userevents_events', 'outcome'))
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE json', col.table_name, col.column_name);
    END LOOP;
END
$$;
