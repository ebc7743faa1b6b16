package userevents

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// The changes of a late event under TimestampOrder are the paths at which the current
// user and the user after the fold differ as JSON, as changedPaths finds them in the
// two documents. The generated diff (diff_gen.go) finds the same paths by walking the
// two values: what the fold left as it was is the same object on both sides and costs
// nothing, so the cost grows with what changed, not with the user.

// differ collects the paths at which two values differ: the path being walked, and the
// changed paths, in the order found.
type differ struct {
	path []string
	out  []string
}

func (d *differ) push(name string) { d.path = append(d.path, name) }
func (d *differ) pop()             { d.path = d.path[:len(d.path)-1] }

// at returns the path of member leaf of the current path ("" for the current path
// itself).
func (d *differ) at(leaf string) string {
	parts := d.path
	if leaf != "" {
		parts = append(parts[:len(parts):len(parts)], leaf)
	}
	return strings.Join(parts, ".")
}

// changed records that member leaf of the current path changed.
func (d *differ) changed(leaf string) { d.out = append(d.out, d.at(leaf)) }

// values records the paths at which the JSON documents x and y, the values at the
// current path, differ.
func (d *differ) values(x, y []byte) { diffJSON(d.at(""), x, y, &d.out) }

// raw records the paths at which raw JSON member name differs, as diffJSON finds them
// in its text as the encoder writes it (omit: an omitempty member, absent when nil).
func (d *differ) raw(name string, x, y json.RawMessage, omit bool) {
	switch {
	case equalRaw(x, y):
	case omit && x == nil:
		appendAdded(d.at(name), rawText(y), &d.out)
	case omit && y == nil:
		d.changed(name)
	default:
		diffJSON(d.at(name), rawText(x), rawText(y), &d.out)
	}
}

// rawText returns raw JSON r as a document holding it as a member gives it back to
// encoding/json: as appendRaw writes it, without the white space around it.
func rawText(r json.RawMessage) []byte {
	if len(r) == 0 {
		return []byte("null")
	}
	return bytes.Trim(r, " \t\r\n")
}

// diffPtr records the paths at which the objects a and b, member name of the current
// path, differ: the member itself when a is set and b is not; when b is set and a is
// not, every member b's JSON holds, at every depth (as the merge of an update reports an
// object it creates; the member itself for an empty object); else the paths within both.
func diffPtr[T any, P interface {
	*T
	diff(*T, *differ)
	appendJSON([]byte) []byte
}](d *differ, name string, a, b P) {
	switch {
	case a == b:
	case b == nil:
		d.changed(name)
	case a == nil:
		appendAdded(d.at(name), b.appendJSON(nil), &d.out)
	default:
		d.push(name)
		a.diff(b, d)
		d.pop()
	}
}

// sameText reports whether a and b encode the same: the same string, or strings that
// differ only in invalid UTF-8 (which the encoder writes as U+FFFD).
func sameText[S ~string](a, b S) bool {
	if a == b {
		return true
	}
	if utf8.ValidString(string(a)) && utf8.ValidString(string(b)) {
		return false
	}
	return bytes.Equal(appendString(nil, string(a)), appendString(nil, string(b)))
}

// sameTextPtr is sameText of optional strings: nil is only the same as nil.
func sameTextPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameText(*a, *b)
}

// sameNumber reports whether a and b encode the same: the same float64, bit for bit (0
// and -0 are written apart), or both NaN or infinite (written null).
func sameNumber(a, b float64) bool {
	return sameFloat(a, b) || !finite(a) && !finite(b)
}

// finite reports whether f is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// sameNumberPtr is sameNumber of optional numbers: nil is only the same as nil.
func sameNumberPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameNumber(*a, *b)
}

// sameTexts reports whether the arrays of strings a and b, a member omitted when nil
// if omit, encode the same (nil and empty do unless omit: both are []).
func sameTexts[S ~[]E, E ~string](a, b S, omit bool) bool {
	if len(a) != len(b) || omit && (a == nil) != (b == nil) {
		return false
	}
	if len(a) == 0 || sameArray(a, b) {
		return true
	}
	for i := range a {
		if !sameText(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameStructs reports whether the arrays a and b, a member omitted when nil if omit,
// encode the same (nil and empty do unless omit): elements that are not equal with wire
// (which implies the same JSON) are encoded.
func sameStructs[T any, P interface {
	*T
	equal(*T, bool) bool
	appendJSON([]byte) []byte
}](a, b []T, omit bool) bool {
	if len(a) != len(b) || omit && (a == nil) != (b == nil) {
		return false
	}
	if len(a) == 0 || sameArray(a, b) {
		return true
	}
	for i := range a {
		if !P(&a[i]).equal(&b[i], true) && !bytes.Equal(P(&a[i]).appendJSON(nil), P(&b[i]).appendJSON(nil)) {
			return false
		}
	}
	return true
}

// recordChanges returns the sorted paths at which the users of records a and b differ
// as JSON (changedPaths of their documents). Users of the same type are walked by
// diff; a consumer against a business user (a conversion) is compared as JSON.
func recordChanges(a, b Record) []string {
	var d differ
	switch {
	case a.Consumer != nil && b.Consumer != nil:
		a.Consumer.diff(b.Consumer, &d)
	case a.Consumer == nil && b.Consumer == nil && a.Business != nil && b.Business != nil:
		a.Business.diff(b.Business, &d)
	default:
		return changedPaths(recordUserJSON(a), recordUserJSON(b))
	}
	slices.Sort(d.out)
	return d.out
}
