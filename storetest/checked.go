package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/compliancekit/userevents"
)

// CheckedStore wraps a Store for tests and catches writes into shared values. Records
// and entries are shared, read-only values: a Store keeps what Commit was given and may
// hand the same values out again, so a caller (or a store) that changes one changes
// history. CheckedStore takes a fingerprint of every record and entry as it is
// committed, checks every value a load returns against the fingerprint of its version,
// and checks every committed value again in Verify.
type CheckedStore struct {
	Store userevents.Store

	mu        sync.Mutex
	committed map[checkKey]checked
	problems  []string
}

type checkKey struct {
	historyID string
	version   int64
	entry     bool // the entry, not the record
}

type checked struct {
	print [sha256.Size]byte
	again func() [sha256.Size]byte // the fingerprint of the committed value now
}

// Checked returns s wrapped in a CheckedStore whose Verify runs when t ends, failing t
// with every problem found.
func Checked(t testing.TB, s userevents.Store) *CheckedStore {
	c := &CheckedStore{Store: s, committed: map[checkKey]checked{}}
	t.Cleanup(func() {
		if err := c.Verify(); err != nil {
			t.Error(err)
		}
	})
	return c
}

var _ userevents.Store = (*CheckedStore)(nil)

// SnapshotRatio is the snapshot ratio of c.Store (userevents.SnapshotRatio).
func (c *CheckedStore) SnapshotRatio() int { return userevents.SnapshotRatio(c.Store) }

func recordPrint(r userevents.Record) [sha256.Size]byte { return sha256.Sum256([]byte(recordJSON(r))) }

func entryPrint(e *userevents.StoredEvent) [sha256.Size]byte {
	return sha256.Sum256([]byte(eventJSON(e)))
}

// check compares a value with the fingerprint of its version, if it was committed
// through c.
func (c *CheckedStore) check(k checkKey, print [sha256.Size]byte, what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.committed[k]; ok && v.print != print {
		c.problems = append(c.problems, fmt.Sprintf("%s (history %q, version %d) differs from what was committed: a shared value was changed", what, k.historyID, k.version))
	}
}

// LoadUser loads the record and checks it against its version's fingerprint.
func (c *CheckedStore) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	r, err := c.Store.LoadUser(ctx, userID)
	if err == nil {
		c.check(checkKey{r.HistoryID, r.Version, false}, recordPrint(r), "LoadUser("+userID+")")
	}
	return r, err
}

// LoadEvent loads the entry and checks it against its fingerprint.
func (c *CheckedStore) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	e, err := c.Store.LoadEvent(ctx, eventID)
	if err == nil {
		c.check(checkKey{e.HistoryID, e.Version, true}, entryPrint(e), "LoadEvent("+eventID+")")
	}
	return e, err
}

// LoadHistory yields the entries, each checked against its fingerprint.
func (c *CheckedStore) LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(yield func(*userevents.StoredEvent, error) bool) {
		for e, err := range c.Store.LoadHistory(ctx, historyID, at) {
			if err == nil {
				c.check(checkKey{e.HistoryID, e.Version, true}, entryPrint(e), "LoadHistory entry")
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// Commit commits, and on success keeps the fingerprints of the record and the entry.
func (c *CheckedStore) Commit(ctx context.Context, cm userevents.Commit) error {
	rp, ep := recordPrint(cm.Record), entryPrint(cm.Event)
	if err := c.Store.Commit(ctx, cm); err != nil {
		return err
	}
	rec, ev := cm.Record, cm.Event
	c.mu.Lock()
	defer c.mu.Unlock()
	c.committed[checkKey{rec.HistoryID, rec.Version, false}] = checked{rp, func() [sha256.Size]byte { return recordPrint(rec) }}
	if ev != nil {
		c.committed[checkKey{ev.HistoryID, ev.Version, true}] = checked{ep, func() [sha256.Size]byte { return entryPrint(ev) }}
	}
	return nil
}

// Verify checks every value committed through c against its fingerprint, and returns
// an error listing every shared value found changed, by a load or now.
func (c *CheckedStore) Verify() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	problems := c.problems
	for k, v := range c.committed {
		if v.again() != v.print {
			problems = append(problems, fmt.Sprintf("the committed %s of history %q at version %d was changed afterwards",
				map[bool]string{false: "record", true: "entry"}[k.entry], k.historyID, k.version))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("storetest: shared values changed:\n%v", problems)
}
