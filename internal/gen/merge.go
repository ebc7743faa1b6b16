package main

import "strconv"

// genMerge writes merge<Full> of every partial-update type.
func (g *gen) genMerge(f *genFile) {
	for _, s := range g.types() {
		if s.PatchOf != "" {
			g.mergeStruct(f, s)
		}
	}
}

// zeroType is the Go type of a scalar field whose removal sets the zero value.
func zeroType(f field) string {
	switch f.Kind {
	case kFloat:
		return "float64"
	case kInt:
		return "int"
	case kBool:
		return "bool"
	case kDecimal:
		return "decimal.Decimal"
	}
	return ""
}

// mergeStruct writes merge<Full>, which merges the patch into a copy of the stored value.
// What the patch leaves exactly as it was is shared, not copied: the merge returns cur
// itself when no member of it changes (records are immutable), so a resent attribute set
// allocates nothing for the objects it does not change.
func (g *gen) mergeStruct(f *genFile, s *structType) {
	full := s.PatchOf
	f.P("// merge", full, " returns cur (nil: none) with p merged in, recording the changed")
	f.P("// paths in m: cur itself when p changes no member of it (the same value exactly),")
	f.P("// else a copy.")
	f.P("func (m *merger) merge", full, "(cur *", full, ", p *", s.Name, ") *", full, " {")
	f.P("var n ", full)
	f.P("if cur != nil {")
	f.P("n = *cur")
	f.P("}")
	f.P("if p == nil {")
	f.P("p = new(", s.Name, ")")
	f.P("}")
	f.P("mark := len(m.changes)")
	f.P("kept := cur != nil // n is still exactly *cur")
	for _, fl := range s.Fields {
		g.mergeField(f, fl)
	}
	f.P("if kept {")
	f.P("return cur")
	f.P("}")
	f.P(`if cur == nil && len(m.changes) == mark {`)
	f.P(`m.changed("")`)
	f.P("}")
	f.P("out := n // a copy made only here keeps n off the heap when cur is returned")
	f.P("return &out")
	f.P("}")
	f.P()
}

// mergeField writes the merge of one member: its removal and its setting.
func (g *gen) mergeField(f *genFile, fl field) {
	pa := "p." + fl.Name
	na := "n." + fl.Name
	name := strconv.Quote(fl.JSON)
	f.P("switch ", pa, ".state {")
	f.P("case optionalNull:")
	g.mergeNull(f, fl, na, name)
	f.P("case optionalSet:")
	g.mergeSet(f, fl, pa+".v", na, name)
	f.P("}")
}

// mergeNull writes the merge of an explicit null into field fl (na): the member goes.
func (g *gen) mergeNull(f *genFile, fl field, na, name string) {
	switch fl.Kind {
	case kString, kEnum:
		f.P("if ", na, ` != "" {`)
		f.P("m.changed(", name, ")")
		f.P(na, ` = ""`)
		f.P("kept = false")
		f.P("}")
	case kFloat, kInt, kBool, kDecimal:
		f.P("m.changed(", name, ")")
		f.P(na, " = *new(", zeroType(fl), ")")
		f.P("kept = false")
	default:
		f.P("if ", na, " != nil {")
		f.P("m.changed(", name, ")")
		f.P(na, " = nil")
		f.P("kept = false")
		f.P("}")
	}
}

// mergeSet writes the merge of a set value val into field fl (na), noting the change. A
// value exactly equal to the stored one is not written, so that n stays *cur (kept).
func (g *gen) mergeSet(f *genFile, fl field, val, na, name string) {
	switch fl.Kind {
	case kString, kEnum:
		if fl.rule("name") {
			val = "m.name(" + val + ")"
		}
		replace(f, "x := "+val+"; "+na+" != x", na, "x", name)
	case kPtrString, kPtrFloat, kPtrInt, kPtrBool:
		if fl.rule("name") {
			val = "m.name(" + val + ")"
		}
		replace(f, "x := "+val+"; "+na+" == nil || *"+na+" != x", na, "new(x)", name) // x is allocated only when written
	case kInt, kBool:
		replace(f, na+" != "+val+" || cur == nil", na, val, name)
	case kFloat:
		// -0 equals 0 (no change) but is written apart: it replaces a stored 0.
		rewrite(f, na+" != "+val, "!sameFloat("+na+", "+val+")", na, val, name)
	case kDecimal:
		// Numerically equal is no change, but 1.5 and 1.50 are written apart: one
		// comparison answers both.
		f.P("if changed, differ := decimalChange(cur == nil, ", na, ", ", val, "); differ {")
		f.P("if changed {")
		f.P("m.changed(", name, ")")
		f.P("}")
		f.P(na, " = ", val)
		f.P("kept = false")
		f.P("}")
	case kStrings:
		if fl.rule("name") {
			val = "m.names(" + val + ")"
		}
		replace(f, "x := "+val+"; !equalSlice("+na+", x)", na, "x", name)
	case kEnums, kRaw:
		replace(f, "!equalSlice("+na+", "+val+")", na, val, name)
	case kStructs:
		if g.named(fl.Elem) {
			val = "normStructs(m, " + val + ")"
		}
		if fl.rule("bykey") {
			replace(f, "x := mergeTags("+na+", "+val+"); !equalStructs("+na+", x, true)", na, "x", name)
		} else {
			// Elements that encode the same are no change; the stored ones stay only
			// if they are exactly the same.
			f.P("if x := ", val, "; !equalStructs(", na, ", x, false) {")
			f.P("if !equalStructs(", na, ", x, true) {")
			f.P("m.changed(", name, ")")
			f.P("}")
			f.P(na, " = x")
			f.P("kept = false")
			f.P("}")
		}
	case kPtrStruct:
		if g.structs[fl.Elem].Union {
			fail("union %s outside an array", fl.Elem)
		}
		f.P("m.push(", name, ")")
		f.P("if x := m.merge", fl.Elem, "(", na, ", ", val, "); x != ", na, " {")
		f.P(na, " = x")
		f.P("kept = false")
		f.P("}")
		f.P("m.pop()")
	default:
		fail("no merge for %v", fl)
	}
}

// replace writes: if cond, the member changed: note it, and write x into na (n is then
// no longer *cur).
func replace(f *genFile, cond, na, x, name string) {
	f.P("if ", cond, " {")
	f.P("m.changed(", name, ")")
	f.P(na, " = ", x)
	f.P("kept = false")
	f.P("}")
}

// rewrite writes the merge of a number whose equal values can be written apart: if
// changed, or there is no stored value, the member changed; if written apart (differ),
// or there is no stored value, val replaces it.
func rewrite(f *genFile, changed, differ, na, val, name string) {
	f.P("if cur == nil || ", changed, " {")
	f.P("m.changed(", name, ")")
	f.P("}")
	f.P("if cur == nil || ", differ, " {")
	f.P(na, " = ", val)
	f.P("kept = false")
	f.P("}")
}
