package userevents

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// setZero puts the Optional o (addressable) in the state set, holding its zero value:
// Set[T](zero), as a Go caller can write it.
func setZero(o reflect.Value) {
	reflect.NewAt(o.Field(1).Type(), o.Field(1).Addr().UnsafePointer()).Elem().SetUint(uint64(optionalSet))
}

// TestGoBuiltZeroValuesReplay: every member of ConsumerUserAttributes, and every member
// of the *Update objects in it, set to its zero value by Go (Set(nil), Set(""), Set(0),
// ...). An update the decoder could not have produced must either be refused with a
// *ValidationError, or be stored so that it replays, through its JSON, to the record
// Apply committed: a Store that keeps a user as its history (pgstore) rebuilds it so.
// Set(nil) of a pointer or a list is refused at its path (invalid_type): written as {}
// or [], it read back as another update (an empty object whose required members are
// missing, an empty list where the merge had removed the list).
func TestGoBuiltZeroValuesReplay(t *testing.T) {
	type tc struct {
		name, path string
		attrs      *ConsumerUserAttributes
		nilValue   bool // Set(nil) of a pointer or a list
	}
	nillable := func(t reflect.Type) bool {
		return t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice
	}
	var cases []tc
	at := reflect.TypeOf(ConsumerUserAttributes{})
	for i := 0; i < at.NumField(); i++ {
		f := at.Field(i)
		jsonName := strings.Split(f.Tag.Get("json"), ",")[0]
		vt := f.Type.Field(0).Type // the T of Optional[T]
		attrs := new(ConsumerUserAttributes)
		setZero(reflect.ValueOf(attrs).Elem().Field(i))
		cases = append(cases, tc{f.Name, jsonName, attrs, nillable(vt)})
		if vt.Kind() != reflect.Pointer || !strings.HasSuffix(vt.Elem().Name(), "Update") {
			continue
		}
		for j := 0; j < vt.Elem().NumField(); j++ {
			inner := vt.Elem().Field(j)
			if inner.Type.Kind() != reflect.Struct || inner.Type.NumField() != 2 {
				continue // not an Optional
			}
			attrs := new(ConsumerUserAttributes)
			opt := reflect.ValueOf(attrs).Elem().Field(i)
			setZero(opt)
			obj := reflect.New(vt.Elem())
			reflect.NewAt(opt.Field(0).Type(), opt.Field(0).Addr().UnsafePointer()).Elem().Set(obj)
			setZero(obj.Elem().Field(j))
			innerJSON := strings.Split(inner.Tag.Get("json"), ",")[0]
			cases = append(cases, tc{f.Name + "." + inner.Name, jsonName + "." + innerJSON, attrs, nillable(inner.Type.Field(0).Type)})
		}
	}
	if len(cases) < 80 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, level := range []Level{Strict, Compatible} {
		accepted := 0
		for _, c := range cases {
			u := fullUser()
			u.UserID = "u1"
			rec := Record{Consumer: u, Version: 1, HistoryID: "h1", SnapshotDue: 1 << 40}
			ev := &ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1", UpdatedConsumerUserAttributes: c.attrs}
			res, err := Apply(rec, ev, Options{}, Config{Level: level})
			path := "updatedConsumerUserAttributes." + c.path
			var ve *ValidationError
			switch {
			case c.nilValue && !errors.As(err, &ve):
				t.Errorf("%v, %s = Set(nil): got %v, want a *ValidationError", level, c.name, err)
				continue
			case c.nilValue:
				if !hasField(ve, path, CodeInvalidType) {
					t.Errorf("%v, %s = Set(nil): problems %v, want %s (%s)", level, c.name, fieldErrs(ve), path, CodeInvalidType)
				}
				continue
			case err != nil && !errors.As(err, &ve):
				t.Errorf("%v, %s: got %v, want a *ValidationError or the event applied", level, c.name, err)
				continue
			case err != nil:
				continue // refused: nothing stored
			}
			accepted++
			stored := res.Event
			data, err := stored.AppendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeStoredEvent(data, Unlimited())
			if err != nil {
				t.Errorf("%v, %s: the stored event does not read back: %v\n%s", level, c.name, err, data)
				continue
			}
			back.Options, back.Level, back.Version, back.HistoryID = stored.Options, stored.Level, stored.Version, stored.HistoryID
			got, err := Replay(rec, []*StoredEvent{back})
			if err != nil {
				t.Errorf("%v, %s: the stored event does not replay: %v", level, c.name, err)
				continue
			}
			if g, w := string(got.Consumer.appendJSON(nil)), string(res.Record.Consumer.appendJSON(nil)); g != w {
				t.Errorf("%v, %s: the stored event replays to another user than Apply committed", level, c.name)
			}
		}
		if accepted < 10 {
			t.Errorf("%v: only %d of %d cases applied", level, accepted, len(cases))
		}
	}
}

// hasField reports whether ve has a problem at path with code.
func hasField(ve *ValidationError, path, code string) bool {
	for _, f := range ve.Fields {
		if f.Path == path && f.Code == code {
			return true
		}
	}
	return false
}
