package userevents_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// fullUsers returns the full consumer users to benchmark histories on: the package's own
// (testdata/full-user.json, every field of every type, 32 KB as json.Marshal writes it),
// then the shared benchmark inputs' (15 KB as written, 11 KB compact) when present.
func fullUsers(b *testing.B) []struct {
	name string
	user func() *userevents.ConsumerUser
} {
	var users []struct {
		name string
		user func() *userevents.ConsumerUser
	}
	for _, in := range []struct{ name, path string }{
		{"testdata", "testdata/full-user.json"},
		{"shared", "../shared/flagright/bench-inputs/full-user.json"},
	} {
		data, err := os.ReadFile(filepath.FromSlash(in.path))
		if err != nil {
			if in.name == "shared" {
				continue
			}
			b.Fatal(err)
		}
		if _, err := userevents.DecodeConsumerUser(data); err != nil {
			b.Fatalf("%s: %v", in.path, err)
		}
		users = append(users, struct {
			name string
			user func() *userevents.ConsumerUser
		}{in.name, func() *userevents.ConsumerUser { u, _ := userevents.DecodeConsumerUser(data); return u }})
	}
	return users
}

// historyCache keeps the users with a history across the calls of a benchmark function
// (testing calls it again for each b.N).
var historyCache = map[string]*userevents.Processor{}

// withHistory returns a Processor on a memstore holding u after n small state changes
// (alternating states, stateEvent), so at version n+1.
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
		if _, err := p.Apply(ctx, stateEvent(u.UserID), userevents.Options{}); err != nil {
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
	ctx := context.Background()
	for _, fu := range fullUsers(b) {
		for _, n := range []int{10, 10000} {
			name := fmt.Sprintf("user=%s/events=%d", fu.name, n)
			b.Run(name, func(b *testing.B) {
				u := fu.user()
				p := withHistory(b, name, u, n)
				r := rand.New(rand.NewSource(1))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					v := 1 + r.Int63n(int64(n)+1)
					rec, err := p.UserAt(ctx, u.UserID, v)
					if err != nil {
						b.Fatal(err)
					}
					if rec.Version != v {
						b.Fatalf("UserAt(%d) is version %d", v, rec.Version)
					}
				}
			})
		}
	}
}
