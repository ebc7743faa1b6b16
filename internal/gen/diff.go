package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// genDiff writes diff for the types a Record's users hold as objects (not as array
// elements, which are compared whole): the walk of two values of a type that appends to
// a differ the paths at which their JSON values differ, as changedPaths finds them in
// the two documents (merge.go), without encoding either. Members that are the same
// object are skipped (a merge shares what it leaves as it was), objects are gone into,
// arrays and other values compared whole, raw JSON values by diffJSON.
func (g *gen) genDiff(f *genFile) {
	walked := g.diffTypes()
	for _, s := range g.types() {
		if !walked[s.Name] {
			continue
		}
		f.P("// diff appends to d the paths at which the JSON values of v and w differ.")
		f.P("func (v *", s.Name, ") diff(w *", s.Name, ", d *differ) {")
		f.P("if v == w {")
		f.P("return")
		f.P("}")
		for _, fl := range s.Fields {
			diffField(f, fl)
		}
		f.P("}")
		f.P()
	}
}

// diffTypes returns the types that get diff: the users a Record holds and the objects
// they hold, through pointers and embedding. A union there is refused: its members
// are objects of different types, which diff does not compare (the model has unions
// only in arrays, as merge requires).
func (g *gen) diffTypes() map[string]bool {
	out := g.fromRecord(func(_ string, f field) bool { return f.Kind == kPtrStruct || f.Kind == kEmbedded })
	for _, name := range slices.Sorted(maps.Keys(out)) {
		if g.structs[name].Union {
			fail("union %s outside an array: no diff", name)
		}
	}
	return out
}

// diffExprs are, for each kind of scalar, the condition under which two values x and y
// of it have different JSON values (the verbs stand for x and y).
var diffExprs = map[kind]string{
	kString:    "!sameText(%s, %s)",
	kEnum:      "!sameText(%s, %s)",
	kInt:       "%s != %s",
	kBool:      "%s != %s",
	kFloat:     "!sameNumber(%s, %s)",
	kPtrString: "!sameTextPtr(%s, %s)",
	kPtrInt:    "!equalPtr(%s, %s)",
	kPtrBool:   "!equalPtr(%s, %s)",
	kPtrFloat:  "!sameNumberPtr(%s, %s)",
	kDecimal:   "!sameDecimal(%s, %s, true)",
}

// diffField writes the statements of diff for field fl.
func diffField(f *genFile, fl field) {
	x, y, name := "v."+fl.Name, "w."+fl.Name, strconv.Quote(fl.JSON)
	switch fl.Kind {
	case kEmbedded:
		f.P("(&", x, ").diff(&", y, ", d)")
	case kPtrStruct:
		f.P("diffPtr(d, ", name, ", ", x, ", ", y, ")")
	case kRaw:
		f.P("d.raw(", name, ", ", x, ", ", y, ", ", fl.Omit, ")")
	case kStrings, kEnums, kStructs:
		// An omitempty array is omitted when nil, not when empty.
		same := "sameTexts"
		if fl.Kind == kStructs {
			same = "sameStructs"
		}
		f.P("if !", same, "(", x, ", ", y, ", ", fl.Omit, ") {")
		f.P("d.changed(", name, ")")
		f.P("}")
	default:
		format, ok := diffExprs[fl.Kind]
		if !ok {
			fail("no diff for %v", fl)
		}
		f.P("if ", fmt.Sprintf(format, x, y), " {")
		f.P("d.changed(", name, ")")
		f.P("}")
	}
}
