package userevents

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"
)

// merger carries one merge of validated ConsumerUserAttributes into a consumer user: the
// path being merged and the changed paths.
type merger struct {
	level Level
	// quiet counts the changes without spelling their paths: a replay needs the record,
	// not the changes, and the merge only counts them (len(changes)).
	quiet   bool
	path    []string
	changes []string
	// paths holds the text of every changed path, one after the other: each string in
	// changes is a slice of it, so that recording a change does not allocate.
	paths strings.Builder
}

func (m *merger) push(name string) { m.path = append(m.path, name) }
func (m *merger) pop()             { m.path = m.path[:len(m.path)-1] }

// changed records that the member leaf of the current path changed ("" for the current
// path itself).
func (m *merger) changed(leaf string) {
	if m.quiet {
		m.changes = append(m.changes, "")
		return
	}
	// Room for the whole path first, so that the Builder grows at most once per change;
	// the first room holds two or three paths (an event changes few) and no more, since
	// the stored event keeps these bytes for as long as the history.
	n := len(m.path) + len(leaf)
	for _, p := range m.path {
		n += len(p)
	}
	if m.paths.Cap() == 0 {
		n = max(n, 64)
	}
	m.paths.Grow(n)
	start := m.paths.Len()
	for _, p := range m.path {
		if m.paths.Len() > start {
			m.paths.WriteByte('.')
		}
		m.paths.WriteString(p)
	}
	if leaf != "" {
		if m.paths.Len() > start {
			m.paths.WriteByte('.')
		}
		m.paths.WriteString(leaf)
	}
	// A Builder never changes the bytes it has written, so the string stays valid as
	// the Builder grows.
	m.changes = append(m.changes, m.paths.String()[start:])
}

// name normalises a person name to NFC under Strict.
func (m *merger) name(s string) string {
	if m.level != Strict {
		return s
	}
	return nfc(s)
}

func (m *merger) names(s []string) []string {
	if m.level != Strict {
		return s
	}
	for i, v := range s {
		if !isNFC(v) {
			c := append([]string(nil), s...)
			for j := i; j < len(c); j++ {
				c[j] = nfc(c[j])
			}
			return c
		}
	}
	return s
}

func nfc(s string) string {
	if isNFC(s) {
		return s
	}
	return norm.NFC.String(s)
}

// normStructs returns s with the person names in its elements normalised to NFC under
// Strict, copying s first when a name changes.
func normStructs[T any, P interface {
	*T
	normNames()
	namesNFC() bool
	count(*cloneCounts)
	copyRefsIn(*cloneArena)
}](m *merger, s []T) []T {
	if m.level != Strict || structsNFC[T, P](s) {
		return s
	}
	c := cloneStructs[T, P](s)
	for i := range c {
		P(&c[i]).normNames()
	}
	return c
}

// isNFC reports whether s is in NFC. Text in ASCII is, and is answered without
// golang.org/x/text (whose check allocates).
func isNFC(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFC.IsNormalString(s)
		}
	}
	return true
}

func allNFC(s []string) bool {
	for _, v := range s {
		if !isNFC(v) {
			return false
		}
	}
	return true
}

// structsNFC reports whether the person names of every element of s are in NFC.
func structsNFC[T any, P interface {
	*T
	namesNFC() bool
}](s []T) bool {
	for i := range s {
		if !P(&s[i]).namesNFC() {
			return false
		}
	}
	return true
}

// mergeTags merges the user's tags by key, as if the update's tags applied one by one,
// each dropping the tag of its key and following the rest: stored tags whose key the
// update names are dropped, the others keep their order, and the update's tags follow,
// each key once, with the value of its last occurrence at the place of its last
// occurrence ([a:9 b:3 a:8] gives [b:3 a:8]).
func mergeTags(stored, update []UserTag) []UserTag {
	if len(stored) == 0 && stored == nil && len(update) == 0 {
		return update
	}
	// last maps each key the update names to the index of its last occurrence.
	last := make(map[string]int, len(update))
	for i, t := range update {
		last[t.Key] = i
	}
	out := make([]UserTag, 0, len(stored)+len(last))
	for _, t := range stored {
		if _, ok := last[t.Key]; !ok {
			out = append(out, t)
		}
	}
	for i, t := range update {
		if last[t.Key] == i {
			out = append(out, t)
		}
	}
	return out
}

// sortedChanges returns the changed paths sorted, without duplicates.
func sortedChanges(c []string) []string {
	slices.Sort(c)
	out := c[:0]
	for i, s := range c {
		if i == 0 || s != c[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// makeSlab returns an empty slice with room for n values, or nil for none.
func makeSlab[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// slabCopy copies *p into the slab and returns a pointer to the copy. The slab was sized
// by a counting pass, so it does not grow; if it had to, the earlier pointers would
// still be valid, into the old array.
func slabCopy[T any](slab *[]T, p *T) *T {
	*slab = append(*slab, *p)
	return &(*slab)[len(*slab)-1]
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cloneSlice copies s, keeping nil nil and empty empty.
func cloneSlice[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(make(S, 0, len(s)), s...)
}

// cloneStructs returns a deep copy of s in one arena, keeping nil nil and empty empty.
func cloneStructs[T any, P interface {
	*T
	count(*cloneCounts)
	copyRefsIn(*cloneArena)
}](s []T) []T {
	c := cloneSlice(s)
	var n cloneCounts
	for i := range c {
		P(&c[i]).count(&n)
	}
	var a cloneArena
	a.init(&n)
	for i := range c {
		P(&c[i]).copyRefsIn(&a)
	}
	return c
}

// findMethod looks ahead in the object at d.i for its "method" member and returns its
// string value, without consuming anything.
func (d *decoder) findMethod() (method string, found bool) {
	saveI, saveDepth, saveErrs, savePath := d.i, d.depth, len(d.errs), len(d.path)
	if d.objStart() {
		for d.objNext() {
			if string(d.key) == "method" && d.peek() == '"' {
				if s, ok := d.readString(); ok && !found {
					method, found = string(s), true
				}
				continue
			}
			d.skip(false)
		}
	}
	d.i, d.depth, d.errs, d.path, d.fatal = saveI, saveDepth, d.errs[:saveErrs], d.path[:savePath], false
	return method, found
}

// badMethod reports a payment details object without a known method and skips it.
func (d *decoder) badMethod(found bool) {
	d.objStart()
	if found {
		d.failAt("method", CodeInvalidEnum, "must be one of the PaymentMethod values")
	} else {
		d.failAt("method", CodeRequired, "required field is missing")
	}
	for d.objNext() {
		d.skip(false)
	}
}

// sameFloat reports whether a and b are the same float64, bit for bit (0 and -0 differ).
func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// decimalChange compares a stored decimal a with the value b merged into it (none: there
// is no stored value): changed when they differ numerically, differ when b must
// replace a, which it also must when they are equal but written apart (1.5, 1.50).
func decimalChange(none bool, a, b decimal.Decimal) (changed, differ bool) {
	if none {
		return true, true
	}
	eq := a.Equal(b)
	return !eq, !eq || a.Exponent() != b.Exponent()
}

// sameDecimal reports whether a and b are the same decimal, exponent included (1.50
// and 1.5 differ), or with wire, the same number (they encode the same).
func sameDecimal(a, b decimal.Decimal, wire bool) bool {
	if wire || a.Exponent() == b.Exponent() {
		return a.Equal(b)
	}
	return false
}

// equalPtr reports whether a and b are both nil or point to equal values.
func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// equalFloatPtr is equalPtr for doubles, compared bit for bit (sameFloat: 0 and -0
// differ, as they do in JSON).
func equalFloatPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameFloat(*a, *b)
}

// equalRaw reports whether a and b are the same bytes, nil only equal to nil.
func equalRaw(a, b json.RawMessage) bool {
	return (a == nil) == (b == nil) && bytes.Equal(a, b)
}

// equalSlice reports whether a and b hold the same elements, nil only equal to nil.
func equalSlice[S ~[]E, E comparable](a, b S) bool {
	return (a == nil) == (b == nil) && (sameArray(a, b) || slices.Equal(a, b))
}

// sameArray reports whether a and b are the same elements of the same array: a merge
// shares the arrays it leaves as they were, and then comparing them costs nothing.
func sameArray[E any](a, b []E) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// equalStructs reports whether a and b hold equal elements, nil only equal to nil; with
// wire, elements that encode the same are equal (see equal).
func equalStructs[T any, P interface {
	*T
	equal(*T, bool) bool
}](a, b []T, wire bool) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	if sameArray(a, b) {
		return true
	}
	for i := range a {
		if !P(&a[i]).equal(&b[i], wire) {
			return false
		}
	}
	return true
}

// changedPaths returns the sorted paths at which the JSON documents a and b differ:
// members b removes, the members within an object b adds (the object's own path when
// it is empty), and members whose values differ, descending into objects present on
// both sides (arrays and other values are compared whole, by their text: the library's
// encoder writes a value one way only). Only the members that differ
// are split further, so the cost is about one scan of each document. It serves the
// changes judged between a consumer and a business user (a conversion); recordChanges
// finds the same paths between two users of one type without encoding them. An object
// that encoding/json refuses (one nested deeper than it goes, or not JSON) is changed
// whole, at its path ("" for a document).
func changedPaths(a, b []byte) []string {
	var out []string
	diffJSON("", a, b, &out)
	slices.Sort(out)
	return out
}

// diffJSON appends to out the paths under path at which x and y differ; where one of
// them is an object that encoding/json refuses, path itself.
func diffJSON(path string, x, y []byte, out *[]string) {
	if bytes.Equal(x, y) {
		return
	}
	if len(x) == 0 || len(y) == 0 || x[0] != '{' || y[0] != '{' {
		*out = append(*out, path)
		return
	}
	var mx, my map[string]json.RawMessage
	if json.Unmarshal(x, &mx) != nil || json.Unmarshal(y, &my) != nil {
		*out = append(*out, path)
		return
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	for k, vx := range mx {
		if vy, ok := my[k]; !ok {
			*out = append(*out, join(k))
		} else {
			diffJSON(join(k), vx, vy, out)
		}
	}
	for k, vy := range my {
		if _, ok := mx[k]; !ok {
			appendAdded(join(k), vy, out)
		}
	}
}

// appendAdded appends to out the paths of the member at path that y adds: when y is an
// object, the members it holds, at every depth (as the merge of an update reports an
// object it creates), else, or when it holds none, path itself.
func appendAdded(path string, y []byte, out *[]string) {
	n := len(*out)
	if len(y) > 0 && y[0] == '{' {
		diffJSON(path, []byte("{}"), y, out)
	}
	if len(*out) == n {
		*out = append(*out, path)
	}
}
