package memstore_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/benchdata"
	"github.com/compliancekit/userevents/memstore"
)

// liveHeap returns the live heap (HeapAlloc after a collection), in bytes.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC() // the second one frees what the first one's finalizers released
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// heapOfOneUser returns the live heap that a memstore holds for one minimal consumer user
// given n events through a Processor (zero Config), each adding one tag with a new key,
// less the heap before the store existed.
func heapOfOneUser(tb testing.TB, n int) int64 {
	tb.Helper()
	ctx := context.Background()
	base := liveHeap()
	s := memstore.New()
	p := userevents.NewProcessor(s, userevents.Config{})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		ev := &userevents.ConsumerUserEvent{
			Timestamp: 1700000000000, UserID: "u1", EventID: fmt.Sprintf("e%d", i),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
				Tags: userevents.Set([]userevents.UserTag{{Key: fmt.Sprintf("key-%d", i), Value: fmt.Sprintf("value-%d", i)}}),
			},
		}
		if _, err := p.Apply(ctx, ev, userevents.Options{}); err != nil {
			tb.Fatalf("event %d: %v", i, err)
		}
	}
	if rec, err := p.User(ctx, "u1"); err != nil || len(rec.Consumer.Tags) != n {
		tb.Fatalf("after %d events: %d tags, %v", n, len(rec.Consumer.Tags), err)
	}
	heap := liveHeap() - base
	runtime.KeepAlive(s)
	runtime.KeepAlive(p)
	return heap
}

// TestMemoryGrowsWithEvents: memstore keeps memory proportional to the events, not to
// the arrays they change (issue 13). One user given 10,000 one-tag events holds at most
// 6× the live heap of the same user given 2,000 (linear growth is 5×; keeping every
// version of the growing tag array, as memstore did before histories, gave 27×).
func TestMemoryGrowsWithEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("applies 17,000 events (a few seconds); skipped under -short")
	}
	small := heapOfOneUser(t, 2000)
	mid := heapOfOneUser(t, 5000)
	large := heapOfOneUser(t, 10000)
	ratio := float64(large) / float64(small)
	t.Logf("live heap: 2,000 events %.2f MiB, 5,000 %.2f MiB, 10,000 %.2f MiB; 10,000 / 2,000 = %.2f×",
		mib(small), mib(mid), mib(large), ratio)
	if small <= 0 || ratio > 6 {
		t.Errorf("live heap of 10,000 one-tag events is %.2f× that of 2,000 (%.2f MiB, %.2f MiB), want at most 6×",
			ratio, mib(large), mib(small))
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// TestApplyCostIndependentOfStoreSize: an event for one user costs the same, in
// allocations and bytes, whether the store holds a hundred users or twenty thousand,
// each with a history: nothing is allocated per stored user or event. (That the time
// does not grow either is for a benchmark to show: BenchmarkProcessorApplyStoreSize,
// docs/BENCHMARKS.md.)
func TestApplyCostIndependentOfStoreSize(t *testing.T) {
	ctx := context.Background()
	cost := func(users int) (allocs, bytes float64) {
		p := userevents.NewProcessor(memstore.New(), userevents.Config{})
		for i := range users {
			id := fmt.Sprintf("u%d", i)
			if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Apply(ctx, benchdata.StateEvent(id), userevents.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		const runs = 200
		events := make([]*userevents.ConsumerUserEvent, 0, 2*runs+2)
		for range cap(events) {
			events = append(events, benchdata.StateEvent("u0"))
		}
		next := 0
		apply := func() {
			if _, err := p.Apply(ctx, events[next], userevents.Options{}); err != nil {
				t.Fatal(err)
			}
			next++
		}
		allocs = testing.AllocsPerRun(runs, apply) // runs+1 events
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			apply()
		}
		runtime.ReadMemStats(&after)
		return allocs, float64(after.TotalAlloc-before.TotalAlloc) / runs
	}
	smallAllocs, smallBytes := cost(100)
	bigAllocs, bigBytes := cost(20000)
	// Allow a map's growth now and then (a table split: a few bytes an event).
	if bigAllocs > smallAllocs+1 || bigBytes > smallBytes+1024 {
		t.Errorf("an event in a store of 20,000 users: %.1f allocations, %.0f bytes; of 100 users: %.1f, %.0f",
			bigAllocs, bigBytes, smallAllocs, smallBytes)
	}
}
