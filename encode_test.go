package userevents

import (
	"encoding/json"
	"math"
	"math/rand"
	"testing"
	"unicode/utf8"
)

// TestAppendStringMatchesStdlib: the library escapes strings exactly as encoding/json
// does, for every rune, invalid UTF-8 included.
func TestAppendStringMatchesStdlib(t *testing.T) {
	var inputs []string
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r < 0x3000 || r%97 == 0 {
			inputs = append(inputs, "a"+string(r)+"b")
		}
	}
	inputs = append(inputs, "\xff", "a\xc3", "\xed\xa0\x80", "<script>&amp;</script>", "\u2028\u2029", "")
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.Intn(20))
		r.Read(b)
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}

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
