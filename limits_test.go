package userevents

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
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
