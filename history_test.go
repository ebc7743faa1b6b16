package userevents_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"sort"
	"strconv"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/google/go-cmp/cmp"
)

// TestMemstoreHistoryMatchesApply applies random events through a Processor with
// memstore and through the pure Apply side by side. The events set, remove and repeat
// members at random, so successive records share some members and replace others.
// After every event the stored user must be the pure Apply's, and at the end UserAt of
// every event's version must still give the user as it was right after it (no shared
// record changed when a later one was made from it), and History lists the events.
func TestMemstoreHistoryMatchesApply(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(2))
	users := userevents.StoredUsers(t)
	names := make([]string, 0, len(users))
	for name := range users {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		u := users[name]
		t.Run(name, func(t *testing.T) {
			p := userevents.NewProcessor(memstore.New(), userevents.Config{})
			if err := p.CreateConsumerUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			pure := userevents.Record{Consumer: u, Version: 1}
			after := map[int64]string{} // version -> the user right after its event
			var ids []string            // the applied events, in order
			for i := 0; i < 200; i++ {
				ev := userevents.RandomEvent(r)
				ev.EventID = name + "-" + strconv.Itoa(i)
				want, err := userevents.Apply(pure, ev, userevents.Options{}, userevents.Config{})
				res, perr := p.Apply(ctx, ev, userevents.Options{})
				var ve *userevents.ValidationError
				if err != nil {
					if !errors.As(err, &ve) || !errors.As(perr, &ve) {
						t.Fatalf("#%d: Apply: %v; Processor.Apply: %v", i, err, perr)
					}
					continue
				}
				if perr != nil {
					t.Fatalf("#%d: Processor.Apply: %v", i, perr)
				}
				pure = want.Record
				got := mustJSON(t, res.User)
				if w := mustJSON(t, want.User); got != w {
					t.Fatalf("#%d: the processor's user differs from Apply's:\n%s\n%s", i, got, w)
				}
				after[res.Record.Version] = got
				ids = append(ids, ev.EventID)
			}
			if len(after) < 50 {
				t.Fatalf("only %d of 200 random events applied", len(after))
			}
			for v, want := range after {
				rec, err := p.UserAt(ctx, u.UserID, v)
				if err != nil {
					t.Fatal(err)
				}
				if got := mustJSON(t, rec.Consumer); got != want {
					t.Errorf("version %d: UserAt gives another user than the event's result", v)
				}
			}
			var listed []string
			for e, err := range p.History(ctx, u.UserID) {
				if err != nil {
					t.Fatal(err)
				}
				listed = append(listed, e.EventID)
			}
			if diff := cmp.Diff(ids, listed); diff != "" {
				t.Errorf("History (-want +got):\n%s", diff)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestApplyWithoutHistoryKeepsNoSnapshot: the pure Apply to a record of no history (one
// the caller built, HistoryID empty) keeps no snapshot and no bookkeeping: sizing the
// next snapshot encodes the whole user, which made every such Apply cost a json encoding
// of the user (BenchmarkApply/state/full-user 1.3 → 34 µs).
func TestApplyWithoutHistoryKeepsNoSnapshot(t *testing.T) {
	rec := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, Version: 1}
	res, err := userevents.Apply(rec, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}, userevents.Options{}, userevents.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Event.Snapshot != nil || res.Record.SnapshotDue != 0 {
		t.Errorf("Apply to a record of no history: snapshot %v, SnapshotDue %d; want none, 0", res.Event.Snapshot != nil, res.Record.SnapshotDue)
	}
}
