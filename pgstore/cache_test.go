package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/compliancekit/userevents/storetest"
)

// TestConformanceWithoutCache runs the conformance suite with the cache off, so that
// every read decodes the row (TestConformance's reads of a user the store committed
// come from its cache).
func TestConformanceWithoutCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T) userevents.Store {
		return pgstore.NewWithOptions(newPool(t), pgstore.Options{CacheSize: -1})
	})
}

func state(s userevents.UserState) *userevents.ConsumerUserAttributes {
	return &userevents.ConsumerUserAttributes{UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(s)})}
}

// TestCacheAcrossStores: two Stores (two pools, as two processes) over one schema.
// Each sees what the other commits, and what is written by hand, whatever it has
// cached; a commit against a stale record is a version conflict that writes nothing,
// and the Processor then reloads and succeeds.
func TestCacheAcrossStores(t *testing.T) {
	ctx := context.Background()
	poolA := newPool(t)
	poolB := samePool(t, poolA)
	a, b := pgstore.New(poolA), pgstore.New(poolB)
	pa, pb := userevents.NewProcessor(a, userevents.Config{}), userevents.NewProcessor(b, userevents.Config{})
	if err := pa.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	ts := 1700000000000.0
	applyA := func(id string, st userevents.UserState) *userevents.Result {
		t.Helper()
		ts++
		res, err := pa.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: ts, UserID: "u1", EventID: id, UpdatedConsumerUserAttributes: state(st)}, userevents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	load := func(s *pgstore.Store, wantVersion int64, wantState userevents.UserState) userevents.Record {
		t.Helper()
		rec, err := s.LoadUser(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if rec.Version != wantVersion || rec.Consumer.UserStateDetails == nil || rec.Consumer.UserStateDetails.State != wantState {
			t.Fatalf("LoadUser: version %d, state %+v; want version %d, state %s", rec.Version, rec.Consumer.UserStateDetails, wantVersion, wantState)
		}
		return rec
	}

	res := applyA("e1", userevents.UserStateActive)
	// A serves what it committed from its cache: the same values.
	if rec := load(a, 2, userevents.UserStateActive); rec.Consumer != res.Record.Consumer {
		t.Error("LoadUser of the record just committed did not come from the cache")
	}
	// B reads it (and caches it), then A commits again: B sees the new version.
	first := load(b, 2, userevents.UserStateActive)
	if again := load(b, 2, userevents.UserStateActive); again.Consumer != first.Consumer {
		t.Error("LoadUser of an unchanged row did not come from the cache")
	}
	applyA("e2", userevents.UserStateSuspended)
	stale := load(b, 3, userevents.UserStateSuspended)
	// A row changed by hand, version and all unchanged: both stores see it.
	if _, err := poolA.Exec(ctx, `UPDATE userevents_users SET doc = json_build_object('userId', 'u1', 'createdTimestamp', 1600000000000,
		'userStateDetails', json_build_object('state', 'BLOCKED')) WHERE user_id = 'u1'`); err != nil {
		t.Fatal(err)
	}
	load(a, 3, userevents.UserStateBlocked)
	load(b, 3, userevents.UserStateBlocked)

	// A commit from a stale record: a version conflict, and nothing written.
	applyA("e3", userevents.UserStateActive)
	next, err := userevents.Apply(stale, &userevents.ConsumerUserEvent{Timestamp: ts + 1, UserID: "u1", EventID: "stale",
		UpdatedConsumerUserAttributes: state(userevents.UserStateDormant)}, userevents.Options{}, userevents.Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Commit(ctx, userevents.Commit{UserID: "u1", ExpectedVersion: stale.Version, Record: next.Record, Event: next.Event})
	if !errors.Is(err, userevents.ErrVersionConflict) {
		t.Fatalf("commit from a stale record: %v, want ErrVersionConflict", err)
	}
	if _, err := b.LoadEvent(ctx, "stale"); !errors.Is(err, userevents.ErrEventNotFound) {
		t.Errorf("the refused commit wrote its event: %v", err)
	}
	// B's Processor reloads and applies; A, whose cache holds version 4, sees version 5.
	ts++
	if _, err := pb.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: ts, UserID: "u1", EventID: "e4", UpdatedConsumerUserAttributes: state(userevents.UserStateDormant)}, userevents.Options{}); err != nil {
		t.Fatal(err)
	}
	load(a, 5, userevents.UserStateDormant)
	load(b, 5, userevents.UserStateDormant)
	if u, err := pa.UserAt(ctx, "u1", 5); err != nil || u.Consumer.UserStateDetails.State != userevents.UserStateDormant {
		t.Errorf("UserAt the current version: %+v, %v", u, err)
	}
}

// TestCacheIsBounded: a Store keeps at most CacheSize records, and a re-key drops the
// old id.
func TestCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	s := pgstore.NewWithOptions(newPool(t), pgstore.Options{CacheSize: 3})
	p := userevents.NewProcessor(s, userevents.Config{})
	for i := range 5 {
		if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: fmt.Sprint("u", i), CreatedTimestamp: 1600000000000}); err != nil {
			t.Fatal(err)
		}
	}
	if n := pgstore.CacheLen(s); n != 3 {
		t.Errorf("%d records cached, want 3", n)
	}
	for i := range 5 {
		if _, err := s.LoadUser(ctx, fmt.Sprint("u", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := pgstore.CacheLen(s); n != 3 {
		t.Errorf("%d records cached after loads, want 3", n)
	}
	if _, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u4", EventID: "e1",
		NewUserID: "v4"}, userevents.Options{ChangeUserID: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadUser(ctx, "u4"); !errors.Is(err, userevents.ErrUserNotFound) {
		t.Errorf("the old id after a re-key: %v", err)
	}
	if rec, err := s.LoadUser(ctx, "v4"); err != nil || rec.Version != 2 {
		t.Errorf("the new id after a re-key: %+v, %v", rec, err)
	}
	if n := pgstore.CacheLen(pgstore.NewWithOptions(nil, pgstore.Options{CacheSize: -1})); n != 0 {
		t.Errorf("CacheSize -1 keeps %d", n)
	}
}
