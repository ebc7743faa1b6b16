package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/compliancekit/userevents/pgstore/pgtest"
	"github.com/compliancekit/userevents/storetest"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// newPool returns a pool whose connections use a schema of their own, created for the
// test (or benchmark) and dropped after it, with the store's tables.
func newPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool := newEmptyPool(tb)
	ctx := context.Background()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		tb.Fatalf("Migrate is not idempotent: %v", err)
	}
	return pool
}

// newEmptyPool is newPool without the tables.
func newEmptyPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool, err := pgtest.Pool(tb, 16)
	if err != nil {
		tb.Fatal(err)
	}
	return pool
}

// TestConformance runs the Store conformance suite against PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) userevents.Store { return pgstore.New(newPool(t)) })
}

// TestMigrateFromJSONB: tables of the earlier schema, whose documents were jsonb (which
// cannot hold U+0000), are turned into json by Migrate; their rows read back, and
// documents with NUL can then be stored.
func TestMigrateFromJSONB(t *testing.T) {
	ctx := context.Background()
	pool := newEmptyPool(t)
	const earlier = `
		CREATE TABLE userevents_users (user_id text PRIMARY KEY, version bigint NOT NULL CHECK (version > 0),
			user_type text NOT NULL CHECK (user_type IN ('CONSUMER', 'BUSINESS')),
			kyc_risk_level_locked boolean NOT NULL DEFAULT false, cra_risk_level_locked boolean NOT NULL DEFAULT false,
			last_event_timestamp double precision NOT NULL DEFAULT 0, doc jsonb NOT NULL);
		CREATE TABLE userevents_events (event_id text PRIMARY KEY, user_id text NOT NULL, timestamp double precision NOT NULL,
			version bigint NOT NULL, event jsonb NOT NULL, outcome jsonb NOT NULL);
		INSERT INTO userevents_users (user_id, version, user_type, doc)
			VALUES ('old', 1, 'CONSUMER', '{"userId":"old","createdTimestamp":1600000000000}');`
	if _, err := pool.Exec(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // twice: Migrate stays idempotent
		if err := pgstore.Migrate(ctx, pool); err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
	var types []string
	rows, err := pool.Query(ctx, `SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name IN ('doc', 'event', 'outcome') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		types = append(types, s)
	}
	want := []string{"userevents_history.event json", "userevents_history.outcome json", "userevents_users.doc json"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("column types (-want +got):\n%s", diff)
	}
	s := pgstore.New(pool)
	rec, err := s.LoadUser(ctx, "old")
	if err != nil {
		t.Fatalf("the row of the earlier schema: %v", err)
	}
	if diff := cmp.Diff(&userevents.ConsumerUser{UserID: "old", CreatedTimestamp: 1600000000000}, rec.Consumer); diff != "" {
		t.Errorf("the row of the earlier schema (-want +got):\n%s", diff)
	}
	p := userevents.NewProcessor(s, userevents.Config{Level: userevents.Compatible})
	if _, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "old", EventID: "e1", Reason: userevents.Ptr("\x00")}, userevents.Options{}); err != nil {
		t.Errorf("an event with NUL after the migration: %v", err)
	}
}

// TestUnreadableRowsAre500: a stored document that does not decode (here changed behind
// the store's back) is the server's fault: ErrStoredData, HTTP 500, never a 400 that
// blames the client, from the store and through the Processor.
func TestUnreadableRowsAre500(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt string // SQL that breaks a stored document
		call    func(s *pgstore.Store, p *userevents.Processor) error
	}{
		// A user with an unknown member: LoadUser, and Apply, which loads the user.
		{"user, LoadUser", `UPDATE userevents_users SET doc = '{"userId":"u1","createdTimestamp":1600000000000,"x":1}'`,
			func(s *pgstore.Store, p *userevents.Processor) error { _, err := s.LoadUser(ctx, "u1"); return err }},
		{"user, Apply", `UPDATE userevents_users SET doc = '{"userId":"u1","createdTimestamp":1600000000000,"x":1}'`,
			func(s *pgstore.Store, p *userevents.Processor) error {
				_, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e2"}, userevents.Options{})
				return err
			}},
		// The history a user is rebuilt from (the row touched, so that the cached record
		// is not the row's): a snapshot that does not decode, and an entry missing.
		{"snapshot, LoadUser", `WITH h AS (UPDATE userevents_history SET snapshot = '{"version":1,"consumer":{"userId":7}}' WHERE snapshot IS NOT NULL RETURNING 1)
			UPDATE userevents_users SET doc = NULL`,
			func(s *pgstore.Store, p *userevents.Processor) error { _, err := s.LoadUser(ctx, "u1"); return err }},
		{"entry missing, User", `WITH h AS (DELETE FROM userevents_history WHERE version = 2 RETURNING 1) UPDATE userevents_users SET doc = NULL`,
			func(s *pgstore.Store, p *userevents.Processor) error { _, err := p.User(ctx, "u1"); return err }},
		// An event without its required userId: LoadEvent and Processor.Event.
		{"event, Event", `UPDATE userevents_history SET event = '{"timestamp":1700000000000}' WHERE event_id = 'e1'`,
			func(s *pgstore.Store, p *userevents.Processor) error { _, err := p.Event(ctx, "e1"); return err }},
		// A creation's snapshot whose user has a member of the wrong type: the retry of
		// the event, which rebuilds the records before and after it.
		{"snapshot, Apply again", `UPDATE userevents_history SET snapshot = '{"version":1,"consumer":{"userId":7}}' WHERE version = 1`,
			func(s *pgstore.Store, p *userevents.Processor) error {
				_, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}, userevents.Options{})
				return err
			}},
		// An outcome of an unknown level: the retry of its event.
		{"outcome, Apply again", `UPDATE userevents_history SET outcome = '{"level":"lenient"}' WHERE event_id = 'e1'`,
			func(s *pgstore.Store, p *userevents.Processor) error {
				_, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}, userevents.Options{})
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := newPool(t)
			s := pgstore.New(pool)
			p := userevents.NewProcessor(s, userevents.Config{})
			if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}, userevents.Options{}); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, tt.corrupt); err != nil {
				t.Fatal(err)
			}
			err := tt.call(s, p)
			if !errors.Is(err, userevents.ErrStoredData) {
				t.Errorf("got %v, want ErrStoredData", err)
			}
			if got := userevents.HTTPStatus(err); got != http.StatusInternalServerError {
				t.Errorf("HTTPStatus = %d, want 500", got)
			}
		})
	}
}

// TestNoLostUpdate: concurrent events through Processors with the zero Config, on one
// PostgreSQL database. Every event succeeds and none is lost.
func TestNoLostUpdate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		processes int // Processors, each on its own pool: other processes
		load      storetest.Load
	}{
		// One process, a hot user and a few users: the per-user lock serialises them.
		{"one process, one user", 1, storetest.Load{Goroutines: 64, Events: 64 * 8, Users: 1}},
		{"one process, 4 users", 1, storetest.Load{Goroutines: 64, Events: 64 * 32, Users: 4}},
		// Two processes, 32 goroutines each, one user: only the store's version check
		// stands between them, and the default retry policy must resolve every conflict.
		{"two processes, one user", 2, storetest.Load{Goroutines: 64, Events: 64 * 16, Users: 1}},
		// Late events among in-order ones, from two processes.
		{"two processes, timestamp order", 2, storetest.Load{Goroutines: 16, Events: 16 * 8, Users: 2, Order: userevents.TimestampOrder}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := newPool(t)
			stores := []userevents.Store{pgstore.New(pool)}
			for len(stores) < tc.processes {
				stores = append(stores, pgstore.New(samePool(t, pool)))
			}
			st := storetest.NoLostUpdate(t, tc.load, stores...)
			t.Logf("%d events: %d commits tried, %d version conflicts retried", tc.load.Events, st.Commits, st.Conflicts)
		})
	}
}

// samePool returns a second pool on the schema of pool, as another process would have.
func samePool(tb testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	tb.Helper()
	cfg := pool.Config()
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// TestEventsInTimeOrder checks the query of a user's events in time order that the
// schema's index userevents_history_time serves: its answer, and its plan.
func TestEventsInTimeOrder(t *testing.T) {
	ctx := context.Background()
	p, pool := withHistory(t, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, 0)
	for i, ts := range []float64{1700000003000, 1700000001000, 1700000002000} {
		e := &userevents.ConsumerUserEvent{Timestamp: ts, UserID: "u1", EventID: "e" + strconv.Itoa(i)}
		if _, err := p.Apply(ctx, e, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := pool.Query(ctx, `SELECT event_id FROM userevents_history
		WHERE history_id = (SELECT history_id FROM userevents_users WHERE user_id = $1) AND event_id IS NOT NULL
		ORDER BY timestamp, version`, "u1")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != "[e1 e2 e0]" {
		t.Errorf("events in time order: %v", ids)
	}
	// The index serves the query without a sort (with sequential scans and sorts
	// discouraged, as on a table too large for them: this one is tiny).
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off; SET enable_sort = off"); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "RESET enable_seqscan; RESET enable_sort")
	rows, err = conn.Query(ctx, `EXPLAIN SELECT event_id FROM userevents_history WHERE history_id = 'h' ORDER BY timestamp, version`)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan[0], "userevents_history_time") || strings.Contains(strings.Join(plan, "\n"), "Sort") {
		t.Errorf("plan:\n%s\nwant a scan of userevents_history_time and no sort", strings.Join(plan, "\n"))
	}
}

// BenchmarkProcessorApply applies small events to 1,000 users from 8 goroutines per
// core of -cpu: events per second on PostgreSQL, where each event waits for its commit.
func BenchmarkProcessorApply(b *testing.B) {
	ctx := context.Background()
	p := userevents.NewProcessor(pgstore.New(newPool(b)), userevents.Config{})
	const users = 1000
	for u := 0; u < users; u++ {
		if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: fmt.Sprintf("u%d", u), CreatedTimestamp: 1600000000000}); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			e := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: fmt.Sprintf("u%d", i%users), EventID: fmt.Sprintf("e%d", i),
				UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{RiskLevel: userevents.Set(userevents.RiskLevelHigh)}}
			if _, err := p.Apply(ctx, e, userevents.Options{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
