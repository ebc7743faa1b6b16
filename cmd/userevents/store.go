package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/httpapi"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// stores is what --store opens: the Store, and where the server keeps its batches.
type stores struct {
	store   userevents.Store
	batches httpapi.BatchLog // nil: the handler's bounded in-memory log
	close   func()
}

// openStore opens "memory" or a PostgreSQL URL (postgres:// or postgresql://), whose
// tables it creates or migrates.
func openStore(ctx context.Context, spec string) (*stores, error) {
	switch {
	case spec == "memory":
		s := memstore.New()
		return &stores{store: s, close: func() {}}, nil
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		pool, err := pgxpool.New(ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("--store: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("--store: connect to PostgreSQL: %w", err)
		}
		if err := pgstore.Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, fmt.Errorf("--store: migrate: %w", err)
		}
		b := &pgBatches{pool: pool}
		if err := b.migrate(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("--store: migrate: %w", err)
		}
		s := pgstore.New(pool)
		return &stores{store: s, batches: b, close: pool.Close}, nil
	}
	return nil, errors.New(`--store must be "memory" or a postgres:// URL`)
}

// pgBatches is the server's BatchLog in PostgreSQL, beside pgstore's tables: batches are
// kept in the database, not in the server's memory. Each batch row holds the number of
// its ids, and each id its position in the batch (1, 2, ... in the order first added), so
// that a page reads its own ids by index, whatever the size of the batch.
type pgBatches struct{ pool *pgxpool.Pool }

// batchSchema is the schema of pgBatches. seq, the order of insertion across batches,
// is kept from the first schema; pages read pos.
const batchSchema = `
CREATE TABLE IF NOT EXISTS userevents_batches (
	batch_id    text PRIMARY KEY,
	event_count bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS userevents_batch_events (
	batch_id text NOT NULL REFERENCES userevents_batches (batch_id),
	seq      bigint GENERATED ALWAYS AS IDENTITY,
	event_id text NOT NULL,
	pos      bigint NOT NULL,
	PRIMARY KEY (batch_id, event_id),
	CONSTRAINT userevents_batch_events_pos UNIQUE (batch_id, pos)
);
`

// batchUpgrade brings tables made by the first schema, without event_count and pos, to
// batchSchema: the ids of each batch are numbered in their seq order, each batch counted.
// The (batch_id, seq) index, which nothing reads now, goes first, so that the rows'
// update need not maintain it (2,000,000 ids: 35 to 50 s, once, on a shared 2-core machine).
const batchUpgrade = `
DROP INDEX IF EXISTS userevents_batch_events_seq;
ALTER TABLE userevents_batches ADD COLUMN event_count bigint NOT NULL DEFAULT 0;
ALTER TABLE userevents_batch_events ADD COLUMN pos bigint;
UPDATE userevents_batch_events e SET pos = r.pos
	FROM (SELECT batch_id, event_id, row_number() OVER (PARTITION BY batch_id ORDER BY seq) AS pos
		FROM userevents_batch_events) r
	WHERE e.batch_id = r.batch_id AND e.event_id = r.event_id;
UPDATE userevents_batches b SET event_count = c.n
	FROM (SELECT batch_id, count(*) AS n FROM userevents_batch_events GROUP BY batch_id) c
	WHERE b.batch_id = c.batch_id;
ALTER TABLE userevents_batch_events ALTER COLUMN pos SET NOT NULL;
ALTER TABLE userevents_batch_events ADD CONSTRAINT userevents_batch_events_pos UNIQUE (batch_id, pos);
`

// migrate creates the tables of pgBatches, or upgrades those of the first schema, in one
// transaction, one process at a time.
func (b *pgBatches) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7271501321)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, batchSchema); err != nil {
			return err
		}
		var old bool
		err := tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM pg_attribute
			WHERE attrelid = 'userevents_batch_events'::regclass AND attname = 'pos' AND NOT attisdropped)`).Scan(&old)
		if err != nil || !old {
			return err
		}
		_, err = tx.Exec(ctx, batchUpgrade)
		return err
	})
}

// batchAddSQL adds the ids $2 to batch $1, which has $3 ids: those not in the batch yet,
// each once, numbered from $3+1 in the order of $2; and counts them in the batch row.
const batchAddSQL = `
WITH new AS (
	SELECT t.id, min(t.n) AS n FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n)
	WHERE NOT EXISTS (SELECT 1 FROM userevents_batch_events e WHERE e.batch_id = $1 AND e.event_id = t.id)
	GROUP BY t.id
), added AS (
	INSERT INTO userevents_batch_events (batch_id, event_id, pos)
	SELECT $1, id, $3 + row_number() OVER (ORDER BY n) FROM new
	RETURNING 1
)
UPDATE userevents_batches SET event_count = event_count + (SELECT count(*) FROM added) WHERE batch_id = $1`

// Add implements httpapi.BatchLog. The batch row is written first: it is the lock that
// makes the adds to one batch take their turns, so that positions are neither repeated
// nor skipped, and it gives the count that the new positions follow.
func (b *pgBatches) Add(ctx context.Context, batchID string, eventIDs []string) error {
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		// DO UPDATE (not DO NOTHING) locks an existing row, waiting for the adds before,
		// and returns its count as they left it.
		var count int64
		err := tx.QueryRow(ctx, `INSERT INTO userevents_batches AS b (batch_id) VALUES ($1)
			ON CONFLICT (batch_id) DO UPDATE SET batch_id = b.batch_id RETURNING b.event_count`, batchID).Scan(&count)
		if err != nil || len(eventIDs) == 0 {
			return err
		}
		_, err = tx.Exec(ctx, batchAddSQL, batchID, eventIDs, count)
		return err
	})
}

// batchPageSQL reads the ids of batch $1 at positions after $2 up to $3, with the
// batch's count (one row with a NULL id when there are none); no row: no such batch.
const batchPageSQL = `
SELECT b.event_count, e.event_id FROM userevents_batches b
LEFT JOIN LATERAL (
	SELECT event_id, pos FROM userevents_batch_events
	WHERE batch_id = b.batch_id AND pos > $2 AND pos <= $3
) e ON true
WHERE b.batch_id = $1
ORDER BY e.pos`

// Page implements httpapi.BatchLog: one statement, which reads the batch row and the
// page's ids by position, so that its cost is the page's, not the batch's.
func (b *pgBatches) Page(ctx context.Context, batchID string, offset, limit int) ([]string, int, error) {
	first := int64(max(offset, 0))
	last := first + int64(max(limit, 0))
	if last < first {
		last = math.MaxInt64 // past any batch
	}
	rows, err := b.pool.Query(ctx, batchPageSQL, batchID, first, last)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	found := false
	var total int64
	ids := []string{} // not nil, as before: an empty page is an empty list
	for rows.Next() {
		var id *string
		if err := rows.Scan(&total, &id); err != nil {
			return nil, 0, err
		}
		found = true
		if id != nil {
			ids = append(ids, *id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if !found {
		return nil, 0, httpapi.ErrBatchNotFound
	}
	return ids, int(total), nil
}
