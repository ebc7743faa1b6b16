package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"golang.org/x/text/unicode/norm"
)

// brokenStore is a deliberately faulty map-based Store: each flag breaks one part of
// the contract. With no flag set it is correct (one lock for everything).
type brokenStore struct {
	faults
	mu        sync.Mutex
	users     map[string]userevents.Record
	events    map[string]*userevents.StoredEvent
	histories map[string][]*userevents.StoredEvent
}

func (b *brokenStore) LoadUser(ctx context.Context, id string) (userevents.Record, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.users[b.key(id)]
	if !ok {
		return r, userevents.ErrUserNotFound
	}
	if b.scribbles && r.Consumer != nil {
		r.Consumer.Occupation = userevents.Ptr("touched")
	}
	if b.limitedReads {
		return r, reread(r.Consumer, r.Business)
	}
	return r, nil
}

func (b *brokenStore) LoadEvent(ctx context.Context, id string) (*userevents.StoredEvent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.events[b.key(id)]
	if !ok {
		return nil, userevents.ErrEventNotFound
	}
	if b.limitedReads {
		doc, _ := json.Marshal(e)
		if _, err := userevents.DecodeStoredEvent(doc); err != nil {
			return nil, err
		}
		if e.Snapshot != nil {
			if err := reread(e.Snapshot.Consumer, e.Snapshot.Business); err != nil {
				return nil, err
			}
		}
	}
	return e, nil
}

func (b *brokenStore) LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(yield func(*userevents.StoredEvent, error) bool) {
		b.mu.Lock()
		entries := b.histories[historyID]
		b.mu.Unlock()
		from := 0
		if !b.ignoreSnapshots {
			for i, e := range entries {
				if e.Version <= at && e.Snapshot != nil {
					from = i
				}
			}
		}
		for _, e := range entries[from:] {
			if err := ctx.Err(); err != nil {
				if !b.quietWhenDone {
					yield(nil, err)
				}
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (b *brokenStore) Commit(ctx context.Context, c userevents.Commit) error {
	if err := ctx.Err(); err != nil && !b.commitsWhenDone {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	rec, ev := c.Record, c.Event
	if b.noNUL {
		for _, v := range []any{rec.Consumer, rec.Business, ev} {
			if doc, _ := json.Marshal(v); bytes.Contains(doc, []byte(`\u0000`)) {
				return errors.New("NUL refused")
			}
		}
	}
	cur, exists := b.users[b.key(c.UserID)]
	newID := c.Record.UserID()
	switch {
	case b.ignoreVersions:
	case c.ExpectedVersion == 0 && exists:
		return userevents.ErrUserExists
	case c.ExpectedVersion != 0 && (!exists || cur.Version != c.ExpectedVersion):
		return userevents.ErrVersionConflict
	}
	if _, taken := b.users[b.key(newID)]; newID != c.UserID && taken {
		return userevents.ErrUserExists
	}
	write := func() {
		delete(b.users, b.key(c.UserID))
		b.users[b.key(newID)] = rec
	}
	if b.tearCommits {
		write()
	}
	if ev != nil && ev.EventID != "" {
		if _, taken := b.events[b.key(ev.EventID)]; taken {
			return userevents.ErrEventIDConflict
		}
		if !b.dropEvents {
			b.events[b.key(ev.EventID)] = ev
		}
	}
	if ev != nil && !b.dropHistory {
		b.histories[rec.HistoryID] = append(b.histories[rec.HistoryID], ev)
	}
	if !b.tearCommits {
		write()
	}
	return nil
}

// faults are the ways a brokenStore breaks the contract.
type faults struct {
	ignoreVersions  bool // commits whatever the stored version
	dropEvents      bool // writes the user but not the event
	scribbles       bool // changes the record it holds (and so the caller's) when loading it
	dropHistory     bool // keeps the records and events, but no history
	ignoreSnapshots bool // LoadHistory always starts from the first entry
	tearCommits     bool // writes the user before checking the event id
	limitedReads    bool // reads back through the decoder with the default limits
	noNUL           bool // refuses documents with U+0000, as PostgreSQL's jsonb does
	commitsWhenDone bool // commits whatever the context
	quietWhenDone   bool // ends a history without an error when the context is done
	foldsIDs        bool // compares ids without case or trailing spaces, as some collations do
	normalisesIDs   bool // compares ids in NFC
}

// key is the map key of id: id itself, unless the store folds ids.
func (b *brokenStore) key(id string) string {
	switch {
	case b.foldsIDs:
		return strings.ToLower(strings.TrimRight(id, " "))
	case b.normalisesIDs:
		return norm.NFC.String(id)
	}
	return id
}

// reread encodes the users and decodes them with the default limits, as a store that
// keeps JSON and forgets userevents.Unlimited would; it returns the decoder's error.
func reread(users ...any) error {
	for _, u := range users {
		doc, _ := json.Marshal(u)
		var err error
		switch u := u.(type) {
		case *userevents.ConsumerUser:
			if u != nil {
				_, err = userevents.DecodeConsumerUser(doc)
			}
		case *userevents.BusinessUser:
			if u != nil {
				_, err = userevents.DecodeBusinessUser(doc)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// failures runs the properties named in only (all when only is nil) against fresh
// stores and returns the failing ones.
func failures(newStore func() userevents.Store, only []string) map[string][]error {
	out := map[string][]error{}
	for _, p := range properties {
		if only != nil && !slices.Contains(only, p.name) {
			continue
		}
		if errs := p.check(context.Background(), newStore()); len(errs) > 0 {
			out[p.name] = errs
		}
	}
	return out
}

// TestSuiteCatchesBrokenStores checks that the suite fails each broken store, on the
// properties the fault breaks, and passes the correct one.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	tests := []struct {
		name   string
		faults faults
		caught []string // properties that must fail
	}{
		// The flagless store is correct: nothing fails.
		{"correct", faults{}, nil},
		// Ignoring versions lets stale commits and racing commits through.
		{"ignores versions", faults{ignoreVersions: true}, []string{"CreateExisting", "VersionCheck", "ConcurrentCommitsOneWinner"}},
		// Writing the user without the event loses events.
		{"drops events", faults{dropEvents: true}, []string{"EventRoundTrip", "EventIDUniqueAcrossUsers", "RekeyToFreeID", "ConcurrentCommitsOneWinner"}},
		// Changing a shared value changes what callers hold.
		{"scribbles", faults{scribbles: true}, []string{"ValuesAreNeverChanged"}},
		// Without a history no past state can be rebuilt.
		{"drops history", faults{dropHistory: true}, []string{"EventRoundTrip", "HistoryInVersionOrder", "RekeyToFreeID"}},
		// Reading every history from its start makes rebuilds grow with the history.
		{"ignores snapshots", faults{ignoreSnapshots: true}, []string{"HistoryFromSnapshot"}},
		// Writing the user before checking the event id leaves half a commit.
		{"tears commits", faults{tearCommits: true}, []string{"EventIDUniqueAcrossUsers", "RefusedCommitWritesNothing"}},
		// Reading back with the default limits loses what outgrew them.
		{"limited reads", faults{limitedReads: true}, []string{"ReadBackAtAndBeyondLimits", "ReadBackAcceptedEvents"}},
		// Refusing NUL refuses what the library accepts.
		{"refuses NUL", faults{noNUL: true}, []string{"ReadBackNUL"}},
		// Ignoring a done context commits what the caller gave up on.
		{"commits when done", faults{commitsWhenDone: true}, []string{"DoneContext"}},
		// Ending a history quietly passes part of it off as all of it.
		{"quiet when done", faults{quietWhenDone: true}, []string{"DoneContext"}},
		// Folding ids takes two users, or two events, for one.
		{"folds ids", faults{foldsIDs: true}, []string{"IDsAreExact"}},
		// So does comparing them in a normal form.
		{"normalises ids", faults{normalisesIDs: true}, []string{"IDsAreExact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failures(func() userevents.Store {
				return &brokenStore{faults: tt.faults, users: map[string]userevents.Record{}, events: map[string]*userevents.StoredEvent{},
					histories: map[string][]*userevents.StoredEvent{}}
			}, tt.caught) // a broken store runs only the properties that must catch it
			for _, name := range tt.caught {
				if got[name] == nil {
					t.Errorf("property %s did not catch the fault", name)
				}
				delete(got, name)
			}
			if tt.caught == nil {
				for name, errs := range got {
					t.Errorf("property %s failed a correct store: %v", name, errs)
				}
			}
		})
	}
}

// TestFaultyStore checks the fault injection itself.
func TestFaultyStore(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	calls := map[string]int{}
	f := &FaultyStore{
		Store: memstore.New(),
		Before: func(ctx context.Context, op string) error {
			calls[op]++
			if op == OpLoadEvent {
				return boom
			}
			return nil
		},
		AfterCommit: func(context.Context, userevents.Commit) error { return boom },
	}
	err := create(ctx, f, user("u1"))
	if !errors.Is(err, boom) {
		t.Errorf("Commit: got %v, want the injected error", err)
	}
	if _, err := f.LoadUser(ctx, "u1"); err != nil {
		t.Errorf("the commit did not happen: %v", err)
	}
	if _, err := f.LoadEvent(ctx, "e1"); !errors.Is(err, boom) {
		t.Errorf("LoadEvent: got %v", err)
	}
	if want := fmt.Sprint(map[string]int{OpCommit: 1, OpLoadEvent: 1, OpLoadUser: 1}); fmt.Sprint(calls) != want {
		t.Errorf("calls %v, want %s", calls, want)
	}
}

// TestCheckedCatchesWrites checks that Checked catches a caller that writes into a
// shared value, loaded or committed, and passes one that clones first.
func TestCheckedCatchesWrites(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		write  func(t *testing.T, s userevents.Store, p *userevents.Processor)
		caught bool
	}{
		// Changing a loaded record changes memstore's.
		{"a loaded record", func(t *testing.T, s userevents.Store, p *userevents.Processor) {
			rec, err := p.User(ctx, "u1")
			if err != nil {
				t.Fatal(err)
			}
			rec.Consumer.Occupation = userevents.Ptr("changed")
		}, true},
		// Changing a Result's user changes the committed record.
		{"a result's user", func(t *testing.T, s userevents.Store, p *userevents.Processor) {
			res, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e2"}, userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res.User.Tags[0].Value = "changed"
		}, true},
		// Changing a loaded entry changes the history.
		{"a loaded entry", func(t *testing.T, s userevents.Store, p *userevents.Processor) {
			e, err := p.Event(ctx, "e1")
			if err != nil {
				t.Fatal(err)
			}
			e.Changes = append(e.Changes[:0], "changed")
		}, true},
		// Clone, then change: nothing shared is touched.
		{"a clone", func(t *testing.T, s userevents.Store, p *userevents.Processor) {
			rec, err := p.User(ctx, "u1")
			if err != nil {
				t.Fatal(err)
			}
			c := rec.Clone()
			c.Consumer.Occupation = userevents.Ptr("changed")
			c.Consumer.Tags[0].Value = "changed"
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &CheckedStore{Store: memstore.New(), committed: map[checkKey]checked{}}
			p := userevents.NewProcessor(s, userevents.Config{})
			if err := p.CreateConsumerUser(ctx, user("u1")); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1",
				UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set("pilot")}}, userevents.Options{}); err != nil {
				t.Fatal(err)
			}
			tt.write(t, s, p)
			if err := s.Verify(); (err != nil) != tt.caught {
				t.Errorf("Verify: %v, want caught %v", err, tt.caught)
			}
		})
	}
}
