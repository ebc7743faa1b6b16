package main

import "strconv"

// genValidate writes validate of every type.
func (g *gen) genValidate(f *genFile) {
	for _, s := range g.types() {
		f.P("func (v *", s.Name, ") validate(c *vctx) {")
		switch {
		case s.Union:
			f.P("n := 0")
			for _, fl := range s.Fields {
				f.P("if v.", fl.Name, " != nil {")
				f.P("n++")
				f.P("v.", fl.Name, ".validate(c)")
				f.P("}")
			}
			f.P("c.union(n)")
		case s.PatchOf != "":
			for _, fl := range s.Fields {
				g.validatePatchField(f, fl)
			}
		default:
			for _, fl := range s.Fields {
				if fl.Kind == kEmbedded {
					f.P("v.", fl.Name, ".validate(c)")
					continue
				}
				g.validateField(f, fl, "v."+fl.Name, false)
			}
		}
		if s.HasCheck {
			f.P("v.check(c)")
		}
		f.P("}")
		f.P()
	}
}

// validatePatchField writes the checks of a field of a partial-update type.
func (g *gen) validatePatchField(f *genFile, fl field) {
	acc := "v." + fl.Name
	f.P("switch ", acc, ".state {")
	if fl.rule("required") {
		// The schema requires the member of an object that an update gives.
		f.P("case optionalAbsent:")
		f.P("c.fail(", strconv.Quote(fl.JSON), `, CodeRequired, "required field is missing")`)
		f.P("case optionalNull:")
		f.P("c.fail(", strconv.Quote(fl.JSON), `, CodeRequired, "required field must not be null")`)
	}
	f.P("case optionalSet:")
	switch fl.Kind {
	case kPtrStruct, kPtrPatch, kStrings, kEnums, kStructs, kRaw:
		// Only Go can set a nil value (the decoder reads null as Null): it would be
		// written as {} or [], and read back as another update than the one applied.
		f.P("if ", acc, ".v == nil {")
		f.P("c.fail(", strconv.Quote(fl.JSON), `, CodeInvalidType, "a value set to nil: Null removes a value")`)
		f.P("}")
	}
	switch {
	case g.isAmount(fl):
		// Amount updates are checked after the merge, with the stored currency.
		f.P("if ", acc, ".v != nil {")
		f.P("c.amountUpdate(", strconv.Quote(fl.JSON), ", ", acc, ".v, ", ruleExpr(fl), ")")
		f.P("}")
	default:
		pf := fl
		if fl.Kind == kPtrStruct && !g.structs[fl.Elem].Union {
			pf.Kind = kPtrPatch
		}
		g.validateField(f, pf, acc+".v", true)
	}
	f.P("}")
}

// validateField writes the checks of full-type field fl whose value is x; for patch
// fields x is the value inside the Optional.
func (g *gen) validateField(f *genFile, fl field, x string, patch bool) {
	rules := ruleExpr(fl)
	name := strconv.Quote(fl.JSON)
	k := fl.Kind
	if patch {
		k = valueKind(k)
	}
	switch k {
	case kString, kPtrString, kFloat, kPtrFloat:
		check := "c.str("
		if valueKind(k) == kFloat {
			check = "c.num("
		}
		if k == valueKind(k) {
			f.P(check, name, ", ", x, ", ", rules, ")")
			break
		}
		f.P("if ", x, " != nil {") // a pointer: the value it points to, when set
		f.P(check, name, ", *", x, ", ", rules, ")")
		f.P("}")
	case kEnum:
		present := x + ` != ""`
		if patch {
			present = "true" // an update that sets "" sets an invalid value
		}
		f.P("c.enum(", name, ", ", present, ", ", x, ".Valid(), ", fl.rule("required"), ", ", strconv.Quote(fl.Elem), ")")
	case kEnums:
		f.P("for i, e := range ", x, " {")
		f.P("if !e.Valid() {")
		f.P("c.pushIndex(", name, ", i)")
		f.P(`c.enum("", true, false, false, `, strconv.Quote(fl.Elem), ")")
		f.P("c.pop()")
		f.P("}")
		f.P("}")
	case kStrings:
		f.P("c.strs(", name, ", ", x, ", ", rules, ")")
	case kStructs:
		g.validateRequired(f, fl, x)
		f.P("for i := range ", x, " {")
		f.P("c.pushIndex(", name, ", i)")
		f.P(x, "[i].validate(c)")
		f.P("c.pop()")
		f.P("}")
	case kPtrStruct, kPtrPatch:
		f.P("if ", x, " != nil {")
		if g.isAmount(fl) {
			f.P("c.amount(", name, ", ", x, ", ", rules, ")")
		} else {
			f.P("c.push(", name, ")")
			f.P(x, ".validate(c)")
			f.P("c.pop()")
		}
		f.P("}")
	case kRaw:
		f.P("c.raw(", name, ", ", x, ", ", fl.rule("required"), ")")
	case kDecimal:
		f.P("c.decimal(", name, ", ", x, ")")
	case kInt, kPtrInt, kBool, kPtrBool:
		// No rules.
	default:
		fail("no validation for %v", fl)
	}
}

// validateRequired writes the check that a required array member is present.
func (g *gen) validateRequired(f *genFile, fl field, x string) {
	if fl.rule("required") {
		f.P("if ", x, " == nil {")
		f.P("c.fail(", strconv.Quote(fl.JSON), `, CodeRequired, "required field is missing")`)
		f.P("}")
	}
}
