package main

import "strconv"

// presence returns the condition under which field f, read as acc, holds a value: ""
// where every value counts (numbers and booleans).
func presence(f field, acc string) string {
	switch f.Kind {
	case kString, kEnum:
		return acc + ` != ""`
	case kPtrString, kPtrFloat, kPtrInt, kPtrBool, kPtrStruct, kPtrPatch, kStrings, kEnums, kStructs, kRaw:
		return acc + " != nil"
	}
	return ""
}

// valueKind is the kind of the value an Optional holds for a field of kind k: an
// update holds the value of a pointer scalar, not the pointer.
func valueKind(k kind) kind {
	switch k {
	case kPtrString:
		return kString
	case kPtrFloat:
		return kFloat
	case kPtrInt:
		return kInt
	case kPtrBool:
		return kBool
	}
	return k
}

// encodeValue is the statement that encodes value expression x of field f.
func encodeValue(f field, x string) string {
	switch f.Kind {
	case kString:
		return "b = appendString(b, " + x + ")"
	case kPtrString:
		return "b = appendString(b, *" + x + ")"
	case kFloat:
		return "b = appendFloat(b, " + x + ")"
	case kPtrFloat:
		return "b = appendFloat(b, *" + x + ")"
	case kInt:
		return "b = appendInt(b, " + x + ")"
	case kPtrInt:
		return "b = appendInt(b, *" + x + ")"
	case kBool:
		return "b = appendBool(b, " + x + ")"
	case kPtrBool:
		return "b = appendBool(b, *" + x + ")"
	case kEnum:
		return "b = appendString(b, string(" + x + "))"
	case kDecimal:
		return "b = appendDecimal(b, " + x + ")"
	case kRaw:
		return "b = appendRaw(b, " + x + ")"
	case kStrings:
		return "b = appendStrings(b, " + x + ")"
	case kEnums:
		return "b = appendEnums(b, " + x + ")"
	case kStructs:
		return "b = appendSlice(b, " + x + ", (*" + f.Elem + ").appendJSON)"
	case kPtrStruct, kPtrPatch:
		return "b = " + x + ".appendJSON(b)"
	}
	fail("no encoder for %v", f)
	return ""
}

// genEncode writes appendJSON and MarshalJSON of every type.
func (g *gen) genEncode(f *genFile) {
	g.perType(f, (*gen).encodeUnion, (*gen).encodeStruct, (*gen).marshalJSON)
}

// marshalJSON writes MarshalJSON of s, and the size hint of its buffer.
func (g *gen) marshalJSON(f *genFile, s *structType) {
	size := lowerFirst(s.Name) + "Size"
	f.P("// MarshalJSON encodes v in Flagright's wire format.")
	f.P("func (v ", s.Name, ") MarshalJSON() ([]byte, error) {")
	f.P("b := v.appendJSON(make([]byte, 0, ", size, ".get()))")
	f.P(size, ".set(len(b))")
	f.P("return b, nil")
	f.P("}")
	f.P()
	f.P("// ", size, " is the length of the last ", s.Name, " encoded by MarshalJSON, to size the next buffer.")
	f.P("var ", size, " sizeHint")
	f.P()
}

// encodeUnion writes the encoder of a union: its member's.
func (g *gen) encodeUnion(f *genFile, s *structType) {
	unionMethod(f, s, "appendJSON(b []byte) []byte", "appendJSON(b)", "append(b, '{', '}')")
}

// unionMethod writes method sig of union s, which returns the same method of the
// member that is set (called as call), or none when no member is.
func unionMethod(f *genFile, s *structType, sig, call, none string) {
	f.P("func (v *", s.Name, ") ", sig, " {")
	for _, fl := range s.Fields {
		f.P("if v.", fl.Name, " != nil {")
		f.P("return v.", fl.Name, ".", call)
		f.P("}")
	}
	f.P("return ", none)
	f.P("}")
	f.P()
}

// encodeStruct writes the encoder of an object type.
func (g *gen) encodeStruct(f *genFile, s *structType) {
	f.P("func (v *", s.Name, ") appendJSON(b []byte) []byte {")
	f.P("start := len(b)")
	if s.MemberOf != "" {
		f.P("b = append(b, `,\"method\":", strconv.Quote(s.MemberOf), "`...)")
	}
	for _, fl := range g.allFields(s) {
		acc := g.access(s, fl)
		key := "b = append(b, `," + strconv.Quote(fl.JSON) + ":`...)"
		if s.PatchOf != "" {
			f.P("switch ", acc, ".state {")
			f.P("case optionalNull:")
			f.P("b = append(b, `,", strconv.Quote(fl.JSON), ":null`...)")
			f.P("case optionalSet:")
			f.P(key)
			pf := fl
			pf.Kind = valueKind(fl.Kind)
			if pf.Kind == kPtrStruct {
				f.P("if ", acc, ".v == nil {")
				f.P("b = append(b, '{', '}')")
				f.P("} else {")
				f.P(encodeValue(pf, acc+".v"))
				f.P("}")
			} else {
				f.P(encodeValue(pf, acc+".v"))
			}
			f.P("}")
			continue
		}
		if cond := presence(fl, acc); fl.Omit && cond != "" {
			f.P("if ", cond, " {")
			f.P(key)
			f.P(encodeValue(fl, acc))
			f.P("}")
		} else {
			f.P(key)
			f.P(encodeValue(fl, acc))
		}
	}
	f.P("return closeObject(b, start)")
	f.P("}")
	f.P()
}
