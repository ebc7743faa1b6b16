package main

import "strconv"

// weightValue is the expression of the weight of value expression x of field f: the
// length of a string as it is (no escapes counted), numberWeight for a number,
// boolWeight for a boolean, and the weights of what a list or an object holds.
func weightValue(f field, x string) string {
	switch f.Kind {
	case kString, kEnum:
		return "len(" + x + ") + 2"
	case kPtrString:
		return "len(*" + x + ") + 2"
	case kFloat, kPtrFloat, kInt, kPtrInt, kDecimal:
		return "numberWeight"
	case kBool, kPtrBool:
		return "boolWeight"
	case kRaw:
		return "len(" + x + ")"
	case kStrings, kEnums:
		return "weightStrings(" + x + ")"
	case kStructs:
		return "weightSlice(" + x + ", (*" + f.Elem + ").weight)"
	case kPtrStruct, kPtrPatch:
		return x + ".weight()"
	}
	fail("no weight for %v", f)
	return ""
}

// genWeight writes weight of every type: an estimate of the length of its JSON, for the
// snapshot policy of histories, at a fraction of the cost of encoding.
func (g *gen) genWeight(f *genFile) {
	g.perType(f, (*gen).weightUnion, (*gen).weightStruct, func(*gen, *genFile, *structType) {})
}

// weightUnion writes the weight of a union: its member's, or an empty object's.
func (g *gen) weightUnion(f *genFile, s *structType) {
	unionMethod(f, s, "weight() int", "weight()", "2")
}

// weightStruct writes the weight of an object type: its braces, and each member present
// with its key (the name, its quotes, the colon and a comma).
func (g *gen) weightStruct(f *genFile, s *structType) {
	f.P("func (v *", s.Name, ") weight() int {")
	n := 2
	if s.MemberOf != "" {
		n += len(`,"method":`) + len(strconv.Quote(s.MemberOf))
	}
	f.P("n := ", n)
	for _, fl := range g.allFields(s) {
		acc := g.access(s, fl)
		key := strconv.Itoa(len(fl.JSON) + 4)
		if s.PatchOf != "" {
			pf := fl
			pf.Kind = valueKind(fl.Kind)
			switch pf.Kind {
			case kString, kEnum, kFloat, kInt, kDecimal, kBool:
				// A scalar's weight costs nothing to compute when it is absent.
				f.P("n += optionalWeight(", acc, ".state, ", key, ", ", weightValue(pf, acc+".v"), ")")
				continue
			}
			f.P("switch ", acc, ".state {")
			f.P("case optionalNull:")
			f.P("n += ", key, " + 4")
			f.P("case optionalSet:")
			if pf.Kind == kPtrStruct {
				f.P("n += ", key, " + 2")
				f.P("if ", acc, ".v != nil {")
				f.P("n += ", weightValue(pf, acc+".v"), " - 2")
				f.P("}")
			} else {
				f.P("n += ", key, " + ", weightValue(pf, acc+".v"))
			}
			f.P("}")
			continue
		}
		if cond := presence(fl, acc); fl.Omit && cond != "" {
			f.P("if ", cond, " {")
			f.P("n += ", key, " + ", weightValue(fl, acc))
			f.P("}")
		} else {
			f.P("n += ", key, " + ", weightValue(fl, acc))
		}
	}
	f.P("return n")
	f.P("}")
	f.P()
}
