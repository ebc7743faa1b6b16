package main

import (
	"fmt"
	"strconv"
	"strings"
)

// readExpr is the decoder call that reads field f of a full type.
func readExpr(f field) string {
	id := f.rule("id")
	switch f.Kind {
	case kString:
		switch {
		case f.Omit:
			return fmt.Sprintf("d.optStr(%v)", id)
		case id:
			return "d.idStr()"
		}
		return "d.str()"
	case kPtrString:
		return fmt.Sprintf("d.ptrStr(%v)", id)
	case kFloat:
		return "d.num()"
	case kPtrFloat:
		return "d.ptrNum()"
	case kInt:
		return "d.integer()"
	case kPtrInt:
		return "d.ptrInt()"
	case kBool:
		return "d.boolean()"
	case kPtrBool:
		return "d.ptrBool()"
	case kEnum:
		if f.Omit {
			return f.Elem + "(d.optEnum())"
		}
		return f.Elem + "(d.str())"
	case kDecimal:
		return "d.decimal()"
	case kRaw:
		return "d.raw()"
	case kStrings:
		return "decodeStrings(d)"
	case kEnums:
		return "decodeEnums[" + f.Elem + "](d)"
	case kStructs:
		return "decodeSlice(d, (*decoder).decode" + f.Elem + ")"
	}
	fail("no reader for %v", f)
	return ""
}

// patchReadExpr is the decoder call that reads the value of patch field f.
func patchReadExpr(f field) string {
	switch f.Kind {
	case kString, kPtrString:
		if f.rule("id") {
			return "d.idStr()"
		}
		return "d.str()"
	case kPtrFloat:
		return "d.num()"
	case kPtrInt:
		return "d.integer()"
	case kPtrBool:
		return "d.boolean()"
	case kEnum:
		return f.Elem + "(d.str())"
	}
	return readExpr(f)
}

// genDecode writes the decoder and UnmarshalJSON of every type.
func (g *gen) genDecode(f *genFile) {
	g.perType(f, (*gen).decodeUnion, (*gen).decodeStruct, (*gen).unmarshalJSON)
}

// unmarshalJSON writes UnmarshalJSON of s: its decoder on a whole document.
func (g *gen) unmarshalJSON(f *genFile, s *structType) {
	f.P("// UnmarshalJSON decodes data into v strictly, with the default limits (see DecodeEvent).")
	f.P("func (v *", s.Name, ") UnmarshalJSON(data []byte) error {")
	f.P("var n ", s.Name)
	f.P("if err := decodeDocument(data, nil, func(d *decoder) { d.decode", s.Name, "(&n) }); err != nil {")
	f.P("return err")
	f.P("}")
	f.P("*v = n")
	f.P("return nil")
	f.P("}")
	f.P()
}

// decodeUnion writes the decoder of a union: the member its method names.
func (g *gen) decodeUnion(f *genFile, s *structType) {
	f.P("func (d *decoder) decode", s.Name, "(v *", s.Name, ") {")
	f.P("if d.fatal {")
	f.P("return")
	f.P("}")
	f.P("if d.peek() != '{' {")
	f.P(`d.mismatch("an object")`)
	f.P("return")
	f.P("}")
	f.P("method, found := d.findMethod()")
	f.P("switch method {")
	for _, fl := range s.Fields {
		f.P("case ", strconv.Quote(fl.Method), ":")
		f.P("v.", fl.Name, " = new(", fl.Elem, ")")
		f.P("d.decode", fl.Elem, "(v.", fl.Name, ")")
	}
	f.P("default:")
	f.P("d.badMethod(found)")
	f.P("}")
	f.P("}")
	f.P()
}

// decodeStruct writes the member names and the decoder of an object type.
func (g *gen) decodeStruct(f *genFile, s *structType) {
	fields := g.allFields(s)
	if len(fields) > 63 {
		fail("%s has too many fields", s.Name)
	}
	var keys []string
	var mask uint64
	for i, fl := range fields {
		keys = append(keys, strconv.Quote(fl.JSON))
		if fl.rule("required") {
			mask |= 1 << i
		}
	}
	if s.MemberOf != "" {
		keys = append(keys, `"method"`)
	}
	keysVar := lowerFirst(s.Name) + "Keys"
	f.P("var ", keysVar, " = [...]string{", strings.Join(keys, ", "), "}")
	f.P()
	f.P("func (d *decoder) decode", s.Name, "(v *", s.Name, ") {")
	f.P("if !d.objStart() {")
	f.P("return")
	f.P("}")
	f.P("var seen uint64")
	f.P("for d.objNext() {")
	f.P("switch string(d.key) {")
	for i, fl := range fields {
		f.P("case ", strconv.Quote(fl.JSON), ":")
		f.P("if d.dup(&seen, 1<<", i, ") {")
		f.P("continue")
		f.P("}")
		g.decodeMember(f, s, fl)
	}
	if s.MemberOf != "" {
		f.P(`case "method":`)
		f.P("if d.dup(&seen, 1<<", len(fields), ") {")
		f.P("continue")
		f.P("}")
		f.P("d.skip(false)")
	}
	f.P("default:")
	f.P("d.unknown(", keysVar, "[:])")
	f.P("}")
	f.P("}")
	if mask != 0 {
		f.P("d.required(seen, ", fmt.Sprintf("%#x", mask), ", ", keysVar, "[:])")
	}
	f.P("}")
	f.P()
}

// decodeMember writes the case of member fl of s in its decoder: the member read (a
// partial update's null or value, a required member's null refused, a hook called).
func (g *gen) decodeMember(f *genFile, s *structType, fl field) {
	acc := g.access(s, fl)
	if s.PatchOf != "" {
		f.P("if d.isNull() {")
		f.P(acc, " = Null[", g.patchValueType(fl), "]()")
		f.P("continue")
		f.P("}")
		switch {
		case fl.Kind == kPtrStruct:
			pt := strings.TrimPrefix(g.patchValueType(fl), "*")
			f.P("p := new(", pt, ")")
			f.P("d.decode", pt, "(p)")
			f.P(acc, " = Set(p)")
		default:
			f.P(acc, " = Set(", patchReadExpr(fl), ")")
		}
		return
	}
	if fl.rule("required") {
		f.P("if d.nullRequired() {")
		f.P("continue")
		f.P("}")
	}
	switch {
	case fl.Hook != "":
		// the hook reads the member into the struct that declares it
		owner := strings.TrimSuffix(acc, "."+fl.Name)
		if owner != "v" {
			owner = "&" + owner
		}
		f.P("d.", fl.Hook, "(", owner, ")")
	case fl.Kind == kPtrStruct, fl.Kind == kPtrPatch:
		f.P(acc, " = new(", fl.Elem, ")")
		f.P("d.decode", fl.Elem, "(", acc, ")")
	default:
		f.P(acc, " = ", readExpr(fl))
	}
}
