package userevents

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// TestEqualWire checks the two equalities: exact and wire
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
