package userevents_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/benchdata"
	"github.com/compliancekit/userevents/memstore"
)

// BenchmarkProcessorApplyFullUser applies a small event to a full consumer user
// (benchFullUser) in memstore.
func BenchmarkProcessorApplyFullUser(b *testing.B) { benchApplyFullUser(b, userevents.Config{}) }

// benchApplyFullUser applies a small event to a full consumer user in memstore through a
// Processor with cfg.
func benchApplyFullUser(b *testing.B, cfg userevents.Config) {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), cfg)
	u := benchFullUser(b)
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Apply(ctx, benchdata.StateEvent(u.UserID), userevents.Options{}); err != nil {
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
		if _, err := p.Apply(ctx, benchdata.StateEvent(ids[i]), userevents.Options{}); err != nil {
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
		if n > 1000 && testing.Short() {
			continue // CI's run of every benchmark once
		}
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			p, ids := populated(b, n)
			ctx := context.Background()
			r := rand.New(rand.NewSource(1))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Apply(ctx, benchdata.StateEvent(ids[r.Intn(n)]), userevents.Options{}); err != nil {
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
			if _, err := p.Apply(ctx, benchdata.StateEvent(ids[r.Intn(len(ids))]), userevents.Options{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkOrder applies a small in-order event to the full user under ArrivalOrder and
// under TimestampOrder: an event no older than the newest one applied takes the same
// path in both.
func BenchmarkOrder(b *testing.B) {
	for _, order := range []struct {
		name  string
		order userevents.Order
	}{{"arrival", userevents.ArrivalOrder}, {"timestamp", userevents.TimestampOrder}} {
		b.Run(order.name, func(b *testing.B) {
			benchApplyFullUser(b, userevents.Config{Order: order.order})
		})
	}
}

// BenchmarkLateEvent applies, under TimestampOrder, an event that lands before the last
// `after` events of a user with a history of `history` events: its cost must grow with
// after, not with history. Before each late event, after in-order events are applied
// (untimed), so every late event has exactly that many events after it.
func BenchmarkLateEvent(b *testing.B) {
	for _, history := range []int{100, 10000} {
		for _, after := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("history=%d/after=%d", history, after), func(b *testing.B) {
				ctx := context.Background()
				p := userevents.NewProcessor(memstore.New(), userevents.Config{Order: userevents.TimestampOrder})
				u := benchFullUser(b)
				if err := p.CreateConsumerUser(ctx, u); err != nil {
					b.Fatal(err)
				}
				ts := 1700000000000.0
				inOrder := func(n int) {
					for range n {
						ts += 10
						ev := benchdata.StateEvent(u.UserID)
						ev.Timestamp = ts
						if _, err := p.Apply(ctx, ev, userevents.Options{}); err != nil {
							b.Fatal(err)
						}
					}
				}
				inOrder(history)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					from := ts
					inOrder(after)
					b.StartTimer()
					ev := benchdata.StateEvent(u.UserID)
					ev.Timestamp = from + 5 // before the after events, after everything else
					res, err := p.Apply(ctx, ev, userevents.Options{})
					if err != nil {
						b.Fatal(err)
					}
					if len(res.Replayed) != after {
						b.Fatalf("%d events replayed, want %d", len(res.Replayed), after)
					}
				}
			})
		}
	}
}

// benchFullUser returns the full consumer user of the shared benchmark inputs, or the
// repository's own full user when they are absent (the last of benchdata.FullUsers).
func benchFullUser(b *testing.B) *userevents.ConsumerUser {
	b.Helper()
	users := benchdata.FullUsers(b, ".")
	return users[len(users)-1].New()
}
