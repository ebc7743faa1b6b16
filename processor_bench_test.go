package userevents_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

var benchIDs atomic.Int64

// stateEvent returns a one-field state change for userID with a fresh event id.
func stateEvent(userID string) *userevents.ConsumerUserEvent {
	n := benchIDs.Add(1)
	state := userevents.UserStateActive
	if n%2 == 0 {
		state = userevents.UserStateSuspended
	}
	return &userevents.ConsumerUserEvent{
		Timestamp: 1700000000000, UserID: userID, EventID: "bench-" + strconv.FormatInt(n, 10), Reason: userevents.Ptr("review"),
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
			UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(state)}),
		},
	}
}

// BenchmarkProcessorApplyFullUser applies a small event to the full consumer user of the
// shared benchmark inputs (or a small user when they are absent) in memstore.
func BenchmarkProcessorApplyFullUser(b *testing.B) {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{})
	u := &userevents.ConsumerUser{UserID: "full-user", CreatedTimestamp: 1600000000000}
	if data, err := os.ReadFile("../shared/flagright/bench-inputs/full-user.json"); err == nil {
		if u, err = userevents.DecodeConsumerUser(data); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Apply(ctx, stateEvent(u.UserID), userevents.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// populatedCache keeps the populated stores across the calls of a benchmark function
// (testing calls it again for each b.N).
var populatedCache = map[int]struct {
	p   *userevents.Processor
	ids []string
}{}

// populated returns a memstore with n small users, each with one applied event.
func populated(b *testing.B, n int) (*userevents.Processor, []string) {
	b.Helper()
	if c, ok := populatedCache[n]; ok {
		return c.p, c.ids
	}
	clear(populatedCache) // a large store left behind would slow every later benchmark's GC
	defer func() { b.ResetTimer() }()
	ctx := context.Background()
	s := memstore.New()
	p := userevents.NewProcessor(s, userevents.Config{})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%07d", i)
		u := &userevents.ConsumerUser{UserID: ids[i], CreatedTimestamp: 1600000000000,
			UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateCreated}}
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		if _, err := p.Apply(ctx, stateEvent(ids[i]), userevents.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	populatedCache[n] = struct {
		p   *userevents.Processor
		ids []string
	}{p, ids}
	return p, ids
}

// BenchmarkProcessorApplyStoreSize applies a small event to a random one of 1,000 and of
// 1,000,000 stored users: the per-event cost must not grow with the store.
func BenchmarkProcessorApplyStoreSize(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			p, ids := populated(b, n)
			ctx := context.Background()
			r := rand.New(rand.NewSource(1))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Apply(ctx, stateEvent(ids[r.Intn(n)]), userevents.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcessorApplyParallel applies small events to random users of 10,000 from
// all the goroutines of -cpu: compare -cpu 1 and -cpu 2 for the throughput on both cores.
func BenchmarkProcessorApplyParallel(b *testing.B) {
	p, ids := populated(b, 10000)
	ctx := context.Background()
	var seed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewSource(seed.Add(1)))
		for pb.Next() {
			if _, err := p.Apply(ctx, stateEvent(ids[r.Intn(len(ids))]), userevents.Options{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
