package main

import (
	"context"
	"errors"
	"fmt"
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
// kept in the database, not in the server's memory.
type pgBatches struct{ pool *pgxpool.Pool }

const batchSchema = `
CREATE TABLE IF NOT EXISTS userevents_batches (
	batch_id text PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS userevents_batch_events (
	batch_id text NOT NULL REFERENCES userevents_batches (batch_id),
	seq      bigint GENERATED ALWAYS AS IDENTITY,
	event_id text NOT NULL,
	PRIMARY KEY (batch_id, event_id)
);
CREATE INDEX IF NOT EXISTS userevents_batch_events_seq ON userevents_batch_events (batch_id, seq);
`

func (b *pgBatches) migrate(ctx context.Context) error {
	_, err := b.pool.Exec(ctx, batchSchema)
	return err
}

// Add implements httpapi.BatchLog: one statement per table, ids in order, those already
// recorded skipped.
func (b *pgBatches) Add(ctx context.Context, batchID string, eventIDs []string) error {
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO userevents_batches (batch_id) VALUES ($1) ON CONFLICT DO NOTHING`, batchID); err != nil {
			return err
		}
		if len(eventIDs) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO userevents_batch_events (batch_id, event_id)
			SELECT $1, id FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n
			ON CONFLICT DO NOTHING`, batchID, eventIDs)
		return err
	})
}

// Page implements httpapi.BatchLog.
func (b *pgBatches) Page(ctx context.Context, batchID string, offset, limit int) ([]string, int, error) {
	var total int
	err := b.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM userevents_batch_events WHERE batch_id = $1)
		FROM userevents_batches WHERE batch_id = $1`, batchID).Scan(&total)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, httpapi.ErrBatchNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	rows, err := b.pool.Query(ctx, `SELECT event_id FROM userevents_batch_events WHERE batch_id = $1
		ORDER BY seq OFFSET $2 LIMIT $3`, batchID, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, total, err
}
