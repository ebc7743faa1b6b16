// Package storetest is the conformance suite of the userevents.Store contract. Every Store
// implementation runs it from a test:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) userevents.Store { return mystore.New(...) })
//	}
//
// and under the race detector (go test -race), which the concurrency properties need
// to mean anything. Each property runs in its own subtest with a fresh store from
// newStore, and reports every misbehaviour it sees, not only the first.
//
// The package also has FaultyStore, a wrapper that injects errors, for testing code that
// uses a Store.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/shopspring/decimal"
)

// Run checks that the stores newStore returns follow the userevents.Store contract. It
// calls newStore once per property, in that property's subtest.
func Run(t *testing.T, newStore func(t *testing.T) userevents.Store) {
	t.Helper()
	for _, p := range properties {
		p := p
		t.Run(p.name, func(t *testing.T) {
			s := newStore(t)
			for _, err := range p.check(context.Background(), s) {
				t.Error(err)
			}
		})
	}
}

// property is one property of the contract; check returns every violation it finds.
type property struct {
	name  string
	check func(ctx context.Context, s userevents.Store) []error
}

var properties = []property{
	{"CreateAndLoad", createAndLoad},
	{"LoadMissing", loadMissing},
	{"CreateExisting", createExisting},
	{"VersionCheck", versionCheck},
	{"EventRoundTrip", eventRoundTrip},
	{"EventIDUniqueAcrossUsers", eventIDUnique},
	{"RekeyToFreeID", rekeyFree},
	{"RekeyToTakenID", rekeyTaken},
	{"RefusedCommitWritesNothing", atomicity},
	{"LoadedValuesAreCopies", loadCopies},
	{"CommittedValuesAreCopies", commitCopies},
	{"ConcurrentCommitsOneWinner", oneWinner},
	{"ConcurrentUsersIndependent", independentUsers},
	{"ReadBackAtAndBeyondLimits", readBackLimits},
	{"ReadBackAcceptedEvents", readBackAccepted},
	{"ReadBackNUL", readBackNUL},
}

// collector gathers violations.
type collector []error

func (c *collector) errorf(format string, args ...any) { *c = append(*c, fmt.Errorf(format, args...)) }

// expect records a violation unless err matches want (nil: no error).
func (c *collector) expect(what string, err, want error) {
	switch {
	case want == nil && err != nil:
		c.errorf("%s: unexpected error %v", what, err)
	case want != nil && !errors.Is(err, want):
		c.errorf("%s: got error %v, want %v", what, err, want)
	}
}

// user returns a consumer user with some nested data.
func user(id string) *userevents.ConsumerUser {
	return &userevents.ConsumerUser{
		UserID:           id,
		CreatedTimestamp: 1600000000000,
		UserDetails: &userevents.UserDetails{
			Name:               &userevents.ConsumerName{FirstName: "Ada", LastName: userevents.Ptr("Lovelace")},
			CountryOfResidence: "GB",
		},
		UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateActive, Reason: userevents.Ptr("onboarded")},
		TransactionLimits: &userevents.TransactionLimits{MaximumDailyTransactionLimit: &userevents.Amount{
			Value: decimal.RequireFromString("1000.50"), Currency: "GBP"}},
		Tags: []userevents.UserTag{{Key: "tier", Value: "gold"}},
	}
}

func business(id string) *userevents.BusinessUser {
	return &userevents.BusinessUser{
		UserID:           id,
		CreatedTimestamp: 1600000000000,
		LegalEntity:      json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME Ltd"}}`),
		Directors:        json.RawMessage(`[{"generalDetails":{"name":{"firstName":"Wile"}}}]`),
	}
}

// event returns a stored event for userID, the outcome of going from version-1 to version.
func event(id, userID string, version int64) *userevents.StoredEvent {
	u := user(userID)
	u.Occupation = userevents.Ptr("engineer " + id)
	prev := user(userID)
	return &userevents.StoredEvent{
		ConsumerUserEvent: userevents.ConsumerUserEvent{
			Timestamp: 1700000000000, UserID: userID, EventID: id, Reason: userevents.Ptr("test"),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set("engineer " + id)},
			ExternalLinks:                 []string{"https://example.com/" + id},
		},
		Options:         userevents.Options{LockKYCRiskLevel: userevents.Ptr(true)},
		Version:         version,
		User:            u,
		Previous:        userevents.Record{Consumer: prev, Version: version - 1},
		Changes:         []string{"occupation"},
		StateTransition: &userevents.Transition{From: "CREATED", To: "ACTIVE"},
	}
}

// create commits a new user with version 1.
func create(ctx context.Context, s userevents.Store, u *userevents.ConsumerUser) error {
	return s.Commit(ctx, userevents.Commit{UserID: u.UserID, Record: userevents.Record{Consumer: u, Version: 1}})
}

// update commits an event to userID from version to version+1.
func update(ctx context.Context, s userevents.Store, userID string, version int64, eventID string) error {
	ev := event(eventID, userID, version+1)
	return s.Commit(ctx, userevents.Commit{UserID: userID, ExpectedVersion: version,
		Record: userevents.Record{Consumer: ev.User, Version: version + 1, LastEventTimestamp: ev.Timestamp}, Event: ev})
}

// recordJSON is a comparable form of a record.
func recordJSON(r userevents.Record) string {
	b, _ := json.Marshal(struct {
		Consumer             *userevents.ConsumerUser
		Business             *userevents.BusinessUser
		Version              int64
		KYCLocked, CRALocked bool
		LastEventTimestamp   float64
	}{r.Consumer, r.Business, r.Version, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp})
	return string(b)
}

// eventJSON is a comparable form of a stored event, outcome included.
func eventJSON(e *userevents.StoredEvent) string {
	if e == nil {
		return "null"
	}
	b, _ := json.Marshal(struct {
		Wire       *userevents.StoredEvent
		Options    userevents.Options
		Version    int64
		User       *userevents.ConsumerUser
		Previous   string
		Changes    []string
		State, KYC *userevents.Transition
		Converted  bool
	}{e, e.Options, e.Version, e.User, recordJSON(e.Previous), e.Changes, e.StateTransition, e.KYCTransition, e.Converted})
	return string(b)
}

// loadEqual records a violation unless the record of id equals want.
func (c *collector) loadEqual(ctx context.Context, s userevents.Store, id string, want userevents.Record) {
	got, err := s.LoadUser(ctx, id)
	if err != nil {
		c.errorf("LoadUser(%q): %v", id, err)
		return
	}
	if g, w := recordJSON(got), recordJSON(want); g != w {
		c.errorf("LoadUser(%q):\n got %s\nwant %s", id, g, w)
	}
}

func (c *collector) noUser(ctx context.Context, s userevents.Store, id string) {
	_, err := s.LoadUser(ctx, id)
	c.expect(fmt.Sprintf("LoadUser(%q) of no user", id), err, userevents.ErrUserNotFound)
}

func (c *collector) noEvent(ctx context.Context, s userevents.Store, id string) {
	_, err := s.LoadEvent(ctx, id)
	c.expect(fmt.Sprintf("LoadEvent(%q) of no event", id), err, userevents.ErrEventNotFound)
}

func createAndLoad(ctx context.Context, s userevents.Store) []error {
	var c collector
	u := user("u1")
	c.expect("create consumer u1", create(ctx, s, u), nil)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	b := business("b1")
	err := s.Commit(ctx, userevents.Commit{UserID: "b1", Record: userevents.Record{Business: b, Version: 1, KYCRiskLevelLocked: true, LastEventTimestamp: 1650000000000}})
	c.expect("create business b1", err, nil)
	c.loadEqual(ctx, s, "b1", userevents.Record{Business: business("b1"), Version: 1, KYCRiskLevelLocked: true, LastEventTimestamp: 1650000000000})
	return c
}

func loadMissing(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.noUser(ctx, s, "nobody")
	c.noEvent(ctx, s, "nothing")
	return c
}

func createExisting(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	other := user("u1")
	other.Occupation = userevents.Ptr("impostor")
	c.expect("create u1 again", create(ctx, s, other), userevents.ErrUserExists)
	err := s.Commit(ctx, userevents.Commit{UserID: "u1", Record: userevents.Record{Business: business("u1"), Version: 1}})
	c.expect("create business u1 over a consumer", err, userevents.ErrUserExists)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	return c
}

func versionCheck(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("update u1 from version 1", update(ctx, s, "u1", 1, "e1"), nil)
	after := event("e1", "u1", 2)
	want := userevents.Record{Consumer: after.User, Version: 2, LastEventTimestamp: after.Timestamp}
	c.loadEqual(ctx, s, "u1", want)
	c.expect("update u1 from the stale version 1", update(ctx, s, "u1", 1, "e2"), userevents.ErrVersionConflict)
	c.expect("update u1 from a future version 5", update(ctx, s, "u1", 5, "e3"), userevents.ErrVersionConflict)
	c.expect("update the missing u2 from version 1", update(ctx, s, "u2", 1, "e4"), userevents.ErrVersionConflict)
	c.loadEqual(ctx, s, "u1", want)
	for _, id := range []string{"e2", "e3", "e4"} {
		c.noEvent(ctx, s, id)
	}
	c.noUser(ctx, s, "u2")
	return c
}

func eventRoundTrip(ctx context.Context, s userevents.Store) []error {
	var c collector
	// A conversion: the business user u1 becomes a consumer user, and the event keeps
	// the whole business record as its previous record.
	prev := userevents.Record{Business: business("u1"), Version: 1, CRARiskLevelLocked: true}
	c.expect("create business u1", s.Commit(ctx, userevents.Commit{UserID: "u1", Record: prev}), nil)
	ev := event("e1", "u1", 2)
	ev.Previous = userevents.Record{Business: business("u1"), Version: 1, CRARiskLevelLocked: true}
	ev.Converted = true
	ev.KYCTransition = &userevents.Transition{From: "", To: "NEW"}
	ev.ExecutedRules = []userevents.ExecutedRulesResult{{RuleInstanceID: "r1", RuleName: "n", RuleDescription: "d", RuleAction: userevents.RuleActionFlag, RuleHit: true}}
	ev.RiskScoreDetails = &userevents.UserRiskScoreDetails{KYCRiskScore: userevents.Ptr(12.5), KYCRiskLevel: userevents.RiskLevelVeryLow}
	err := s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: 1, Record: userevents.Record{Consumer: ev.User, Version: 2}, Event: ev})
	c.expect("commit e1", err, nil)
	got, err := s.LoadEvent(ctx, "e1")
	c.expect("LoadEvent(e1)", err, nil)
	if g, w := eventJSON(got), eventJSON(ev); err == nil && g != w {
		c.errorf("LoadEvent(e1):\n got %s\nwant %s", g, w)
	}
	return c
}

func eventIDUnique(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("create u2", create(ctx, s, user("u2")), nil)
	c.expect("event e1 for u1", update(ctx, s, "u1", 1, "e1"), nil)
	c.expect("event e1 again for u2", update(ctx, s, "u2", 1, "e1"), userevents.ErrEventIDConflict)
	c.expect("event e1 again for u1", update(ctx, s, "u1", 2, "e1"), userevents.ErrEventIDConflict)
	c.loadEqual(ctx, s, "u2", userevents.Record{Consumer: user("u2"), Version: 1})
	got, err := s.LoadEvent(ctx, "e1")
	c.expect("LoadEvent(e1)", err, nil)
	if err == nil && got.UserID != "u1" {
		c.errorf("LoadEvent(e1) is for %q, want u1", got.UserID)
	}
	return c
}

// rekey commits the re-key of from to to, from version 1.
func rekey(ctx context.Context, s userevents.Store, from, to, eventID string) error {
	ev := event(eventID, from, 2)
	ev.User.UserID = to
	ev.NewUserID = to
	ev.Options.ChangeUserID = true
	return s.Commit(ctx, userevents.Commit{UserID: from, ExpectedVersion: 1, Record: userevents.Record{Consumer: ev.User, Version: 2}, Event: ev})
}

func rekeyFree(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("re-key u1 to u9", rekey(ctx, s, "u1", "u9", "e1"), nil)
	want := event("e1", "u9", 2).User
	c.loadEqual(ctx, s, "u9", userevents.Record{Consumer: want, Version: 2})
	c.noUser(ctx, s, "u1")
	if _, err := s.LoadEvent(ctx, "e1"); err != nil {
		c.errorf("the re-key's event: %v", err)
	}
	// The old id is free again.
	c.expect("create u1 after the re-key", create(ctx, s, user("u1")), nil)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	return c
}

func rekeyTaken(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("create u2", create(ctx, s, user("u2")), nil)
	c.expect("re-key u1 to the taken u2", rekey(ctx, s, "u1", "u2", "e1"), userevents.ErrUserExists)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	c.loadEqual(ctx, s, "u2", userevents.Record{Consumer: user("u2"), Version: 1})
	c.noEvent(ctx, s, "e1")
	return c
}

func atomicity(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("create u2", create(ctx, s, user("u2")), nil)
	c.expect("e1 for u2", update(ctx, s, "u2", 1, "e1"), nil)
	// A version conflict with a new event id: neither the user nor the event is written.
	c.expect("stale commit", update(ctx, s, "u1", 7, "e2"), userevents.ErrVersionConflict)
	c.noEvent(ctx, s, "e2")
	// An event id conflict with a good version: the user is not written.
	c.expect("taken event id", update(ctx, s, "u1", 1, "e1"), userevents.ErrEventIDConflict)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	// A creation over an existing user writes no event either.
	ev := event("e3", "u1", 1)
	err := s.Commit(ctx, userevents.Commit{UserID: "u1", Record: userevents.Record{Consumer: user("u1"), Version: 1}, Event: ev})
	c.expect("create over u1 with an event", err, userevents.ErrUserExists)
	c.noEvent(ctx, s, "e3")
	return c
}

func loadCopies(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	c.expect("e1 for u1", update(ctx, s, "u1", 1, "e1"), nil)
	rec, err := s.LoadUser(ctx, "u1")
	c.expect("LoadUser(u1)", err, nil)
	want := recordJSON(rec)
	if err == nil {
		scribbleUser(rec.Consumer)
		rec.Version = 99
	}
	if got, _ := s.LoadUser(ctx, "u1"); recordJSON(got) != want {
		c.errorf("changing a loaded record changed the stored one:\n got %s\nwant %s", recordJSON(got), want)
	}
	ev, err := s.LoadEvent(ctx, "e1")
	c.expect("LoadEvent(e1)", err, nil)
	if err == nil {
		wantEv := eventJSON(ev)
		scribbleEvent(ev)
		if got, _ := s.LoadEvent(ctx, "e1"); eventJSON(got) != wantEv {
			c.errorf("changing a loaded event changed the stored one")
		}
	}
	return c
}

func commitCopies(ctx context.Context, s userevents.Store) []error {
	var c collector
	u := user("u1")
	c.expect("create u1", create(ctx, s, u), nil)
	scribbleUser(u)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: user("u1"), Version: 1})
	ev := event("e1", "u1", 2)
	rec := userevents.Record{Consumer: ev.User, Version: 2}
	c.expect("e1 for u1", s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: 1, Record: rec, Event: ev}), nil)
	scribbleEvent(ev)
	c.loadEqual(ctx, s, "u1", userevents.Record{Consumer: event("e1", "u1", 2).User, Version: 2})
	if got, err := s.LoadEvent(ctx, "e1"); err != nil || eventJSON(got) != eventJSON(event("e1", "u1", 2)) {
		c.errorf("changing a committed event changed the stored one (%v)", err)
	}
	return c
}

// scribbleUser changes, in place, everything a user refers to.
func scribbleUser(u *userevents.ConsumerUser) {
	u.UserDetails.Name.FirstName = "Scribbled"
	*u.UserDetails.Name.LastName = "Scribbled"
	u.UserStateDetails.State = userevents.UserStateBlocked
	*u.UserStateDetails.Reason = "scribbled"
	u.TransactionLimits.MaximumDailyTransactionLimit.Currency = "JPY"
	u.Tags[0].Value = "scribbled"
	u.Occupation = userevents.Ptr("scribbled")
}

func scribbleEvent(e *userevents.StoredEvent) {
	*e.Reason = "scribbled"
	e.ExternalLinks[0] = "scribbled"
	*e.Options.LockKYCRiskLevel = false
	e.Changes[0] = "scribbled"
	e.StateTransition.To = "scribbled"
	scribbleUser(e.User)
	scribbleUser(e.Previous.Consumer)
}

// oneWinner runs K concurrent commits on the same version: exactly one wins.
func oneWinner(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.expect("create u1", create(ctx, s, user("u1")), nil)
	const k = 16
	errs := make([]error, k) // one slot per goroutine
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = update(ctx, s, "u1", 1, fmt.Sprintf("e%d", i))
		}(i)
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			c.errorf("commits %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, userevents.ErrVersionConflict):
			c.errorf("commit %d: got %v, want ErrVersionConflict", i, err)
		}
	}
	if winner < 0 {
		c.errorf("no commit won")
		return c
	}
	rec, err := s.LoadUser(ctx, "u1")
	if err != nil || rec.Version != 2 {
		c.errorf("after the race: version %d (%v), want 2", rec.Version, err)
	}
	for i := 0; i < k; i++ {
		_, err := s.LoadEvent(ctx, fmt.Sprintf("e%d", i))
		if i == winner {
			c.expect("the winner's event", err, nil)
		} else {
			c.expect(fmt.Sprintf("loser %d's event", i), err, userevents.ErrEventNotFound)
		}
	}
	return c
}

// independentUsers runs commits to many users at once: every one succeeds.
func independentUsers(ctx context.Context, s userevents.Store) []error {
	var c collector
	const users, events = 8, 10
	for u := 0; u < users; u++ {
		c.expect("create", create(ctx, s, user(fmt.Sprintf("u%d", u))), nil)
	}
	errs := make([][]error, users)
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		wg.Add(1)
		go func(u int) {
			defer wg.Done()
			id := fmt.Sprintf("u%d", u)
			for v := int64(1); v <= events; v++ {
				if err := update(ctx, s, id, v, fmt.Sprintf("%s-e%d", id, v)); err != nil {
					errs[u] = append(errs[u], fmt.Errorf("user %s, version %d: %w", id, v, err))
				}
			}
		}(u)
	}
	wg.Wait()
	var all []string
	for _, e := range errs {
		for _, err := range e {
			all = append(all, err.Error())
		}
	}
	sort.Strings(all)
	if len(all) > 0 {
		c.errorf("commits to separate users failed:\n%s", strings.Join(all, "\n"))
	}
	for u := 0; u < users; u++ {
		rec, err := s.LoadUser(ctx, fmt.Sprintf("u%d", u))
		if err != nil || rec.Version != events+1 {
			c.errorf("user u%d: version %d (%v), want %d", u, rec.Version, err, events+1)
		}
	}
	return c
}
