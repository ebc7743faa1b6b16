package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/pgstore"
	gocmp "github.com/google/go-cmp/cmp"
)

// stateEvent returns an event of user id that sets its state.
func stateEvent(id string, s userevents.UserState, i int) *userevents.ConsumerUserEvent {
	return &userevents.ConsumerUserEvent{UserID: id, Timestamp: 1700000000000 + float64(i),
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
			UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(s)})}}
}

// TestCommitCostGrowsWithTheEvent: a one-field event writes about as much WAL for a user
// of about a megabyte (8,000 tags of random text, which no compression shrinks) as for a
// user of a few hundred bytes: a commit writes the event and the record's columns, not
// the user, which LoadUser replays from the history. (It wrote the whole user, so about
// the user's compressed size, every event.) What was committed reads back through a
// store with nothing cached, and through one that catches its cached record up.
func TestCommitCostGrowsWithTheEvent(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	big := &userevents.ConsumerUser{UserID: "big", CreatedTimestamp: 1600000000000}
	for i := range 8000 {
		noise := make([]byte, 48)
		rand.Read(noise)
		big.Tags = append(big.Tags, userevents.UserTag{Key: "k" + strconv.Itoa(i), Value: hex.EncodeToString(noise)})
	}
	for _, u := range []*userevents.ConsumerUser{{UserID: "small", CreatedTimestamp: 1600000000000}, big} {
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// A second store on the same database, which caches both users now.
	otherStore := pgstore.New(pool)
	other := userevents.NewProcessor(otherStore, userevents.Config{})
	for _, id := range []string{"small", "big"} {
		if _, err := other.User(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	states := []userevents.UserState{userevents.UserStateActive, userevents.UserStateBlocked}
	next := 0
	wal := func(id string) float64 {
		var start string
		if err := pool.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&start); err != nil {
			t.Fatal(err)
		}
		const n = 20
		for range n {
			next++
			if _, err := p.Apply(ctx, stateEvent(id, states[next%2], next), userevents.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		var bytes float64
		if err := pool.QueryRow(ctx, `SELECT pg_current_wal_lsn() - $1::pg_lsn`, start).Scan(&bytes); err != nil {
			t.Fatal(err)
		}
		return bytes / n
	}
	// The WAL position is the whole server's: the least of three windows each leaves out
	// a checkpoint's page images or another session's writes.
	small, large := math.Inf(1), math.Inf(1)
	for range 3 {
		small, large = min(small, wal("small")), min(large, wal("big"))
	}
	t.Logf("WAL per state change: %.0f bytes for a minimal user, %.0f for a user of 8,000 tags", small, large)
	if large > 2*small+2048 {
		t.Errorf("WAL per state change: %.0f bytes for a user of 8,000 tags, %.0f for a minimal user: want about the same", large, small)
	}

	// Read back by a store with nothing cached (from the newest snapshot), and by one
	// that cached version 1 (from it, unless a snapshot was kept since: the big user
	// keeps none in 60 small events, the minimal one a snapshot almost every event).
	for _, id := range []string{"small", "big"} {
		want, err := p.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		freshStore := pgstore.New(pool)
		fresh := userevents.NewProcessor(freshStore, userevents.Config{})
		replayed := map[string]int64{}
		for name, q := range map[string]struct {
			p *userevents.Processor
			s *pgstore.Store
		}{"nothing cached": {fresh, freshStore}, "cached 60 versions back": {other, otherStore}} {
			before := pgstore.Replayed(q.s)
			got, err := q.p.User(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %s: read back (-committed +read):\n%s", id, name, diff)
			}
			replayed[name] = pgstore.Replayed(q.s) - before
		}
		cached, rebuilt := replayed["cached 60 versions back"], replayed["nothing cached"]
		if id == "big" && (cached != 60 || rebuilt != 61) || cached > rebuilt {
			t.Errorf("%s: %d entries replayed on the cached record, %d to rebuild from the snapshot; want at most as many (big: 60 and 61)", id, cached, rebuilt)
		}
	}
}

// TestRowChangedByHand: a row changed behind the store's back (by hand, at the same
// version) is read again, not served from the cache: the cache is keyed by the row's
// xmin, whoever wrote it.
func TestRowChangedByHand(t *testing.T) {
	ctx := context.Background()
	p, pool := withHistory(t, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, 0)
	if _, err := p.Apply(ctx, stateEvent("u1", userevents.UserStateActive, 1), userevents.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE userevents_users SET kyc_risk_level_locked = true WHERE user_id = 'u1'`); err != nil {
		t.Fatal(err)
	}
	rec, err := p.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.KYCRiskLevelLocked || rec.Version != 2 || rec.Consumer.UserStateDetails == nil || rec.Consumer.UserStateDetails.State != userevents.UserStateActive {
		t.Errorf("after a lock set by hand: version %d, locked %v, user %+v; want version 2, locked, ACTIVE", rec.Version, rec.KYCRiskLevelLocked, rec.Consumer)
	}
}

// TestLegacyDocRows: a row whose doc holds its user, as an earlier release wrote it (here
// a user the history does not replay to, as a hand could have left it), is read from doc;
// the next commit keeps a snapshot (a store whose cache says the user came from doc sends
// one; any other finds the row holds a doc and commits again with one), and Migrate moves
// such users into their histories; either way what doc held, with the events after it,
// is what every store reads.
func TestLegacyDocRows(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	for _, id := range []string{"runtime", "nocache", "migrated"} {
		u := &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000}
		for i := range 1000 { // so large that the events below keep no snapshot of their own
			u.ExternalLinks = append(u.ExternalLinks, "https://example.com/"+strconv.Itoa(i))
		}
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Apply(ctx, stateEvent(id, userevents.UserStateActive, 1), userevents.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE userevents_users SET doc = json_build_object('userId', user_id, 'createdTimestamp', 1600000000000,
			'userStateDetails', json_build_object('state', 'BLOCKED'), 'tags', json_build_array(json_build_object('key', 'fraud', 'value', 'yes')))
			WHERE user_id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := pgstore.Migrate(ctx, pool); err != nil { // moves "migrated" (and "runtime", which is put back below)
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM userevents_users WHERE doc IS NOT NULL`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("after Migrate, %d rows hold a doc (%v)", left, err)
	}
	// A row an earlier release writes after the migration (still running, say).
	if _, err := pool.Exec(ctx, `UPDATE userevents_users SET doc = json_build_object('userId', user_id, 'createdTimestamp', 1600000000000,
		'userStateDetails', json_build_object('state', 'DORMANT'), 'tags', json_build_array(json_build_object('key', 'fraud', 'value', 'yes')))
		WHERE user_id IN ('runtime', 'nocache')`); err != nil {
		t.Fatal(err)
	}
	for id, state := range map[string]userevents.UserState{"runtime": userevents.UserStateDormant, "nocache": userevents.UserStateDormant,
		"migrated": userevents.UserStateBlocked} {
		store := pgstore.New(pool)
		if id == "nocache" { // the commit cannot know from a cache that the user came from doc
			store = pgstore.NewWithOptions(pool, pgstore.Options{CacheSize: -1})
		}
		a := userevents.NewProcessor(store, userevents.Config{})
		name := &userevents.ConsumerUserEvent{UserID: id, Timestamp: 1700000000100, EventID: id + "-name",
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set("pilot")}}
		if _, err := a.Apply(ctx, name, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
		fresh := userevents.NewProcessor(pgstore.NewWithOptions(pool, pgstore.Options{CacheSize: -1}), userevents.Config{})
		rec, err := fresh.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		u := rec.Consumer
		if u.UserStateDetails == nil || u.UserStateDetails.State != state || len(u.Tags) != 1 || u.Occupation == nil || *u.Occupation != "pilot" {
			b, _ := u.AppendJSON(nil)
			t.Errorf("%s: rebuilt %s; want what doc held (%s, the tag fraud) and the event after it (occupation pilot)", id, b, state)
		}
	}
}

// TestLegacyDeepDocMigrates: a row of an earlier release whose user is nested past
// 10,000 levels (which the store accepts, and LoadUser reads) is moved by Migrate like
// any other; encoding/json, which the move used, refuses such a document, and Migrate
// failed whole, on every start.
func TestLegacyDeepDocMigrates(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "deep", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx, stateEvent("deep", userevents.UserStateActive, 1), userevents.Options{}); err != nil {
		t.Fatal(err)
	}
	value := strings.Repeat("[", 10045) + strings.Repeat("]", 10045)
	doc := `{"userId":"deep","createdTimestamp":1600000000000,"executedRules":[{"ruleInstanceId":"r1","ruleName":"n",` +
		`"ruleDescription":"d","ruleAction":"FLAG","ruleHit":false,"vars":[{"value":` + value + `}]}]}`
	if _, err := pool.Exec(ctx, `UPDATE userevents_users SET doc = $1 WHERE user_id = 'deep'`, doc); err != nil {
		t.Fatal(err)
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM userevents_users WHERE doc IS NOT NULL`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("after Migrate, %d rows hold a doc (%v)", left, err)
	}
	rec, err := userevents.NewProcessor(pgstore.NewWithOptions(pool, pgstore.Options{CacheSize: -1}), userevents.Config{}).User(ctx, "deep")
	if err != nil {
		t.Fatal(err)
	}
	if r := rec.Consumer.ExecutedRules; len(r) != 1 || len(r[0].Vars) != 1 || string(r[0].Vars[0].Value) != value {
		t.Errorf("the migrated user lost its deep value")
	}
}
