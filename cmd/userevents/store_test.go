package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/compliancekit/userevents/httpapi"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testBatches returns a pgBatches on a schema of the test's own, migrated.
func testBatches(t *testing.T) *pgBatches {
	t.Helper()
	b := &pgBatches{pool: testPool(t)}
	if err := b.migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}

// testPool returns a pool on a schema of the test's own, with no tables, closed at the
// end of the test.
func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), pgSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ids returns prefix+"1" ... prefix+n, from from.
func ids(prefix string, from, n int) []string {
	var s []string
	for i := from; i < from+n; i++ {
		s = append(s, fmt.Sprintf("%s%d", prefix, i))
	}
	return s
}

// The first schema of pgBatches (before event_count and pos), and how it added and read
// ids: what TestPgBatchesUpgrade fills and reads before migrating.
const (
	v1BatchSchema = `
CREATE TABLE userevents_batches (
	batch_id text PRIMARY KEY
);
CREATE TABLE userevents_batch_events (
	batch_id text NOT NULL REFERENCES userevents_batches (batch_id),
	seq      bigint GENERATED ALWAYS AS IDENTITY,
	event_id text NOT NULL,
	PRIMARY KEY (batch_id, event_id)
);
CREATE INDEX userevents_batch_events_seq ON userevents_batch_events (batch_id, seq);
`
	v1AddBatch  = `INSERT INTO userevents_batches (batch_id) VALUES ($1) ON CONFLICT DO NOTHING`
	v1AddEvents = `INSERT INTO userevents_batch_events (batch_id, event_id)
		SELECT $1, id FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n
		ON CONFLICT DO NOTHING`
	v1Total = `SELECT (SELECT count(*) FROM userevents_batch_events WHERE batch_id = $1)
		FROM userevents_batches WHERE batch_id = $1`
	v1Page = `SELECT event_id FROM userevents_batch_events WHERE batch_id = $1
		ORDER BY seq OFFSET $2 LIMIT $3`
)

// page is what BatchLog.Page returns.
type page struct {
	IDs      []string
	Total    int
	NotFound bool // errors.Is(err, httpapi.ErrBatchNotFound)
}

// v1ReadPage reads a page as the first schema's Page did.
func v1ReadPage(t *testing.T, pool *pgxpool.Pool, batchID string, offset, limit int) page {
	t.Helper()
	ctx := context.Background()
	var p page
	err := pool.QueryRow(ctx, v1Total, batchID).Scan(&p.Total)
	if errors.Is(err, pgx.ErrNoRows) {
		return page{NotFound: true}
	}
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := pool.Query(ctx, v1Page, batchID, offset, limit)
	if p.IDs, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	return p
}

// readPage reads a page with b.Page.
func readPage(t *testing.T, b *pgBatches, batchID string, offset, limit int) page {
	t.Helper()
	ids, total, err := b.Page(context.Background(), batchID, offset, limit)
	if errors.Is(err, httpapi.ErrBatchNotFound) {
		return page{NotFound: true}
	}
	if err != nil {
		t.Fatal(err)
	}
	return page{IDs: ids, Total: total}
}

// TestPgBatchesUpgrade fills the tables of the first schema, migrates them, and reads
// the same pages; the upgraded tables then take ids and serve pages by index.
func TestPgBatchesUpgrade(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	if _, err := pool.Exec(ctx, v1BatchSchema); err != nil {
		t.Fatal(err)
	}
	adds := []struct {
		batch string
		ids   []string
	}{
		{"A", ids("a", 1, 30)},                              // a first batch
		{"B", ids("b", 1, 7)},                               // between A's adds: seq interleaves the batches
		{"A", append(ids("a", 1, 10), ids("a", 31, 10)...)}, // A resent with 10 new ids
		{"E", nil},                  // a batch without ids
		{"BIG", ids("e", 1, 20000)}, // a batch of many pages
	}
	for _, a := range adds {
		if _, err := pool.Exec(ctx, v1AddBatch, a.batch); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, v1AddEvents, a.batch, a.ids); err != nil {
			t.Fatal(err)
		}
	}
	windows := []struct {
		batch         string
		offset, limit int
	}{
		{"A", 0, 20}, {"A", 20, 20}, {"A", 39, 5}, {"A", 40, 20}, // A's 40 ids, and past them
		{"B", 0, 20}, {"B", 3, 2}, // B's 7
		{"BIG", 0, 20}, {"BIG", 19990, 20}, // a big batch, for the plan
		{"E", 0, 20},    // no ids
		{"none", 0, 20}, // no batch
	}
	want := make([]page, len(windows))
	for i, w := range windows {
		want[i] = v1ReadPage(t, pool, w.batch, w.offset, w.limit)
	}
	b := &pgBatches{pool: pool}
	for range 2 { // the second migration finds nothing to do
		if err := b.migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range windows {
		if diff := cmp.Diff(want[i], readPage(t, b, w.batch, w.offset, w.limit)); diff != "" {
			t.Errorf("%s from %d: page (-before +after migrating):\n%s", w.batch, w.offset, diff)
		}
	}
	// A resent again with a new id: one more id, after the others.
	if err := b.Add(ctx, "A", []string{"a5", "a41", "a40"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(page{IDs: []string{"a40", "a41"}, Total: 41}, readPage(t, b, "A", 39, 20)); diff != "" {
		t.Errorf("A after an add (-want +got):\n%s", diff)
	}
	checkPagePlan(t, pool, "BIG", 19980, 20)
}

// TestPgBatchesAdd adds ids to batches and reads them back whole: each id once, in the
// order first added.
func TestPgBatchesAdd(t *testing.T) {
	b := testBatches(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		batch string
		add   []string
		want  page // the whole batch after the add
	}{
		// A new batch.
		{"new", "A", []string{"e1", "e2", "e3"}, page{IDs: []string{"e1", "e2", "e3"}, Total: 3}},
		// The batch resent with new ids: those already in it are not listed twice.
		{"resent", "A", []string{"e4", "e2", "e5", "e1"}, page{IDs: []string{"e1", "e2", "e3", "e4", "e5"}, Total: 5}},
		// An id twice in one add: once, where it first comes.
		{"twice in one add", "A", []string{"e7", "e6", "e7"}, page{IDs: []string{"e1", "e2", "e3", "e4", "e5", "e7", "e6"}, Total: 7}},
		// Another batch may hold the same ids.
		{"other batch", "B", []string{"e2", "e1"}, page{IDs: []string{"e2", "e1"}, Total: 2}},
		// A batch without ids is recorded.
		{"empty", "E", nil, page{IDs: []string{}, Total: 0}},
		// Nothing added to a batch that has ids.
		{"nothing", "A", nil, page{IDs: []string{"e1", "e2", "e3", "e4", "e5", "e7", "e6"}, Total: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := b.Add(ctx, tt.batch, tt.add); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, readPage(t, b, tt.batch, 0, 100)); diff != "" {
				t.Errorf("batch %s (-want +got):\n%s", tt.batch, diff)
			}
		})
	}
	if got := readPage(t, b, "none", 0, 100); !got.NotFound {
		t.Errorf("unknown batch: %+v, want ErrBatchNotFound", got)
	}
}

// TestPgBatchesConcurrentAdd adds overlapping ids to one batch from many goroutines at
// once: the positions are 1 to the number of ids, each once, and the count agrees.
func TestPgBatchesConcurrentAdd(t *testing.T) {
	b := testBatches(t)
	ctx := context.Background()
	const adders, calls, per = 8, 5, 40
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, adders*calls)
	for g := range adders {
		wg.Go(func() {
			<-start
			for c := range calls {
				// Each adder's ids overlap the next adder's by half.
				errs <- b.Add(ctx, "C", ids("e", g*calls*per/2+c*per, per))
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for g := range adders {
		for _, id := range ids("e", g*calls*per/2, calls*per) {
			want[id] = true
		}
	}
	rows, _ := b.pool.Query(ctx, `SELECT pos, event_id FROM userevents_batch_events WHERE batch_id = 'C' ORDER BY pos`)
	var positions []int64
	var got []string
	var pos int64
	var id string
	if _, err := pgx.ForEachRow(rows, []any{&pos, &id}, func() error {
		positions, got = append(positions, pos), append(got, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, p := range positions {
		if p != int64(i+1) {
			t.Fatalf("position %d at row %d: positions must be 1, 2, ... %d", p, i+1, len(want))
		}
	}
	slices.Sort(got)
	if n := len(slices.Compact(got)); n != len(want) || len(got) != len(want) {
		t.Errorf("%d ids stored (%d distinct), want %d", len(positions), n, len(want))
	}
	if p := readPage(t, b, "C", 0, 1); p.Total != len(want) {
		t.Errorf("count %d, want %d", p.Total, len(want))
	}
}

// planNode is a node of EXPLAIN (ANALYZE, FORMAT JSON).
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	ActualRows   float64    `json:"Actual Rows"`
	ActualLoops  float64    `json:"Actual Loops"`
	Removed      float64    `json:"Rows Removed by Filter"`
	Plans        []planNode `json:"Plans"`
}

// checkPagePlan runs Page's statement for a page of batchID under EXPLAIN ANALYZE, and
// checks that it reads the page's rows by the position index and nothing else of the
// batch: no aggregate (a count over the batch), no other scan of the batch's ids.
func checkPagePlan(t *testing.T, pool *pgxpool.Pool, batchID string, offset, limit int) {
	t.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `ANALYZE userevents_batches; ANALYZE userevents_batch_events`); err != nil {
		t.Fatal(err)
	}
	var out []byte
	err := pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+batchPageSQL,
		batchID, int64(offset), int64(offset+limit)).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("EXPLAIN output %s: %v", out, err)
	}
	var walk func(n planNode)
	walk = func(n planNode) {
		rows := n.ActualRows*n.ActualLoops + n.Removed
		events := n.RelationName == "userevents_batch_events"
		byIndex := strings.HasPrefix(n.IndexName, "userevents_batch_events")
		switch {
		case n.NodeType == "Aggregate":
			t.Errorf("the plan has an Aggregate:\n%s", out)
		case events && !slices.Contains([]string{"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}, n.NodeType),
			byIndex && n.IndexName != "userevents_batch_events_pos":
			t.Errorf("%s of userevents_batch_events (index %q), want one by userevents_batch_events_pos:\n%s", n.NodeType, n.IndexName, out)
		case (events || byIndex) && rows > float64(limit):
			t.Errorf("%s of userevents_batch_events reads %.0f rows, want at most %d:\n%s", n.NodeType, rows, limit, out)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
}

// TestPgBatchesPagePlan checks the plans of pages of a batch of 20,000 ids, among other
// batches: a page reads its own rows by index, first page or last or past the end.
func TestPgBatchesPagePlan(t *testing.T) {
	b := testBatches(t)
	ctx := context.Background()
	for i := range 50 {
		if err := b.Add(ctx, fmt.Sprintf("S%d", i), ids("s", 1, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(ctx, "BIG", ids("e", 1, 20000)); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ offset, limit int }{
		{0, 20},      // the first page
		{19980, 20},  // the last
		{10000, 100}, // one in the middle, bigger
		{40000, 20},  // past the end
	} {
		checkPagePlan(t, b.pool, "BIG", w.offset, w.limit)
	}
	if diff := cmp.Diff(page{IDs: ids("e", 19981, 20), Total: 20000}, readPage(t, b, "BIG", 19980, 20)); diff != "" {
		t.Errorf("the last page (-want +got):\n%s", diff)
	}
}
