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
)

// TestMemstoreHistoryMatchesApply applies random events through a Processor with
// memstore and through the pure Apply side by side. The events set, remove and repeat
// members at random, so each version memstore keeps shares some members with the one
// before and copies others (Record.CloneReusing). After every event the stored user
// must be the pure Apply's, and at the end every stored event must still hold the user
// as it was right after it: no version changed when a later one shared its members.
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
			after := map[string]string{} // event id -> the user right after it
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
				stored, err := p.Event(ctx, ev.EventID)
				if err != nil {
					t.Fatal(err)
				}
				if s := mustJSON(t, stored.User); s != got {
					t.Fatalf("#%d: the stored event's user differs from the result's", i)
				}
				after[ev.EventID] = got
			}
			if len(after) < 50 {
				t.Fatalf("only %d of 200 random events applied", len(after))
			}
			for id, want := range after {
				stored, err := p.Event(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if got := mustJSON(t, stored.User); got != want {
					t.Errorf("event %s: the user stored with it changed after later events", id)
				}
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
