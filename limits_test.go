package userevents

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
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
