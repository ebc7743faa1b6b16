package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/pgstore"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
)

// v1Schema is the schema of the pgstore before the history (users, and one row per event
// with the whole user after it and the whole record before it).
const v1Schema = `
CREATE TABLE userevents_users (
    user_id               text PRIMARY KEY,
    version               bigint NOT NULL CHECK (version > 0),
    user_type             text NOT NULL CHECK (user_type IN ('CONSUMER', 'BUSINESS')),
    kyc_risk_level_locked boolean NOT NULL DEFAULT false,
    cra_risk_level_locked boolean NOT NULL DEFAULT false,
    last_event_timestamp  double precision NOT NULL DEFAULT 0,
    doc                   json NOT NULL
);
CREATE TABLE userevents_events (
    event_id   text PRIMARY KEY,
    user_id    text NOT NULL,
    timestamp  double precision NOT NULL,
    version    bigint NOT NULL,
    event      json NOT NULL,
    outcome    json NOT NULL
);
CREATE INDEX userevents_events_user_time ON userevents_events (user_id, timestamp, version);`

// v1Record and v1Outcome are the outcome column of that schema, as it wrote it.
type v1Record struct {
	Consumer           *userevents.ConsumerUser `json:"consumer,omitempty"`
	Business           *userevents.BusinessUser `json:"business,omitempty"`
	Version            int64                    `json:"version"`
	KYCRiskLevelLocked bool                     `json:"kycRiskLevelLocked,omitempty"`
	CRARiskLevelLocked bool                     `json:"craRiskLevelLocked,omitempty"`
	LastEventTimestamp float64                  `json:"lastEventTimestamp,omitempty"`
}

type v1Outcome struct {
	AllowUserTypeConversion bool                     `json:"allowUserTypeConversion,omitempty"`
	LockKYCRiskLevel        *bool                    `json:"lockKycRiskLevel,omitempty"`
	LockCRARiskLevel        *bool                    `json:"lockCraRiskLevel,omitempty"`
	ChangeUserID            bool                     `json:"changeUserId,omitempty"`
	Version                 int64                    `json:"version"`
	User                    *userevents.ConsumerUser `json:"user,omitempty"`
	Previous                v1Record                 `json:"previous"`
	Changes                 []string                 `json:"changes,omitempty"`
	StateTransition         *userevents.Transition   `json:"stateTransition,omitempty"`
	KYCTransition           *userevents.Transition   `json:"kycTransition,omitempty"`
	Converted               bool                     `json:"converted,omitempty"`
}

func v1RecordOf(r userevents.Record) v1Record {
	return v1Record{Consumer: r.Consumer, Business: r.Business, Version: r.Version, KYCRiskLevelLocked: r.KYCRiskLevelLocked,
		CRARiskLevelLocked: r.CRARiskLevelLocked, LastEventTimestamp: r.LastEventTimestamp}
}

// comparable returns the parts of a record that a migration keeps (not its history
// bookkeeping, which it makes anew).
func comparable(t *testing.T, r userevents.Record) string {
	t.Helper()
	b, err := json.Marshal(v1RecordOf(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMigrateFromV1 fills a database as the pgstore before the history wrote it (users,
// re-keys, an id reused after a re-key at the same versions, a conversion, locks), runs
// Migrate, and checks every event (LoadEvent and the Processor's replay of it) and every
// version of every user (UserAt), and that History lists each user's events.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	// The scenario runs on memstore; its results are written as the old store wrote
	// them.
	fx := newV1Fixture(t)
	pool, mem, apply := fx.pool, fx.mem, fx.apply
	versions := map[string]map[int64]userevents.Record{} // current user id -> version -> record
	create := func(u *userevents.ConsumerUser, b *userevents.BusinessUser) {
		var err error
		if u != nil {
			err = mem.CreateConsumerUser(ctx, u)
		} else {
			err = mem.CreateBusinessUser(ctx, b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	yes := true
	create(&userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, nil)
	apply(`{"timestamp":1700000000000,"userId":"u1","eventId":"u1-a","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`, userevents.Options{})
	apply(`{"timestamp":1700000001000,"userId":"u1","eventId":"u1-b","reason":"kyc","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"SUCCESSFUL"},"tags":[{"key":"a","value":"1"}]}}`, userevents.Options{LockKYCRiskLevel: &yes})
	apply(`{"timestamp":1700000000500,"userId":"u1","eventId":"u1-c","updatedConsumerUserAttributes":{"tags":[{"key":"b","value":"2"}],"occupation":"pilot"}}`, userevents.Options{})
	create(nil, &userevents.BusinessUser{UserID: "b1", CreatedTimestamp: 1600000000000, LegalEntity: json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME"}}`)})
	apply(`{"timestamp":1700000002000,"userId":"b1","eventId":"b1-a","updatedConsumerUserAttributes":{"userDetails":{"name":{"firstName":"Wile"}}}}`, userevents.Options{AllowUserTypeConversion: true})
	apply(`{"timestamp":1700000003000,"userId":"b1","eventId":"b1-b","updatedConsumerUserAttributes":{"occupation":"inventor"}}`, userevents.Options{})
	create(&userevents.ConsumerUser{UserID: "u2", CreatedTimestamp: 1600000000000}, nil)
	apply(`{"timestamp":1700000004000,"userId":"u2","eventId":"u2-a","updatedConsumerUserAttributes":{"occupation":"x"}}`, userevents.Options{})
	apply(`{"timestamp":1700000005000,"userId":"u2","eventId":"u2-b","newUserId":"u3"}`, userevents.Options{ChangeUserID: true})
	apply(`{"timestamp":1700000006000,"userId":"u3","eventId":"u3-a","updatedConsumerUserAttributes":{"occupation":"y"}}`, userevents.Options{})
	// u2 again, a new user whose versions repeat the old u2's, and whose event has the
	// old u2-a's timestamp: only the users after them tell the two apart (pick).
	create(&userevents.ConsumerUser{UserID: "u2", CreatedTimestamp: 1600000000000}, nil)
	apply(`{"timestamp":1700000004000,"userId":"u2","eventId":"u2-again","updatedConsumerUserAttributes":{"occupation":"z"}}`, userevents.Options{})

	// What each user id is at the end, and each of its versions (from memstore).
	for _, id := range []string{"u1", "b1", "u3", "u2"} {
		versions[id] = map[int64]userevents.Record{}
		rec, err := mem.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for v := int64(1); v <= rec.Version; v++ {
			r, err := mem.UserAt(ctx, id, v)
			if err != nil {
				t.Fatal(err)
			}
			versions[id][v] = r
		}
	}

	// The old store's rows.
	fx.write(slices.Collect(maps.Keys(versions)), "")
	results := fx.results

	for i := 0; i < 2; i++ { // twice: Migrate stays idempotent
		if err := pgstore.Migrate(ctx, pool); err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}

	pg := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	for id, vs := range versions {
		for v, want := range vs {
			got, err := pg.UserAt(ctx, id, v)
			if err != nil {
				t.Errorf("UserAt(%s, %d): %v", id, v, err)
				continue
			}
			if diff := cmp.Diff(comparable(t, want), comparable(t, got)); diff != "" {
				t.Errorf("UserAt(%s, %d) (-want +got):\n%s", id, v, diff)
			}
		}
		var wantIDs, gotIDs []string
		for e, err := range mem.History(ctx, id) {
			if err != nil {
				t.Fatal(err)
			}
			wantIDs = append(wantIDs, e.EventID)
		}
		for e, err := range pg.History(ctx, id) {
			if err != nil {
				t.Fatal(err)
			}
			gotIDs = append(gotIDs, e.EventID)
		}
		if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
			t.Errorf("History(%s) (-want +got):\n%s", id, diff)
		}
	}
	for _, r := range results {
		want := r.Event
		got, err := pg.Event(ctx, want.EventID)
		if err != nil {
			t.Errorf("Event(%s): %v", want.EventID, err)
			continue
		}
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		if diff := cmp.Diff(string(w), string(g)); diff != "" {
			t.Errorf("Event(%s) wire (-want +got):\n%s", want.EventID, diff)
		}
		if diff := cmp.Diff([]any{want.Options, want.Changes, want.StateTransition, want.KYCTransition, want.Converted, want.Version},
			[]any{got.Options, got.Changes, got.StateTransition, got.KYCTransition, got.Converted, got.Version}); diff != "" {
			t.Errorf("Event(%s) outcome (-want +got):\n%s", want.EventID, diff)
		}
		// The retry of the event replays the same outcome, rebuilt from the history.
		again, err := pg.Apply(ctx, &want.ConsumerUserEvent, want.Options)
		if err != nil {
			t.Errorf("retry of %s: %v", want.EventID, err)
			continue
		}
		if !again.Duplicate || comparable(t, again.Record) != comparable(t, r.Record) || comparable(t, again.Previous) != comparable(t, r.Previous) {
			t.Errorf("retry of %s: not the same outcome (duplicate %v)", want.EventID, again.Duplicate)
		}
	}
	// And the migrated users take new events.
	if _, err := pg.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000009000, UserID: "u3", EventID: "after"}, userevents.Options{}); err != nil {
		t.Errorf("an event after the migration: %v", err)
	}
}

// v1Fixture is an empty database of the earlier schema, and a memstore Processor whose
// results a test writes into it as the old store did (write).
type v1Fixture struct {
	t       *testing.T
	pool    *pgxpool.Pool
	mem     *userevents.Processor
	results []*userevents.Result // of apply, in order
}

func newV1Fixture(t *testing.T) *v1Fixture {
	pool := newEmptyPool(t)
	if _, err := pool.Exec(context.Background(), v1Schema); err != nil {
		t.Fatal(err)
	}
	return &v1Fixture{t: t, pool: pool, mem: userevents.NewProcessor(memstore.New(), userevents.Config{})}
}

// apply applies the event doc with opts on memstore and keeps its result.
func (fx *v1Fixture) apply(doc string, opts userevents.Options) {
	fx.t.Helper()
	ev, err := userevents.DecodeEvent([]byte(doc))
	if err != nil {
		fx.t.Fatal(err)
	}
	res, err := fx.mem.Apply(context.Background(), ev, opts)
	if err != nil {
		fx.t.Fatalf("%s: %v", doc, err)
	}
	fx.results = append(fx.results, res)
}

// write writes the rows the old store wrote for the users ids of fx.mem and the results
// of apply, but for the event skip.
func (fx *v1Fixture) write(ids []string, skip string) {
	t, pool, mem, results := fx.t, fx.pool, fx.mem, fx.results
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		rec, err := mem.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		userType, doc := "CONSUMER", []byte(nil)
		if rec.Consumer != nil {
			doc, _ = json.Marshal(rec.Consumer)
		} else {
			userType = "BUSINESS"
			doc, _ = json.Marshal(rec.Business)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO userevents_users (user_id, version, user_type, kyc_risk_level_locked,
			cra_risk_level_locked, last_event_timestamp, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, rec.Version, userType, rec.KYCRiskLevelLocked, rec.CRARiskLevelLocked, rec.LastEventTimestamp, doc); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range results {
		e := r.Event
		if e.EventID == skip {
			continue
		}
		wire, _ := json.Marshal(e)
		outcome, _ := json.Marshal(v1Outcome{AllowUserTypeConversion: e.Options.AllowUserTypeConversion, LockKYCRiskLevel: e.Options.LockKYCRiskLevel,
			LockCRARiskLevel: e.Options.LockCRARiskLevel, ChangeUserID: e.Options.ChangeUserID, Version: e.Version, User: r.User,
			Previous: v1RecordOf(r.Previous), Changes: e.Changes, StateTransition: e.StateTransition, KYCTransition: e.KYCTransition, Converted: e.Converted})
		if _, err := pool.Exec(ctx, `INSERT INTO userevents_events (event_id, user_id, timestamp, version, event, outcome)
			VALUES ($1, $2, $3, $4, $5, $6)`, e.EventID, e.UserID, e.Timestamp, e.Version, wire, outcome); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateBrokenChain: an old database that lost the row of an event (u1's second of
// three) cannot give the versions before it; Migrate keeps everything else. u1's history
// starts at the record the lost event left (version 3, its snapshot), with the event
// after it; the event before it keeps its row (a history of its own), found by its id.
func TestMigrateBrokenChain(t *testing.T) {
	ctx := context.Background()
	fx := newV1Fixture(t)
	pool, mem := fx.pool, fx.mem
	if err := mem.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	for i, state := range []string{"ACTIVE", "BLOCKED", "ACTIVE"} {
		fx.apply(`{"timestamp":`+strconv.FormatInt(1700000000000+int64(i), 10)+`,"userId":"u1","eventId":"u1-`+
			string(rune('a'+i))+`","updatedConsumerUserAttributes":{"userStateDetails":{"state":"`+state+`"}}}`, userevents.Options{})
	}
	fx.write([]string{"u1"}, "u1-b")
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	pg := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
	for v := int64(3); v <= 4; v++ {
		want, _ := mem.UserAt(ctx, "u1", v)
		got, err := pg.UserAt(ctx, "u1", v)
		if err != nil || comparable(t, want) != comparable(t, got) {
			t.Errorf("UserAt(u1, %d): %v, or not the record before the migration", v, err)
		}
	}
	for v := int64(1); v <= 2; v++ {
		if _, err := pg.UserAt(ctx, "u1", v); !errors.Is(err, userevents.ErrStoredData) {
			t.Errorf("UserAt(u1, %d) before the lost event: %v, want ErrStoredData", v, err)
		}
	}
	var ids []string
	for e, err := range pg.History(ctx, "u1") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.EventID)
	}
	if diff := cmp.Diff([]string{"u1-c"}, ids); diff != "" {
		t.Errorf("History(u1) (-want +got):\n%s", diff)
	}
	if e, err := pg.Event(ctx, "u1-a"); err != nil || e.Version != 2 {
		t.Errorf("Event(u1-a): %v, %v; want it kept, at version 2", e, err)
	}
	if _, err := pg.Event(ctx, "u1-b"); !errors.Is(err, userevents.ErrEventNotFound) {
		t.Errorf("Event(u1-b): %v, want ErrEventNotFound", err)
	}
}
