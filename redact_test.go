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
		"stored event":  &StoredEvent{ConsumerUserEvent: *e, User: u, Previous: Record{Business: b}},
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
