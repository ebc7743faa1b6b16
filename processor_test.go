package userevents_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/together"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/storetest"
	"github.com/google/go-cmp/cmp"
)

// countingStore counts the calls and outcomes of a Store.
type countingStore struct {
	userevents.Store
	loads, commits, committed, conflicts atomic.Int64
}

func (c *countingStore) LoadUser(ctx context.Context, id string) (userevents.Record, error) {
	c.loads.Add(1)
	return c.Store.LoadUser(ctx, id)
}

func (c *countingStore) Commit(ctx context.Context, cm userevents.Commit) error {
	c.commits.Add(1)
	err := c.Store.Commit(ctx, cm)
	switch {
	case err == nil:
		c.committed.Add(1)
	case errors.Is(err, userevents.ErrVersionConflict):
		c.conflicts.Add(1)
	}
	return err
}

// mustDecode decodes doc with decode (userevents.DecodeEvent, DecodeConsumerUser, …),
// failing t if it does not decode.
func mustDecode[T any](t testing.TB, decode func([]byte, ...userevents.DecodeOption) (T, error), doc string) T {
	t.Helper()
	v, err := decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustEvent decodes the event doc, failing t if it does not decode.
func mustEvent(t testing.TB, doc string) *userevents.ConsumerUserEvent {
	t.Helper()
	return mustDecode(t, userevents.DecodeEvent, doc)
}

// newProcessor returns a processor over a fresh memstore, counted, with users u1 and u2.
func newProcessor(t testing.TB, cfg userevents.Config) (*userevents.Processor, *countingStore) {
	t.Helper()
	s := &countingStore{Store: storetest.Checked(t, memstore.New())}
	p := userevents.NewProcessor(s, cfg)
	for _, id := range []string{"u1", "u2"} {
		u := &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000,
			UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateCreated}}
		if err := p.CreateConsumerUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	s.commits.Store(0)
	s.committed.Store(0)
	return p, s
}

func TestProcessorReplay(t *testing.T) {
	ctx := context.Background()
	const first = `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"riskLevel":"HIGH","transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":10.50,"amountCurrency":"EUR"}}}}`
	tests := []struct {
		name      string
		second    string
		opts      userevents.Options
		err       error // nil: a Duplicate result
		duplicate bool
	}{
		// The same bytes: the stored outcome, no second commit.
		{name: "same event", second: first, duplicate: true},
		// Compared by value: member order, spacing and number spelling do not matter.
		{name: "same value, other bytes", second: `{ "eventId":"e1", "userId":"u1", "timestamp":1.7e12, "updatedConsumerUserAttributes":{"transactionLimits":{"maximumDailyTransactionLimit":{"amountCurrency":"EUR","amountValue":10.5}},"riskLevel":"HIGH"}}`, duplicate: true},
		// Another payload under the same id.
		{name: "different payload", second: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"riskLevel":"LOW"}}`, err: userevents.ErrEventIDConflict},
		// The same payload with other flags.
		{name: "different flags", second: first, opts: userevents.Options{LockCRARiskLevel: userevents.Ptr(true)}, err: userevents.ErrEventIDConflict},
		// The same id for another user: ids are unique across users.
		{name: "same id, other user", second: `{"timestamp":1700000000000,"userId":"u2","eventId":"e1"}`, err: userevents.ErrEventIDConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := newProcessor(t, userevents.Config{})
			r1, err := p.Apply(ctx, mustEvent(t, first), userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			before, _ := s.LoadUser(ctx, "u1")
			r2, err := p.Apply(ctx, mustEvent(t, tt.second), tt.opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || r2 != nil {
					t.Fatalf("got %v, %v; want %v", r2, err, tt.err)
				}
			} else {
				if err != nil || !r2.Duplicate {
					t.Fatalf("got %+v, %v; want a duplicate", r2, err)
				}
				if diff := cmp.Diff(r1.Changes, r2.Changes); diff != "" || r2.Record.Version != r1.Record.Version {
					t.Errorf("the duplicate's outcome differs: %s version %d", diff, r2.Record.Version)
				}
				u1, _ := json.Marshal(r1.User)
				u2, _ := json.Marshal(r2.User)
				if string(u1) != string(u2) {
					t.Errorf("duplicate user %s, want %s", u2, u1)
				}
			}
			if got := s.committed.Load(); got != 1 {
				t.Errorf("%d commits, want 1", got)
			}
			after, _ := s.LoadUser(ctx, "u1")
			if after.Version != before.Version {
				t.Errorf("version %d after the replay, want %d", after.Version, before.Version)
			}
		})
	}
}

// TestProcessorReplayOfChangedUser: a replay whose event no longer applies to today's
// user is answered from the store: the stored outcome for the same event,
// ErrEventIDConflict for another, never the error of applying it again.
func TestProcessorReplayOfChangedUser(t *testing.T) {
	ctx := context.Background()
	const e1 = `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"riskLevel":"HIGH"}}`
	const later = `{"timestamp":1700000005000,"userId":"u1","eventId":"e2"}`
	tests := []struct {
		name    string
		cfg     userevents.Config
		first   string
		opts    userevents.Options // of both applications
		between string             // an event applied after the first, if any
		again   string             // a user id created again after the first, if any
		second  string
		err     error // nil: a Duplicate result
	}{
		// Under RejectStale, e1 is now older than the newest event: applied again it
		// would be ErrStaleEvent.
		{name: "stale now", cfg: userevents.Config{StaleEvents: userevents.RejectStale}, first: e1, between: later, second: e1},
		// Another event under e1's id, stale too: the id decides.
		{name: "stale now, other event", cfg: userevents.Config{StaleEvents: userevents.RejectStale}, first: e1, between: later,
			second: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}`, err: userevents.ErrEventIDConflict},
		// The event re-keyed u1 to u9: u1 is no user any more (ErrUserNotFound).
		{name: "re-keyed away", first: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","newUserId":"u9"}`,
			opts: userevents.Options{ChangeUserID: true}, second: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","newUserId":"u9"}`},
		// The same, with u1 a user again: applied again, the event would re-key it onto
		// u9, which is taken (ErrUserExists).
		{name: "re-keyed away, id reused", first: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","newUserId":"u9"}`, again: "u1",
			opts: userevents.Options{ChangeUserID: true}, second: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","newUserId":"u9"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := newProcessor(t, tt.cfg)
			r1, err := p.Apply(ctx, mustEvent(t, tt.first), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.between != "" {
				if _, err := p.Apply(ctx, mustEvent(t, tt.between), userevents.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.again != "" {
				if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: tt.again, CreatedTimestamp: 1600000000000}); err != nil {
					t.Fatal(err)
				}
			}
			committed := s.committed.Load()
			r2, err := p.Apply(ctx, mustEvent(t, tt.second), tt.opts)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) || r2 != nil {
					t.Errorf("got %v, %v; want %v", r2, err, tt.err)
				}
			case err != nil || !r2.Duplicate:
				t.Errorf("got %+v, %v; want a duplicate", r2, err)
			case r2.Record.Version != r1.Record.Version || r2.User.UserID != r1.User.UserID:
				t.Errorf("the duplicate is version %d of %q, want %d of %q", r2.Record.Version, r2.User.UserID, r1.Record.Version, r1.User.UserID)
			}
			if got := s.committed.Load(); got != committed {
				t.Errorf("%d commits for the replay, want none", got-committed)
			}
		})
	}
}

// missThenCommit is a Store whose first LoadEvent misses and, before it answers, lets
// another process commit: the window between a Processor's look for the event id and
// its load of the user.
type missThenCommit struct {
	userevents.Store
	once    sync.Once
	between func()
}

func (m *missThenCommit) LoadEvent(ctx context.Context, id string) (*userevents.StoredEvent, error) {
	missed := false
	m.once.Do(func() { missed = true; m.between() })
	if missed {
		return nil, userevents.ErrEventNotFound
	}
	return m.Store.LoadEvent(ctx, id)
}

// TestProcessorRetriedElsewhere: an event sent to two processes at once (a client's
// retry) is applied by one; the other, which looked for the id before the commit and is
// then refused by what that commit did, answers the stored outcome (Duplicate), not its
// refusal.
func TestProcessorRetriedElsewhere(t *testing.T) {
	ctx := context.Background()
	brokenScorer := userevents.Config{Scorer: func(*userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		return nil, errors.New("scorer down")
	}}
	tests := []struct {
		name  string
		event string
		opts  userevents.Options
		cfg   userevents.Config // the second process's
	}{
		// The user re-keyed away: ErrUserNotFound.
		{"re-key", `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","newUserId":"u9"}`, userevents.Options{ChangeUserID: true}, userevents.Config{}},
		// Any other refusal on top of the commit: here the second process's Scorer.
		{"refused", `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"pilot"}}`, userevents.Options{}, brokenScorer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memstore.New()
			other := userevents.NewProcessor(s, userevents.Config{})
			if err := other.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
				t.Fatal(err)
			}
			var first *userevents.Result
			p := userevents.NewProcessor(&missThenCommit{Store: s, between: func() {
				var err error
				if first, err = other.Apply(ctx, mustEvent(t, tt.event), tt.opts); err != nil {
					t.Error(err)
				}
			}}, tt.cfg)
			res, err := p.Apply(ctx, mustEvent(t, tt.event), tt.opts)
			if err != nil || !res.Duplicate || first == nil || res.Record.Version != first.Record.Version || res.User.UserID != first.User.UserID {
				t.Errorf("the retried event: %+v, %v; want the stored outcome (Duplicate, version 2)", res, err)
			}
		})
	}
}

// TestProcessorGeneratedIDTaken: the id given to an event that came without one is not
// looked up before the commit (it is new), but a Config.NewEventID that repeats itself
// is still caught: the Store refuses the taken id, and the stored event decides.
func TestProcessorGeneratedIDTaken(t *testing.T) {
	ctx := context.Background()
	const a = `{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"riskLevel":"HIGH"}}`
	p, s := newProcessor(t, userevents.Config{NewEventID: func() string { return "fixed" }})
	first, err := p.Apply(ctx, mustEvent(t, a), userevents.Options{})
	if err != nil || first.Event.EventID != "fixed" {
		t.Fatalf("first: %v, %v", first, err)
	}
	// The same event again, given the same id: the stored outcome.
	again, err := p.Apply(ctx, mustEvent(t, a), userevents.Options{})
	if err != nil || !again.Duplicate || again.Record.Version != first.Record.Version {
		t.Errorf("the same event under the repeated id: %+v, %v; want a duplicate", again, err)
	}
	// Another event given the same id.
	other, err := p.Apply(ctx, mustEvent(t, `{"timestamp":1700000000000,"userId":"u1"}`), userevents.Options{})
	if !errors.Is(err, userevents.ErrEventIDConflict) || other != nil {
		t.Errorf("another event under the repeated id: %v, %v; want ErrEventIDConflict", other, err)
	}
	if got := s.committed.Load(); got != 1 {
		t.Errorf("%d commits, want 1", got)
	}
}

func TestProcessorErrors(t *testing.T) {
	ctx := context.Background()
	p, s := newProcessor(t, userevents.Config{})
	// A missing user.
	_, err := p.Apply(ctx, mustEvent(t, `{"timestamp":1700000000000,"userId":"nobody","eventId":"e1"}`), userevents.Options{})
	if !errors.Is(err, userevents.ErrUserNotFound) {
		t.Errorf("missing user: got %v", err)
	}
	// An invalid event is refused before anything is loaded.
	loads := s.loads.Load()
	_, err = p.Apply(ctx, mustEvent(t, `{"timestamp":1.1,"userId":"u1"}`), userevents.Options{})
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) || !ve.Has("timestamp", userevents.CodeOutOfRange) {
		t.Errorf("invalid event: got %v", err)
	}
	if s.loads.Load() != loads || s.commits.Load() != 0 {
		t.Error("an invalid event reached the store")
	}
	// Missing events.
	if _, err := p.Event(ctx, "none"); !errors.Is(err, userevents.ErrEventNotFound) {
		t.Errorf("Event: got %v", err)
	}
	// A business user without the flag.
	b := &userevents.BusinessUser{UserID: "b1", CreatedTimestamp: 1600000000000, LegalEntity: json.RawMessage(`{}`)}
	if err := p.CreateBusinessUser(ctx, b); err != nil {
		t.Fatal(err)
	}
	_, err = p.Apply(ctx, mustEvent(t, `{"timestamp":1700000000000,"userId":"b1"}`), userevents.Options{})
	if !errors.Is(err, userevents.ErrUserTypeMismatch) {
		t.Errorf("business user: got %v", err)
	}
	// Creating over an existing user.
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "b1", CreatedTimestamp: 1600000000000}); !errors.Is(err, userevents.ErrUserExists) {
		t.Errorf("create over b1: got %v", err)
	}
	// Creating an invalid user.
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u3"}); !errors.As(err, &ve) || !ve.Has("createdTimestamp", userevents.CodeOutOfRange) {
		t.Errorf("create invalid: got %v", err)
	}
}

// TestProcessorGeneratesEventIDs checks that an event without id gets a random UUID,
// and that the stored event is the wire event with the id filled in.
func TestProcessorGeneratesEventIDs(t *testing.T) {
	ctx := context.Background()
	p, _ := newProcessor(t, userevents.Config{})
	e := mustEvent(t, `{"timestamp":1700000000000,"userId":"u1","reason":"r"}`)
	r, err := p.Apply(ctx, e, userevents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.EventID != "" {
		t.Error("Apply changed the caller's event")
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(r.Event.EventID) {
		t.Fatalf("generated id %q is not a version 4 UUID", r.Event.EventID)
	}
	stored, err := p.Event(ctx, r.Event.EventID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(stored)
	want := `{"timestamp":1700000000000,"userId":"u1","eventId":"` + r.Event.EventID + `","reason":"r"}`
	if string(got) != want {
		t.Errorf("stored event %s, want %s", got, want)
	}
	r2, _ := p.Apply(ctx, e, userevents.Options{})
	if r2.Event.EventID == r.Event.EventID {
		t.Error("two events without ids got the same id")
	}
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{&userevents.ValidationError{}, http.StatusBadRequest},
		{fmt.Errorf("wrapped: %w", &userevents.ValidationError{}), http.StatusBadRequest},
		{userevents.ErrUserTypeMismatch, http.StatusBadRequest},
		{userevents.ErrTransitionNotAllowed, http.StatusBadRequest},
		{userevents.ErrUserNotFound, http.StatusNotFound},
		{fmt.Errorf("%w: %q", userevents.ErrUserNotFound, "u1"), http.StatusNotFound},
		{userevents.ErrEventNotFound, http.StatusNotFound},
		{userevents.ErrEventIDConflict, http.StatusConflict},
		{userevents.ErrUserExists, http.StatusConflict},
		{userevents.ErrVersionConflict, http.StatusConflict},
		{userevents.ErrStaleEvent, http.StatusConflict},
		// Stored data that cannot be read is the server's fault, even with the decoder's
		// *ValidationError inside.
		{userevents.ErrStoredData, http.StatusInternalServerError},
		{fmt.Errorf("%w: %w", userevents.ErrStoredData, &userevents.ValidationError{}), http.StatusInternalServerError},
		{fmt.Errorf("%w: %w", &userevents.ValidationError{}, userevents.ErrStoredData), http.StatusInternalServerError},
		{context.Canceled, http.StatusInternalServerError},
		{errors.New("disk on fire"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := userevents.HTTPStatus(tt.err); got != tt.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestConcurrentNoLostUpdate: 64 goroutines apply 32 events each, with distinct ids and
// the zero Config, each adding a tag with a unique key. Every event succeeds and no
// update is lost; within one Processor the events of a user never conflict.
func TestConcurrentNoLostUpdate(t *testing.T) {
	for _, tc := range []struct {
		name string
		load storetest.Load
	}{
		// A hot user: every goroutine writes to it.
		{"one user", storetest.Load{Goroutines: 64, Events: 64 * 32, Users: 1}},
		// A few users, 16 goroutines each.
		{"4 users", storetest.Load{Goroutines: 64, Events: 64 * 32, Users: 4}},
		// Under TimestampOrder, with late events among the in-order ones.
		{"timestamp order, 4 users", storetest.Load{Goroutines: 64, Events: 64 * 8, Users: 4, Order: userevents.TimestampOrder}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.NoLostUpdate(t, tc.load, memstore.New())
			if st.Conflicts != 0 {
				t.Errorf("%d version conflicts within one Processor, want 0", st.Conflicts)
			}
			t.Logf("%d events: %d commits tried", tc.load.Events, st.Commits)
		})
	}
}

// TestConcurrentSameEvent: 32 goroutines send the same event at once: one commit, 31
// duplicates.
func TestConcurrentSameEvent(t *testing.T) {
	const n = 32
	ctx := context.Background()
	p, s := newProcessor(t, userevents.Config{})
	results := make([]*userevents.Result, n)
	errs := make([]error, n)
	events := make([]*userevents.ConsumerUserEvent, n) // decoded here: t.Fatal only in the test's goroutine
	for i := range events {
		events[i] = mustEvent(t, `{"timestamp":1700000000000,"userId":"u1","eventId":"same","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`)
	}
	together.Run(n, func(i int) {
		results[i], errs[i] = p.Apply(ctx, events[i], userevents.Options{})
	})
	dups := 0
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if results[i].Duplicate {
			dups++
		}
	}
	if dups != n-1 || s.committed.Load() != 1 {
		t.Errorf("%d duplicates and %d commits, want %d and 1", dups, s.committed.Load(), n-1)
	}
}

// failingOn returns a FaultyStore (its Store left to set) whose operation op fails with err.
func failingOn(op string, err error) *storetest.FaultyStore {
	return &storetest.FaultyStore{Before: func(_ context.Context, o string) error {
		if o == op {
			return err
		}
		return nil
	}}
}

// overU1 gives f a fresh memstore holding user u1, created past f's faults, and returns f.
func overU1(t testing.TB, f *storetest.FaultyStore) *storetest.FaultyStore {
	t.Helper()
	f.Store = memstore.New()
	u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
	if err := userevents.NewProcessor(f.Store, userevents.Config{}).CreateConsumerUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestProcessorFaults(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("store unavailable")
	ev := `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"tags":[{"key":"k","value":"v"}]}}`
	setup := func(t *testing.T, f *storetest.FaultyStore) *userevents.Processor {
		return userevents.NewProcessor(overU1(t, f), userevents.Config{MaxRetries: 2})
	}
	version := func(t *testing.T, f *storetest.FaultyStore) int64 {
		rec, err := f.Store.LoadUser(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		return rec.Version
	}

	t.Run("a failing load", func(t *testing.T) {
		f := failingOn(storetest.OpLoadUser, boom)
		p := setup(t, f)
		if _, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, boom) {
			t.Errorf("got %v", err)
		}
		if version(t, f) != 1 {
			t.Error("something was committed")
		}
	})
	t.Run("a failing commit", func(t *testing.T) {
		f := failingOn(storetest.OpCommit, boom)
		p := setup(t, f)
		if r, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, boom) || r != nil {
			t.Errorf("got %v, %v: success reported for an uncommitted event", r, err)
		}
		if _, err := f.Store.LoadEvent(ctx, "e1"); !errors.Is(err, userevents.ErrEventNotFound) {
			t.Error("the event was stored")
		}
	})
	t.Run("a commit past the deadline", func(t *testing.T) {
		f := &storetest.FaultyStore{Before: func(ctx context.Context, op string) error {
			if op == storetest.OpCommit {
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		}}
		p := setup(t, f)
		dctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := p.Apply(dctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		if version(t, f) != 1 {
			t.Error("something was committed")
		}
	})
	t.Run("a cancelled context", func(t *testing.T) {
		f := &storetest.FaultyStore{}
		p := setup(t, f)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := p.Apply(cctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("committed, then an error: a retry converges", func(t *testing.T) {
		fail := true
		f := &storetest.FaultyStore{AfterCommit: func(context.Context, userevents.Commit) error {
			if fail {
				fail = false
				return boom
			}
			return nil
		}}
		p := setup(t, f)
		if r, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, boom) || r != nil {
			t.Fatalf("got %v, %v", r, err)
		}
		r, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{})
		if err != nil || !r.Duplicate {
			t.Fatalf("retry: got %+v, %v; want the stored outcome", r, err)
		}
		rec, _ := f.Store.LoadUser(ctx, "u1")
		if rec.Version != 2 || len(rec.Consumer.Tags) != 1 {
			t.Errorf("version %d, tags %v: the event applied more than once", rec.Version, rec.Consumer.Tags)
		}
	})
	t.Run("conflicts beyond the retries", func(t *testing.T) {
		var commits int
		f := &storetest.FaultyStore{Before: func(_ context.Context, op string) error {
			if op == storetest.OpCommit {
				commits++
				return userevents.ErrVersionConflict
			}
			return nil
		}}
		p := setup(t, f)
		if _, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{}); !errors.Is(err, userevents.ErrVersionConflict) {
			t.Errorf("got %v", err)
		}
		if commits != 3 {
			t.Errorf("%d commits tried, want 3 (MaxRetries 2)", commits)
		}
	})
}

func TestApplyBatch(t *testing.T) {
	ctx := context.Background()
	p, _ := newProcessor(t, userevents.Config{Transitions: userevents.StrictLifecycle})
	events := []*userevents.ConsumerUserEvent{
		// Two events of u1, in order: CREATED -> ACTIVE -> BLOCKED is a valid lifecycle
		// only in this order.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"u1","eventId":"b1","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`),
		mustEvent(t, `{"timestamp":1700000001000,"userId":"u1","eventId":"b2","updatedConsumerUserAttributes":{"userStateDetails":{"state":"BLOCKED"}}}`),
		// A missing user.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"nobody","eventId":"b3"}`),
		// An invalid event.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"u2","eventId":"b4","updatedConsumerUserAttributes":{"userDetails":{"dateOfBirth":"1991-02-30"}}}`),
		// A refused transition.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"u2","eventId":"b5","updatedConsumerUserAttributes":{"userStateDetails":{"state":"DORMANT"}}}`),
		// An id used by another event of the batch.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"u2","eventId":"b1"}`),
		// An event without id gets one.
		mustEvent(t, `{"timestamp":1700000000000,"userId":"u2"}`),
	}
	b, err := p.ApplyBatch(ctx, events, userevents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Results) != len(events) {
		t.Fatalf("%d results for %d events", len(b.Results), len(events))
	}
	want := []userevents.FailedRecord{
		{ID: "b3", ReasonCode: userevents.ReasonIDNotFound},
		{ID: "b4", ReasonCode: userevents.ReasonInvalid},
		{ID: "b5", ReasonCode: userevents.ReasonTransitionNotAllowed},
		{ID: "b1", ReasonCode: userevents.ReasonEventIDConflict},
	}
	if diff := cmp.Diff(want, b.FailedRecords); diff != "" {
		t.Errorf("failed records (-want +got):\n%s", diff)
	}
	if b.Status != userevents.BatchPartialFailure || b.Successful != 3 || b.Failed != 4 {
		t.Errorf("status %s, %d successful, %d failed", b.Status, b.Successful, b.Failed)
	}
	if r := b.Results[1].Result; r == nil || *r.StateTransition != (userevents.Transition{From: "ACTIVE", To: "BLOCKED"}) {
		t.Errorf("the second event of u1 did not follow the first: %+v", b.Results[1])
	}
	if r := b.Results[6].Result; r == nil || r.Event.EventID == "" {
		t.Error("the event without id got none")
	}
	out, _ := json.Marshal(b)
	var body map[string]any
	json.Unmarshal(out, &body)
	for _, k := range []string{"status", "batchId", "successful", "failed", "failedRecords"} {
		if _, ok := body[k]; !ok {
			t.Errorf("BatchResult JSON lacks %q: %s", k, out)
		}
	}

	// All succeed, all fail, and a cancelled context.
	p2, _ := newProcessor(t, userevents.Config{})
	ok, _ := p2.ApplyBatch(ctx, []*userevents.ConsumerUserEvent{mustEvent(t, `{"timestamp":1700000000000,"userId":"u1"}`)}, userevents.Options{})
	if ok.Status != userevents.BatchSuccess || ok.FailedRecords != nil {
		t.Errorf("all good: %+v", ok)
	}
	bad, _ := p2.ApplyBatch(ctx, []*userevents.ConsumerUserEvent{mustEvent(t, `{"timestamp":1700000000000,"userId":"x"}`), nil}, userevents.Options{})
	if bad.Status != userevents.BatchFailure || bad.Failed != 2 {
		t.Errorf("all bad: %+v", bad)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	cb, err := p2.ApplyBatch(cctx, []*userevents.ConsumerUserEvent{mustEvent(t, `{"timestamp":1700000000000,"userId":"u1"}`)}, userevents.Options{})
	if !errors.Is(err, context.Canceled) || cb.FailedRecords[0].ReasonCode != userevents.ReasonCancelled {
		t.Errorf("cancelled: %+v, %v", cb, err)
	}
}

func TestReasonCode(t *testing.T) {
	tests := map[error]string{
		&userevents.ValidationError{}:      userevents.ReasonInvalid,
		userevents.ErrUserNotFound:         userevents.ReasonIDNotFound,
		userevents.ErrUserTypeMismatch:     userevents.ReasonUserTypeMismatch,
		userevents.ErrTransitionNotAllowed: userevents.ReasonTransitionNotAllowed,
		userevents.ErrStaleEvent:           userevents.ReasonStaleEvent,
		userevents.ErrEventIDConflict:      userevents.ReasonEventIDConflict,
		userevents.ErrUserExists:           userevents.ReasonUserExists,
		userevents.ErrVersionConflict:      userevents.ReasonVersionConflict,
		context.DeadlineExceeded:           userevents.ReasonCancelled,
		errors.New("other"):                userevents.ReasonInternal,
	}
	for err, want := range tests {
		if got := userevents.ReasonCode(fmt.Errorf("wrapped: %w", err)); got != want {
			t.Errorf("ReasonCode(%v) = %s, want %s", err, got, want)
		}
	}
}

// TestReasonCodeNil checks the errors that are no failure at all.
func TestReasonCodeNil(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		// No error, no reason: a nil error is not an internal error.
		{name: "nil", err: nil, want: ""},
		// A nil *ValidationError in an error interface is still an error of this package.
		{name: "typed nil validation error", err: (*userevents.ValidationError)(nil), want: userevents.ReasonInvalid},
	}
	for _, tt := range tests {
		if got := userevents.ReasonCode(tt.err); got != tt.want {
			t.Errorf("%s: ReasonCode = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCreateNormalisesNames checks that Strict stores names in NFC at creation.
func TestCreateNormalisesNames(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := userevents.NewProcessor(s, userevents.Config{})
	u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000,
		UserDetails: &userevents.UserDetails{Name: &userevents.ConsumerName{FirstName: "Ame\u0301lie"}}}
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	rec, _ := s.LoadUser(ctx, "u1")
	if got := rec.Consumer.UserDetails.Name.FirstName; got != "Am\u00e9lie" {
		t.Errorf("stored %q, want NFC", got)
	}
	if u.UserDetails.Name.FirstName != "Ame\u0301lie" {
		t.Error("CreateConsumerUser changed the caller's user")
	}
}

// TestFixtureBatchResponse checks that BatchResult encodes the members of the shared
// BatchResponse fixture (whose counts the mock server fills with 1.1).
func TestFixtureBatchResponse(t *testing.T) {
	data, err := os.ReadFile("../shared/flagright/fixtures/batch-response.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared is absent")
	}
	var fixture map[string]any
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	b := userevents.BatchResult{BatchID: "id", Status: userevents.BatchPartialFailure, Successful: 1, Failed: 1,
		FailedRecords: []userevents.FailedRecord{{ID: "e1", ReasonCode: userevents.ReasonIDNotFound}}, Message: "m"}
	out, _ := json.Marshal(b)
	var got map[string]any
	json.Unmarshal(out, &got)
	for k := range fixture {
		if _, ok := got[k]; !ok {
			t.Errorf("BatchResult has no member %q", k)
		}
	}
	for k := range got {
		if _, ok := fixture[k]; !ok {
			t.Errorf("BatchResult has member %q that BatchResponse lacks", k)
		}
	}
	rec := fixture["failedRecords"].([]any)[0].(map[string]any)
	if _, ok := rec["id"]; !ok || len(rec) != 2 {
		t.Errorf("failed record members %v", rec)
	}
}

// TestFarFutureEventDoesNotBlockTheUser: under Strict and RejectStale, an event dated
// 2099 is refused on its timestamp, so the real events after it still apply. Under
// Compatible it is accepted (as Flagright does), and then the real events are stale.
func TestFarFutureEventDoesNotBlockTheUser(t *testing.T) {
	ctx := context.Background()
	clock := func() time.Time { return time.UnixMilli(1700000000000) }
	future := &userevents.ConsumerUserEvent{Timestamp: 4070908800000, UserID: "u1", EventID: "from-2099"} // 2099-01-01
	real := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "real"}

	p, _ := newProcessor(t, userevents.Config{StaleEvents: userevents.RejectStale, Clock: clock})
	_, err := p.Apply(ctx, future, userevents.Options{})
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "timestamp" || ve.Fields[0].Code != userevents.CodeOutOfRange {
		t.Fatalf("the 2099 event: got %v, want a timestamp out_of_range problem", err)
	}
	if _, err := p.Apply(ctx, real, userevents.Options{}); err != nil {
		t.Fatalf("a real event after the refused one: %v", err)
	}

	compat, _ := newProcessor(t, userevents.Config{Level: userevents.Compatible, StaleEvents: userevents.RejectStale, Clock: clock})
	if _, err := compat.Apply(ctx, future, userevents.Options{}); err != nil {
		t.Fatalf("Compatible refused the 2099 event: %v", err)
	}
	if _, err := compat.Apply(ctx, real, userevents.Options{}); !errors.Is(err, userevents.ErrStaleEvent) {
		t.Fatalf("Compatible, a real event after 2099: got %v, want ErrStaleEvent", err)
	}
}

// applyE1 applies event e1 to u1 (at 1700000000000) through p, which reads no history.
func applyE1(t *testing.T, p *userevents.Processor) {
	t.Helper()
	if _, err := p.Apply(context.Background(), mustEvent(t, `{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}`), userevents.Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestStoreReadErrorsAre500: a *ValidationError that comes out of a Store read (a stored
// document the store cannot decode) is the server's fault: the Processor wraps it with
// ErrStoredData, and HTTPStatus says 500, never 400.
func TestStoreReadErrorsAre500(t *testing.T) {
	ctx := context.Background()
	decodeErr := &userevents.ValidationError{Fields: []userevents.FieldError{{Path: "tags", Code: userevents.CodeTooLarge}}}
	ev := `{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}`
	tests := []struct {
		name  string
		op    string           // the failing Store operation
		order userevents.Order // the Processor's (ArrivalOrder unless the row needs another)
		call  func(p *userevents.Processor) error
	}{
		// Apply loads the user: a stored user that does not decode.
		{name: "Apply, LoadUser", op: storetest.OpLoadUser, call: func(p *userevents.Processor) error {
			_, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{})
			return err
		}},
		// Apply first looks for a stored event with the id (the replay).
		{name: "Apply, LoadEvent", op: storetest.OpLoadEvent, call: func(p *userevents.Processor) error {
			_, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{})
			return err
		}},
		// ApplyBatch goes through the same loads.
		{name: "ApplyBatch, LoadUser", op: storetest.OpLoadUser, call: func(p *userevents.Processor) error {
			b, err := p.ApplyBatch(ctx, []*userevents.ConsumerUserEvent{mustEvent(t, ev)}, userevents.Options{})
			if err != nil {
				return err
			}
			return b.Results[0].Err
		}},
		// Event reads a stored event.
		{name: "Event", op: storetest.OpLoadEvent, call: func(p *userevents.Processor) error {
			_, err := p.Event(ctx, "e1")
			return err
		}},
		// A client's retry of an applied event rebuilds its outcome from the history.
		{name: "Apply duplicate, LoadHistory", op: storetest.OpLoadHistory, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			_, err := p.Apply(ctx, mustEvent(t, ev), userevents.Options{})
			return err
		}},
		// Under TimestampOrder a late event reads the events after its place.
		{name: "Apply late, LoadHistory", op: storetest.OpLoadHistory, order: userevents.TimestampOrder, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			_, err := p.Apply(ctx, mustEvent(t, `{"timestamp":1600000000001,"userId":"u1","eventId":"e0"}`), userevents.Options{})
			return err
		}},
		// The past states and the events are read from the history.
		{name: "UserAt, LoadHistory", op: storetest.OpLoadHistory, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			_, err := p.UserAt(ctx, "u1", 1)
			return err
		}},
		{name: "UserAsOf, LoadHistory", op: storetest.OpLoadHistory, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			_, err := p.UserAsOf(ctx, "u1", 1600000000000)
			return err
		}},
		{name: "UserAsOf in timestamp order, LoadHistory", op: storetest.OpLoadHistory, order: userevents.TimestampOrder, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			_, err := p.UserAsOf(ctx, "u1", 1600000000000)
			return err
		}},
		{name: "History, LoadHistory", op: storetest.OpLoadHistory, call: func(p *userevents.Processor) error {
			applyE1(t, p)
			for _, err := range p.History(ctx, "u1") {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := overU1(t, failingOn(tt.op, fmt.Errorf("somestore: stored data: %w", decodeErr)))
			err := tt.call(userevents.NewProcessor(f, userevents.Config{Order: tt.order}))
			if !errors.Is(err, userevents.ErrStoredData) {
				t.Errorf("got %v, want ErrStoredData", err)
			}
			if got := userevents.HTTPStatus(err); got != http.StatusInternalServerError {
				t.Errorf("HTTPStatus = %d, want 500", got)
			}
			var ve *userevents.ValidationError
			if !errors.As(err, &ve) || ve != decodeErr {
				t.Errorf("the decoder's error is lost for the logs: %v", err)
			}
		})
	}
}

// TestApplyEventBatch checks that the records of a decoded batch that failed to decode
// fail alone, as failed records in input order, and that the others apply.
func TestApplyEventBatch(t *testing.T) {
	ctx := context.Background()
	longID := strings.Repeat("e", 257)
	tests := []struct {
		name       string
		records    []string
		failed     []userevents.FailedRecord
		paths      map[int]string // the path of a problem of each failed record, by index
		successful int
		status     string
	}{
		// The case: a 257-byte eventId fails alone, the others apply.
		{name: "long eventId", records: []string{
			`{"timestamp":1700000000000,"userId":"u1","eventId":"a"}`,
			`{"timestamp":1700000000000,"userId":"u1","eventId":"` + longID + `"}`,
			`{"timestamp":1700000000000,"userId":"u2","eventId":"c"}`,
		}, failed: []userevents.FailedRecord{{ID: "", ReasonCode: userevents.ReasonInvalid}},
			paths: map[int]string{1: "data[1].eventId"}, successful: 2, status: userevents.BatchPartialFailure},
		// Decode and apply failures side by side, in input order: a wrong type (its clean
		// id reported), a missing user, a bad enum (found when applied).
		{name: "mixed failures", records: []string{
			`{"timestamp":"now","userId":"u1","eventId":"a"}`,
			`{"timestamp":1700000000000,"userId":"nobody","eventId":"b"}`,
			`{"timestamp":1700000000000,"userId":"u1","eventId":"c","updatedConsumerUserAttributes":{"riskLevel":"NONE"}}`,
			`{"timestamp":1700000000000,"userId":"u1","eventId":"d"}`,
		}, failed: []userevents.FailedRecord{
			{ID: "a", ReasonCode: userevents.ReasonInvalid},
			{ID: "b", ReasonCode: userevents.ReasonIDNotFound},
			{ID: "c", ReasonCode: userevents.ReasonInvalid},
		}, paths: map[int]string{0: "data[0].timestamp"}, successful: 1, status: userevents.BatchPartialFailure},
		// Every record failing to decode is a FAILURE, with nothing applied.
		{name: "all bad", records: []string{`{"timestamp":1700000000000}`}, failed: []userevents.FailedRecord{{ID: "", ReasonCode: userevents.ReasonInvalid}},
			paths: map[int]string{0: "data[0].userId"}, status: userevents.BatchFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := newProcessor(t, userevents.Config{})
			b, err := userevents.DecodeEventBatch([]byte(`{"batchId":"B1","data":[` + strings.Join(tt.records, ",") + `]}`))
			if err != nil {
				t.Fatalf("the batch failed whole: %v", err)
			}
			res, err := p.ApplyEventBatch(ctx, b, userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.failed, res.FailedRecords); diff != "" {
				t.Errorf("failed records (-want +got):\n%s", diff)
			}
			if res.BatchID != "B1" || res.Status != tt.status || res.Successful != tt.successful || len(res.Results) != len(tt.records) {
				t.Errorf("batch %s, status %s, %d successful, %d results", res.BatchID, res.Status, res.Successful, len(res.Results))
			}
			if got := s.committed.Load(); got != int64(tt.successful) {
				t.Errorf("%d commits, want %d", got, tt.successful)
			}
			for i, path := range tt.paths {
				var ve *userevents.ValidationError
				if !errors.As(res.Results[i].Err, &ve) || !hasPath(ve, path) {
					t.Errorf("record %d: got %v, want a problem at %s", i, res.Results[i].Err, path)
				}
			}
			// What is left of a failed record does not apply through ApplyBatch either.
			events := make([]*userevents.ConsumerUserEvent, len(b.Data))
			for i := range b.Data {
				events[i] = &b.Data[i]
			}
			p2, s2 := newProcessor(t, userevents.Config{})
			if _, err := p2.ApplyBatch(ctx, events, userevents.Options{}); err != nil {
				t.Fatal(err)
			}
			if got := s2.committed.Load(); got != int64(tt.successful) {
				t.Errorf("ApplyBatch on Data: %d commits, want %d", got, tt.successful)
			}
		})
	}
}

// TestApplyEventBatchNil: a nil batch is refused as a nil event is (a *ValidationError,
// code required), without a panic or a commit.
func TestApplyEventBatchNil(t *testing.T) {
	p, s := newProcessor(t, userevents.Config{})
	res, err := p.ApplyEventBatch(context.Background(), nil, userevents.Options{})
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Code != userevents.CodeRequired || res != nil {
		t.Errorf("got %v, %v; want a required *ValidationError", res, err)
	}
	if got := s.commits.Load(); got != 0 {
		t.Errorf("%d commits", got)
	}
}

// TestApplyEventBatchID: under Strict a batchId is held to the id rule (a REST path
// names the batch), and a batch whose id breaks it is refused whole, with a field error
// on batchId and nothing applied; Compatible accepts it, as Flagright does.
func TestApplyEventBatchID(t *testing.T) {
	tests := []struct {
		id    string
		level userevents.Level
		ok    bool
	}{
		{"B1", userevents.Strict, true},           // an ordinary id
		{".", userevents.Strict, false},           // a path segment that names nothing
		{"..", userevents.Strict, false},          // the parent directory
		{"  ", userevents.Strict, false},          // white space only
		{"a\u202eb", userevents.Strict, false},    // a bidirectional override
		{"a\x01b", userevents.Strict, false},      // a control character
		{"..", userevents.Compatible, true},       // Compatible, as Flagright
		{"a\u202eb", userevents.Compatible, true}, // likewise
		{"a\x00b", userevents.Compatible, false},  // NUL, at both levels (built in Go: the decoder refuses it)
		{"a\xffb", userevents.Compatible, false},  // invalid UTF-8, likewise
	}
	for _, tt := range tests {
		t.Run(tt.level.String()+"/"+tt.id, func(t *testing.T) {
			p, s := newProcessor(t, userevents.Config{Level: tt.level})
			b := &userevents.EventBatch{BatchID: tt.id, Data: []userevents.ConsumerUserEvent{{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}}}
			res, err := p.ApplyEventBatch(context.Background(), b, userevents.Options{})
			if tt.ok {
				if err != nil || res.Successful != 1 {
					t.Errorf("got %+v, %v; want the event applied", res, err)
				}
				return
			}
			var ve *userevents.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "batchId" || ve.Fields[0].Code != userevents.CodeInvalidFormat || res != nil {
				t.Errorf("got %+v, %v; want an invalid_format error on batchId", res, err)
			}
			if got := s.commits.Load(); got != 0 {
				t.Errorf("%d commits; want none", got)
			}
		})
	}
}

func hasPath(ve *userevents.ValidationError, path string) bool {
	for _, f := range ve.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}
