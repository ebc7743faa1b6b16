// Package memstore is the in-memory userevents.Store: the embedded default, and the
// reference implementation of the Store contract (it passes storetest.Run).
//
// It is safe for concurrent use. Every user id has its own lock, so commits to two users
// never wait on each other (a re-key locks both ids, in a fixed order); lookups by user
// id and by event id are map lookups. It copies what it is given and what it returns, so
// nothing the caller holds aliases what it keeps. It keeps everything until the process
// ends: each version of each user and each event. A commit copies the new record with
// userevents.Record.CloneReusing, which shares with the stored version the members the
// event did not change, so a one-field event on a 15 KB user keeps about 2 KB.
package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/compliancekit/userevents"
)

// Store is an in-memory userevents.Store. The zero Store is not usable: call New.
type Store struct {
	users  sync.Map // user id -> *entry
	events sync.Map // event id -> *userevents.StoredEvent (never changed once stored)
}

// entry is the slot of one user id. Entries are never removed: a slot whose user was
// re-keyed away stays, empty, and can be filled again.
type entry struct {
	mu  sync.Mutex
	rec userevents.Record // Version 0: no user
}

// New returns an empty Store.
func New() *Store { return &Store{} }

var _ userevents.Store = (*Store)(nil)

func (s *Store) entry(id string) *entry {
	if e, ok := s.users.Load(id); ok {
		return e.(*entry)
	}
	e, _ := s.users.LoadOrStore(id, new(entry))
	return e.(*entry)
}

// LoadUser returns a copy of the record of userID, or userevents.ErrUserNotFound.
func (s *Store) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	v, ok := s.users.Load(userID)
	if !ok {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	e := v.(*entry)
	e.mu.Lock()
	rec := e.rec
	e.mu.Unlock()
	if rec.Version == 0 {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	// The stored record is never changed in place (Commit replaces it), so it can be
	// copied outside the lock.
	return rec.Clone(), nil
}

// LoadEvent returns a copy of the event stored under eventID, or
// userevents.ErrEventNotFound.
func (s *Store) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	v, ok := s.events.Load(eventID)
	if !ok {
		// The bare sentinel: a miss is the common case of every Processor.Apply.
		return nil, userevents.ErrEventNotFound
	}
	return v.(*userevents.StoredEvent).Clone(), nil
}

// Commit stores c.Record and c.Event atomically, as userevents.Store says.
func (s *Store) Commit(ctx context.Context, c userevents.Commit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	newID := c.Record.UserID()
	if newID == "" {
		return fmt.Errorf("memstore: the record holds no user")
	}
	// Copy before taking the locks for the write: the copies are what will be stored.
	// Stored values are never changed (they are replaced, and copied on the way out), so
	// the new record may share with the stored one what did not change, and the event
	// may share the user it produced with the record.
	cur := s.entry(c.UserID)
	cur.mu.Lock()
	prev := cur.rec
	cur.mu.Unlock()
	rec := c.Record.CloneReusing(prev)
	var ev *userevents.StoredEvent
	if c.Event != nil {
		e := *c.Event
		e.User, e.Previous = nil, userevents.Record{}
		ev = e.Clone()
		if c.Event.User == c.Record.Consumer {
			ev.User = rec.Consumer
		} else {
			ev.User = c.Event.User.Clone()
		}
	}

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
	}
	if ev != nil {
		// The event's previous record is the one stored now (the version check made
		// sure): keep it rather than a copy of the caller's.
		ev.Previous = cur.rec
		// The event id is claimed last: after it nothing can fail, so the record and
		// the event are written together.
		if _, loaded := s.events.LoadOrStore(ev.EventID, ev); loaded {
			return fmt.Errorf("%w: %q", userevents.ErrEventIDConflict, ev.EventID)
		}
	}
	if dst != nil {
		dst.rec = rec
		cur.rec = userevents.Record{}
	} else {
		cur.rec = rec
	}
	return nil
}
