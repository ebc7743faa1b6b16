package pgstore_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/pgstore"
	gocmp "github.com/google/go-cmp/cmp"
)

// TestUnchangedUserKeepsDocument: an event that changes nothing of the user (a state
// sent again) commits without writing the user's document again, so it writes a small
// part of the WAL an event that changes the user writes; what it commits reads back; and
// a row changed behind the store's back since it was cached is read again, not kept.
func TestUnchangedUserKeepsDocument(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	noise := make([]byte, 16<<10) // a document PostgreSQL keeps in TOAST, compressed or not
	rand.Read(noise)
	occupation := hex.EncodeToString(noise)
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000, Occupation: &occupation}); err != nil {
		t.Fatal(err)
	}
	state := func(s userevents.UserState, i int) *userevents.ConsumerUserEvent {
		return &userevents.ConsumerUserEvent{UserID: "u1", Timestamp: 1700000000000 + float64(i),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
				UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(s)})}}
	}
	wal := func(events func(i int) *userevents.ConsumerUserEvent) float64 {
		var start string
		if err := pool.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&start); err != nil {
			t.Fatal(err)
		}
		const n = 20
		for i := range n {
			if _, err := p.Apply(ctx, events(i), userevents.Options{}); err != nil {
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
	changing, same := math.Inf(1), math.Inf(1)
	for range 3 {
		changing = min(changing, wal(func(i int) *userevents.ConsumerUserEvent {
			return state([]userevents.UserState{userevents.UserStateActive, userevents.UserStateBlocked}[i%2], 2*i)
		}))
		same = min(same, wal(func(i int) *userevents.ConsumerUserEvent { return state(userevents.UserStateBlocked, 100+i) }))
	}
	if same > changing/3 {
		t.Errorf("WAL per event: %.0f bytes for events that change nothing, %.0f for events that change the state: want at most a third", same, changing)
	}

	// What was committed reads back, by a store with nothing cached.
	want, err := p.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	fresh := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	got, err := fresh.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-committed +read):\n%s", diff)
	}

	// The document changed by hand, at the same version and with the state kept, between
	// the Processor's load and its commit: the commit finds the row is no longer the
	// cached one, and the Processor reads it again.
	store := &editAfterLoad{Store: pgstore.New(pool), edit: func() {
		if _, err := pool.Exec(ctx, `UPDATE userevents_users SET doc = json_build_object('userId', 'u1', 'createdTimestamp', 1600000000000,
			'userStateDetails', json_build_object('state', 'BLOCKED'), 'occupation', 'edited') WHERE user_id = 'u1'`); err != nil {
			t.Fatal(err)
		}
	}}
	edited := userevents.NewProcessor(store, userevents.Config{})
	r, err := edited.Apply(ctx, state(userevents.UserStateBlocked, 1000), userevents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cached, err := edited.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*userevents.ConsumerUser{r.User, cached.Consumer} {
		if occ := *cmp.Or(u.Occupation, new(string)); occ != "edited" {
			t.Errorf("occupation %.20q… after an edit by hand and an event that changes nothing: want the edited document", occ)
		}
	}
}

// editAfterLoad is a Store that runs edit once, after its first LoadUser.
type editAfterLoad struct {
	*pgstore.Store
	edit func()
	done bool
}

func (s *editAfterLoad) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	rec, err := s.Store.LoadUser(ctx, userID)
	if !s.done {
		s.done = true
		s.edit()
	}
	return rec, err
}
