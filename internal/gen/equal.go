package main

import (
	"fmt"
	"strings"
)

// genEqual writes equal for the types a Record holds and what they hold: a deep
// comparison that is exact (two values are equal when they are encoded the same and
// decode to the same Go value: 1.50 and 1.5 differ, and so do nil and empty slices, and
// 0 and -0), or with wire, of the JSON values.
func (g *gen) genEqual(f *genFile) {
	for _, s := range g.types() {
		if !g.eqTypes[s.Name] {
			continue
		}
		f.P("// equal reports whether v and w hold exactly the same value, or with wire, the")
		f.P("// same JSON value (decimals compared by value: 1.50 and 1.5 are the same number).")
		f.P("func (v *", s.Name, ") equal(w *", s.Name, ", wire bool) bool {")
		f.P("if v == w {")
		f.P("return true")
		f.P("}")
		f.P("if v == nil || w == nil {")
		f.P("return false")
		f.P("}")
		conds := []string{"true"}
		for _, fl := range s.Fields {
			conds = append(conds, equalExpr(fl, "v."+fl.Name, "w."+fl.Name))
		}
		f.P("return ", strings.Join(conds, " &&\n"))
		f.P("}")
		f.P()
	}
}

// equalExprs are, for each kind, the expression that compares two values x and y of
// it (the verbs stand for x and y); wire makes the comparison of JSON values.
var equalExprs = map[kind]string{
	kString:    "%s == %s",
	kInt:       "%s == %s",
	kBool:      "%s == %s",
	kEnum:      "%s == %s",
	kFloat:     "sameFloat(%s, %s)",
	kPtrString: "equalPtr(%s, %s)",
	kPtrInt:    "equalPtr(%s, %s)",
	kPtrBool:   "equalPtr(%s, %s)",
	kPtrFloat:  "equalFloatPtr(%s, %s)",
	kDecimal:   "sameDecimal(%s, %s, wire)",
	kRaw:       "equalRaw(%s, %s)",
	kStrings:   "equalSlice(%s, %s)",
	kEnums:     "equalSlice(%s, %s)",
	kStructs:   "equalStructs(%s, %s, wire)",
	kPtrStruct: "%s.equal(%s, wire)",
	kEmbedded:  "(&%s).equal(&%s, wire)",
}

// equalExpr is the expression that compares field f of two values, x and y.
func equalExpr(f field, x, y string) string {
	format, ok := equalExprs[f.Kind]
	if !ok {
		fail("no equality for %v", f)
	}
	return fmt.Sprintf(format, x, y)
}
