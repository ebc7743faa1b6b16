package userevents_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/benchdata"
	"github.com/compliancekit/userevents/memstore"
)

// historyCache keeps the users with a history across the calls of a benchmark function
// (testing calls it again for each b.N).
var historyCache = map[string]*userevents.Processor{}

// withHistory returns a Processor on a memstore holding u after n small state changes
// (alternating states, benchdata.StateEvent), so at version n+1.
func withHistory(b *testing.B, key string, u *userevents.ConsumerUser, n int) *userevents.Processor {
	b.Helper()
	if p, ok := historyCache[key]; ok {
		return p
	}
	clear(historyCache)
	defer b.ResetTimer()
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{})
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := p.Apply(ctx, benchdata.StateEvent(u.UserID), userevents.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	historyCache[key] = p
	return p
}

// BenchmarkUserAt rebuilds a random version of a full user with 10 and with 10,000 small
// events in memstore: the rebuild cost is bounded by the snapshots, so events=10000
// must cost at most 3× events=10 (issue 13; compare the two in the same run).
func BenchmarkUserAt(b *testing.B) {
	for _, fu := range benchdata.FullUsers(b, ".") {
		for _, n := range []int{10, 10000} {
			name := fmt.Sprintf("user=%s/events=%d", fu.Name, n)
			b.Run(name, func(b *testing.B) {
				u := fu.New()
				benchdata.BenchUserAt(b, withHistory(b, name, u, n), u.UserID, int64(n)+1)
			})
		}
	}
}

// BenchmarkSnapshotMeasure compares the two ways of measuring the user a snapshot keeps,
// on the full users: its weight (what the snapshot policy counts) and the length of its
// JSON (what it counted before, by encoding it into a reused buffer).
func BenchmarkSnapshotMeasure(b *testing.B) {
	for _, fu := range benchdata.FullUsers(b, ".") {
		u := fu.New()
		b.Run("user="+fu.Name+"/weight", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				userevents.Weight(u)
			}
		})
		b.Run("user="+fu.Name+"/encode", func(b *testing.B) {
			var buf []byte
			for i := 0; i < b.N; i++ {
				buf, _ = u.AppendJSON(buf[:0])
			}
		})
	}
}
