package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/compliancekit/userevents/pgstore/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchmarkPostgres compares pgstore, through a Processor with the zero Config, with the
// store a team would write on PostgreSQL instead (merge-in-SQL, see peerSQL): small state
// changes (small-event.json, each with a fresh event id) spread over 1,000 users of the
// 15 KB user, from 1, 8 and 32 goroutines. It reports events/s, the WAL the server wrote
// per event (pg_current_wal_lsn before and after: the whole server's, an upper bound when
// others write) and the growth of the tables per event (pg_total_relation_size: heap,
// TOAST and indexes). Each sub-benchmark has a schema of its own on the server of
// PGSTORE_DSN (default the tests' server); it skips when the inputs or the server are
// absent. Use a fixed count so that every run measures the same events:
//
//	go test -run XXX -bench Postgres -benchtime 3000x
//
// The events are the same state change each time: the first for a user changes its
// state, the ones after it change nothing (with 2,000 events, half of them).
// BenchmarkPostgresChanging is the same with events that each change the user.
func BenchmarkPostgres(b *testing.B) { benchPostgres(b, false) }

// BenchmarkPostgresChanging is BenchmarkPostgres with a state that alternates, user by
// user, between the event's and BLOCKED: every event changes its user.
func BenchmarkPostgresChanging(b *testing.B) { benchPostgres(b, true) }

func benchPostgres(b *testing.B, changing bool) {
	userDoc, err := os.ReadFile(filepath.Join(inputs, "full-user.json"))
	if err != nil {
		b.Skipf("the shared benchmark inputs are absent: %v", err)
	}
	event, err := os.ReadFile(filepath.Join(inputs, "small-event.json"))
	if err != nil {
		b.Skipf("the shared benchmark inputs are absent: %v", err)
	}
	for _, impl := range []struct {
		name  string
		setup func(b *testing.B, pool *pgxpool.Pool, users []*userevents.ConsumerUser) applyFunc
	}{
		{"pgstore", setupPgstore},
		{"merge-in-sql", setupPeer},
	} {
		for _, g := range []int{1, 8, 32} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", impl.name, g), func(b *testing.B) {
				ctx := context.Background()
				pool := benchPool(b, g)
				users := make([]*userevents.ConsumerUser, pgUsers)
				for i := range users {
					u := decodeUser(b, userDoc)
					u.UserID = "u" + strconv.Itoa(i)
					users[i] = u
				}
				apply := impl.setup(b, pool, users)
				tmpl := newEventTemplate(b, event, changing)
				startLSN, startSize := walAndSize(b, pool)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.ResetTimer()
				for w := 0; w < g; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := next.Add(1)
							if i > int64(b.N) {
								return
							}
							if err := apply(ctx, tmpl.event(i)); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				endLSN, endSize := walAndSize(b, pool)
				var wal float64
				if err := pool.QueryRow(ctx, `SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)`, endLSN, startLSN).Scan(&wal); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
				b.ReportMetric(wal/float64(b.N), "WAL-B/event")
				b.ReportMetric(float64(endSize-startSize)/float64(b.N), "growth-B/event")
			})
		}
	}
}

// pgUsers is the number of users the events are spread over.
const pgUsers = 1000

// applyFunc stores one event given as Flagright's JSON.
type applyFunc func(ctx context.Context, event []byte) error

// eventTemplate writes the small event for user i mod pgUsers with the fresh event id
// e<i>, without a JSON round trip per event; with other, the odd visits to a user (i /
// pgUsers odd) send other instead.
type eventTemplate struct{ rest, other []byte }

func newEventTemplate(b *testing.B, event []byte, changing bool) eventTemplate {
	var m map[string]any
	if err := json.Unmarshal(event, &m); err != nil {
		b.Fatal(err)
	}
	delete(m, "userId")
	delete(m, "eventId")
	rest, err := json.Marshal(m)
	if err != nil || len(rest) < 3 {
		b.Fatalf("the event %s: %v", event, err)
	}
	t := eventTemplate{rest: rest[1:]} // the members after the opening brace
	if changing {
		t.other = bytes.Replace(t.rest, []byte(`"ACTIVE"`), []byte(`"BLOCKED"`), 1)
		if bytes.Equal(t.other, t.rest) {
			b.Fatalf("the event %s sets no ACTIVE state", event)
		}
	}
	return t
}

func (t eventTemplate) event(i int64) []byte {
	out := make([]byte, 0, len(t.rest)+48)
	out = append(out, `{"userId":"u`...)
	out = strconv.AppendInt(out, i%pgUsers, 10)
	out = append(out, `","eventId":"e`...)
	out = strconv.AppendInt(out, i, 10)
	out = append(out, `",`...)
	if t.other != nil && i/pgUsers%2 == 1 {
		return append(out, t.other...)
	}
	return append(out, t.rest...)
}

// setupPgstore creates the users through a Processor on pgstore; the events go through
// DecodeEvent and Processor.Apply, with all of the library's semantics (validation,
// idempotent event ids, history, the version check).
func setupPgstore(b *testing.B, pool *pgxpool.Pool, users []*userevents.ConsumerUser) applyFunc {
	ctx := context.Background()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	for _, u := range users {
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	return func(ctx context.Context, event []byte) error {
		ev, err := userevents.DecodeEvent(event)
		if err != nil {
			return err
		}
		_, err = p.Apply(ctx, ev, userevents.Options{})
		return err
	}
}

// peerSQL is the schema of the peer: the user as jsonb, merged in SQL, and the events.
const peerSQL = `
	CREATE TABLE users (user_id text PRIMARY KEY, version bigint NOT NULL, doc jsonb NOT NULL);
	CREATE TABLE events (event_id text PRIMARY KEY, user_id text NOT NULL, timestamp double precision NOT NULL, event jsonb NOT NULL);`

// setupPeer is the store a team would write on PostgreSQL: the event's attributes merged
// into the user's jsonb with ||, shallow (a nested object replaces the stored one) and
// unvalidated, and the event inserted, in one transaction.
func setupPeer(b *testing.B, pool *pgxpool.Pool, users []*userevents.ConsumerUser) applyFunc {
	ctx := context.Background()
	if _, err := pool.Exec(ctx, peerSQL); err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, len(users))
	for i, u := range users {
		doc, err := u.AppendJSON(nil)
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = []any{u.UserID, int64(1), string(doc)}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"user_id", "version", "doc"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context, event []byte) error {
		var ev struct {
			UserID    string          `json:"userId"`
			EventID   string          `json:"eventId"`
			Timestamp float64         `json:"timestamp"`
			Patch     json.RawMessage `json:"updatedConsumerUserAttributes"`
		}
		if err := json.Unmarshal(event, &ev); err != nil {
			return err
		}
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `UPDATE users SET doc = doc || $2::jsonb, version = version + 1 WHERE user_id = $1`, ev.UserID, string(ev.Patch))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("no user %q", ev.UserID)
			}
			_, err = tx.Exec(ctx, `INSERT INTO events (event_id, user_id, timestamp, event) VALUES ($1, $2, $3, $4::jsonb)`,
				ev.EventID, ev.UserID, ev.Timestamp, string(event))
			return err
		})
	}
}

// walAndSize returns the server's WAL position and the total size of the schema's
// tables (heap, TOAST, indexes).
func walAndSize(b *testing.B, pool *pgxpool.Pool) (lsn string, size int64) {
	err := pool.QueryRow(context.Background(), `SELECT pg_current_wal_lsn()::text,
		(SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r')`).Scan(&lsn, &size)
	if err != nil {
		b.Fatal(err)
	}
	return lsn, size
}

// benchPool returns a pool of conns connections whose search_path is a schema of its
// own, dropped after the benchmark; it fails when the server is absent (PGSTORE_DSN).
func benchPool(b *testing.B, conns int) *pgxpool.Pool {
	b.Helper()
	pool, err := pgtest.Pool(b, int32(max(conns, 2)))
	if err != nil {
		b.Fatal(err)
	}
	return pool
}
