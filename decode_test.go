package userevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestStdlibIsLenient records why the library has its own strict decoder: each input
// here is accepted by encoding/json (v1) into an equivalent struct, and refused by
// DecodeEvent with the given code.
func TestStdlibIsLenient(t *testing.T) {
	type mirror struct {
		Timestamp float64 `json:"timestamp"`
		UserID    string  `json:"userId"`
		Reason    *string `json:"reason"`
	}
	tests := []struct {
		name string
		doc  string
		code string
	}{
		// v1 keeps the last of duplicate members.
		{"duplicate member", `{"timestamp":1700000000000,"userId":"a","userId":"b"}`, CodeDuplicateField},
		// v1 matches member names case-insensitively.
		{"case variant", `{"timestamp":1700000000000,"USERID":"a"}`, CodeUnknownField},
		// v1 ignores unknown members (without DisallowUnknownFields).
		{"unknown member", `{"timestamp":1700000000000,"userId":"a","x":1}`, CodeUnknownField},
		// v1 replaces invalid UTF-8 with U+FFFD.
		{"invalid UTF-8", "{\"timestamp\":1700000000000,\"userId\":\"a\xff\"}", CodeInvalidJSON},
		// v1 turns an unpaired surrogate into U+FFFD.
		{"unpaired surrogate", `{"timestamp":1700000000000,"userId":"\udc00"}`, CodeInvalidJSON},
		// v1 accepts null for any member and leaves it unchanged.
		{"null for a required member", `{"timestamp":null,"userId":"a"}`, CodeRequired},
		// v1 has no size, depth or length limits of its own.
		{"string over the limit", `{"timestamp":1700000000000,"userId":"a","reason":"` + strings.Repeat("x", 70000) + `"}`, CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m mirror
			if err := json.Unmarshal([]byte(tt.doc), &m); err != nil {
				t.Errorf("encoding/json refused it (%v): the row no longer shows a difference", err)
			}
			_, err := DecodeEvent([]byte(tt.doc))
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 || ve.Fields[0].Code != tt.code {
				t.Errorf("DecodeEvent: got %v, want code %s", err, tt.code)
			}
		})
	}
}

// TestLongEscapedStrings: a string over the length limit is too_long however it is
// written (the decoder stops growing it at the limit, which may cut a character in
// two), and only invalid UTF-8 written in the document is a syntax error.
func TestLongEscapedStrings(t *testing.T) {
	over := DefaultLimits().MaxStringBytes/2 + 100 // characters of two bytes or more: over the limit
	tests := []struct {
		name string
		text string // the JSON text of eventDescription, quotes excluded
		code string
	}{
		// Escapes of two-byte characters: the limit falls inside one.
		{"escaped é", strings.Repeat(`\u00e9`, over), CodeTooLong},
		// The same characters written as they are.
		{"raw é", strings.Repeat("é", over), CodeTooLong},
		// Escaped surrogate pairs (four bytes each), with an odd prefix to move the cut.
		{"escaped pairs", "a" + strings.Repeat(`\ud83d\ude00`, over/2+1), CodeTooLong},
		// Raw characters and escapes mixed.
		{"mixed", strings.Repeat(`é\u00e9`, over/2+1), CodeTooLong},
		// Invalid UTF-8 past the limit is still a syntax error.
		{"invalid past the limit", strings.Repeat(`\u00e9`, over) + "\xff", CodeInvalidJSON},
		// And before it, in a short string with escapes.
		{"invalid in a short string", "\\n\xc3x", CodeInvalidJSON},
		// A character cut in two by an escape.
		{"cut by an escape", "\xc3\\u00a9", CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"timestamp":1700000000000,"userId":"a","eventDescription":"` + tt.text + `"}`
			_, err := DecodeEvent([]byte(doc))
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Code != tt.code {
				t.Fatalf("DecodeEvent: got %v, want one problem of code %s", err, tt.code)
			}
			if tt.code == CodeInvalidJSON {
				return
			}
			if ve.Fields[0].Path != "eventDescription" {
				t.Errorf("path %q, want eventDescription", ve.Fields[0].Path)
			}
			// In a batch, the record fails alone and the next one decodes.
			b, err := DecodeEventBatch([]byte(`{"data":[` + doc + `,{"timestamp":1700000000000,"userId":"a","eventId":"e2"}]}`))
			if err != nil || len(b.RecordErrors) != 2 || b.RecordErrors[0] == nil || b.RecordErrors[1] != nil {
				t.Errorf("DecodeEventBatch: %v, record errors %v; want the first record alone to fail", err, b)
			}
		})
	}
}

// TestLimitsConfigurable checks that WithLimits changes each limit, and that a zero
// field keeps its default.
func TestLimitsConfigurable(t *testing.T) {
	doc := []byte(`{"timestamp":1700000000000,"userId":"user-12345","externalLinks":["a","b","c"],"reason":"0123456789"}`)
	tests := []struct {
		name   string
		limits Limits
		code   string // "" when the document passes
	}{
		{"defaults", Limits{}, ""},                                // a small document passes
		{"size", Limits{MaxBytes: 50}, CodeTooLarge},              // the document is over 50 bytes
		{"depth", Limits{MaxDepth: 1}, CodeTooLarge},              // the array is at depth 2
		{"array length", Limits{MaxArrayLength: 2}, CodeTooLarge}, // three links
		{"string length", Limits{MaxStringBytes: 5}, CodeTooLong}, // the reason has 10 bytes
		{"id length", Limits{MaxIDBytes: 4}, CodeTooLong},         // the user id has 10 bytes
		{"id length raised", Limits{MaxIDBytes: 1000}, ""},        // raising a limit keeps the others
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent(doc, WithLimits(tt.limits))
			var ve *ValidationError
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.code != "" && (!errors.As(err, &ve) || ve.Fields[0].Code != tt.code):
				t.Errorf("got %v, want code %s", err, tt.code)
			}
		})
	}
}

// TestErrorsDoNotEchoValues checks that no problem message repeats the value it is
// about.
func TestErrorsDoNotEchoValues(t *testing.T) {
	const canary = "Zyxwvut"
	docs := []string{
		ev(`{"userDetails":{"name":{"firstName":"` + canary + "\u0007" + `"},"dateOfBirth":"` + canary + `"}}`),
		ev(`{"contactDetails":{"emailIds":["` + canary + `"],"contactNumbers":[7]}}`),
		ev(`{"legalDocuments":[{"documentType":"` + canary + `","documentNumber":"` + canary + `","documentIssuedCountry":"` + canary + `"}]}`),
		`{"timestamp":"` + canary + `","userId":"` + canary + `"}`,
	}
	for _, doc := range docs {
		var err error
		e, derr := DecodeEvent([]byte(doc))
		if derr != nil {
			err = derr
		} else {
			err = e.Validate(Strict)
		}
		if err == nil {
			t.Fatalf("%s: no error", doc)
		}
		var ve *ValidationError
		errors.As(err, &ve)
		for _, f := range ve.Fields {
			if strings.Contains(f.Message, canary) {
				t.Errorf("message %q echoes the value", f.Message)
			}
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("error %q echoes the value", err)
		}
	}
}

// TestAmountInRange checks the digit limits of amounts (maxAmountDigits before and after
// the decimal point), counted on the JSON number without converting it.
func TestAmountInRange(t *testing.T) {
	thirty := strings.Repeat("9", 30)
	tests := []struct {
		in   string
		want bool
	}{
		{"0", true},                                 // zero
		{"-0.000", true},                            // zero, however written
		{"0e400", true},                             // zero with a huge exponent
		{thirty, true},                              // 30 integer digits
		{thirty + "9", false},                       // 31 integer digits
		{"0." + thirty, true},                       // 30 fraction digits
		{"0." + thirty + "9", false},                // 31 fraction digits
		{"0.000" + strings.Repeat("1", 27), true},   // leading fraction zeros count: 30
		{"0.0000" + strings.Repeat("1", 27), false}, // 31
		{"1." + strings.Repeat("0", 40), true},      // trailing fraction zeros do not count
		{"1e29", true},                              // 30 integer digits by exponent
		{"1e30", false},                             // 31
		{"1E-30", true},                             // 30 fraction digits by exponent
		{"1e-31", false},                            // 31
		{"123.456e2", true},                         // 12345.6
		{"-" + thirty + "." + thirty, true},         // both limits at once, negative
		{"12.5e-29", true},                          // 0.000...125: 30 fraction digits
		{"12.5e-30", false},                         // 31
	}
	for _, tt := range tests {
		if got := amountInRange([]byte(tt.in)); got != tt.want {
			t.Errorf("amountInRange(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestSmallDecimal checks that the fast conversion of short JSON numbers gives exactly
// the decimal (coefficient and exponent) that decimal.NewFromString gives.
func TestSmallDecimal(t *testing.T) {
	tests := []string{
		"0", "-0", "0.000", "1.50", "-12.50", "1E+3", "1e-18", "12.5e-29", "0.001",
		"999999999999999999",      // 18 digits: the largest on the fast path
		"-99999999.9999999999",    // 18 digits with a fraction
		"1000000000000000000",     // 19 digits: refused, NewFromString handles it
		"123456789012345678.1",    // 19 digits with a fraction: refused
		"7e0", "7E-0", "3.14e+02", // exponent forms
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		n := strconv.FormatInt(r.Int64N(1e12)-5e11, 10)
		if k := r.IntN(8); k > 0 && len(n) > k {
			n = n[:len(n)-k] + "." + n[len(n)-k:]
		}
		if r.IntN(4) == 0 {
			n += "e" + strconv.Itoa(r.IntN(20)-10)
		}
		tests = append(tests, strings.Replace(n, "-.", "-0.", 1))
	}
	for _, in := range tests {
		want, err := decimal.NewFromString(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var got decimal.Decimal
		p, _, ok := scanNumber([]byte(in))
		if ok {
			var coef int64
			var exp int32
			if coef, exp, ok = p.small(); ok {
				got = decimal.New(coef, exp)
			}
		}
		if !ok {
			mantissa, _, _ := strings.Cut(strings.ToLower(in), "e")
			digits := 0
			for _, c := range mantissa {
				if c >= '0' && c <= '9' {
					digits++
				}
			}
			if digits < 19 {
				t.Errorf("%s: refused with %d digits", in, digits)
			}
			continue
		}
		if !sameDecimal(got, want, false) {
			t.Errorf("%s: got %s (exponent %d), want %s (exponent %d)", in, got, got.Exponent(), want, want.Exponent())
		}
	}
}

// TestDecodedValuesAreTheirOwn decodes two documents in turn, through the pooled
// decoder, changes everything reachable from the first and checks the second: the
// chunks and the string buffer a decoder allocates are never shared between documents.
func TestDecodedValuesAreTheirOwn(t *testing.T) {
	doc := fullUser().appendJSON(nil)
	for i := 0; i < 3; i++ {
		first, err := DecodeConsumerUser(doc)
		if err != nil {
			t.Fatal(err)
		}
		second, err := DecodeConsumerUser(doc)
		if err != nil {
			t.Fatal(err)
		}
		scribble(reflect.ValueOf(first))
		if got := second.appendJSON(nil); !bytes.Equal(got, doc) {
			t.Fatalf("changing one decoded user changed another")
		}
	}
}

// TestRepeatedAmountsShareOneDecimal: within a document, an amount equal to one read
// before (same coefficient and exponent) shares its decimal, so that a document that
// repeats a limit allocates it once; the values read are those of the text, 800.0 and
// 8E2 apart from 800.
func TestRepeatedAmountsShareOneDecimal(t *testing.T) {
	doc := func(values ...string) []byte {
		var b strings.Builder
		b.WriteString(`{"userId":"u1","createdTimestamp":1700000000000,"transactionLimits":{`)
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%s":{"amountValue":%s,"amountCurrency":"EUR"}`,
				[]string{"maximumDailyTransactionLimit", "maximumWeeklyTransactionLimit", "maximumMonthlyTransactionLimit",
					"maximumQuarterlyTransactionLimit", "maximumTransactionLimit", "maximumYearlyTransactionLimit"}[i], v)
		}
		b.WriteString(`}}`)
		return []byte(b.String())
	}
	repeated, distinct := doc("800", "800", "800", "800", "800", "800"), doc("801", "802", "803", "804", "805", "806")
	cost := func(doc []byte) float64 {
		allocs, _ := costPerRun(100, func() { _, _ = DecodeConsumerUser(doc) })
		return allocs
	}
	// decimal.New allocates two objects (a big.Int and its word) per amount; the margin
	// of 2 is the pooled decoder, which the race detector's sync.Pool drops at random.
	if got, want := cost(repeated), cost(distinct)-2*5+2; got > want {
		t.Errorf("six equal amounts: %v allocations, want at most %v (six distinct ones less five amounts, and a margin of 2)", got, want)
	}

	// 8.00 has 800's coefficient and another exponent: another amount.
	u, err := DecodeConsumerUser(doc("800", "8.00", "8E2", "800", "1.5", "1.50"))
	if err != nil {
		t.Fatal(err)
	}
	l := u.TransactionLimits
	got := []string{}
	for _, a := range []*Amount{l.MaximumDailyTransactionLimit, l.MaximumWeeklyTransactionLimit, l.MaximumMonthlyTransactionLimit,
		l.MaximumQuarterlyTransactionLimit, l.MaximumTransactionLimit, l.MaximumYearlyTransactionLimit} {
		got = append(got, fmt.Sprintf("%se%d", a.Value.Coefficient(), a.Value.Exponent()))
	}
	if diff := cmp.Diff([]string{"800e0", "800e-2", "8e2", "800e0", "15e-1", "150e-2"}, got); diff != "" {
		t.Errorf("amounts (-want +got):\n%s", diff)
	}
}
