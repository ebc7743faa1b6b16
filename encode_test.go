package userevents

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"testing"
)

// TestAppendFloatMatchesStdlib: numbers are written as encoding/json writes them.
func TestAppendFloatMatchesStdlib(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-7, 1e-6, 1e20, 1e21, 123456789012345678, 1700000000000.5, math.MaxFloat64, math.SmallestNonzeroFloat64}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 10000; i++ {
		values = append(values, math.Float64frombits(r.Uint64()))
	}
	for _, f := range values {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		want, _ := json.Marshal(f)
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Fatalf("%v: got %s, want %s", f, got, want)
		}
	}
}

// TestAppendJSON checks that AppendJSON writes what json.Marshal writes, after what dst
// holds, for every type that has it.
func TestAppendJSON(t *testing.T) {
	u, b := fullUser(), fullBusiness()
	ev := fullEvent()
	for _, tt := range []struct {
		name   string
		v      any
		append func([]byte) ([]byte, error)
	}{
		{"consumer user", u, u.AppendJSON},
		{"business user", b, b.AppendJSON},
		{"event", ev, ev.AppendJSON},
		{"stored event", &StoredEvent{ConsumerUserEvent: *ev}, (&StoredEvent{ConsumerUserEvent: *ev}).AppendJSON},
		{"event response", &EventResponse{ConsumerUser: *u, Message: Ptr("ok")}, (&EventResponse{ConsumerUser: *u, Message: Ptr("ok")}).AppendJSON},
	} {
		want, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tt.append([]byte("prefix"))
		if err != nil || string(got) != "prefix"+string(want) {
			t.Errorf("%s: AppendJSON gives %.80s… (%v), want prefix and %.80s…", tt.name, got, err, want)
		}
	}
}

// TestEventListAppendJSON checks that EventList.AppendJSON writes what json.Marshal
// writes, after what dst holds: no events (an empty list and a nil one), one, several
// (a nil one among them), and events with every field set.
func TestEventListAppendJSON(t *testing.T) {
	u := fullUser()
	full := &StoredEvent{ConsumerUserEvent: *fullEvent(), ExecutedRules: u.ExecutedRules, HitRules: u.HitRules,
		RiskScoreDetails: u.RiskScoreDetails, Version: 7, Changes: []string{"riskLevel"}, Converted: true}
	small := func(id string) *StoredEvent {
		return &StoredEvent{ConsumerUserEvent: ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: id}}
	}
	for _, tt := range []struct {
		name string
		list EventList
	}{
		{"empty", EventList{ConsumerUserEvents: []*StoredEvent{}}},
		{"nil", EventList{TotalCount: 3}},
		{"one", EventList{ConsumerUserEvents: []*StoredEvent{small("e1")}, TotalCount: 1}},
		{"several", EventList{ConsumerUserEvents: []*StoredEvent{small("e1"), nil, small("e3"), full}, TotalCount: 40}},
		{"every field", EventList{ConsumerUserEvents: []*StoredEvent{full, full}, TotalCount: 2}},
	} {
		want, err := json.Marshal(tt.list)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tt.list.AppendJSON([]byte("prefix"))
		if err != nil || !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("%s: AppendJSON gives %.200s (%v), want prefix and %.200s", tt.name, got, err, want)
		}
	}
}

// TestWeight checks the weights of small values against the rules of weight_gen.go: an
// object's braces (2); per member present, its key with quotes, colon and comma
// (len+4) and its value: a string's length and quotes, numberWeight for a number,
// boolWeight for a boolean, null's 4, a list's brackets and a comma per element.
func TestWeight(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    interface{ weight() int }
		want int
	}{
		// 2 + state (5+4, "ACTIVE" 6+2).
		{"enum member", &UserStateDetails{State: UserStateActive}, 2 + 9 + 8},
		// An absent optional member weighs nothing; a set one, its key and value.
		{"optional string", &UserStateDetails{State: UserStateActive, Reason: Ptr("x")}, 2 + 9 + 8 + 10 + 3},
		// key and value strings, and a boolean (isEditable: 10+4, boolWeight).
		{"boolean", &UserTag{Key: "k", Value: "v", IsEditable: Ptr(true)}, 2 + 7 + 3 + 9 + 3 + 14 + boolWeight},
		// A partial update: a null member weighs its key and null; an absent one nothing.
		{"update with null", &UserStateDetailsUpdate{State: Set(UserStateBlocked), Reason: Null[string]()}, 2 + 9 + 9 + 10 + 4},
		// An update holding an update (userStateDetails, 16+4) and a list (tags, 4+4):
		// the list's brackets, its element and one comma.
		{"nested update and list", &ConsumerUserAttributes{
			UserStateDetails: Set(&UserStateDetailsUpdate{State: Set(UserStateActive)}),
			Tags:             Set([]UserTag{{Key: "k", Value: "v"}}),
		}, 2 + 20 + (2 + 9 + 8) + 8 + (2 + (2 + 7 + 3 + 9 + 3) + 1)},
	} {
		if got := tc.v.weight(); got != tc.want {
			t.Errorf("%s: weight %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestWeightNearJSONLength: on the package's filled values (every member of every type
// set), a value's weight is within 10% of the length of its JSON, so that the snapshot
// policy counts about the bytes it means to (FuzzDecodeEvent and FuzzDecodeConsumerUser
// check the looser bounds that hold for any value).
func TestWeightNearJSONLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    interface {
			appendJSON([]byte) []byte
			weight() int
		}
	}{
		{"filled consumer user", fullUser()},
		{"filled business user", filledUser[BusinessUser]("business-full")},
		{"filled event", fullEvent()},
	} {
		n, w := len(tc.v.appendJSON(nil)), tc.v.weight()
		if d := float64(w-n) / float64(n); d < -0.1 || d > 0.1 {
			t.Errorf("%s: weight %d for %d bytes of JSON (%+.0f%%)", tc.name, w, n, 100*d)
		}
	}
}
