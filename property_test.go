package userevents

import (
	"bytes"
	"math/rand"
	"reflect"
	"testing"
)

// storedUsers are the users the property tests apply events to.
func storedUsers(t testing.TB) map[string]*ConsumerUser {
	users := map[string]*ConsumerUser{"full": fullUser()}
	for name, doc := range map[string]string{"base": baseUser, "minimal": minimalUser} {
		u, err := DecodeConsumerUser([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		users[name] = u
	}
	for _, u := range users {
		u.UserID = "u1"
		if u.UserStateDetails != nil {
			u.UserStateDetails.UserID = nil
		}
		if u.KYCStatusDetails != nil {
			u.KYCStatusDetails.UserID = nil
		}
	}
	return users
}

// randomEvent returns an event for u1 whose attributes are a random selection of the
// full event's: each member kept, left out, or (for optional members) null.
func randomEvent(r *rand.Rand) *ConsumerUserEvent {
	e := fullEvent()
	e.UserID, e.NewUserID = "u1", ""
	a := e.UpdatedConsumerUserAttributes
	s, _ := a.UserStateDetails.Get()
	s.UserID = Optional[string]{}
	k, _ := a.KYCStatusDetails.Get()
	k.UserID = Optional[string]{}
	randomize(r, reflect.ValueOf(a).Elem())
	if r.Intn(4) == 0 {
		e.UpdatedConsumerUserAttributes = nil
	}
	if r.Intn(2) == 0 {
		e.ExternalLinks = nil
	}
	return e
}

// randomize leaves each Optional of the update struct v as it is, makes it absent, or
// makes it null (when null is allowed), recursively.
func randomize(r *rand.Rand, v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		state := reflect.NewAt(f.Field(1).Type(), f.Field(1).Addr().UnsafePointer()).Elem()
		inner := reflect.NewAt(f.Field(0).Type(), f.Field(0).Addr().UnsafePointer()).Elem()
		required := t.Field(i).Name == "State" || t.Field(i).Name == "FirstName" ||
			t.Field(i).Name == "Value" || t.Field(i).Name == "Currency" || t.Field(i).Name == "Country"
		switch n := r.Intn(3); {
		case n == 0 && !required:
			state.SetUint(uint64(optionalAbsent))
			inner.Set(reflect.Zero(inner.Type()))
		case n == 1 && !required:
			state.SetUint(uint64(optionalNull))
			inner.Set(reflect.Zero(inner.Type()))
		default:
			if inner.Kind() == reflect.Pointer && !inner.IsNil() && isUpdate(inner.Elem().Type()) {
				randomized++
				randomize(r, inner.Elem())
			}
		}
	}
}

// randomized counts the nested updates randomize went into.
var randomized int

func isUpdate(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() > 0 && len(t.Field(0).Type.Name()) > 9 && t.Field(0).Type.Name()[:9] == "Optional["
}

// TestApplyProperties checks, on random events against several users: Apply leaves its
// inputs byte-identical; a valid result validates; applying the same event again to the
// result gives the same user; and an event without attributes and links changes nothing.
func TestApplyProperties(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	users := storedUsers(t)
	applied := 0
	for i := 0; i < 300; i++ {
		for name, u := range users {
			e := randomEvent(r)
			rec := Record{Consumer: u, Version: 3}
			recBefore, evBefore := encodeRecord(rec), e.appendJSON(nil)
			res, err := Apply(rec, e, Options{}, Config{})
			if !bytes.Equal(recBefore, encodeRecord(rec)) || !bytes.Equal(evBefore, e.appendJSON(nil)) {
				t.Fatalf("%s #%d: Apply changed its inputs", name, i)
			}
			if err != nil {
				// A random selection may remove a required member of a merged object
				// that the stored user lacks: a validation error, nothing else.
				if _, ok := err.(*ValidationError); !ok {
					t.Fatalf("%s #%d: %v", name, i, err)
				}
				continue
			}
			applied++
			if err := res.User.Validate(Strict); err != nil {
				t.Errorf("%s #%d: result invalid: %v", name, i, err)
			}
			again, err := Apply(res.Record, e, Options{}, Config{})
			if err != nil {
				t.Fatalf("%s #%d: second apply: %v", name, i, err)
			}
			if !bytes.Equal(res.User.appendJSON(nil), again.User.appendJSON(nil)) {
				t.Errorf("%s #%d: applying twice differs from once", name, i)
			}
			if len(again.Changes) != 0 || again.StateTransition != nil || again.KYCTransition != nil {
				t.Errorf("%s #%d: second apply changed %v", name, i, again.Changes)
			}
			if e.UpdatedConsumerUserAttributes == nil && e.ExternalLinks == nil {
				if !bytes.Equal(u.appendJSON(nil), res.User.appendJSON(nil)) || len(res.Changes) != 0 {
					t.Errorf("%s #%d: an event without attributes changed %v", name, i, res.Changes)
				}
			}
		}
	}
	if randomized == 0 {
		t.Error("randomize never went into a nested update")
	}
	if applied < 300 {
		t.Errorf("only %d of 900 random events applied: the generator is too destructive", applied)
	}
}

// TestApplyWithoutAttributes checks that an event that sets nothing changes nothing but
// what the event itself sets: its links, the locks, the newest timestamp.
func TestApplyWithoutAttributes(t *testing.T) {
	for name, u := range storedUsers(t) {
		for _, e := range []*ConsumerUserEvent{
			{Timestamp: 1700000000000, UserID: "u1"},
			{Timestamp: 1700000000000, UserID: "u1", EventID: "e1", Reason: Ptr("why"), EventDescription: Ptr("what")},
			{Timestamp: 1700000000000, UserID: "u1", UpdatedConsumerUserAttributes: &ConsumerUserAttributes{}},
		} {
			res, err := Apply(Record{Consumer: u, Version: 1}, e, Options{LockCRARiskLevel: Ptr(true)}, Config{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !bytes.Equal(u.appendJSON(nil), res.User.appendJSON(nil)) || len(res.Changes) != 0 {
				t.Errorf("%s: changed %v", name, res.Changes)
			}
			if !res.Record.CRARiskLevelLocked || res.Record.LastEventTimestamp != 1700000000000 {
				t.Errorf("%s: record %+v", name, res.Record)
			}
		}
	}
}
