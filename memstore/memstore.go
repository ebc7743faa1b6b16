// Package memstore is the in-memory userevents.Store: the embedded default, and the
// reference implementation of the Store contract (it passes storetest.Run).
//
// It is safe for concurrent use. Every user id has its own lock, so commits to two users
// never wait on each other (a re-key locks both ids, in a fixed order); lookups by user
// id, event id and history id are lookups in sharded maps (index.go), and a history
// keeps its entries in a slice indexed by version, with the versions of its snapshots
// apart for a binary search. Records and entries are shared, read-only values (the
// Store contract): Commit keeps what it is given and the loads return it, with no
// copies. It keeps everything until the process ends: the current record of each user
// and each user's history, whose entries are compact (the library decides what they
// hold), so memory grows with the events, not with the users they change.
package memstore

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"sync"

	"github.com/compliancekit/userevents"
)

// Store is an in-memory userevents.Store. The zero Store is not usable: call New.
type Store struct {
	users     index[*entry]
	events    index[*userevents.StoredEvent]
	histories index[*history]
}

// entry is the slot of one user id. Entries are never removed: a slot whose user was
// re-keyed away stays, empty, and can be filled again.
type entry struct {
	mu  sync.Mutex
	rec userevents.Record // Version 0: no user
}

// history is the history of one user, appended to under the lock of the user's entry
// (so by one commit at a time) and read under its own lock.
type history struct {
	mu      sync.RWMutex
	entries []*userevents.StoredEvent // entries[i].Version == i+1
	snaps   []int64                   // the versions of the entries with a Snapshot, ascending
}

// New returns an empty Store.
func New() *Store { return &Store{} }

var _ userevents.Store = (*Store)(nil)

func (s *Store) entry(id string) *entry {
	if e, ok := s.users.Load(id); ok {
		return e
	}
	e, _ := s.users.LoadOrStore(id, new(entry))
	return e
}

// SnapshotRatio is read by userevents.NewProcessor: the library keeps a snapshot in a
// history when the events since the last one add up, in bytes of JSON, to the
// ratio-th part of the user's size. A snapshot here is a shared record: a pointer, and
// the members that the events since the previous snapshot replaced (the library's merge
// shares every member an event leaves as it was), so it costs little for small events
// and at most the user's size when an event changes a large array. At 16, rather than
// the default 4 of Stores that write records whole, a past state is rebuilt from a
// sixteenth of a user's worth of events at most (UserAt costs about the same on a user
// with 10 events or 10,000), and memory stays within 16 times the events' bytes. A
// Store that wraps this one forwards it (userevents.SnapshotRatio).
func (s *Store) SnapshotRatio() int { return 16 }

// LoadUser returns the record of userID, or userevents.ErrUserNotFound.
func (s *Store) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	e, ok := s.users.Load(userID)
	if !ok {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	e.mu.Lock()
	rec := e.rec
	e.mu.Unlock()
	if rec.Version == 0 {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	return rec, nil
}

// LoadEvent returns the entry stored under eventID, or userevents.ErrEventNotFound.
func (s *Store) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	e, ok := s.events.Load(eventID)
	if !ok {
		// The bare sentinel: a miss is the common case (Processor.Apply of an event
		// sent with an id looks it up first).
		return nil, userevents.ErrEventNotFound
	}
	return e, nil
}

// LoadHistory yields the entries of history historyID from the newest snapshot at or
// before version at, as userevents.Store says.
func (s *Store) LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(yield func(*userevents.StoredEvent, error) bool) {
		h, ok := s.histories.Load(historyID)
		if !ok {
			return
		}
		h.mu.RLock()
		entries, snaps := h.entries, h.snaps
		h.mu.RUnlock()
		// The newest snapshot at or before at; entries are never changed once
		// appended, so they can be read without the lock.
		from := int64(1)
		if i := sort.Search(len(snaps), func(i int) bool { return snaps[i] > at }); i > 0 {
			from = snaps[i-1]
		}
		for _, e := range entries[min(from-1, int64(len(entries))):] {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Commit stores c.Record and c.Event atomically, as userevents.Store says. It keeps
// both as given: the caller gives up ownership.
func (s *Store) Commit(ctx context.Context, c userevents.Commit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	newID := c.Record.UserID()
	switch {
	case newID == "":
		return fmt.Errorf("memstore: the record holds no user")
	case c.Record.Version != c.ExpectedVersion+1:
		return fmt.Errorf("memstore: a commit from version %d stores version %d", c.ExpectedVersion, c.Record.Version)
	case c.Event == nil:
		return fmt.Errorf("memstore: the commit has no history entry")
	case c.Event.Version != c.Record.Version || c.Event.HistoryID != c.Record.HistoryID:
		return fmt.Errorf("memstore: the history entry (version %d of %q) is not the record's (version %d of %q)",
			c.Event.Version, c.Event.HistoryID, c.Record.Version, c.Record.HistoryID)
	}
	cur := s.entry(c.UserID)
	var dst *entry
	if newID != c.UserID {
		dst = s.entry(newID)
		// Lock the two ids in a fixed order.
		if c.UserID < newID {
			cur.mu.Lock()
			dst.mu.Lock()
		} else {
			dst.mu.Lock()
			cur.mu.Lock()
		}
		defer dst.mu.Unlock()
	} else {
		cur.mu.Lock()
	}
	defer cur.mu.Unlock()

	switch {
	case c.ExpectedVersion == 0 && cur.rec.Version != 0:
		return fmt.Errorf("%w: %q", userevents.ErrUserExists, c.UserID)
	case c.ExpectedVersion != 0 && cur.rec.Version != c.ExpectedVersion:
		return fmt.Errorf("%w: %q is at version %d, not %d", userevents.ErrVersionConflict, c.UserID, cur.rec.Version, c.ExpectedVersion)
	case dst != nil && dst.rec.Version != 0:
		return fmt.Errorf("%w: %q", userevents.ErrUserExists, newID)
	case c.ExpectedVersion != 0 && cur.rec.HistoryID != c.Record.HistoryID:
		return fmt.Errorf("memstore: the record of %q moves from history %q to %q", c.UserID, cur.rec.HistoryID, c.Record.HistoryID)
	}
	var h *history
	if c.ExpectedVersion == 0 {
		h = new(history)
		if _, loaded := s.histories.LoadOrStore(c.Record.HistoryID, h); loaded {
			return fmt.Errorf("memstore: history %q exists", c.Record.HistoryID)
		}
	} else {
		h, _ = s.histories.Load(c.Record.HistoryID)
	}
	// The history is locked before the event id is claimed: whoever finds the event by
	// its id (a replay) and then reads the history waits until the entry is in it.
	h.mu.Lock()
	if c.Event.EventID != "" {
		// The event id is claimed last: after it nothing can fail, so the record and
		// the entry are written together (or, when it fails, nothing is).
		if _, loaded := s.events.LoadOrStore(c.Event.EventID, c.Event); loaded {
			if c.ExpectedVersion == 0 {
				s.histories.Delete(c.Record.HistoryID) // the history this commit made
			}
			h.mu.Unlock()
			return fmt.Errorf("%w: %q", userevents.ErrEventIDConflict, c.Event.EventID)
		}
	}
	h.entries = append(h.entries, c.Event)
	if c.Event.Snapshot != nil {
		h.snaps = append(h.snaps, c.Event.Version)
	}
	h.mu.Unlock()
	if dst != nil {
		dst.rec = c.Record
		cur.rec = userevents.Record{}
	} else {
		cur.rec = c.Record
	}
	return nil
}
