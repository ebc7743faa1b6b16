package userevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fuzz targets check properties, not only the absence of panics: round trips,
// agreement with encoding/json, and the invariants of Apply. Failing inputs that the
// fuzzer finds are kept under testdata/fuzz/ and run as part of go test.

// eventSeeds are event documents, each with the edge case it exercises.
var eventSeeds = []string{
	`{"timestamp":1700000000000,"userId":"u1"}`,                                                              // the smallest valid event
	`{"timestamp":1.1,"userId":"userId"}`,                                                                    // the seed document's example, out of range
	`{"timestamp":1700000000000.5,"userId":"u1","eventId":"e1"}`,                                             // a fractional timestamp
	`{"timestamp":-0,"userId":"u1"}`,                                                                         // negative zero
	`{"timestamp":1e400,"userId":"u1"}`,                                                                      // beyond a double
	`{"timestamp":1700000000000,"userId":"u1","userId":"u2"}`,                                                // a duplicate member
	`{"timestamp":1700000000000,"USERID":"u1"}`,                                                              // a case variant
	"{\"timestamp\":1700000000000,\"userId\":\"\xff\"}",                                                      // invalid UTF-8
	`{"timestamp":1700000000000,"userId":"\ud83d\ude00\u00e9\n\"\\"}`,                                        // escapes and a surrogate pair
	`{"timestamp":1700000000000,"userId":"\ud800"}`,                                                          // an unpaired surrogate
	`{"timestamp":1700000000000,"userId":"u1"} {}`,                                                           // trailing data
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]`,                             // deep nesting
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"riskLevel":null,"tags":[]}}`, // null and an empty array
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE","reason":"ok"},"kycStatusDetails":{"status":"SUCCESSFUL"}}}`,                                      // state and KYC
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":123456789012345678.123456789012345678,"amountCurrency":"BTC"}}}}`,   // a long amount
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"expectedIncome":{"dailyExpectedIncome":{"amountValue":1e-18,"amountCurrency":"ETH"}}}}`,                                               // an exponent amount
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"savedPaymentDetails":[{"method":"CARD","cardBrand":"VISA","nameOnCard":{"firstName":"A"}},{"cardFunding":"DEBIT","method":"CARD"}]}}`, // the union, method first and last
	`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"userDetails":{"name":{"firstName":"Ame\u0301lie"},"dateOfBirth":"1991-02-30"}}}`,                                                      // NFD name, bad date
	`{"timestamp":1700000000000,"userId":"u1","newUserId":"u2","externalLinks":["a","a","b"]}`,                                                                                                                        // re-key and duplicate links
}

// userSeeds are consumer user documents.
var userSeeds = []string{
	`{"userId":"u1","createdTimestamp":1600000000000}`, // the smallest valid user
	`{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"state":"CREATED","userId":"u1"},"tags":[{"key":"a","value":"1"}]}`,                                                                                   // legacy userId, tags
	`{"userId":"u1","createdTimestamp":1600000000000,"executedRules":[{"ruleInstanceId":"r","ruleName":"n","ruleDescription":"d","ruleAction":"FLAG","ruleHit":true,"vars":[{"value":{"a":[1,2.5e3,"x",null,{"b":true}]}}]}]}`, // arbitrary JSON
	`{"userId":"u1","createdTimestamp":1600000000000,"userDetails":{"name":{"firstName":"Ada"},"dateOfBirth":"1985-12-10"},"legalDocuments":[{"documentType":"passport","documentNumber":"P1"}]}`,                              // nested values
}

// addSeeds adds the seeds, the package's full documents, and the shared fixtures when
// present.
func addSeeds(f *testing.F, seeds []string, full func() []byte, fixtures ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add(full()) // every field of every type
	for _, name := range fixtures {
		if data, err := os.ReadFile(filepath.Join(sharedDir, name)); err == nil {
			f.Add(data) // a shared fixture or benchmark input
		}
	}
}

func fullUserJSON() []byte  { return fullUser().appendJSON(nil) }
func fullEventJSON() []byte { return benchFullEvent() }

// knownCodes are the codes a FieldError may have.
var knownCodes = map[string]bool{CodeRequired: true, CodeUnknownField: true, CodeDuplicateField: true,
	CodeInvalidJSON: true, CodeInvalidType: true, CodeInvalidEnum: true, CodeInvalidFormat: true,
	CodeOutOfRange: true, CodeTooLong: true, CodeTooLarge: true, CodeInconsistent: true, CodeNotAllowed: true}

// checkDecodeError fails unless err is a *ValidationError with known codes and messages.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		t.Fatalf("error %v is not a non-empty *ValidationError", err)
	}
	for _, f := range ve.Fields {
		if !knownCodes[f.Code] || f.Message == "" {
			t.Fatalf("bad problem %+v", f)
		}
	}
}

// sameVerdict fails unless validating twice gives the same problems (paths and codes).
func sameVerdict(t *testing.T, validate func() error) {
	t.Helper()
	a, b := validate(), validate()
	if (a == nil) != (b == nil) {
		t.Fatalf("Validate is not deterministic: %v / %v", a, b)
	}
	if a != nil {
		if diff := cmp.Diff(problemsOf(t, a), problemsOf(t, b)); diff != "" {
			t.Fatalf("Validate is not deterministic (-first +second):\n%s", diff)
		}
	}
}

// FuzzDecodeEvent: any bytes give an error, or an event that re-encodes and decodes to
// the same value and validates to the same verdict twice.
func FuzzDecodeEvent(f *testing.F) {
	addSeeds(f, eventSeeds, fullEventJSON, "fixtures/seed-request.json", "bench-inputs/small-event.json", "bench-inputs/kyc-event.json", "bench-inputs/full-event.json")
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip(t, data, DecodeEvent) })
}

// FuzzDecodeConsumerUser: as FuzzDecodeEvent, for users.
func FuzzDecodeConsumerUser(f *testing.F) {
	addSeeds(f, userSeeds, fullUserJSON, "fixtures/consumer-user.json", "fixtures/seed-response.json", "bench-inputs/full-user.json")
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip(t, data, DecodeConsumerUser) })
}

// roundTrip is the check of FuzzDecodeEvent and FuzzDecodeConsumerUser on one input:
// decode gives an error (see checkDecodeError), or a value whose encoding decodes to
// the same encoding and that validates to the same verdict twice at each level.
func roundTrip[T interface {
	appendJSON([]byte) []byte
	weight() int
	Validate(Level) error
}](t *testing.T, data []byte, decode func([]byte, ...DecodeOption) (T, error)) {
	t.Helper()
	v, err := decode(data)
	if err != nil {
		checkDecodeError(t, err)
		return
	}
	enc := v.appendJSON(nil)
	v2, err := decode(enc)
	if err != nil {
		t.Fatalf("the re-encoding does not decode: %v\n%s", err, enc)
	}
	if enc2 := v2.appendJSON(nil); !bytes.Equal(enc, enc2) {
		t.Fatalf("round trip differs:\n%s\n%s", enc, enc2)
	}
	// The weight estimates the length of the JSON within the factors the snapshot
	// policy relies on: an escape writes at most 6 bytes for 1; a number weighs 8
	// (a float writes at most 24 bytes, a decimal more, but each comes with its key
	// and braces); a number of 1 byte weighs 8.
	if w := v.weight(); 6*w < len(enc) || w > 8*len(enc) {
		t.Fatalf("weight %d for %d bytes of JSON", w, len(enc))
	}
	for _, level := range []Level{Strict, Compatible} {
		sameVerdict(t, func() error { return v.Validate(level) })
	}
}

// FuzzDecodeAgreesWithStdlib: where the decoder accepts an event, encoding/json reads
// the same document into map[string]any, and every value agrees with the library's
// re-encoding: strings and booleans exactly, amounts exactly as decimals, other numbers
// as doubles.
func FuzzDecodeAgreesWithStdlib(f *testing.F) {
	addSeeds(f, append(eventSeeds, userSeeds...), fullEventJSON, "bench-inputs/full-event.json", "fixtures/seed-request.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEvent(data)
		if err != nil {
			return
		}
		var want, got any
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		if err := d.Decode(&want); err != nil {
			t.Fatalf("encoding/json refuses a document the library accepts: %v", err)
		}
		d = json.NewDecoder(bytes.NewReader(e.appendJSON(nil)))
		d.UseNumber()
		if err := d.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if path, ok := agree(want, got, ""); !ok {
			t.Fatalf("disagreement at %s:\n%s\n%s", path, data, e.appendJSON(nil))
		}
	})
}

// agree compares two decoded JSON values; numbers under amountValue (and inside
// arbitrary JSON, kept as text) exactly, others as doubles.
func agree(a, b any, path string) (string, bool) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return path, false
		}
		for k, v := range x {
			if p, ok := agree(v, y[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path, false
		}
		for i := range x {
			if p, ok := agree(x[i], y[i], path+"[]"); !ok {
				return p, false
			}
		}
		return "", true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return path, false
		}
		if strings.HasSuffix(path, ".amountValue") || strings.Contains(path, ".value") || strings.Contains(path, ".settings") {
			xr, ok1 := new(big.Rat).SetString(x.String())
			yr, ok2 := new(big.Rat).SetString(y.String())
			return path, ok1 && ok2 && xr.Cmp(yr) == 0
		}
		xf, err1 := x.Float64()
		yf, err2 := y.Float64()
		return path, err1 == nil && err2 == nil && xf == yf
	}
	return path, reflect.DeepEqual(a, b)
}

// FuzzApply: a fuzzed user and a fuzzed event either make Apply refuse with a typed
// error and leave the record unchanged, or give a user that validates, keeps userId and
// createdTimestamp, and that the same event applied again does not change.
func FuzzApply(f *testing.F) {
	for i, e := range eventSeeds {
		f.Add([]byte(userSeeds[i%len(userSeeds)]), []byte(e))
	}
	f.Add(fullUserJSON(), fullEventJSON())                                       // every field on both sides
	f.Add([]byte(baseUser), []byte(attrs(`{"tags":[{"key":"b","value":"3"}]}`))) // the tags merge
	for _, row := range applyRows {
		if row.stored != "-" && !row.business {
			stored := row.stored
			if stored == "" {
				stored = baseUser
			}
			f.Add([]byte(stored), []byte(row.event)) // every row of the apply table
		}
	}
	f.Fuzz(func(t *testing.T, userDoc, eventDoc []byte) {
		u, err := DecodeConsumerUser(userDoc)
		if err != nil || u.Validate(Strict) != nil {
			return
		}
		e, err := DecodeEvent(eventDoc)
		if err != nil {
			return
		}
		e.UserID = u.UserID
		rec := Record{Consumer: u, Version: 1}
		recBefore, evBefore := encodeRecord(rec), e.appendJSON(nil)
		res, err := Apply(rec, e, Options{}, Config{})
		if !bytes.Equal(recBefore, encodeRecord(rec)) || !bytes.Equal(evBefore, e.appendJSON(nil)) {
			t.Fatal("Apply changed its inputs")
		}
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, ErrTransitionNotAllowed) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if err := res.User.Validate(Strict); err != nil {
			t.Fatalf("the merged user is invalid: %v\nuser %s\nevent %s", err, userDoc, eventDoc)
		}
		if res.User.UserID != u.UserID || res.User.CreatedTimestamp != u.CreatedTimestamp {
			t.Fatal("userId or createdTimestamp changed")
		}
		again, err := Apply(res.Record, e, Options{}, Config{})
		if err != nil {
			t.Fatalf("second apply: %v", err)
		}
		if a, b := res.User.appendJSON(nil), again.User.appendJSON(nil); !bytes.Equal(a, b) {
			t.Fatalf("applying twice differs from once:\n%s\n%s", a, b)
		}
		if len(again.Changes) != 0 {
			t.Fatalf("the second apply changed %v", again.Changes)
		}
	})
}

// FuzzMergeOrder: an event whose attributes are the union of two events with disjoint
// members gives the same user as the two events in turn. mask chooses, bit by bit, which
// member of the attributes goes to the first event.
func FuzzMergeOrder(f *testing.F) {
	f.Add(fullUserJSON(), fullEventJSON(), uint64(0x5555555555555555))                                                                                                          // every other member first
	f.Add([]byte(baseUser), []byte(attrs(`{"userStateDetails":{"state":"ACTIVE"},"kycStatusDetails":{"status":"SUCCESSFUL"},"tags":[{"key":"c","value":"4"}]}`)), uint64(1<<2)) // only the third member (kycStatusDetails) first
	f.Add([]byte(minimalUser), []byte(event(`"reason":"r","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"},"riskLevel":"LOW"}`)), uint64(0))              // everything in the second half: the first is empty
	f.Fuzz(func(t *testing.T, userDoc, eventDoc []byte, mask uint64) {
		u, err := DecodeConsumerUser(userDoc)
		if err != nil || u.Validate(Strict) != nil {
			return
		}
		e, err := DecodeEvent(eventDoc)
		if err != nil || e.UpdatedConsumerUserAttributes == nil {
			return
		}
		e.UserID = u.UserID
		first, second := *e, *e
		a1, a2 := new(ConsumerUserAttributes), new(ConsumerUserAttributes)
		av, v1, v2 := reflect.ValueOf(e.UpdatedConsumerUserAttributes).Elem(), reflect.ValueOf(a1).Elem(), reflect.ValueOf(a2).Elem()
		for i := 0; i < av.NumField(); i++ {
			if mask&(1<<i) != 0 {
				v1.Field(i).Set(av.Field(i))
			} else {
				v2.Field(i).Set(av.Field(i))
			}
		}
		first.UpdatedConsumerUserAttributes, first.ExternalLinks = a1, nil
		second.UpdatedConsumerUserAttributes = a2
		rec := Record{Consumer: u, Version: 1}
		whole, err := Apply(rec, e, Options{}, Config{})
		if err != nil {
			return
		}
		r1, err := Apply(rec, &first, Options{}, Config{})
		if err != nil {
			t.Fatalf("the first half fails alone: %v", err)
		}
		r2, err := Apply(r1.Record, &second, Options{}, Config{})
		if err != nil {
			t.Fatalf("the second half fails after the first: %v", err)
		}
		if a, b := whole.User.appendJSON(nil), r2.User.appendJSON(nil); !bytes.Equal(a, b) {
			t.Fatalf("union and halves differ:\n%s\n%s", a, b)
		}
	})
}

// FuzzParseOptions: any query gives a *ValidationError, or options whose Query reads
// back to the same options.
func FuzzParseOptions(f *testing.F) {
	f.Add("allowUserTypeConversion=true&lockKycRiskLevel=false") // two flags
	f.Add("lockCraRiskLevel=true&lockCraRiskLevel=true")         // a repeated flag
	f.Add("changeUserId=TRUE")                                   // a capitalised value
	f.Add("x=1&%zz")                                             // an unknown key and a bad escape
	f.Add("")                                                    // nothing
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		o, err := ParseOptions(q)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			return
		}
		back, err := ParseOptions(o.Query())
		if err != nil || !back.equal(o) {
			t.Fatalf("Query does not round-trip: %+v -> %+v (%v)", o, back, err)
		}
	})
}

// FuzzDecodeEventBatch: DecodeEventBatch agrees with the strict EventBatch.UnmarshalJSON
// (no record errors exactly when the strict decoder accepts the batch, and then the same
// records), keeps one record error per record when there are any, and never leaves a
// failed record that validates.
func FuzzDecodeEventBatch(f *testing.F) {
	f.Add([]byte(`{"data":[{"timestamp":1700000000000,"userId":"u1"}]}`))                                                                                                                                                                 // one good record
	f.Add([]byte(`{"batchId":"b","data":[{"timestamp":1700000000000,"userId":"u1","eventId":"` + strings.Repeat("e", 257) + `"},{}]}`))                                                                                                   // a long eventId, an empty record
	f.Add([]byte(`{"data":[{"timestamp":1700000000000,"userId":"u1","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},{"timestamp":"x"}]}`)) // a record too deep
	f.Add([]byte(`{"data":[{"timestamp":1700000000000,"userId":"u1","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[tru}]}`))                                                                                     // a syntax error after a limit
	f.Add([]byte(`{"data":[1,"x",null,[]]}`))                                                                                                                                                                                             // records that are not objects
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := DecodeEventBatch(data)
		var strict EventBatch
		strictErr := strict.UnmarshalJSON(data)
		if err != nil {
			if strictErr == nil {
				t.Fatalf("DecodeEventBatch refused what UnmarshalJSON accepts: %v", err)
			}
			return
		}
		if (b.RecordErrors == nil) != (strictErr == nil) {
			t.Fatalf("record errors %v, but UnmarshalJSON says %v", b.RecordErrors, strictErr)
		}
		if b.RecordErrors == nil {
			if !reflect.DeepEqual(b.Data, strict.Data) {
				t.Fatalf("records differ from UnmarshalJSON's")
			}
			return
		}
		if len(b.RecordErrors) != len(b.Data) {
			t.Fatalf("%d record errors for %d records", len(b.RecordErrors), len(b.Data))
		}
		for i, err := range b.RecordErrors {
			var ve *ValidationError
			if err != nil && (!errors.As(err, &ve) || len(ve.Fields) == 0 || b.Data[i].Validate(Compatible) == nil) {
				t.Fatalf("record %d: error %v, or a failed record that validates", i, err)
			}
		}
	})
}

// FuzzParseQuery: ParseQuery never panics, refuses what url.ParseQuery cannot parse
// (its parameter cap aside), and agrees with ParseOptions wherever url.ParseQuery parses
// the whole query.
func FuzzParseQuery(f *testing.F) {
	f.Add("changeUserId=true&lockKycRiskLevel=false") // two flags
	f.Add("changeUserId=true;")                       // a semicolon
	f.Add("lockKycRiskLevel=%zz")                     // a bad escape
	f.Add("%61llowUserTypeConversion=tru%65&&")       // escapes and empty parts
	f.Add("x=1&x=2&changeUserId=true&changeUserId=1") // repeats and unknowns
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := ParseQuery(raw)
		q, perr := url.ParseQuery(raw)
		if perr != nil {
			// url.ParseQuery refuses a ';', a bad escape, and more than 10,000 parameters;
			// ParseQuery refuses the first two only.
			if err == nil && strings.Count(raw, "&") < 10000 {
				t.Fatalf("ParseQuery accepted %q, which url.ParseQuery refuses (%v)", raw, perr)
			}
			return
		}
		want, werr := ParseOptions(q)
		if (err == nil) != (werr == nil) || err == nil && !got.equal(want) {
			t.Fatalf("ParseQuery = %+v, %v; ParseOptions = %+v, %v", got, err, want, werr)
		}
	})
}
