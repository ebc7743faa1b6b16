package memstore

import (
	"strconv"
	"sync"
	"testing"

	"github.com/compliancekit/userevents/internal/together"
)

// TestIndex checks the map semantics index promises, from many goroutines (run it with
// -race): LoadOrStore stores once and then returns the first value; Delete frees the id.
func TestIndex(t *testing.T) {
	var x index[int]
	if _, ok := x.Load("a"); ok {
		t.Fatal("the zero index holds a")
	}
	stored := make([][]int, 8) // the ids each goroutine stored
	together.Run(len(stored), func(g int) {
		for i := range 1000 {
			if _, loaded := x.LoadOrStore(strconv.Itoa(i), g); !loaded {
				stored[g] = append(stored[g], i)
			}
		}
	})
	total := 0
	for g, ids := range stored {
		total += len(ids)
		for _, i := range ids {
			if v, ok := x.Load(strconv.Itoa(i)); !ok || v != g {
				t.Errorf("Load(%d) = %d, %v; want %d, stored first", i, v, ok, g)
			}
		}
	}
	if total != 1000 {
		t.Errorf("LoadOrStore stored %d values for 1000 ids", total)
	}
	v, _ := x.Load("7")
	if got, loaded := x.LoadOrStore("7", -1); !loaded || got != v {
		t.Errorf("LoadOrStore(7) = %d, %v; want the stored %d, true", got, loaded, v)
	}
	x.Delete("7")
	if _, ok := x.Load("7"); ok {
		t.Error("Load finds a deleted id")
	}
	if got, loaded := x.LoadOrStore("7", -1); loaded || got != -1 {
		t.Errorf("LoadOrStore after Delete = %d, %v; want -1, false", got, loaded)
	}
}

// BenchmarkIndexMiss compares the lookup of an absent id (what Processor.Apply asks
// the event index for every new event sent with an id) in index and in sync.Map,
// holding 300,000 ids.
func BenchmarkIndexMiss(b *testing.B) {
	const n = 300_000
	var x index[*int]
	var m sync.Map
	for i := range n {
		id := "event-" + strconv.Itoa(i)
		x.LoadOrStore(id, new(int))
		m.LoadOrStore(id, new(int))
	}
	misses := make([]string, 1<<20) // more than the caches hold, as fresh event ids are
	for i := range misses {
		misses[i] = "absent-" + strconv.Itoa(i)
	}
	b.Run("index", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, ok := x.Load(misses[i%len(misses)]); ok {
				b.Fatal("found")
			}
		}
	})
	b.Run("sync.Map", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, ok := m.Load(misses[i%len(misses)]); ok {
				b.Fatal("found")
			}
		}
	})
}
