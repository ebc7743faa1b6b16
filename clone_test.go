package userevents

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// refMembers returns the names of the members of the struct v points to that refer to
// memory (pointers and slices) and are set.
func refMembers(v any) []string {
	rv := reflect.ValueOf(v).Elem()
	var names []string
	for i := 0; i < rv.NumField(); i++ {
		switch f := rv.Field(i); f.Kind() {
		case reflect.Pointer, reflect.Slice:
			if !f.IsNil() {
				names = append(names, rv.Type().Field(i).Name)
			}
		}
	}
	return names
}

// shares reports whether member name of the structs a and b points to the same memory
// (slices without capacity point to none).
func shares(a, b any, name string) bool {
	fa, fb := reflect.ValueOf(a).Elem().FieldByName(name), reflect.ValueOf(b).Elem().FieldByName(name)
	if fa.IsNil() || fb.IsNil() || fa.Kind() == reflect.Slice && (fa.Cap() == 0 || fb.Cap() == 0) {
		return false
	}
	return fa.UnsafePointer() == fb.UnsafePointer()
}

// TestCloneReusing checks Record.CloneReusing: the result equals r, shares with prev
// exactly the top-level members that are exactly equal, and never aliases r.
func TestCloneReusing(t *testing.T) {
	tests := []struct {
		name   string
		change func(r, prev *ConsumerUser) // makes r differ from prev, a copy of it
		noPrev bool
		fresh  []string // the members that must be copies; every other one is prev's
	}{
		// Without a previous record everything is copied.
		{name: "no previous record", noPrev: true},
		// The same user again: nothing is copied.
		{name: "unchanged", change: func(r, prev *ConsumerUser) {}},
		// A state change copies the state details only.
		{name: "state change", change: func(r, prev *ConsumerUser) {
			r.UserStateDetails = &UserStateDetails{State: UserStateBlocked}
		}, fresh: []string{"UserStateDetails"}},
		// A change deep inside an array element copies that array.
		{name: "one legal document", change: func(r, prev *ConsumerUser) {
			r.LegalDocuments = cloneStructs(r.LegalDocuments)
			r.LegalDocuments[0].DocumentNumber = "changed"
		}, fresh: []string{"LegalDocuments"}},
		// -0 and 0 encode differently: not equal.
		{name: "negative zero", change: func(r, prev *ConsumerUser) {
			prev.ActivatedTimestamp = Ptr(0.0)
			r.ActivatedTimestamp = Ptr(math.Copysign(0, -1))
		}, fresh: []string{"ActivatedTimestamp"}},
		// 1.50 and 1.5 are equal numbers but not the same decimal.
		{name: "decimal exponent", change: func(r, prev *ConsumerUser) {
			prev.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.5"), Currency: "EUR"}}
			r.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.50"), Currency: "EUR"}}
		}, fresh: []string{"ExpectedIncome"}},
		// An empty array is not an absent one.
		{name: "empty versus absent array", change: func(r, prev *ConsumerUser) {
			prev.ReasonForAccountOpening = nil
			r.ReasonForAccountOpening = []string{}
		}, fresh: []string{"ReasonForAccountOpening"}},
		// A member removed is nil in the result, not prev's.
		{name: "member removed", change: func(r, prev *ConsumerUser) {
			r.MetaData = nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullUser()
			prev := r.Clone()
			if tt.change != nil {
				tt.change(r, prev)
			}
			prevRecord := Record{Consumer: prev, Version: 3}
			if tt.noPrev {
				prevRecord = Record{}
			}
			prevJSON := prev.appendJSON(nil)
			got := Record{Consumer: r, Version: 4}.CloneReusing(prevRecord)
			if diff := cmp.Diff(r, got.Consumer, cmpOpts); diff != "" {
				t.Fatalf("the copy differs from r:\n%s", diff)
			}
			if !bytes.Equal(r.appendJSON(nil), got.Consumer.appendJSON(nil)) {
				t.Fatal("the copy encodes differently from r")
			}
			for _, name := range refMembers(got.Consumer) {
				want := !tt.noPrev && !contains(tt.fresh, name)
				if got := shares(got.Consumer, prev, name); got != want {
					t.Errorf("%s shared with prev: got %v, want %v", name, got, want)
				}
				if shares(got.Consumer, r, name) {
					t.Errorf("%s aliases r", name)
				}
			}
			want := got.Consumer.appendJSON(nil)
			scribble(reflect.ValueOf(r))
			if after := got.Consumer.appendJSON(nil); !bytes.Equal(want, after) {
				t.Error("changing r changed the copy")
			}
			if after := prev.appendJSON(nil); !bytes.Equal(prevJSON, after) {
				t.Error("CloneReusing changed prev")
			}
		})
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestCloneReusingBusiness checks that a business user's raw members are reused too.
func TestCloneReusingBusiness(t *testing.T) {
	b := fullBusiness()
	prev := b.Clone()
	got := Record{Business: b}.CloneReusing(Record{Business: prev})
	if !shares(got.Business, prev, "LegalEntity") || shares(got.Business, b, "LegalEntity") {
		t.Error("legalEntity: want prev's bytes, not b's")
	}
	if diff := cmp.Diff(b, got.Business, cmpOpts); diff != "" {
		t.Errorf("the copy differs:\n%s", diff)
	}
}

// TestEqualWire checks the two equalities: exact (what CloneReusing shares) and wire
// (what Changes report): 1.50 and 1.5 are the same JSON number but not the same decimal.
func TestEqualWire(t *testing.T) {
	a, b := fullUser(), fullUser()
	a.ExpectedIncome.DailyExpectedIncome.Value = decimal.RequireFromString("1.50")
	b.ExpectedIncome.DailyExpectedIncome.Value = decimal.RequireFromString("1.5")
	if a.equal(b, false) {
		t.Error("exact: 1.50 and 1.5 are equal")
	}
	if !a.equal(b, true) {
		t.Error("wire: 1.50 and 1.5 differ")
	}
	if !bytes.Equal(a.appendJSON(nil), b.appendJSON(nil)) {
		t.Error("1.50 and 1.5 encode differently")
	}
}

// TestEqualIsExact changes every leaf of a full user, one at a time, and checks that
// both equalities then report a difference, and that the encoding changed too.
func TestEqualIsExact(t *testing.T) {
	equalAfterEachLeaf(t, fullUser())
	equalAfterEachLeaf(t, fullBusiness())
}

// equalAfterEachLeaf is TestEqualIsExact for one value.
func equalAfterEachLeaf[T any, P interface {
	*T
	clone() *T
	equal(*T, bool) bool
	appendJSON([]byte) []byte
}](t *testing.T, u P) {
	t.Helper()
	n := mutateLeaf(reflect.ValueOf(u), -1)
	if n < 100 {
		t.Fatalf("%T: only %d leaves", u, n)
	}
	for k := 0; k < n; k++ {
		c := P(u.clone())
		if !u.equal(c, false) || !u.equal(c, true) {
			t.Fatalf("%T: a clone is not equal", u)
		}
		mutateLeaf(reflect.ValueOf(c), k)
		if u.equal(c, false) || u.equal(c, true) {
			t.Errorf("%T: changing leaf %d left the values equal", u, k)
		}
		if bytes.Equal(u.appendJSON(nil), c.appendJSON(nil)) {
			t.Errorf("%T: changing leaf %d did not change the encoding", u, k)
		}
	}
}

// mutateLeaf changes the target-th leaf reachable from v (a scalar, or a pointer or
// slice made nil) and returns the number of leaves it passed; a negative target
// changes nothing and counts them all.
func mutateLeaf(v reflect.Value, target int) int {
	n := 0
	var walk func(v reflect.Value)
	hit := func() bool {
		n++
		return n-1 == target
	}
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Elem().Kind() != reflect.Struct && hit() {
				v.Set(reflect.Zero(v.Type()))
				return
			}
			walk(v.Elem())
		case reflect.Struct:
			if v.Type() == decimalType {
				if hit() {
					v.Set(reflect.ValueOf(v.Interface().(decimal.Decimal).Add(decimal.New(1, -20))))
				}
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			if v.IsNil() {
				return
			}
			if v.Type() == reflect.TypeOf(json.RawMessage(nil)) {
				if hit() {
					v.Set(reflect.ValueOf(json.RawMessage(`"changed"`)))
				}
				return
			}
			if hit() {
				v.Set(reflect.Zero(v.Type()))
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.String:
			if hit() {
				v.SetString(v.String() + "x")
			}
		case reflect.Float64:
			if hit() {
				v.SetFloat(v.Float() + 1)
			}
		case reflect.Int:
			if hit() {
				v.SetInt(v.Int() + 1)
			}
		case reflect.Bool:
			if hit() {
				v.SetBool(!v.Bool())
			}
		}
	}
	walk(v)
	return n
}
