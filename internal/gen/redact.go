package main

import "strconv"

// safeValue is the statement that appends the redacted form of value x of field f.
func safeValue(f field, x string) string {
	switch f.Kind {
	case kString, kPtrString, kRaw, kStrings:
		if f.rule("id") && f.Kind == kString {
			return "b = appendString(b, " + x + ")"
		}
		if f.rule("id") && f.Kind == kPtrString {
			return "b = appendString(b, *" + x + ")"
		}
		if f.Kind == kStrings {
			return "b = appendCount(b, len(" + x + "))"
		}
		return "b = append(b, redacted...)"
	case kFloat, kPtrFloat, kInt, kPtrInt, kBool, kPtrBool, kDecimal:
		return encodeValue(f, x) // numbers and booleans print as in JSON
	case kEnum:
		return "b = append(b, " + x + "...)"
	case kEnums:
		return "b = appendEnumList(b, " + x + ")"
	case kStructs:
		return "b = appendSafeSlice(b, " + x + ")"
	case kPtrStruct, kPtrPatch, kEmbedded:
		return "b = " + x + ".appendSafe(b)"
	}
	fail("no safe form for %v", f)
	return ""
}

// genRedact writes appendSafe, Format and LogValue of every type: the redacted forms of
// a value, which show structure, enums, numbers, booleans and ids, and no other string.
func (g *gen) genRedact(f *genFile) {
	for _, name := range g.order {
		s := g.structs[name]
		f.P("func (v *", s.Name, ") appendSafe(b []byte) []byte {")
		f.P("b = append(b, \"", s.Name, "{\"...)")
		f.P("n := 0")
		for _, fl := range s.Fields {
			acc := "v." + fl.Name
			name := fl.JSON
			if fl.Kind == kEmbedded || s.Union {
				name = fl.Name
			}
			key := "b, n = safeKey(b, n, " + strconv.Quote(name) + ")"
			if s.PatchOf != "" {
				pf := fl
				pf.Kind = valueKind(fl.Kind)
				if pf.Kind == kPtrStruct {
					pf.Kind = kPtrPatch
				}
				f.P("switch ", acc, ".state {")
				f.P("case optionalNull:")
				f.P(key)
				f.P(`b = append(b, "null"...)`)
				f.P("case optionalSet:")
				f.P(key)
				if pf.Kind == kPtrPatch {
					f.P("if ", acc, ".v != nil {")
					f.P(safeValue(pf, acc+".v"))
					f.P("}")
				} else {
					f.P(safeValue(pf, acc+".v"))
				}
				f.P("}")
				continue
			}
			// Required references may be nil in a value built by hand: print them only when set.
			cond := presence(fl, acc)
			if (fl.Kind == kString || fl.Kind == kEnum) && !fl.Omit {
				cond = ""
			}
			if cond != "" {
				f.P("if ", cond, " {")
				f.P(key)
				f.P(safeValue(fl, acc))
				f.P("}")
			} else {
				f.P(key)
				f.P(safeValue(fl, acc))
			}
		}
		f.P("_ = n")
		f.P("return append(b, '}')")
		f.P("}")
		f.P()
		f.P("// Format prints v with its personal data redacted: every string but ids is left out.")
		f.P("// json.Marshal gives v whole.")
		f.P("func (v ", s.Name, ") Format(f fmt.State, verb rune) { f.Write(v.appendSafe(nil)) }")
		f.P()
		f.P("// LogValue gives log/slog the redacted form of v, as Format prints it.")
		f.P("func (v ", s.Name, ") LogValue() slog.Value { return slog.StringValue(string(v.appendSafe(nil))) }")
		f.P()
	}
}
