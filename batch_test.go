package userevents

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeEventBatchRecords checks that a record that breaks a rule of decoding fails
// alone, and that the batch fails whole only when it is not well-formed or breaks a
// limit of its own.
func TestDecodeEventBatchRecords(t *testing.T) {
	longID := strings.Repeat("e", 257)
	deep := `"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70)
	manyUnknown := strings.TrimPrefix(strings.Repeat(`,"x":1`, 150), ",")
	tests := []struct {
		name    string
		doc     string
		limits  Limits
		ids     []string // the eventIds of Data, in order
		recErrs [][]fe   // the problems of each record (nil: none); nil when none at all
		errs    []fe     // the problems of the whole batch
	}{
		// Every record decodes: no RecordErrors at all.
		{name: "all good", doc: `{"data":[` + event(`"eventId":"a"`) + `,` + event(`"eventId":"b"`) + `]}`,
			ids: []string{"a", "b"}},
		// The case: a 257-byte eventId fails its record alone, with no id to report.
		{name: "257-byte eventId", doc: `{"data":[` + event(`"eventId":"a"`) + `,` + event(`"eventId":"`+longID+`"`) + `,` + event(`"eventId":"c"`) + `]}`,
			ids: []string{"a", "", "c"}, recErrs: [][]fe{nil, {{"data[1].eventId", CodeTooLong}}, nil}},
		// A wrong type: the record keeps its clean eventId, and nothing else.
		{name: "wrong type", doc: `{"data":[` + `{"timestamp":"now","userId":"u1","eventId":"a"}` + `,` + event(`"eventId":"b"`) + `]}`,
			ids: []string{"a", "b"}, recErrs: [][]fe{{{"data[0].timestamp", CodeInvalidType}}, nil}},
		// An unknown member and a missing userId in the last record.
		{name: "unknown and missing", doc: `{"data":[` + event(`"eventId":"a"`) + `,{"timestamp":1700000000000,"eventId":"b","nickname":"x"}]}`,
			ids: []string{"a", "b"}, recErrs: [][]fe{nil, {{"data[1].nickname", CodeUnknownField}, {"data[1].userId", CodeRequired}}}},
		// A record nested past the depth limit is skipped to its end; the next applies.
		{name: "too deep", doc: `{"data":[` + event(`"eventId":"a",`+deep) + `,` + event(`"eventId":"b"`) + `]}`,
			ids: []string{"a", "b"}, recErrs: [][]fe{{{"data[0].x", CodeUnknownField}, {"data[0].x" + strings.Repeat("[0]", 61), CodeTooLarge}}, nil}},
		// An array inside a record past the array limit likewise.
		{name: "long array in a record", limits: Limits{MaxArrayLength: 3}, doc: `{"data":[` + event(`"eventId":"a","externalLinks":["1","2","3","4"]`) + `,` + event(`"eventId":"b"`) + `]}`,
			ids: []string{"a", "b"}, recErrs: [][]fe{{{"data[0].externalLinks[3]", CodeTooLarge}}, nil}},
		// The cap on problems applies per record: the second record's are reported too.
		{name: "problems capped per record", doc: `{"data":[{` + manyUnknown + `},{"timestamp":1700000000000,"eventId":"b","y":1}]}`,
			ids: []string{"", "b"}, recErrs: [][]fe{nil /* checked below */, {{"data[1].userId", CodeRequired}, {"data[1].y", CodeUnknownField}}}},
		// A syntax error in a record: the batch is not well-formed and fails whole.
		{name: "syntax error in a record", doc: `{"data":[` + event(`"eventId":"a"`) + `,{"timestamp":17,}]}`,
			errs: []fe{{"data[1].timestamp", CodeInvalidJSON}}},
		// A syntax error after a limit, found while skipping the record: fails whole.
		{name: "syntax error after a limit", doc: `{"data":[{"timestamp":1700000000000,"userId":"u1",` + deep + `,"y":tru},` + event("") + `]}`,
			errs: []fe{{"data[0]", CodeInvalidJSON}}},
		// More records than the array limit: the batch's own limit, fails whole.
		{name: "too many records", limits: Limits{MaxArrayLength: 2}, doc: `{"data":[` + event("") + `,` + event("") + `,` + event("") + `]}`,
			errs: []fe{{"data[2]", CodeTooLarge}}},
		// A problem of the batch itself fails it whole.
		{name: "unknown batch member", doc: `{"data":[` + event("") + `],"extra":1}`,
			errs: []fe{{"extra", CodeUnknownField}}},
		// data is required.
		{name: "no data", doc: `{"batchId":"b"}`, errs: []fe{{"data", CodeRequired}}},
		// batchId is an id, which a store keeps as a key: no NUL, at both levels ...
		{name: "batchId with NUL", doc: `{"batchId":"b\u0000x","data":[` + event("") + `]}`,
			errs: []fe{{"batchId", CodeInvalidFormat}}},
		// ... and no longer than an id (a PostgreSQL index entry holds about 2.7 KB).
		{name: "257-byte batchId", doc: `{"batchId":"` + longID + `","data":[` + event("") + `]}`,
			errs: []fe{{"batchId", CodeTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := DecodeEventBatch([]byte(tt.doc), WithLimits(tt.limits))
			if tt.errs != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("got %v, want a *ValidationError", err)
				}
				if diff := cmp.Diff(tt.errs, fieldErrs(ve)); diff != "" {
					t.Errorf("batch problems (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			var ids []string
			for _, e := range b.Data {
				ids = append(ids, e.EventID)
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("event ids (-want +got):\n%s", diff)
			}
			if tt.recErrs == nil {
				if b.RecordErrors != nil {
					t.Errorf("RecordErrors %v, want nil", b.RecordErrors)
				}
				return
			}
			if len(b.RecordErrors) != len(b.Data) {
				t.Fatalf("%d record errors for %d records", len(b.RecordErrors), len(b.Data))
			}
			for i, want := range tt.recErrs {
				err := b.RecordErrors[i]
				var ve *ValidationError
				switch {
				case tt.name == "problems capped per record" && i == 0:
					if !errors.As(err, &ve) || len(ve.Fields) != maxErrors+1 || ve.Fields[maxErrors].Code != CodeTooLarge {
						t.Errorf("record 0: %d problems, want %d and too_large", len(ve.Fields), maxErrors+1)
					}
				case want == nil && err != nil:
					t.Errorf("record %d: unexpected %v", i, err)
				case want != nil && !errors.As(err, &ve):
					t.Errorf("record %d: got %v, want a *ValidationError", i, err)
				case want != nil:
					got := fieldErrs(ve)
					sortFE(got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("record %d problems (-want +got):\n%s", i, diff)
					}
					// What is left of a failed record cannot be applied.
					if b.Data[i].Validate(Compatible) == nil {
						t.Errorf("record %d: the failed record is valid", i)
					}
				}
			}
		})
	}
}

// benchBatch is a batch of n records, the small and KYC events in turn; with bad, every
// tenth record carries an unknown member (it fails alone).
func benchBatch(n int, bad bool) []byte {
	b := []byte(`{"batchId":"b1","data":[`)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		ev := benchSmallEvent
		if i%2 == 1 {
			ev = benchKYCEvent
		}
		if bad && i%10 == 0 {
			ev = []byte(`{"timestamp":1700000500000,"userId":"u","nope":1}`)
		}
		b = append(b, ev...)
	}
	return append(b, "]}"...)
}

func BenchmarkDecodeEventBatch(b *testing.B) {
	for _, in := range []struct {
		name string
		data []byte
	}{{"good", benchBatch(100, false)}, {"bad", benchBatch(100, true)}} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := DecodeEventBatch(in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("unmarshal", func(b *testing.B) {
		data := benchBatch(100, false)
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v EventBatch
			if err := v.UnmarshalJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestReasonCodeStoredData: an error wrapping ErrStoredData is the server's (500), so its
// reason is INTERNAL_ERROR whatever it wraps, as HTTPStatus says.
func TestReasonCodeStoredData(t *testing.T) {
	for _, inner := range []error{&ValidationError{Fields: []FieldError{{Path: "x", Code: CodeRequired}}}, ErrTransitionNotAllowed} {
		err := fmt.Errorf("%w: %w", ErrStoredData, inner)
		if got := ReasonCode(err); got != ReasonInternal || HTTPStatus(err) != 500 {
			t.Errorf("%v: reason %s, status %d; want %s and 500", err, got, HTTPStatus(err), ReasonInternal)
		}
	}
}
