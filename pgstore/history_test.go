package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/benchdata"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// withHistory returns a Processor on a new schema holding u after n state changes.
func withHistory(tb testing.TB, u *userevents.ConsumerUser, n int) (*userevents.Processor, *pgxpool.Pool) {
	tb.Helper()
	ctx := context.Background()
	pool := newPool(tb)
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := p.Apply(ctx, benchdata.StateEvent(u.UserID), userevents.Options{}); err != nil {
			tb.Fatal(err)
		}
	}
	return p, pool
}

// TestBytesPerEvent: the history of the full user grows by at most 1 KB per small
// event (issue 13), measured as pg_total_relation_size of userevents_history (the
// table, its TOAST table and its indexes). Before histories, the events table kept the
// whole user after and before each event: 22 KB of JSON per event on the 15 KB user.
// It also logs the WAL written per event, which counts the whole server (an upper
// bound when other clients write).
func TestBytesPerEvent(t *testing.T) {
	const events = 2000
	ctx := context.Background()
	for _, fu := range benchdata.FullUsers(t, "..") {
		t.Run("user="+fu.Name, func(t *testing.T) {
			u := fu.New()
			p, pool := withHistory(t, u, 0)
			size := func() (n int64) {
				if err := pool.QueryRow(ctx, `SELECT pg_total_relation_size('userevents_history')`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			wal := func() (lsn string) {
				if err := pool.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
					t.Fatal(err)
				}
				return lsn
			}
			size0, wal0 := size(), wal()
			for i := 0; i < events; i++ {
				if _, err := p.Apply(ctx, benchdata.StateEvent(u.UserID), userevents.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			var walBytes, snapshots int64
			if err := pool.QueryRow(ctx, `SELECT pg_current_wal_lsn() - $1::pg_lsn`, wal0).Scan(&walBytes); err != nil {
				t.Fatal(err)
			}
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM userevents_history WHERE snapshot IS NOT NULL`).Scan(&snapshots); err != nil {
				t.Fatal(err)
			}
			perEvent := float64(size()-size0) / events
			t.Logf("%d small events: userevents_history %.0f bytes per event (table, TOAST and indexes; %d snapshots); WAL %.0f bytes per event",
				events, perEvent, snapshots, float64(walBytes)/events)
			if perEvent > 1024 {
				t.Errorf("userevents_history grows by %.0f bytes per small event, want at most 1024", perEvent)
			}
		})
	}
}

// BenchmarkUserAt rebuilds a random version of a full user with 10 and with 10,000
// small events: events=10000 must cost at most 3× events=10 (issue 13). The histories
// are written once per run, before the sub-benchmarks, in schemas dropped at its end.
func BenchmarkUserAt(b *testing.B) {
	for _, fu := range benchdata.FullUsers(b, "..") {
		for _, n := range []int{10, 10000} {
			u := fu.New()
			p, _ := withHistory(b, u, n)
			b.Run(fmt.Sprintf("user=%s/events=%d", fu.Name, n), func(b *testing.B) {
				benchdata.BenchUserAt(b, p, u.UserID, int64(n)+1)
			})
		}
	}
}

// TestLongHistory: LoadHistory reads a history in pages; History lists every event of a
// history several pages long, in order, and UserAt of versions across the pages is the
// user after their events.
func TestLongHistory(t *testing.T) {
	ctx := context.Background()
	const events = 700 // about 2.7 pages of 256
	u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
	p, _ := withHistory(t, u, 0)
	var ids []string
	states := map[int64]userevents.UserState{} // version -> the state its event set
	for i := 0; i < events; i++ {
		ev := benchdata.StateEvent("u1")
		res, err := p.Apply(ctx, ev, userevents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.EventID)
		states[res.Record.Version] = res.User.UserStateDetails.State
	}
	var got []string
	for e, err := range p.History(ctx, "u1") {
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(len(got) + 2); e.Version != want {
			t.Fatalf("event %d of the history is version %d, want %d", len(got), e.Version, want)
		}
		got = append(got, e.EventID)
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("History lists %d events, want the %d applied, in order", len(got), len(ids))
	}
	for _, v := range []int64{2, 255, 256, 257, 258, 511, 512, 513, 700, 701} {
		rec, err := p.UserAt(ctx, "u1", v)
		if err != nil {
			t.Fatalf("UserAt(%d): %v", v, err)
		}
		if rec.Version != v || rec.Consumer.UserStateDetails.State != states[v] {
			t.Errorf("UserAt(%d): version %d, state %v, want %v", v, rec.Version, rec.Consumer.UserStateDetails.State, states[v])
		}
	}
}

// TestHistoryStartingLate: a history whose first entry is past the first page (as the
// migration writes when a chain cannot be followed back) is still read from its start.
func TestHistoryStartingLate(t *testing.T) {
	ctx := context.Background()
	s := pgstore.New(newPool(t))
	rec := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "late", CreatedTimestamp: 1600000000000}, Version: 300, HistoryID: "h-late"}
	snap := rec
	if err := s.Commit(ctx, userevents.Commit{UserID: "late", Record: rec,
		Event: &userevents.StoredEvent{Version: 300, HistoryID: "h-late", Snapshot: &snap}}); err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for e, err := range s.LoadHistory(ctx, "h-late", 1) {
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, e.Version)
	}
	if len(versions) != 1 || versions[0] != 300 {
		t.Errorf("LoadHistory from the start: versions %v, want [300]", versions)
	}
}

// TestHistoryQueryPlan: the query LoadHistory starts a rebuild with reads the window
// from the snapshot through the version asked, with both bounds in the index, in the
// generic plan that a prepared statement comes to use, too. A query that bounded the
// window by "at <= 1 OR version <= at" scanned and filtered the whole rest of the history
// in that plan: UserAt of a random version of a user with 10,000 events cost 3.6 times
// the same with 10 events.
func TestHistoryQueryPlan(t *testing.T) {
	ctx := context.Background()
	conn, err := newPool(t).Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, tc := range []struct {
		name, types, query, args string
		upper                    string // the index condition's upper bound
	}{
		// LoadUser's replay, here from a cached record at version 4000, and LoadHistory's
		// rebuild window, the same statement with $2 = 0 (a generic plan does not
		// depend on the arguments).
		{"replay", "text, bigint, bigint", pgstore.ReplayQuery, "'h', 4000, 5000", "version <= $3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range []string{
				"SET plan_cache_mode = force_generic_plan",
				"PREPARE " + tc.name + "(" + tc.types + ") AS " + tc.query,
			} {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			defer conn.Exec(ctx, "DEALLOCATE "+tc.name+"; RESET plan_cache_mode")
			rows, err := conn.Query(ctx, "EXPLAIN EXECUTE "+tc.name+"("+tc.args+")")
			if err != nil {
				t.Fatal(err)
			}
			plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			// The outer scan is the first line; its index condition the next.
			if len(plan) < 2 || !strings.Contains(plan[0], "Index Scan") || !strings.Contains(plan[1], "Index Cond") ||
				!strings.Contains(plan[1], tc.upper) || !strings.Contains(plan[1], "version >= ") {
				t.Errorf("generic plan:\n%s\nwant an index scan bounded by both versions", strings.Join(plan, "\n"))
			}
		})
	}
}

// rowCounter is a pgx tracer that counts the rows the server sent for SELECTs.
// rowCounter counts the rows the queries of a pool read, and the queries.
type rowCounter struct{ rows, queries atomic.Int64 }

func (c *rowCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (c *rowCounter) TraceQueryEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if d.CommandTag.Select() {
		c.rows.Add(d.CommandTag.RowsAffected())
		c.queries.Add(1)
	}
}

// TestEarlyWindowsReadTheirRows: the rebuild of the first versions of a long history
// reads the window from the snapshot through the version asked, not a page: the
// creation alone for version 1 (UserAt(1), and the duplicate of a user's first event,
// read 256 entries).
func TestEarlyWindowsReadTheirRows(t *testing.T) {
	ctx := context.Background()
	p, pool := withHistory(t, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, 300)
	cfg := pool.Config()
	counter := new(rowCounter)
	cfg.ConnConfig.Tracer = counter
	traced, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	rec, err := p.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	s := pgstore.New(traced)
	for _, at := range []int64{0, 1, 2, 3} {
		counter.rows.Store(0)
		var versions []int64
		for e, err := range s.LoadHistory(ctx, rec.HistoryID, at) {
			if err != nil {
				t.Fatal(err)
			}
			versions = append(versions, e.Version)
			if e.Version >= at {
				break
			}
		}
		// The window: from the newest snapshot at or before at (the creation for at
		// <= 1) through at, every row of it yielded.
		if got := counter.rows.Load(); got != int64(len(versions)) || versions[len(versions)-1] != max(at, 1) || at <= 1 && got != 1 {
			t.Errorf("LoadHistory at %d: %d rows read, versions %v yielded", at, got, versions)
		}
	}
	// The rest of the history still follows, page by page, to the newest entry.
	n := 0
	for _, err := range s.LoadHistory(ctx, rec.HistoryID, 1) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 301 {
		t.Errorf("LoadHistory from 1 yields %d entries, want 301", n)
	}
	// Read through a version past the newest, the history ends within the first
	// query's window: no second query to find out.
	counter.queries.Store(0)
	n = 0
	for _, err := range s.LoadHistory(ctx, rec.HistoryID, rec.Version+1) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if got := counter.queries.Load(); got != 1 || n == 0 {
		t.Errorf("LoadHistory past the newest entry: %d queries, %d entries; want one query", got, n)
	}
}

// TestHistoryLoopUsesStore: LoadHistory gives its connection back to the pool before it
// yields, so that a loop over a history may use the store: on a pool of one connection
// (or a pool whose connections all serve such loops) it waited for itself before.
func TestHistoryLoopUsesStore(t *testing.T) {
	pool := newPool(t)
	cfg := pool.Config()
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	p := userevents.NewProcessor(pgstore.New(one), userevents.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	for i, s := range []userevents.UserState{userevents.UserStateActive, userevents.UserStateSuspended} {
		if _, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000 + float64(i), UserID: "u1", EventID: string(s),
			UpdatedConsumerUserAttributes: state(s)}, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for e, err := range p.History(ctx, "u1") {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Event(ctx, e.EventID); err != nil {
			t.Fatalf("Event(%s) inside the History loop: %v", e.EventID, err)
		}
	}
}
