// Package pgtest gives a test or a benchmark a PostgreSQL schema of its own, on the server
// of the environment variable PGSTORE_DSN (by default DefaultDSN, the server of the
// development and CI machines), created for it and dropped after it. The tests of pgstore,
// of the userevents program and the benchmarks of bench use it.
// It is test support for this repository, with no compatibility promise.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultDSN is the server when PGSTORE_DSN is not set: trust authentication on
// 127.0.0.1:5432, database test.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// DSN returns the server of the tests: PGSTORE_DSN, or DefaultDSN.
func DSN() string {
	if d := os.Getenv("PGSTORE_DSN"); d != "" {
		return d
	}
	return DefaultDSN
}

// Schema creates a schema of its own for tb on the server of DSN, dropped when tb ends,
// and returns the connection string of DSN whose connections use it (search_path). It
// fails when the server cannot be reached; the caller chooses to fail or to skip.
func Schema(tb testing.TB) (string, error) {
	tb.Helper()
	dsn := DSN()
	schema, err := newSchema(tb, dsn)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema, nil // keyword/value form; schema needs no quoting
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// newSchema creates a schema of a new name on the server of dsn, dropped when tb ends,
// and returns its name.
func newSchema(tb testing.TB, dsn string) (string, error) {
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	schema := "pgtest_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, dsn)
	if err == nil {
		_, err = admin.Exec(ctx, "CREATE SCHEMA "+schema)
		admin.Close(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("create a schema (is PostgreSQL running at %s? set PGSTORE_DSN): %w", dsn, err)
	}
	tb.Cleanup(func() {
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_, err = admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			admin.Close(ctx)
		}
		if err != nil {
			tb.Errorf("pgtest: drop schema %s: %v", schema, err) // or schemas pile up on the server
		}
	})
	return schema, nil
}

// Pool returns a pool of at most maxConns connections that use a schema of their own
// (Schema), closed when tb ends, before the schema is dropped.
func Pool(tb testing.TB, maxConns int32) (*pgxpool.Pool, error) {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(DSN())
	if err != nil {
		return nil, err
	}
	schema, err := newSchema(tb, DSN())
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	tb.Cleanup(pool.Close)
	return pool, nil
}
