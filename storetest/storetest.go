// Package storetest is the conformance suite of the userevents.Store contract. Every Store
// implementation runs it from a test:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) userevents.Store { return mystore.New(...) })
//	}
//
// and under the race detector (go test -race), which the concurrency properties need
// to mean anything. Each property runs in its own subtest with a fresh store from
// newStore, and reports every misbehaviour it sees, not only the first. The commits the
// suite makes hold what the library's do: the user of each record is the replay of its
// entry on the user before it (userevents.Replay), so a Store that keeps a user as its
// history passes as well as one that keeps the user.
//
// The package also has, for tests of a Store or of code that uses one: Checked, a wrapper
// (CheckedStore) that fingerprints every committed record and entry and fails the test
// when a load returns, or Verify finds, one that somebody changed (they are shared,
// read-only values); NoLostUpdate, a load of many goroutines on a few hot users, across
// one or several Processors (processes), that must lose no event with the zero Config;
// and FaultyStore, a wrapper that injects errors.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/together"
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
	{"ValuesAreNeverChanged", neverChanged},
	{"HistoryInVersionOrder", historyOrder},
	{"HistoryFromSnapshot", historyFromSnapshot},
	{"HistoryOfProcessor", historyOfProcessor},
	{"TimestampOrderPermutations", timestampOrder},
	{"ConcurrentCommitsOneWinner", oneWinner},
	{"ConcurrentUsersIndependent", independentUsers},
	{"ReadBackAtAndBeyondLimits", readBackLimits},
	{"ReadBackAcceptedEvents", readBackAccepted},
	{"ReadBackNUL", readBackNUL},
	{"IDsAreExact", idsExact},
	{"DoneContext", doneContext},
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
		Tags:          []userevents.UserTag{{Key: "tier", Value: "gold"}},
		ExternalLinks: []string{caseLink},
	}
}

// caseLink is the link of every event the suite commits, which every user it creates
// already has: so the user after an event is the event's replay on the user before it,
// whatever that was (a Store may keep a user as its history: userevents.Replay).
const caseLink = "https://example.com/case"

func business(id string) *userevents.BusinessUser {
	return &userevents.BusinessUser{
		UserID:           id,
		CreatedTimestamp: 1600000000000,
		LegalEntity:      json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME Ltd"}}`),
		Directors:        json.RawMessage(`[{"generalDetails":{"name":{"firstName":"Wile"}}}]`),
	}
}

// hist returns the history id the suite gives the user created under id.
func hist(id string) string { return "h-" + id }

// creation returns rec as a new user's record (version 1, its history hist(id) unless
// set) and the creation entry that goes with it.
func creation(rec userevents.Record) (userevents.Record, *userevents.StoredEvent) {
	rec.Version = 1
	if rec.HistoryID == "" {
		rec.HistoryID = hist(rec.UserID())
	}
	snap := rec
	return rec, &userevents.StoredEvent{Version: 1, HistoryID: rec.HistoryID, Snapshot: &snap}
}

// createRecord commits rec as a new user.
func createRecord(ctx context.Context, s userevents.Store, rec userevents.Record) error {
	rec, entry := creation(rec)
	return s.Commit(ctx, userevents.Commit{UserID: rec.UserID(), Record: rec, Event: entry})
}

// create commits a new consumer user.
func create(ctx context.Context, s userevents.Store, u *userevents.ConsumerUser) error {
	return createRecord(ctx, s, userevents.Record{Consumer: u})
}

// createUsers creates user(id) for each of ids, and records a violation for each that fails.
func (c *collector) createUsers(ctx context.Context, s userevents.Store, ids ...string) {
	for _, id := range ids {
		c.expect("create "+id, create(ctx, s, user(id)), nil)
	}
}

// asCreated records a violation unless user id stands as createUsers left it: the
// creation's record, and a history of the creation alone.
func (c *collector) asCreated(ctx context.Context, s userevents.Store, id string) {
	want, _ := creation(userevents.Record{Consumer: user(id)})
	c.loadSame(ctx, s, id, want)
	c.historyVersions(ctx, s, hist(id), 1, []int64{1})
}

// event returns the history entry of event id for userID, the outcome of going from
// version-1 to version, in history hist(userID).
func event(id, userID string, version int64) *userevents.StoredEvent {
	return &userevents.StoredEvent{
		ConsumerUserEvent: userevents.ConsumerUserEvent{
			Timestamp: 1700000000000.25, UserID: userID, EventID: id, Reason: userevents.Ptr("test"),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set("engineer " + id)},
			ExternalLinks:                 []string{caseLink},
		},
		Options:         userevents.Options{LockKYCRiskLevel: userevents.Ptr(true)},
		Version:         version,
		HistoryID:       hist(userID),
		Level:           userevents.Compatible,
		Changes:         []string{"occupation"},
		StateTransition: &userevents.Transition{From: "CREATED", To: "ACTIVE"},
	}
}

// updated returns the record of userID after event id at version, and its entry.
func updated(id, userID string, version int64) (userevents.Record, *userevents.StoredEvent) {
	u := user(userID)
	u.Occupation = userevents.Ptr("engineer " + id)
	ev := event(id, userID, version)
	return userevents.Record{Consumer: u, Version: version, LastEventTimestamp: ev.Timestamp, HistoryID: hist(userID), SnapshotDue: 100 - version}, ev
}

// update commits event eventID to userID from version to version+1.
func update(ctx context.Context, s userevents.Store, userID string, version int64, eventID string) error {
	rec, ev := updated(eventID, userID, version+1)
	return s.Commit(ctx, userevents.Commit{UserID: userID, ExpectedVersion: version, Record: rec, Event: ev})
}

// recordJSON is a comparable form of a record.
func recordJSON(r userevents.Record) string {
	b, _ := json.Marshal(struct {
		Consumer             *userevents.ConsumerUser
		Business             *userevents.BusinessUser
		Version              int64
		KYCLocked, CRALocked bool
		LastEventTimestamp   float64
		HistoryID            string
		SnapshotDue          int64
	}{r.Consumer, r.Business, r.Version, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, r.HistoryID, r.SnapshotDue})
	return string(b)
}

// eventJSON is a comparable form of a stored entry, outcome and snapshot included.
func eventJSON(e *userevents.StoredEvent) string {
	if e == nil {
		return "null"
	}
	snap := "none"
	if e.Snapshot != nil {
		snap = recordJSON(*e.Snapshot)
	}
	b, _ := json.Marshal(struct {
		Wire       *userevents.StoredEvent
		Options    userevents.Options
		Version    int64
		HistoryID  string
		Level      userevents.Level
		Snapshot   string
		Changes    []string
		State, KYC *userevents.Transition
		Converted  bool
		Replayed   []string
	}{e, e.Options, e.Version, e.HistoryID, e.Level, snap, e.Changes, e.StateTransition, e.KYCTransition, e.Converted, e.Replayed})
	return string(b)
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
	want, _ := creation(userevents.Record{Consumer: user("u1")})
	c.loadSame(ctx, s, "u1", want)
	// A fractional timestamp (milliseconds are numbers, not integers).
	b := userevents.Record{Business: business("b1"), KYCRiskLevelLocked: true, LastEventTimestamp: 1650000000000.5, SnapshotDue: 7}
	c.expect("create business b1", createRecord(ctx, s, b), nil)
	want, _ = creation(userevents.Record{Business: business("b1"), KYCRiskLevelLocked: true, LastEventTimestamp: 1650000000000.5, SnapshotDue: 7})
	c.loadSame(ctx, s, "b1", want)
	// A creation's entry has no event id: LoadEvent does not find it.
	c.noEvent(ctx, s, "")
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
	c.createUsers(ctx, s, "u1")
	other := user("u1")
	other.Occupation = userevents.Ptr("impostor")
	c.expect("create u1 again", create(ctx, s, other), userevents.ErrUserExists)
	err := createRecord(ctx, s, userevents.Record{Business: business("u1"), HistoryID: "h-other"})
	c.expect("create business u1 over a consumer", err, userevents.ErrUserExists)
	want, _ := creation(userevents.Record{Consumer: user("u1")})
	c.loadSame(ctx, s, "u1", want)
	c.historyVersions(ctx, s, "h-other", 1, nil)
	return c
}

func versionCheck(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1")
	c.expect("update u1 from version 1", update(ctx, s, "u1", 1, "e1"), nil)
	want, _ := updated("e1", "u1", 2)
	c.loadSame(ctx, s, "u1", want)
	c.expect("update u1 from the stale version 1", update(ctx, s, "u1", 1, "e2"), userevents.ErrVersionConflict)
	c.expect("update u1 from a future version 5", update(ctx, s, "u1", 5, "e3"), userevents.ErrVersionConflict)
	c.expect("update the missing u2 from version 1", update(ctx, s, "u2", 1, "e4"), userevents.ErrVersionConflict)
	c.loadSame(ctx, s, "u1", want)
	for _, id := range []string{"e2", "e3", "e4"} {
		c.noEvent(ctx, s, id)
	}
	c.noUser(ctx, s, "u2")
	return c
}

func eventRoundTrip(ctx context.Context, s userevents.Store) []error {
	var c collector
	// A conversion: the business user u1 becomes a consumer user; the entry keeps a
	// snapshot of the record after it, and everything else an entry holds.
	c.expect("create business u1", createRecord(ctx, s, userevents.Record{Business: business("u1"), CRARiskLevelLocked: true}), nil)
	next, ev := updated("e1", "u1", 2)
	next.CRARiskLevelLocked = true
	ev.Converted = true
	ev.Replayed = []string{} // late, with no event after it: not the same as nil
	ev.Level = userevents.Strict
	ev.Options.AllowUserTypeConversion = true
	ev.KYCTransition = &userevents.Transition{From: "", To: "NEW"}
	ev.ExecutedRules = []userevents.ExecutedRulesResult{{RuleInstanceID: "r1", RuleName: "n", RuleDescription: "d", RuleAction: userevents.RuleActionFlag, RuleHit: true}}
	ev.HitRules = []userevents.HitRulesDetails{{RuleInstanceID: "r1", RuleName: "n", RuleDescription: "d", RuleAction: userevents.RuleActionFlag}}
	ev.EventDescription = userevents.Ptr("described")
	// -0 is a number of its own (the encoder writes it -0).
	ev.RiskScoreDetails = &userevents.UserRiskScoreDetails{KYCRiskScore: userevents.Ptr(12.5), KYCRiskLevel: userevents.RiskLevelVeryLow,
		CRARiskScore: userevents.Ptr(math.Copysign(0, -1))}
	snap := next
	ev.Snapshot = &snap
	err := s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: 1, Record: next, Event: ev})
	c.expect("commit e1", err, nil)
	got, err := s.LoadEvent(ctx, "e1")
	c.expect("LoadEvent(e1)", err, nil)
	if g, w := eventJSON(got), eventJSON(ev); err == nil && g != w {
		c.errorf("LoadEvent(e1):\n got %s\nwant %s", g, w)
	}
	// The same entry, and the creation before it, through the history.
	_, first := creation(userevents.Record{Business: business("u1"), CRARiskLevelLocked: true})
	c.historySame(ctx, s, hist("u1"), 1, []*userevents.StoredEvent{first, ev})
	return c
}

func eventIDUnique(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1", "u2")
	c.expect("event e1 for u1", update(ctx, s, "u1", 1, "e1"), nil)
	c.expect("event e1 again for u2", update(ctx, s, "u2", 1, "e1"), userevents.ErrEventIDConflict)
	c.expect("event e1 again for u1", update(ctx, s, "u1", 2, "e1"), userevents.ErrEventIDConflict)
	c.asCreated(ctx, s, "u2")
	// Ids of the longest kind that differ only in their last byte are two ids (an
	// index on a prefix would take them for one).
	long := strings.Repeat("e", userevents.DefaultLimits().MaxIDBytes-1)
	c.expect("event "+long[:8]+"…a for u2", update(ctx, s, "u2", 1, long+"a"), nil)
	c.expect("event "+long[:8]+"…b for u2", update(ctx, s, "u2", 2, long+"b"), nil)
	got, err := s.LoadEvent(ctx, "e1")
	c.expect("LoadEvent(e1)", err, nil)
	if err == nil && got.UserID != "u1" {
		c.errorf("LoadEvent(e1) is for %q, want u1", got.UserID)
	}
	return c
}

// rekey commits the re-key of from to to, from version 1.
func rekey(ctx context.Context, s userevents.Store, from, to, eventID string) error {
	rec, ev := rekeyed(from, to, eventID)
	return s.Commit(ctx, userevents.Commit{UserID: from, ExpectedVersion: 1, Record: rec, Event: ev})
}

// rekeyed returns the record and entry of the re-key of from to to, at version 2.
func rekeyed(from, to, eventID string) (userevents.Record, *userevents.StoredEvent) {
	rec, ev := updated(eventID, from, 2)
	rec.Consumer.UserID = to
	ev.NewUserID = to
	ev.Options.ChangeUserID = true
	return rec, ev
}

func rekeyFree(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1")
	c.expect("re-key u1 to u9", rekey(ctx, s, "u1", "u9", "e1"), nil)
	want, _ := rekeyed("u1", "u9", "e1")
	c.loadSame(ctx, s, "u9", want)
	c.noUser(ctx, s, "u1")
	if _, err := s.LoadEvent(ctx, "e1"); err != nil {
		c.errorf("the re-key's event: %v", err)
	}
	// The history stays the user's: the creation under u1 and the re-key.
	c.historyVersions(ctx, s, hist("u1"), 1, []int64{1, 2})
	// The old id is free again, for a new user with a history of its own.
	c.expect("create u1 after the re-key", createRecord(ctx, s, userevents.Record{Consumer: user("u1"), HistoryID: "h-u1-again"}), nil)
	want, _ = creation(userevents.Record{Consumer: user("u1"), HistoryID: "h-u1-again"})
	c.loadSame(ctx, s, "u1", want)
	c.historyVersions(ctx, s, "h-u1-again", 1, []int64{1})
	c.historyVersions(ctx, s, hist("u1"), 1, []int64{1, 2})
	return c
}

func rekeyTaken(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1", "u2")
	c.expect("re-key u1 to the taken u2", rekey(ctx, s, "u1", "u2", "e1"), userevents.ErrUserExists)
	c.asCreated(ctx, s, "u1")
	c.asCreated(ctx, s, "u2")
	c.noEvent(ctx, s, "e1")
	return c
}

func atomicity(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1", "u2")
	c.expect("e1 for u2", update(ctx, s, "u2", 1, "e1"), nil)
	// A version conflict with a new event id: neither the user nor the entry is written.
	c.expect("stale commit", update(ctx, s, "u1", 7, "e2"), userevents.ErrVersionConflict)
	c.noEvent(ctx, s, "e2")
	// An event id conflict with a good version: the user is not written.
	c.expect("taken event id", update(ctx, s, "u1", 1, "e1"), userevents.ErrEventIDConflict)
	c.asCreated(ctx, s, "u1")
	// A creation over an existing user writes no entry either.
	rec, entry := creation(userevents.Record{Consumer: user("u1"), HistoryID: "h-again"})
	c.expect("create over u1", s.Commit(ctx, userevents.Commit{UserID: "u1", Record: rec, Event: entry}), userevents.ErrUserExists)
	c.historyVersions(ctx, s, "h-again", 1, nil)
	// A creation whose entry carries a taken event id writes nothing either: neither
	// the user nor its history, which can then be created.
	rec, entry = creation(userevents.Record{Consumer: user("u3")})
	entry.EventID = "e1"
	c.expect("create u3 with a taken event id", s.Commit(ctx, userevents.Commit{UserID: "u3", Record: rec, Event: entry}), userevents.ErrEventIDConflict)
	c.noUser(ctx, s, "u3")
	c.historyVersions(ctx, s, hist("u3"), 1, nil)
	c.expect("create u3", createRecord(ctx, s, userevents.Record{Consumer: user("u3")}), nil)
	return c
}

// neverChanged checks that a store never changes what it was given or handed out
// (records and entries are shared, read-only values): everything committed, loaded and
// yielded keeps its fingerprint through later commits and loads.
func neverChanged(ctx context.Context, s userevents.Store) []error {
	var c collector
	var given []func() string // each returns the current fingerprint of a value
	var prints []string
	keep := func(f func() string) {
		given = append(given, f)
		prints = append(prints, f())
	}
	rec, entry := creation(userevents.Record{Consumer: user("u1")})
	keep(func() string { return recordJSON(rec) })
	keep(func() string { return eventJSON(entry) })
	c.expect("create u1", s.Commit(ctx, userevents.Commit{UserID: "u1", Record: rec, Event: entry}), nil)
	for v := int64(1); v <= 3; v++ {
		next, ev := updated(fmt.Sprintf("e%d", v), "u1", v+1)
		if v == 2 {
			snap := next
			ev.Snapshot = &snap
			ev.Replayed = []string{"e1"}
		}
		keep(func() string { return recordJSON(next) })
		keep(func() string { return eventJSON(ev) })
		c.expect("update u1", s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: v, Record: next, Event: ev}), nil)
		if got, err := s.LoadUser(ctx, "u1"); err == nil {
			keep(func() string { return recordJSON(got) })
		}
		if got, err := s.LoadEvent(ctx, fmt.Sprintf("e%d", v)); err == nil {
			keep(func() string { return eventJSON(got) })
		}
		for e, err := range s.LoadHistory(ctx, hist("u1"), 1) {
			if err == nil {
				keep(func() string { return eventJSON(e) })
			}
		}
	}
	next, ev := updated("e9", "u1", 5)
	next.Consumer.UserID, ev.NewUserID, ev.Options.ChangeUserID = "u2", "u2", true
	keep(func() string { return recordJSON(next) })
	keep(func() string { return eventJSON(ev) })
	c.expect("re-key u1 to u2", s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: 4, Record: next, Event: ev}), nil)
	for i, f := range given {
		if got := f(); got != prints[i] {
			c.errorf("value %d changed after it was given to or returned by the store:\n got %s\nwant %s", i, got, prints[i])
		}
	}
	return c
}

// historyVersions records a violation unless LoadHistory(historyID, at) yields entries
// of exactly the versions want.
func (c *collector) historyVersions(ctx context.Context, s userevents.Store, historyID string, at int64, want []int64) {
	var got []int64
	for e, err := range s.LoadHistory(ctx, historyID, at) {
		if err != nil {
			c.errorf("LoadHistory(%q, %d): %v", historyID, at, err)
			return
		}
		if e.HistoryID != historyID {
			c.errorf("LoadHistory(%q, %d) yields an entry of history %q", historyID, at, e.HistoryID)
		}
		got = append(got, e.Version)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		c.errorf("LoadHistory(%q, %d): versions %v, want %v", historyID, at, got, want)
	}
}

// historySame records a violation unless LoadHistory(historyID, at) yields exactly want.
func (c *collector) historySame(ctx context.Context, s userevents.Store, historyID string, at int64, want []*userevents.StoredEvent) {
	var got []*userevents.StoredEvent
	for e, err := range s.LoadHistory(ctx, historyID, at) {
		if err != nil {
			c.errorf("LoadHistory(%q, %d): %v", historyID, at, err)
			return
		}
		got = append(got, e)
	}
	if len(got) != len(want) {
		c.errorf("LoadHistory(%q, %d): %d entries, want %d", historyID, at, len(got), len(want))
		return
	}
	for i := range got {
		c.sameJSON(fmt.Sprintf("LoadHistory(%q, %d) entry %d", historyID, at, i), eventJSON(got[i]), eventJSON(want[i]))
	}
}

// historyOrder checks that a history lists its entries in version order, the creation
// first, whatever other users commit in between; that an unknown history is empty; and
// that the caller may stop early.
func historyOrder(ctx context.Context, s userevents.Store) []error {
	var c collector
	// u1x's history id extends u1's ("h-u1x"): a history is found by its whole id.
	c.createUsers(ctx, s, "u1", "u2", "u1x")
	for v := int64(1); v <= 11; v++ {
		c.expect("update u1", update(ctx, s, "u1", v, fmt.Sprintf("u1-e%d", v)), nil)
		if v <= 2 {
			c.expect("update u2", update(ctx, s, "u2", v, fmt.Sprintf("u2-e%d", v)), nil)
			c.expect("update u1x", update(ctx, s, "u1x", v, fmt.Sprintf("u1x-e%d", v)), nil)
		}
	}
	// Twelve versions: 10 after 9, as numbers, not as text.
	all := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	c.historyVersions(ctx, s, hist("u1"), 1, all)
	c.historyVersions(ctx, s, hist("u2"), 1, []int64{1, 2, 3})
	c.historyVersions(ctx, s, "h-nobody", 1, nil)
	// Only the creation holds a snapshot: every version starts from it.
	c.historyVersions(ctx, s, hist("u1"), 4, all)
	// An early event is found as it was committed, after later ones.
	_, first := updated("u1-e1", "u1", 2)
	c.loadEventSame(ctx, s, "u1-e1", first)
	n := 0
	for range s.LoadHistory(ctx, hist("u1"), 1) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		c.errorf("stopping after 2 entries: saw %d", n)
	}
	return c
}

// historyFromSnapshot checks that LoadHistory starts at the newest snapshot at or before
// the version asked for.
func historyFromSnapshot(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1")
	snapshots := map[int64]bool{3: true, 4: true, 7: true}
	for v := int64(2); v <= 9; v++ {
		next, ev := updated(fmt.Sprintf("e%d", v), "u1", v)
		if snapshots[v] {
			snap := next
			ev.Snapshot = &snap
		}
		c.expect("update u1", s.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: v - 1, Record: next, Event: ev}), nil)
	}
	all := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, tc := range []struct {
		at   int64
		from int64 // the first version yielded
	}{
		{-1, 1}, // before the creation: everything
		{0, 1},  // likewise
		{1, 1},  // the creation's own snapshot
		{2, 1},  // no snapshot between 1 and 2
		{3, 3},  // a snapshot at the version itself
		{4, 4},  // two snapshots in a row
		{6, 4},  // the newest snapshot before 6
		{7, 7},  // the next snapshot
		{9, 7},  // the newest version
		{50, 7}, // beyond the newest version: from the newest snapshot
	} {
		c.historyVersions(ctx, s, hist("u1"), tc.at, all[tc.from-1:])
	}
	return c
}

// oneWinner runs K concurrent commits on the same version, for each of many users (a
// store that checks the version and then writes without a lock loses this race only
// now and then): exactly one wins each race.
func oneWinner(ctx context.Context, s userevents.Store) []error {
	var c collector
	for r := range 20 {
		c.oneRace(ctx, s, fmt.Sprintf("u%d", r))
	}
	return c
}

// oneRace creates user id and runs K concurrent commits on its version 1.
func (c *collector) oneRace(ctx context.Context, s userevents.Store, id string) {
	c.createUsers(ctx, s, id)
	const k = 16
	errs := make([]error, k) // one slot per goroutine
	together.Run(k, func(i int) { errs[i] = update(ctx, s, id, 1, fmt.Sprintf("%s-e%d", id, i)) })
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			c.errorf("%s: commits %d and %d both won", id, winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, userevents.ErrVersionConflict):
			c.errorf("%s: commit %d: got %v, want ErrVersionConflict", id, i, err)
		}
	}
	if winner < 0 {
		c.errorf("%s: no commit won", id)
		return
	}
	rec, err := s.LoadUser(ctx, id)
	if err != nil || rec.Version != 2 {
		c.errorf("%s after the race: version %d (%v), want 2", id, rec.Version, err)
	}
	c.historyVersions(ctx, s, hist(id), 1, []int64{1, 2})
	for i := 0; i < k; i++ {
		_, err := s.LoadEvent(ctx, fmt.Sprintf("%s-e%d", id, i))
		if i == winner {
			c.expect(id+": the winner's event", err, nil)
		} else {
			c.expect(fmt.Sprintf("%s: loser %d's event", id, i), err, userevents.ErrEventNotFound)
		}
	}
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

// idsExact checks that user and event ids are compared byte for byte: ids that differ
// only in case, in trailing spaces or in their Unicode normal form are different ids
// (a case-insensitive or space-padding collation takes them for one).
func idsExact(ctx context.Context, s userevents.Store) []error {
	var c collector
	ids := []string{"u1", "U1", "u1 ", "é", "e\u0301"}
	for _, id := range ids {
		c.expect(fmt.Sprintf("create %q", id), create(ctx, s, user(id)), nil)
		c.expect(fmt.Sprintf("event %q for %q", "ev-"+id, id), update(ctx, s, id, 1, "ev-"+id), nil)
	}
	for _, id := range ids {
		want, ev := updated("ev-"+id, id, 2)
		c.loadSame(ctx, s, id, want)
		c.loadEventSame(ctx, s, "ev-"+id, ev)
		c.historyVersions(ctx, s, hist(id), 1, []int64{1, 2})
	}
	c.noUser(ctx, s, "U1 ")
	c.noEvent(ctx, s, "EV-u1")
	return c
}

// doneContext checks that a store honours a done context: a Commit returns its error
// and writes nothing, and LoadHistory yields either the whole history or, last, an
// error (never part of it as if it were all).
func doneContext(ctx context.Context, s userevents.Store) []error {
	var c collector
	c.createUsers(ctx, s, "u1")
	for v := int64(1); v <= 3; v++ {
		c.expect("update u1", update(ctx, s, "u1", v, fmt.Sprintf("e%d", v)), nil)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	c.expect("commit under a done context", update(done, s, "u1", 4, "e4"), context.Canceled)
	want, _ := updated("e3", "u1", 4)
	c.loadSame(ctx, s, "u1", want)
	c.noEvent(ctx, s, "e4")
	var versions []int64
	var last error
	for e, err := range s.LoadHistory(done, hist("u1"), 1) {
		if err != nil {
			last = err
			break
		}
		versions = append(versions, e.Version)
	}
	if last == nil && fmt.Sprint(versions) != fmt.Sprint([]int64{1, 2, 3, 4}) {
		c.errorf("LoadHistory under a done context: versions %v and no error", versions)
	}
	return c
}
