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

// equalExpr is the expression that compares field f of two values, x and y.
func equalExpr(f field, x, y string) string {
	switch f.Kind {
	case kString, kInt, kBool, kEnum:
		return x + " == " + y
	case kFloat:
		return fmt.Sprintf("sameFloat(%s, %s)", x, y)
	case kPtrString, kPtrInt, kPtrBool:
		return fmt.Sprintf("equalPtr(%s, %s)", x, y)
	case kPtrFloat:
		return fmt.Sprintf("equalFloatPtr(%s, %s)", x, y)
	case kDecimal:
		return fmt.Sprintf("sameDecimal(%s, %s, wire)", x, y)
	case kRaw:
		return fmt.Sprintf("equalRaw(%s, %s)", x, y)
	case kStrings, kEnums:
		return fmt.Sprintf("equalSlice(%s, %s)", x, y)
	case kStructs:
		return fmt.Sprintf("equalStructs(%s, %s, wire)", x, y)
	case kPtrStruct:
		return fmt.Sprintf("%s.equal(%s, wire)", x, y)
	case kEmbedded:
		return fmt.Sprintf("(&%s).equal(&%s, wire)", x, y)
	}
	fail("no equality for %v", f)
	return ""
}
