package userevents

import (
	"context"
	"testing"
	"time"

	"github.com/compliancekit/userevents/internal/together"
)

// TestUserLocksForget: the locks of users no event holds or waits for are forgotten,
// including after a waiter gave up, so the table follows the users in flight.
func TestUserLocksForget(t *testing.T) {
	l := newUserLocks()
	ctx := context.Background()
	together.Run(16, func(g int) {
		for i := range 200 {
			id := string(rune('a' + (g+i)%5))
			ul, err := l.lock(ctx, id)
			if err != nil {
				t.Error(err)
				return
			}
			l.unlock(id, ul)
		}
	})
	// A waiter whose context ends gives up without the lock.
	held, err := l.lock(ctx, "busy")
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := l.lock(cctx, "busy"); err == nil {
		t.Fatal("a second holder of a held lock")
	}
	l.unlock("busy", held)
	for i := range l.shards {
		if n := len(l.shards[i].m); n != 0 {
			t.Errorf("shard %d keeps %d locks with no holder", i, n)
		}
	}
}
