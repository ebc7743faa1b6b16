package userevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// allocated returns the bytes f allocates (a lower bound on its peak memory, and an
// upper bound on what it can add to the heap).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// costPerRun returns what f allocates per call, over n calls: allocations (as
// testing.AllocsPerRun counts them) and bytes.
func costPerRun(n int, f func()) (allocs, bytes float64) {
	allocs = testing.AllocsPerRun(n, f)
	return allocs, float64(allocated(func() {
		for range n {
			f()
		}
	})) / float64(n)
}

// TestHostileInputs feeds documents built to exhaust a decoder and checks that each is
// refused with the expected code, allocating less than twice the document limit in
// force.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of up to 100 MB")
	}
	big := Limits{MaxBytes: 32 << 20} // raised so that the other limits are reached
	tests := []struct {
		name   string
		doc    func() []byte
		limits Limits
		code   string
	}{
		// A 100 MB body is refused by its size before it is read.
		{"100 MB body", func() []byte {
			return append([]byte(`{"timestamp":1700000000000,"userId":"u1","reason":"`), bytes.Repeat([]byte("x"), 100<<20)...)
		}, Limits{}, CodeTooLarge},
		// 1,000,000 nested arrays stop at the depth limit.
		{"1,000,000 nested arrays", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1","x":` + strings.Repeat("[", 1000000) + strings.Repeat("]", 1000000) + `}`)
		}, big, CodeTooLarge},
		// 1,000,000 nested objects likewise.
		{"1,000,000 nested objects", func() []byte {
			return []byte(strings.Repeat(`{"a":`, 1000000) + "1" + strings.Repeat("}", 1000000))
		}, big, CodeTooLarge},
		// A 10 MB string stops at the string limit.
		{"10 MB string", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat("x", 10<<20) + `"}`)
		}, big, CodeTooLong},
		// A 10 MB string of escapes stops at the string limit too.
		{"10 MB escaped string", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat(`\n`, 5<<20) + `"}`)
		}, big, CodeTooLong},
		// A 10,000,000-element array stops at the array limit.
		{"10 million elements", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1","externalLinks":[` + strings.Repeat(`"",`, 10000000) + `""]}`)
		}, Limits{MaxBytes: 64 << 20}, CodeTooLarge},
		// 10 million elements in an unknown member: the same limit applies to skipped values.
		{"10 million skipped elements", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1","x":[` + strings.Repeat(`0,`, 10000000) + `0]}`)
		}, Limits{MaxBytes: 64 << 20}, CodeTooLarge},
		// Numbers beyond a double.
		{"1e400", func() []byte { return []byte(`{"timestamp":1e400,"userId":"u1"}`) }, Limits{}, CodeOutOfRange},
		// Negative zero is a number, out of the timestamp range.
		{"-0", func() []byte { return []byte(`{"timestamp":-0,"userId":"u1"}`) }, Limits{}, CodeOutOfRange},
		// A 5,000-digit amount is refused before it becomes a big number.
		{"5,000-digit amountValue", func() []byte {
			return []byte(attrs(`{"expectedIncome":{"dailyExpectedIncome":{"amountValue":` + strings.Repeat("9", 5000) + `,"amountCurrency":"EUR"}}}`))
		}, Limits{}, CodeOutOfRange},
		// An exponent that would make a million-digit decimal.
		{"1e1000000 as an amount", func() []byte {
			return []byte(attrs(`{"expectedIncome":{"dailyExpectedIncome":{"amountValue":1e1000000,"amountCurrency":"EUR"}}}`))
		}, Limits{}, CodeOutOfRange},
		// 100,000 unknown members: the problems are capped.
		{"100,000 unknown members", func() []byte {
			return []byte(`{"timestamp":1700000000000,"userId":"u1"` + strings.Repeat(`,"x":1`, 100000) + `}`)
		}, big, CodeUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc()
			var err error
			n := allocated(func() {
				var e *ConsumerUserEvent
				if e, err = DecodeEvent(doc, WithLimits(tt.limits)); err == nil {
					err = e.Validate(Strict)
				}
			})
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || f.Code == tt.code
			}
			if !found {
				t.Errorf("codes %v, want %s", ve.Fields[:min(3, len(ve.Fields))], tt.code)
			}
			if len(ve.Fields) > maxErrors+1 {
				t.Errorf("%d problems reported, more than the cap", len(ve.Fields))
			}
			limit := uint64(tt.limits.withDefaults().MaxBytes)
			if n >= 2*limit {
				t.Errorf("allocated %d bytes, want under %d (twice the document limit)", n, 2*limit)
			}
			t.Logf("%d-byte document refused, %d bytes allocated", len(doc), n)
		})
	}
}

// limitCase is a document at or beyond one of the default limits.
type limitCase struct {
	name   string
	v      any // a *ConsumerUser, *BusinessUser or *StoredEvent
	fields []FieldError
	// fields: what the default limits report (nil: the document is within them)
}

// limitCases returns users and events at and beyond every default limit.
func limitCases() []limitCase {
	lim := DefaultLimits()
	user := func(f func(u *ConsumerUser)) *ConsumerUser {
		u := &ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
		f(u)
		return u
	}
	tags := func(n int) []UserTag {
		t := make([]UserTag, n)
		for i := range t {
			t[i] = UserTag{Key: "k" + strconv.Itoa(i), Value: "v"}
		}
		return t
	}
	// nested returns n arrays, one in the other.
	nested := func(n int) json.RawMessage {
		return json.RawMessage(strings.Repeat("[", n) + "1" + strings.Repeat("]", n))
	}
	// deep returns a consumer user nested depth deep: the user is depth 1, its
	// executedRules[0].vars[0].value starts at depth 6.
	deep := func(depth int) *ConsumerUser {
		return user(func(u *ConsumerUser) {
			u.ExecutedRules = []ExecutedRulesResult{{RuleInstanceID: "r", RuleName: "n", RuleDescription: "d", RuleAction: RuleActionFlag,
				Vars: []ExecutedLogicVars{{Value: nested(depth - 5)}}}}
		})
	}
	// sized returns a consumer user whose JSON has exactly n bytes.
	sized := func(n int) *ConsumerUser {
		u := user(func(u *ConsumerUser) {
			for i := 0; i <= n/60000; i++ {
				u.Tags = append(u.Tags, UserTag{Key: "k" + strconv.Itoa(i), Value: strings.Repeat("x", 60000)})
			}
		})
		b, _ := json.Marshal(u)
		last := &u.Tags[len(u.Tags)-1]
		last.Value = last.Value[:len(last.Value)-(len(b)-n)]
		return u
	}
	str := func(n int) string { return strings.Repeat("s", n) }
	event := func(f func(e *StoredEvent)) *StoredEvent {
		e := &StoredEvent{ConsumerUserEvent: ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}}
		f(e)
		return e
	}
	tooLarge := func(path string) []FieldError { return []FieldError{{Path: path, Code: CodeTooLarge}} }
	tooLong := func(path string) []FieldError { return []FieldError{{Path: path, Code: CodeTooLong}} }
	return []limitCase{
		// The document size.
		{"document at the size limit", sized(lim.MaxBytes), nil},
		{"document over the size limit", sized(lim.MaxBytes + 1), tooLarge("")},
		// Nesting depth.
		{"nesting at the depth limit", deep(lim.MaxDepth), nil},
		{"nesting over the depth limit", deep(lim.MaxDepth + 1), tooLarge("executedRules[0].vars[0].value" + strings.Repeat("[0]", lim.MaxDepth-5))},
		{"business user nested far over the depth limit", &BusinessUser{UserID: "b1", CreatedTimestamp: 1600000000000, LegalEntity: nested(1000)},
			tooLarge("legalEntity" + strings.Repeat("[0]", lim.MaxDepth-1))},
		// Array elements: the tags a user gathers event by event.
		{"tags at the array limit", user(func(u *ConsumerUser) { u.Tags = tags(lim.MaxArrayLength) }), nil},
		{"tags over the array limit", user(func(u *ConsumerUser) { u.Tags = tags(lim.MaxArrayLength + 1) }), tooLarge("tags[10000]")},
		{"event links over the array limit", event(func(e *StoredEvent) {
			for i := 0; i <= lim.MaxArrayLength; i++ {
				e.ExternalLinks = append(e.ExternalLinks, "l"+strconv.Itoa(i))
			}
		}), tooLarge("externalLinks[10000]")},
		// String length.
		{"string at the length limit", user(func(u *ConsumerUser) { u.Occupation = Ptr(str(lim.MaxStringBytes)) }), nil},
		{"string over the length limit", user(func(u *ConsumerUser) { u.Occupation = Ptr(str(lim.MaxStringBytes + 1)) }), tooLong("occupation")},
		{"event reason over the length limit", event(func(e *StoredEvent) { e.Reason = Ptr(str(lim.MaxStringBytes + 1)) }), tooLong("reason")},
		// Id length.
		{"user id at the id limit", user(func(u *ConsumerUser) { u.UserID = str(lim.MaxIDBytes) }), nil},
		{"user id over the id limit", user(func(u *ConsumerUser) { u.UserID = str(lim.MaxIDBytes + 1) }), tooLong("userId")},
		{"event id over the id limit", event(func(e *StoredEvent) { e.EventID = str(lim.MaxIDBytes + 1) }), tooLong("eventId")},
	}
}

// TestUnlimited checks that Unlimited lifts every limit: documents at and beyond each
// default limit decode with it to the value they were written from, while the default
// limits refuse those beyond them with the expected path and code.
func TestUnlimited(t *testing.T) {
	for _, tt := range limitCases() {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			var decode func(opts ...DecodeOption) (any, error)
			switch tt.v.(type) {
			case *ConsumerUser:
				decode = func(opts ...DecodeOption) (any, error) { return DecodeConsumerUser(doc, opts...) }
			case *BusinessUser:
				decode = func(opts ...DecodeOption) (any, error) { return DecodeBusinessUser(doc, opts...) }
			case *StoredEvent:
				decode = func(opts ...DecodeOption) (any, error) { return DecodeStoredEvent(doc, opts...) }
			}
			_, err = decode()
			var ve *ValidationError
			switch {
			case tt.fields == nil && err != nil:
				t.Errorf("default limits: %v, want no error", err)
			case tt.fields != nil && !errors.As(err, &ve):
				t.Errorf("default limits: %v, want a *ValidationError", err)
			case tt.fields != nil:
				if diff := cmp.Diff(tt.fields, ve.Fields, cmpopts.IgnoreFields(FieldError{}, "Message")); diff != "" {
					t.Errorf("default limits (-want +got):\n%s", diff)
				}
			}
			got, err := decode(Unlimited())
			if err != nil {
				t.Fatalf("Unlimited: %v", err)
			}
			if diff := cmp.Diff(tt.v, got); diff != "" {
				t.Errorf("Unlimited (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEchoedNamesBounded checks that an unknown member name is repeated in an error path
// at most maxEchoedName bytes long, escaped, cut with a marker, and valid UTF-8.
func TestEchoedNamesBounded(t *testing.T) {
	long := strings.Repeat("k", 64<<10)
	tests := []struct {
		name string
		key  string // the unknown member, as JSON string content
		want string // the path of the unknown_field problem
	}{
		// A short printable name is repeated whole.
		{name: "short", key: "nickname", want: "nickname"},
		// 64 bytes exactly still fit.
		{name: "64 bytes", key: strings.Repeat("a", 64), want: strings.Repeat("a", 64)},
		// A 64 KiB name is cut to 61 bytes and the 3-byte marker.
		{name: "64 KiB", key: long, want: strings.Repeat("k", 61) + "…"},
		// 65 bytes are cut too.
		{name: "65 bytes", key: strings.Repeat("a", 65), want: strings.Repeat("a", 61) + "…"},
		// A newline (log injection) is escaped, not repeated.
		{name: "newline", key: `a\nb`, want: `a\u000ab`},
		// A right-to-left override, which reorders what a log viewer shows, is escaped.
		{name: "RLO", key: "a\u202eb", want: `a\u202eb`},
		// A backslash is doubled once escaping is in force, so that escapes stay unambiguous.
		{name: "backslash", key: `a\\u000a`, want: `a\\u000a`},
		// Printable non-ASCII is kept; the cut falls on a character boundary (é is 2 bytes).
		{name: "cut between characters", key: strings.Repeat("é", 40), want: strings.Repeat("é", 30) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"` + tt.key + `":1}}`
			_, err := DecodeEvent([]byte(doc))
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			f := ve.Fields[0]
			const prefix = "updatedConsumerUserAttributes."
			if f.Code != CodeUnknownField || f.Path != prefix+tt.want {
				t.Errorf("got %q (%s), want %q (%s)", f.Path, f.Code, prefix+tt.want, CodeUnknownField)
			}
			if got := len(f.Path) - len(prefix); got > maxEchoedName || !utf8.ValidString(f.Path) {
				t.Errorf("echoed name of %d bytes (valid UTF-8: %v), want at most %d", got, utf8.ValidString(f.Path), maxEchoedName)
			}
		})
	}
}

// TestEchoName checks what only a query parameter can hold: bytes that are not UTF-8.
func TestEchoName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// An invalid byte is written as \xXX, so the result is valid UTF-8.
		{name: "invalid byte", in: "a\xffb", want: `a\xffb`},
		// A character beyond the BMP that is not printable uses \U.
		{name: "tag character", in: "a\U000E0041", want: `a\U000e0041`},
		// An escape is never cut in half: the marker comes before it.
		{name: "escape at the cut", in: strings.Repeat("a", 59) + "\x00", want: strings.Repeat("a", 59) + "…"},
		// An escape that ends exactly at the bound is kept whole, with no marker.
		{name: "escape at the bound", in: strings.Repeat("a", 58) + "\x00", want: strings.Repeat("a", 58) + `\u0000`},
	}
	for _, tt := range tests {
		if got := echoName(tt.in); got != tt.want || !utf8.ValidString(got) || len(got) > maxEchoedName {
			t.Errorf("%s: echoName = %q, want %q", tt.name, got, tt.want)
		}
	}
}
