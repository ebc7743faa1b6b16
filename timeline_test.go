package userevents_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/storetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// arrival is an event sent to the Processor, in arrival order.
type arrival struct {
	doc  string
	opts userevents.Options
	err  error  // the expected error, or nil
	code string // or the code of a problem of the expected *ValidationError
}

const t10h00, t10h05 = 1700042400000, 1700042700000 // 10:00 and 10:05 on 15 November 2023

// TestTimestampOrder applies events in an arrival order under TimestampOrder and
// checks the final record, the late event's result, and that a refused late event
// changes nothing.
func TestTimestampOrder(t *testing.T) {
	tests := []struct {
		name     string
		cfg      userevents.Config
		user     string // the created user
		arrivals []arrival
		want     string // the final user
		version  int64
		// the last arrival's result
		replayed []string
		changes  []string
		kyc      *userevents.Transition
		locked   bool // the KYC risk level lock at the end
	}{
		// The KYC vendor's IN_PROGRESS of 10:00 arrives after its SUCCESSFUL of 10:05:
		// it takes effect before it, so the user stays SUCCESSFUL; the late event is in
		// the history, and its own transition is the one at its place.
		{name: "a late IN_PROGRESS before a SUCCESSFUL", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"done","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"SUCCESSFUL"}}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"started","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"IN_PROGRESS"}}}`},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"kycStatusDetails":{"status":"SUCCESSFUL"}}`,
			version: 3, replayed: []string{"done"}, kyc: &userevents.Transition{From: "", To: "IN_PROGRESS"}},
		// A late event that touches other members merges in under the later ones.
		{name: "a late occupation under a later state", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"pilot","userStateDetails":{"state":"CREATED"}}}`},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"occupation":"pilot","userStateDetails":{"state":"ACTIVE"}}`,
			version: 3, replayed: []string{"e2"}, changes: []string{"occupation"}},
		// The later event's value wins even though it arrived first.
		{name: "a late value is overwritten by the later one", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"occupation":"new"}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"old"}}`},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"occupation":"new"}`,
			version: 3, replayed: []string{"e2"}},
		// Ties keep commit order: of two events at 10:05, the one committed second wins,
		// also when an older event arrives after both.
		{name: "ties keep commit order", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"a","updatedConsumerUserAttributes":{"occupation":"a"}}`},
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"b","updatedConsumerUserAttributes":{"occupation":"b"}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"c","updatedConsumerUserAttributes":{"occupation":"c"}}`},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"occupation":"b"}`,
			version: 4, replayed: []string{"a", "b"}},
		// Tags by key along the timeline: the later value of a key wins, the order is the
		// timeline's.
		{name: "tags by key along the timeline", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"tags":[{"key":"risk","value":"high"}]}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"tags":[{"key":"risk","value":"low"},{"key":"tier","value":"gold"}]}}`},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"tags":[{"key":"tier","value":"gold"},{"key":"risk","value":"high"}]}`,
			version: 3, replayed: []string{"e2"}, changes: []string{"tags"}},
		// A late lock flag takes effect before a later unlock.
		{name: "locks along the timeline", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"unlock"}`, opts: userevents.Options{LockKYCRiskLevel: userevents.Ptr(false)}},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"lock"}`, opts: userevents.Options{LockKYCRiskLevel: userevents.Ptr(true)}},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000}`,
			version: 3, replayed: []string{"unlock"}, locked: false},
		// And a late unlock before a later lock leaves the lock set.
		{name: "a late unlock before a lock", user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"lock"}`, opts: userevents.Options{LockKYCRiskLevel: userevents.Ptr(true)}},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"unlock"}`, opts: userevents.Options{LockKYCRiskLevel: userevents.Ptr(false)}},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000}`,
			version: 3, replayed: []string{"lock"}, locked: true},
		// Under StrictLifecycle a late TERMINATED cannot go before a later ACTIVE (nothing
		// leaves TERMINATED): the late event is refused and nothing changes.
		{name: "strict: a late event the lifecycle refuses on replay", cfg: userevents.Config{Transitions: userevents.StrictLifecycle},
			user: `{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"state":"CREATED"}}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"userStateDetails":{"state":"TERMINATED"}}}`,
					err: userevents.ErrTransitionNotAllowed},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"state":"ACTIVE"}}`,
			version: 2},
		// RejectStale refuses a late event in either order.
		{name: "RejectStale refuses the late event", cfg: userevents.Config{StaleEvents: userevents.RejectStale},
			user: `{"userId":"u1","createdTimestamp":1600000000000}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"occupation":"new"}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"old"}}`, err: userevents.ErrStaleEvent},
			},
			want: `{"userId":"u1","createdTimestamp":1600000000000,"occupation":"new"}`, version: 2},
		// Under Strict the user's tags stay within 10,000: the late tag takes the
		// 10,000th place, and the later tag, applied again on top of it, is one too
		// many, which validation refuses; the late event is refused and nothing changes.
		{name: "a late event that validation refuses on replay",
			user: `{"userId":"u1","createdTimestamp":1600000000000,"tags":[` + manyTags(9999) + `]}`,
			arrivals: []arrival{
				{doc: `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"tags":[{"key":"b","value":"1"}]}}`},
				{doc: `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"tags":[{"key":"a","value":"1"}]}}`,
					code: userevents.CodeTooLarge},
			},
			want:    `{"userId":"u1","createdTimestamp":1600000000000,"tags":[` + manyTags(9999) + `,{"key":"b","value":"1"}]}`,
			version: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := tt.cfg
			cfg.Order = userevents.TimestampOrder
			p := userevents.NewProcessor(storetest.Checked(t, memstore.New()), cfg)
			if err := p.CreateConsumerUser(ctx, mustDecode(t, userevents.DecodeConsumerUser, tt.user)); err != nil {
				t.Fatal(err)
			}
			var last *userevents.Result
			var applied []string
			for _, a := range tt.arrivals {
				ev := mustEvent(t, a.doc)
				res, err := p.Apply(ctx, ev, a.opts)
				var ve *userevents.ValidationError
				switch {
				case a.err != nil && !errors.Is(err, a.err):
					t.Fatalf("%s: got %v, want %v", ev.EventID, err, a.err)
				case a.code != "" && (!errors.As(err, &ve) || ve.Fields[0].Code != a.code):
					t.Fatalf("%s: got %v, want a problem of code %s", ev.EventID, err, a.code)
				case a.err != nil || a.code != "":
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", ev.EventID, err)
				}
				last = res
				applied = append(applied, ev.EventID)
			}
			rec, err := p.User(ctx, "u1")
			if err != nil {
				t.Fatal(err)
			}
			sameUser(t, tt.want, rec.Consumer)
			if rec.Version != tt.version || rec.KYCRiskLevelLocked != tt.locked {
				t.Errorf("version %d, KYC lock %v; want %d, %v", rec.Version, rec.KYCRiskLevelLocked, tt.version, tt.locked)
			}
			var history []string
			for e, err := range p.History(ctx, "u1") {
				if err != nil {
					t.Fatal(err)
				}
				history = append(history, e.EventID)
			}
			if diff := cmp.Diff(applied, history); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if a := tt.arrivals[len(tt.arrivals)-1]; a.err != nil || a.code != "" {
				return
			}
			if diff := cmp.Diff(tt.replayed, last.Replayed); diff != "" {
				t.Errorf("Replayed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.changes, last.Changes); diff != "" {
				t.Errorf("Changes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.kyc, last.KYCTransition); diff != "" {
				t.Errorf("KYC transition (-want +got):\n%s", diff)
			}
			if last.Record.Version != tt.version || last.Record.Consumer != last.User {
				t.Errorf("the result's record is not the committed one")
			}
			// The late event's retry gives the same outcome.
			again, err := p.Apply(ctx, &last.Event.ConsumerUserEvent, last.Event.Options)
			if err != nil || !again.Duplicate || !cmp.Equal(again.Replayed, last.Replayed) {
				t.Errorf("retry: %v, duplicate %v, replayed %v", err, again != nil && again.Duplicate, again)
			}
		})
	}
}

// manyTags returns n tags with distinct keys, as the members of a JSON array.
func manyTags(n int) string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf(`{"key":"k%d","value":"v"}`, i)
	}
	return strings.Join(tags, ",")
}

// sameUser fails the test unless u's JSON is the JSON document want.
func sameUser(t *testing.T, want string, u *userevents.ConsumerUser) {
	t.Helper()
	if diff := cmp.Diff(mustJSON(t, mustDecode(t, userevents.DecodeConsumerUser, want)), mustJSON(t, u)); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
}

// TestUserAsOfTimestampOrder: under TimestampOrder UserAsOf folds the events up to T in
// timestamp order, whatever their arrival; under ArrivalOrder it is the last version
// whose newest event is at most T.
func TestUserAsOfTimestampOrder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		order userevents.Order
		// the KYC status as of 10:02 and as of 10:05
		at1002, at1005 string
	}{
		// The fold of the creation and the 10:00 event: IN_PROGRESS; at 10:05 SUCCESSFUL.
		{userevents.TimestampOrder, "IN_PROGRESS", "SUCCESSFUL"},
		// The record whose newest event is at most 10:02 is the created one (the 10:05
		// event came first); at 10:05 the current one, in which IN_PROGRESS, applied last,
		// stays (Flagright's behaviour).
		{userevents.ArrivalOrder, "", "IN_PROGRESS"},
	} {
		p := userevents.NewProcessor(memstore.New(), userevents.Config{Order: tc.order})
		if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
			t.Fatal(err)
		}
		for _, doc := range []string{
			`{"timestamp":1700042700000,"userId":"u1","eventId":"done","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"SUCCESSFUL"}}}`,
			`{"timestamp":1700042400000,"userId":"u1","eventId":"started","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"IN_PROGRESS"}}}`,
		} {
			if _, err := p.Apply(ctx, mustEvent(t, doc), userevents.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		status := func(ts float64) string {
			rec, err := p.UserAsOf(ctx, "u1", ts)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Consumer.KYCStatusDetails == nil {
				return ""
			}
			return string(rec.Consumer.KYCStatusDetails.Status)
		}
		if got := status(t10h00 + 2*60000); got != tc.at1002 {
			t.Errorf("order %v: as of 10:02, %q, want %q", tc.order, got, tc.at1002)
		}
		if got := status(t10h05); got != tc.at1005 {
			t.Errorf("order %v: as of 10:05, %q, want %q", tc.order, got, tc.at1005)
		}
		// NaN is no time: refused, not taken for the newest.
		_, err := p.UserAsOf(ctx, "u1", math.NaN())
		var ve *userevents.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "timestamp" || ve.Fields[0].Code != userevents.CodeOutOfRange {
			t.Errorf("order %v: as of NaN: %v, want an out_of_range timestamp", tc.order, err)
		}
	}
}

// TestUserAsOfTimestampOrderScores: under TimestampOrder with a Scorer, UserAsOf(T) holds
// the scores of the fold up to T. A (10:00) and B (10:10) arrive in order, C (10:05)
// late, D (10:20) in order; the scorer counts the tags. C stores the scores of its place
// (A and C: 2), so as of 10:05 the fold reads them; B stored the scores of A and B (2),
// which C's landing before it made wrong, so as of 10:10 the Processor's Scorer scores
// it again (3). An event whose stored scores stand needs no scorer: a failing one does
// not matter as of 10:05, and as of 10:10 its error, or the refusal of the scores it
// gives, is the scorer's, not stored data's.
func TestUserAsOfTimestampOrderScores(t *testing.T) {
	ctx := context.Background()
	errDown := errors.New("scoring service down")
	var down, wild bool
	countTags := func(u *userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		if down {
			return nil, errDown
		}
		score := float64(len(u.Tags))
		if wild {
			score = 150 // out of range: refused
		}
		return &userevents.UserRiskScoreDetails{KYCRiskScore: &score}, nil
	}
	p := userevents.NewProcessor(memstore.New(), userevents.Config{Order: userevents.TimestampOrder, Scorer: countTags})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		id  string
		min int
	}{{"A", 0}, {"B", 10}, {"C", 5}, {"D", 20}} {
		ev := &userevents.ConsumerUserEvent{Timestamp: t10h00 + float64(e.min)*60000, UserID: "u1", EventID: e.id,
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
				Tags: userevents.Set([]userevents.UserTag{{Key: e.id, Value: "x"}})}}
		if _, err := p.Apply(ctx, ev, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := p.Event(ctx, "C"); err != nil || c.RiskScoreDetails == nil || *c.RiskScoreDetails.KYCRiskScore != 2 {
		t.Errorf("event C: %v, %v; want the scores of its place, 2", c, err)
	}
	for _, tc := range []struct {
		min  int
		want float64 // the score: the number of tags
	}{
		{0, 1},  // A
		{5, 2},  // A, C: C's stored scores
		{7, 2},  // the same
		{10, 3}, // A, C, B: B scored again (it stored 2)
		{20, 4}, // the current record
	} {
		rec, err := p.UserAsOf(ctx, "u1", t10h00+float64(tc.min)*60000)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.Consumer.RiskScoreDetails
		if len(rec.Consumer.Tags) != int(tc.want) || got == nil || got.KYCRiskScore == nil || *got.KYCRiskScore != tc.want {
			t.Errorf("as of 10:%02d: %d tags, scores %+v, want a score of %v", tc.min, len(rec.Consumer.Tags), got, tc.want)
		}
	}
	down = true
	if _, err := p.UserAsOf(ctx, "u1", t10h00+5*60000); err != nil {
		t.Errorf("as of 10:05 with the scorer down: %v, want the stored scores", err)
	}
	if _, err := p.UserAsOf(ctx, "u1", t10h00+10*60000); !errors.Is(err, errDown) || errors.Is(err, userevents.ErrStoredData) {
		t.Errorf("as of 10:10 with the scorer down: %v, want the scorer's error, not ErrStoredData", err)
	}
	down, wild = false, true
	_, err := p.UserAsOf(ctx, "u1", t10h00+10*60000)
	if ve := (*userevents.ValidationError)(nil); !errors.As(err, &ve) || errors.Is(err, userevents.ErrStoredData) {
		t.Errorf("as of 10:10 with scores out of range: %v, want the refusal of the scores, not ErrStoredData", err)
	}
}

// TestFold calls the pure fold directly: events in any order give the record of their
// timeline, each step's result in timeline order.
func TestFold(t *testing.T) {
	start := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, Version: 1}
	ev := func(id string, ts float64, version int64, occupation string) *userevents.StoredEvent {
		return &userevents.StoredEvent{Version: version, ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: ts, UserID: "u1", EventID: id,
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set(occupation)}}}
	}
	events := []*userevents.StoredEvent{ev("c", 3, 4, "c"), ev("a", 1, 2, "a"), ev("b2", 2, 5, "b2"), ev("b1", 2, 3, "b1")}
	before := mustJSON(t, events)
	final, steps, err := userevents.Fold(start, events, userevents.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, events) != before {
		t.Error("Fold changed its input")
	}
	var order []string
	for _, s := range steps {
		order = append(order, s.Event.EventID)
	}
	// By timestamp; b1 and b2 tie and keep their versions' order.
	if diff := cmp.Diff([]string{"a", "b1", "b2", "c"}, order); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	if got := *final.Consumer.Occupation; got != "c" || final.Version != 5 {
		t.Errorf("final occupation %q version %d, want c and 5", got, final.Version)
	}
	// A step the rule refuses fails the fold, with no record.
	refuse := userevents.Config{Transitions: func(string, userevents.Transition) error { return errors.New("no") }}
	state := &userevents.StoredEvent{Version: 2, ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1, UserID: "u1", EventID: "s",
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(userevents.UserStateActive)})}}}
	if rec, _, err := userevents.Fold(start, []*userevents.StoredEvent{state}, refuse); !errors.Is(err, userevents.ErrTransitionNotAllowed) || rec.Version != 0 {
		t.Errorf("a refused step: %v, record version %d", err, rec.Version)
	}
}

// TestLateRekeyToTakenID: a late event that re-keys the user to an id another user holds
// is refused with ErrUserExists, as it is when it arrives in time, even when a later
// re-key in the timeline takes the user on to a free id (so that the commit itself moves
// the user to no taken id): otherwise the history would give the user, for a while, the
// id of another user, and whether the event is accepted would depend on arrival order.
func TestLateRekeyToTakenID(t *testing.T) {
	ctx := context.Background()
	for _, late := range []bool{false, true} {
		p := userevents.NewProcessor(storetest.Checked(t, memstore.New()), userevents.Config{Order: userevents.TimestampOrder})
		for _, id := range []string{"u1", "k2"} {
			if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000}); err != nil {
				t.Fatal(err)
			}
		}
		rekey := userevents.Options{ChangeUserID: true}
		toK2 := `{"timestamp":1700042400000,"userId":%q,"eventId":"toK2","newUserId":"k2"}`
		toK3 := `{"timestamp":1700042700000,"userId":%q,"eventId":"toK3","newUserId":"k3"}`
		var err error
		if late {
			// 10:05 first: u1 becomes k3; then the re-key of 10:00, sent to k3.
			if _, err := p.Apply(ctx, mustEvent(t, fmt.Sprintf(toK3, "u1")), rekey); err != nil {
				t.Fatal(err)
			}
			_, err = p.Apply(ctx, mustEvent(t, fmt.Sprintf(toK2, "k3")), rekey)
		} else {
			_, err = p.Apply(ctx, mustEvent(t, fmt.Sprintf(toK2, "u1")), rekey)
		}
		if !errors.Is(err, userevents.ErrUserExists) {
			t.Errorf("late %v: re-key to the taken k2: %v, want ErrUserExists", late, err)
		}
		if late {
			rec, err := p.User(ctx, "k3")
			if err != nil || rec.Version != 2 {
				t.Errorf("k3: version %d, %v; want 2 (nothing changed)", rec.Version, err)
			}
		}
	}
}

// TestFoldNilEntry: a nil entry in the timeline given to Fold is refused with a
// *ValidationError, as Apply refuses a nil event; it made the sort panic.
func TestFoldNilEntry(t *testing.T) {
	start := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, Version: 1}
	ok := &userevents.StoredEvent{Version: 2, ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1700042400000, UserID: "u1", EventID: "a"}}
	for _, tl := range [][]*userevents.StoredEvent{{nil}, {ok, nil}, {nil, ok}} {
		rec, steps, err := userevents.Fold(start, tl, userevents.Config{})
		var ve *userevents.ValidationError
		if !errors.As(err, &ve) || rec.Version != 0 || steps != nil {
			t.Errorf("Fold of %d entries with a nil one: %v, version %d, %d steps; want a *ValidationError and nothing else", len(tl), err, rec.Version, len(steps))
		}
	}
}

// TestLateLegacyUserIDBeforeRekey: a late event sent to the user's current id, which sets
// the legacy userStateDetails.userId and kycStatusDetails.userId (validation holds them to
// the event's userId), takes effect before a re-key, where the user had its former id:
// there the members take that id, so that every record of the timeline is valid (UserAsOf
// gave a user whose legacy ids were not its id), and the re-key carries them to the new id.
func TestLateLegacyUserIDBeforeRekey(t *testing.T) {
	ctx := context.Background()
	p := userevents.NewProcessor(storetest.Checked(t, memstore.New()), userevents.Config{Order: userevents.TimestampOrder})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx, mustEvent(t, `{"timestamp":1700042700000,"userId":"u1","eventId":"rekey","newUserId":"k2"}`), userevents.Options{ChangeUserID: true}); err != nil {
		t.Fatal(err)
	}
	res, err := p.Apply(ctx, mustEvent(t, `{"timestamp":1700042400000,"userId":"k2","eventId":"late","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE","userId":"k2"},"kycStatusDetails":{"status":"SUCCESSFUL","userId":"k2"}}}`), userevents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, `{"userId":"k2","createdTimestamp":1600000000000,"userStateDetails":{"userId":"k2","state":"ACTIVE"},"kycStatusDetails":{"userId":"k2","status":"SUCCESSFUL"}}`, res.User)
	rec, err := p.UserAsOf(ctx, "k2", t10h00+60000)
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, `{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"userId":"u1","state":"ACTIVE"},"kycStatusDetails":{"userId":"u1","status":"SUCCESSFUL"}}`, rec.Consumer)
	if err := rec.Consumer.Validate(userevents.Strict); err != nil {
		t.Errorf("as of 10:01: %v", err)
	}
}

// TestLateLegacyUserIDUnchanged: in a timeline, an event sent after a re-key (to k2) that
// sets the legacy userId members and the status the user already had before the re-key
// changes nothing at its place: the members take the id u1 there, the step reports no
// change, and its user is the one before it, shared; a step that also changes the state
// keeps the legacy member unchanged in its Changes.
func TestLateLegacyUserIDUnchanged(t *testing.T) {
	start := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000,
		UserStateDetails: &userevents.UserStateDetails{UserID: new("u1"), State: userevents.UserStateActive}}, Version: 1}
	late := func(id string, ts float64, state string) *userevents.StoredEvent {
		ev := mustEvent(t, `{"timestamp":`+fmt.Sprint(ts)+`,"userId":"k2","eventId":"`+id+`","updatedConsumerUserAttributes":{"userStateDetails":{"state":"`+state+`","userId":"k2"}}}`)
		return &userevents.StoredEvent{ConsumerUserEvent: *ev, Version: 2}
	}
	rekey := &userevents.StoredEvent{ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1700042700000, UserID: "u1", EventID: "rekey", NewUserID: "k2"},
		Options: userevents.Options{ChangeUserID: true}, Version: 3}
	for _, tc := range []struct {
		state   string
		changes []string
	}{
		{"ACTIVE", nil}, // the state the user had: nothing changes
		{"BLOCKED", []string{"userStateDetails.state"}}, // the state changes, the legacy id does not
	} {
		_, steps, err := userevents.Fold(start, []*userevents.StoredEvent{late("late", 1700042400000, tc.state), rekey}, userevents.Config{})
		if err != nil {
			t.Fatal(err)
		}
		s := steps[0]
		if diff := cmp.Diff(tc.changes, s.Changes, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: changes of the late step (-want +got):\n%s", tc.state, diff)
		}
		if got := *s.User.UserStateDetails.UserID; got != "u1" {
			t.Errorf("%s: legacy userId %q at the late step, want u1", tc.state, got)
		}
		if (tc.changes == nil) != (s.User == start.Consumer) {
			t.Errorf("%s: the late step's user is shared with the one before it: %v", tc.state, s.User == start.Consumer)
		}
	}
}

// TestLateChangesAsInOrder: an event reports the same changed paths whether it arrives
// in order or late (after an event dated later that touches something else): a late
// event's changes are found by comparing records, an event's in order by the merge,
// and both name the members within an object the event creates.
func TestLateChangesAsInOrder(t *testing.T) {
	ctx := context.Background()
	scorer := func(u *userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		if u.UserStateDetails == nil {
			return nil, nil
		}
		return &userevents.UserRiskScoreDetails{CRARiskScore: userevents.Ptr(42.0)}, nil
	}
	for _, tc := range []struct {
		name, update string
		cfg          userevents.Config
	}{
		// A state on a user without userStateDetails: the object is created.
		{name: "state created", update: `{"userStateDetails":{"state":"ACTIVE"}}`},
		// A name, two objects deep.
		{name: "name created", update: `{"userDetails":{"name":{"firstName":"Ada","lastName":"L"}}}`},
		// An amount inside a new object.
		{name: "limit created", update: `{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":10,"amountCurrency":"EUR"}}}`},
		// An array inside a new object.
		{name: "emails created", update: `{"contactDetails":{"emailIds":["a@example.com"]}}`},
		// A zero amount in a new object: its members are written, so they changed.
		{name: "zero amount created", update: `{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":0,"amountCurrency":"EUR"}}}`},
		// A false in a new object.
		{name: "false created", update: `{"metaData":{"vpnUsed":false}}`},
		// riskScoreDetails set by the Scorer.
		{name: "scores", update: `{"userStateDetails":{"state":"ACTIVE"}}`, cfg: userevents.Config{Scorer: scorer}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changes := func(late bool) []string {
				cfg := tc.cfg
				cfg.Order = userevents.TimestampOrder
				p := userevents.NewProcessor(storetest.Checked(t, memstore.New()), cfg)
				if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u", CreatedTimestamp: 1600000000000}); err != nil {
					t.Fatal(err)
				}
				ev := mustEvent(t, `{"timestamp":1700000000100,"userId":"u","eventId":"e","updatedConsumerUserAttributes":`+tc.update+`}`)
				other := mustEvent(t, `{"timestamp":1700000000300,"userId":"u","eventId":"o","updatedConsumerUserAttributes":{"occupation":"x"}}`)
				order := []*userevents.ConsumerUserEvent{ev, other}
				if late {
					order = []*userevents.ConsumerUserEvent{other, ev}
				}
				var got []string
				for _, e := range order {
					res, err := p.Apply(ctx, e, userevents.Options{})
					if err != nil {
						t.Fatal(err)
					}
					if e == ev {
						got = res.Changes
					}
				}
				return got
			}
			if diff := cmp.Diff(changes(false), changes(true)); diff != "" {
				t.Errorf("changes in order (-) and late (+):\n%s", diff)
			}
		})
	}
}
