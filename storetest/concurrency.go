package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
)

// Load describes a concurrent workload for NoLostUpdate.
type Load struct {
	Goroutines int // concurrent writers, spread over the stores' Processors
	Events     int // events in all, with distinct ids
	Users      int // users the events are spread over
	// Order is the Config.Order of the Processors. Under TimestampOrder the events'
	// timestamps are shuffled, so that many arrive late.
	Order userevents.Order
}

// Stats reports what a workload cost.
type Stats struct {
	Commits   int64 // commits tried
	Conflicts int64 // commits refused with ErrVersionConflict, and retried
}

// conflictCounter counts the commits of a Store and their version conflicts.
type conflictCounter struct {
	userevents.Store
	commits, conflicts atomic.Int64
}

func (c *conflictCounter) Commit(ctx context.Context, cm userevents.Commit) error {
	c.commits.Add(1)
	err := c.Store.Commit(ctx, cm)
	if errors.Is(err, userevents.ErrVersionConflict) {
		c.conflicts.Add(1)
	}
	return err
}

// NoLostUpdate runs load through one userevents.Processor per store, each with the zero
// Config: Load.Goroutines goroutines, spread evenly over the Processors, apply
// Load.Events events with distinct ids to Load.Users new users, each event adding a tag
// with a unique key. Every event must succeed; afterwards every user must hold exactly
// its events' tags (no update lost), every event must be retrievable, and each user's
// version must be 1 (its creation) plus its number of events. It returns the commits and
// retries it took.
//
// Give one store for a single process. Several stores over one database (two
// connection pools, say) stand for several processes: their Processors do not share
// their per-user locks, so they meet in version conflicts, which the default Config
// must still resolve.
func NoLostUpdate(t *testing.T, load Load, stores ...userevents.Store) Stats {
	t.Helper()
	ctx := context.Background()
	if len(stores) == 0 {
		t.Fatal("NoLostUpdate: no store")
	}
	counters := make([]*conflictCounter, len(stores))
	procs := make([]*userevents.Processor, len(stores))
	for i, s := range stores {
		counters[i] = &conflictCounter{Store: s}
		procs[i] = userevents.NewProcessor(counters[i], userevents.Config{Order: load.Order})
	}
	s := stores[0]
	for u := 0; u < load.Users; u++ {
		id := fmt.Sprintf("nlu-user-%d", u)
		if err := procs[0].CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000}); err != nil {
			t.Fatalf("create %s: %v", id, err)
		}
	}
	errs := make([][]error, load.Goroutines) // one slice per goroutine
	var wg sync.WaitGroup
	for g := 0; g < load.Goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			p := procs[g%len(procs)]
			for i := g; i < load.Events; i += load.Goroutines {
				ts := 1700000000000.0
				if load.Order == userevents.TimestampOrder {
					ts += float64((i * 7919) % 1000) // a permutation of the events' times
				}
				e := &userevents.ConsumerUserEvent{
					Timestamp: ts, UserID: fmt.Sprintf("nlu-user-%d", i%load.Users), EventID: fmt.Sprintf("nlu-event-%d", i),
					UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
						Tags: userevents.Set([]userevents.UserTag{{Key: fmt.Sprintf("k%d", i), Value: "v"}}),
					},
				}
				if _, err := p.Apply(ctx, e, userevents.Options{}); err != nil {
					errs[g] = append(errs[g], fmt.Errorf("event %d: %w", i, err))
				}
			}
		}(g)
	}
	wg.Wait()
	for _, e := range errs {
		for _, err := range e {
			t.Error(err)
		}
	}
	checkNoLostUpdate(t, s, load)
	var st Stats
	for _, c := range counters {
		st.Commits += c.commits.Load()
		st.Conflicts += c.conflicts.Load()
	}
	return st
}

// checkNoLostUpdate checks what NoLostUpdate's load left in s: every user holds exactly
// its events' tags, at version 1 plus their number, and every event is stored.
func checkNoLostUpdate(t *testing.T, s userevents.Store, load Load) {
	t.Helper()
	ctx := context.Background()
	for u := 0; u < load.Users; u++ {
		id := fmt.Sprintf("nlu-user-%d", u)
		rec, err := s.LoadUser(ctx, id)
		if err != nil {
			t.Fatalf("load %s: %v", id, err)
		}
		var got, want []string
		for _, tag := range rec.Consumer.Tags {
			got = append(got, tag.Key)
		}
		for i := u; i < load.Events; i += load.Users {
			want = append(want, fmt.Sprintf("k%d", i))
		}
		sort.Strings(got)
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("user %s holds %d tags, want %d: updates were lost", id, len(got), len(want))
		}
		if rec.Version != int64(len(want))+1 {
			t.Errorf("user %s: version %d, want %d (its creation and %d events)", id, rec.Version, len(want)+1, len(want))
		}
	}
	for i := 0; i < load.Events; i++ {
		if _, err := s.LoadEvent(ctx, fmt.Sprintf("nlu-event-%d", i)); err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
}
