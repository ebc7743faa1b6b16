package userevents

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// canaryValues returns model values whose strings (ids aside) are all canaries.
func canaryValues() map[string]any {
	u := new(ConsumerUser)
	(&filler{canary: true}).fill(reflect.ValueOf(u).Elem())
	b := new(BusinessUser)
	(&filler{canary: true}).fill(reflect.ValueOf(b).Elem())
	e := new(ConsumerUserEvent)
	(&filler{canary: true, n: 1000}).fill(reflect.ValueOf(e).Elem())
	return map[string]any{
		"consumer user": u,
		"business user": b,
		"event":         e,
		"attributes":    e.UpdatedConsumerUserAttributes,
		"stored event":  &StoredEvent{ConsumerUserEvent: *e, Snapshot: &Record{Consumer: u, Business: b}},
		"record":        Record{Consumer: u, Business: b},
		"result":        &Result{User: u, Previous: Record{Consumer: u}, Record: Record{Consumer: u}},
		"batch item":    BatchItem{Result: &Result{User: u, Record: Record{Consumer: u}}},
		"name":          u.UserDetails.Name,
		"optional":      e.UpdatedConsumerUserAttributes.Occupation,
		"card":          u.SavedPaymentDetails[0],
	}
}

// TestRedaction fills every personal field with canaries and checks that no canary
// reaches fmt, log/slog or an error message, while json.Marshal keeps them all.
func TestRedaction(t *testing.T) {
	for name, v := range canaryValues() {
		var outs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			outs = append(outs, fmt.Sprintf(verb, v))
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
				outs = append(outs, fmt.Sprintf(verb, rv.Elem().Interface()))
			}
		}
		outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v), fmt.Sprint([]any{v}))
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("event", "value", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("event", "value", v, slog.Group("g", "nested", v))
		outs = append(outs, text.String(), js.String())
		for _, out := range outs {
			if strings.Contains(out, "CANARY") {
				t.Errorf("%s: personal data printed: %.300s", name, out[strings.Index(out, "CANARY")-min(100, strings.Index(out, "CANARY")):])
				break
			}
		}
		if m, ok := v.(json.Marshaler); ok {
			data, _ := m.MarshalJSON()
			if !bytes.Contains(data, []byte("CANARY")) {
				t.Errorf("%s: json.Marshal lost the data", name)
			}
		}
	}
}

// TestRedactionInErrors validates canary-filled documents that break many rules and
// checks that no message repeats a value.
func TestRedactionInErrors(t *testing.T) {
	v := canaryValues()
	u := v["consumer user"].(*ConsumerUser)
	e := v["event"].(*ConsumerUserEvent)
	var errs []error
	errs = append(errs, u.Validate(Strict), v["business user"].(*BusinessUser).Validate(Strict), e.Validate(Strict))
	_, err := Apply(Record{Consumer: u}, e, Options{}, Config{})
	errs = append(errs, err)
	data, _ := json.Marshal(u)
	_, err = DecodeEvent(data) // a user is not an event: unknown members
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("document %d: no error", i)
			continue
		}
		if s := err.Error(); strings.Contains(s, "CANARY") {
			t.Errorf("document %d: error holds personal data: %.200s", i, s)
		}
	}
}

// TestRedactCollections logs slices, maps and pointers of canary-filled model values
// through Redact with both slog handlers, and checks that no canary appears, while the
// structure (ids, enums) does. Without Redact, the JSON handler writes them whole.
func TestRedactCollections(t *testing.T) {
	v := canaryValues()
	u := v["consumer user"].(*ConsumerUser)
	b := v["business user"].(*BusinessUser)
	e := v["event"].(*ConsumerUserEvent)
	rec := v["record"].(Record)
	tests := []struct {
		name string
		v    any
		want string // a part of the output that shows the structure survived
	}{
		// The case: a slice of model values (document numbers and more).
		{name: "legal documents", v: u.LegalDocuments, want: "LegalDocument{"},
		// A slice of pointers.
		{name: "pointers to users", v: []*ConsumerUser{u, nil, u}, want: `userId: "` + u.UserID + `"`},
		// A map keyed by strings, which may be personal data too.
		{name: "map of users by email", v: map[string]ConsumerUser{"CANARY-KEY-1": *u, "CANARY-KEY-2": *u}, want: "map[" + redacted + ":ConsumerUser{"},
		// A map of pointers to business users.
		{name: "map of business users", v: map[string]*BusinessUser{"b": b}, want: "BusinessUser{"},
		// Nested collections.
		{name: "slice of slices of addresses", v: [][]Address{u.ContactDetails.Addresses, nil}, want: "Address{"},
		// Events, attributes and an Optional.
		{name: "events", v: []ConsumerUserEvent{*e}, want: "ConsumerUserEvent{"},
		{name: "attributes", v: []*ConsumerUserAttributes{e.UpdatedConsumerUserAttributes}, want: "ConsumerUserAttributes{"},
		{name: "optional occupations", v: []Optional[string]{e.UpdatedConsumerUserAttributes.Occupation}, want: redacted},
		// Records, results and batch items.
		{name: "records", v: []Record{rec}, want: "Record{"},
		{name: "batch items", v: []BatchItem{v["batch item"].(BatchItem)}, want: "Result{"},
		// A pointer to a slice, in an interface slice.
		{name: "pointer to a slice in []any", v: []any{&u.SavedPaymentDetails, u.Tags}, want: "UserTag{"},
		// Enums and codes print when valid; raw JSON never does.
		{name: "enums", v: []RiskLevel{RiskLevelHigh, RiskLevel("CANARY-ENUM")}, want: "[HIGH " + redacted + "]"},
		{name: "raw JSON", v: []json.RawMessage{b.LegalEntity}, want: "[" + redacted + "]"},
		// A string or a struct the package does not know is redacted whole.
		{name: "plain strings", v: []string{"CANARY-STRING"}, want: "[" + redacted + "]"},
		{name: "foreign struct", v: struct{ Name string }{"CANARY-FOREIGN"}, want: redacted},
		// Validation errors print as their messages, which hold no values.
		{name: "validation error", v: []error{u.Validate(Strict), e.Validate(Strict)}, want: "["},
		// Numbers and decimals are not personal data.
		{name: "amounts", v: map[CurrencyCode]Amount{"EUR": {Currency: "EUR"}}, want: "map[EUR:Amount{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", Redact(tt.v))
			slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", Redact(tt.v), slog.Group("g", "nested", Redact(tt.v)))
			for _, out := range []string{text.String(), js.String(), fmt.Sprint(Redact(tt.v)), fmt.Sprintf("%+v", Redact(tt.v))} {
				if i := strings.Index(out, "CANARY"); i >= 0 {
					t.Errorf("personal data printed: %.200s", out[max(0, i-100):])
				}
			}
			if got := Redact(tt.v).LogValue().String(); !strings.Contains(got, tt.want) {
				t.Errorf("got %.300s, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestSlogLeaksWithoutRedact documents why Redact exists: slog resolves LogValue only on
// the top value, so the JSON handler writes a slice of model values whole. If this test
// fails, slog has changed and Redact's documentation should say so.
func TestSlogLeaksWithoutRedact(t *testing.T) {
	u := canaryValues()["consumer user"].(*ConsumerUser)
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "docs", u.LegalDocuments)
	if !strings.Contains(js.String(), "CANARY") {
		t.Errorf("slog no longer writes slices of model values whole: %.200s", js.String())
	}
}

// TestRedactionOfInvalidEnums: the decoders take any string in an enum or a code member
// (Validate refuses it later), so a sender's misplaced data there, a document number
// as a country, must print redacted like any other text: only an enum's own values
// print as they are.
func TestRedactionOfInvalidEnums(t *testing.T) {
	ev, err := DecodeEvent([]byte(`{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":{"riskLevel":"CANARY-RL",
		"kycStatusDetails":{"status":"CANARY-K"},"userStateDetails":{"state":"ACTIVE"},
		"userDetails":{"secondaryCountryOfNationality":["DE","CANARY-C"]},
		"legalDocuments":[{"documentType":"p","documentNumber":"x","documentIssuedCountry":"CANARY-12345"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	u, err := DecodeConsumerUser([]byte(`{"userId":"u1","createdTimestamp":1700000000000,
		"userDetails":{"name":{"firstName":"A"},"countryOfResidence":"CANARY-NAME","gender":"CANARY-G"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("m", "ev", ev, "user", u)
	attrs := ev.UpdatedConsumerUserAttributes
	for _, tc := range []struct{ name, out string }{
		{"%v of the event", fmt.Sprintf("%v", ev)},
		{"%+v of the user", fmt.Sprintf("%+v", u)},
		{"slog", logged.String()},
		{"Redact", fmt.Sprint(Redact([]*ConsumerUserEvent{ev}))},
		{"an Optional enum", fmt.Sprint(attrs.RiskLevel)},
		{"an Optional list of codes", fmt.Sprint(attrs.UserDetails.v.SecondaryCountryOfNationality)},
	} {
		if strings.Contains(tc.out, "CANARY") {
			t.Errorf("%s prints an invalid enum value: %.300s", tc.name, tc.out[max(0, strings.Index(tc.out, "CANARY")-100):])
		}
	}
	// A valid value still prints, for the logs to be of use.
	if out := fmt.Sprintf("%v", ev); !strings.Contains(out, "ACTIVE") || !strings.Contains(fmt.Sprint(attrs.UserDetails.v.SecondaryCountryOfNationality), "DE") {
		t.Errorf("a valid enum value is no longer printed: %.300s", out)
	}
}

// TestRedactionAllocations: the redacted form of a full user allocates its buffer and
// little else, not an allocation per enum member (the check of an enum's value boxed a
// copy of it: 541 allocations for the package's full user).
func TestRedactionAllocations(t *testing.T) {
	u := fullUser()
	if n := testing.AllocsPerRun(20, func() { _ = u.LogValue() }); n > 30 {
		t.Errorf("LogValue of the full user: %.0f allocations, want at most 30", n)
	}
}
