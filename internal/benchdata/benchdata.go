// Package benchdata holds what the history and processor benchmarks of the root module
// and of pgstore measure on: the full users, a small state change, the UserAt loop.
package benchdata

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
)

// FullUser is a full consumer user to measure a store's histories on.
type FullUser struct {
	// Name is where the user comes from: "testdata" or "shared".
	Name string
	// New decodes a new copy of the user, which the caller owns.
	New func() *userevents.ConsumerUser
}

// FullUsers returns the full consumer users of the history measurements, read from the
// repository whose root is at root (relative to the test's folder, such as ".."): the
// repository's own (testdata/full-user.json, every field of every type, 32 KB as
// json.Marshal writes it), then the shared benchmark inputs' (15 KB as written, 11 KB
// compact; ../shared/flagright/bench-inputs/full-user.json from the root) when present.
func FullUsers(tb testing.TB, root string) []FullUser {
	tb.Helper()
	var users []FullUser
	for _, in := range []struct{ name, path string }{
		{"testdata", "testdata/full-user.json"},
		{"shared", "../shared/flagright/bench-inputs/full-user.json"},
	} {
		path := filepath.Join(root, filepath.FromSlash(in.path))
		data, err := os.ReadFile(path)
		if err != nil {
			if in.name == "shared" {
				continue
			}
			tb.Fatal(err)
		}
		if _, err := userevents.DecodeConsumerUser(data); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		users = append(users, FullUser{in.name, func() *userevents.ConsumerUser { u, _ := userevents.DecodeConsumerUser(data); return u }})
	}
	return users
}

var stateEvents atomic.Int64

// StateEvent returns a one-field state change for userID, the states active and
// suspended in turn, with a fresh event id (state-N) and a timestamp past the previous
// one's: a small event, 150 bytes of JSON.
func StateEvent(userID string) *userevents.ConsumerUserEvent {
	n := stateEvents.Add(1)
	state := userevents.UserStateActive
	if n%2 == 0 {
		state = userevents.UserStateSuspended
	}
	return &userevents.ConsumerUserEvent{
		Timestamp: 1700000000000 + float64(n), UserID: userID, EventID: fmt.Sprintf("state-%d", n), Reason: userevents.Ptr("review"),
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
			UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(state)}),
		},
	}
}

// BenchUserAt times p.UserAt of userID at a random version from 1 to versions (the same
// sequence in every run), each rebuilt record checked to be of that version.
func BenchUserAt(b *testing.B, p *userevents.Processor, userID string, versions int64) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(1))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := 1 + r.Int63n(versions)
		rec, err := p.UserAt(ctx, userID, v)
		if err != nil {
			b.Fatal(err)
		}
		if rec.Version != v {
			b.Fatalf("UserAt(%d) is version %d", v, rec.Version)
		}
	}
}
