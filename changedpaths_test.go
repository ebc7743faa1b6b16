package userevents

import (
	"slices"
	"strings"
	"testing"
)

// TestChangedPathsRefused checks that an object encoding/json refuses (nested deeper
// than it goes, or not JSON) is changed whole at its path, and the rest of the diff
// goes on: a whole document refused is changed at "".
func TestChangedPathsRefused(t *testing.T) {
	deep := func(leaf string) []byte {
		return []byte(strings.Repeat(`{"a":`, 10001) + leaf + strings.Repeat(`}`, 10001))
	}
	var out []string
	diffJSON("legalEntity", deep("1"), deep("2"), &out)
	diffJSON("directors", []byte(`{"x":1,}`), []byte(`{"x":1}`), &out)
	diffJSON("tags", []byte(`[1]`), []byte(`[2]`), &out)
	if want := []string{"legalEntity", "directors", "tags"}; !slices.Equal(out, want) {
		t.Errorf("got %q, want %q", out, want)
	}
	doc := func(a int, b []byte) []byte {
		return []byte(`{"a":` + string(rune('0'+a)) + `,"b":` + string(b) + `}`)
	}
	if got := changedPaths(doc(1, deep("1")), doc(2, deep("1"))); !slices.Equal(got, []string{""}) {
		t.Errorf("a document encoding/json refuses: got %q, want the document changed", got)
	}
	if got := changedPaths(doc(1, []byte(`{"c":1}`)), doc(2, []byte(`{"c":2}`))); !slices.Equal(got, []string{"a", "b.c"}) {
		t.Errorf("got %q", got)
	}
}
