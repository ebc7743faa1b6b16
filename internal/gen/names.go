package main

import "strings"

// hasNames reports whether values of type name hold person names (recursively).
func (g *gen) hasNames(name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	for _, f := range g.structs[name].Fields {
		switch f.Kind {
		case kString, kPtrString, kStrings:
			if f.rule("name") {
				return true
			}
		case kPtrStruct, kStructs, kEmbedded:
			if g.hasNames(f.Elem, seen) {
				return true
			}
		}
	}
	return false
}

// named reports whether values of type name hold person names.
func (g *gen) named(name string) bool { return g.hasNames(name, map[string]bool{}) }

// genNames writes normNames and namesNFC for every full type that holds person names.
func (g *gen) genNames(f *genFile) {
	for _, s := range g.types() {
		if s.PatchOf != "" || !g.named(s.Name) {
			continue
		}
		f.P("// normNames normalises the person names in v to Unicode NFC, in place.")
		f.P("func (v *", s.Name, ") normNames() {")
		for _, fl := range s.Fields {
			g.normaliseField(f, fl, "v."+fl.Name)
		}
		f.P("}")
		f.P()
		f.P("// namesNFC reports whether the person names in v are all in Unicode NFC already.")
		f.P("func (v *", s.Name, ") namesNFC() bool {")
		conds := []string{"true"}
		for _, fl := range s.Fields {
			if cond := g.isNormalExpr(fl, "v."+fl.Name); cond != "" {
				conds = append(conds, cond)
			}
		}
		f.P("return ", strings.Join(conds, " &&\n"))
		f.P("}")
		f.P()
	}
}

// normaliseField writes the statement that normalises the person names that field fl,
// whose value is acc, holds; nothing for a field without person names.
func (g *gen) normaliseField(f *genFile, fl field, acc string) {
	switch {
	case fl.Kind == kString && fl.rule("name"):
		f.P(acc, " = nfc(", acc, ")")
	case fl.Kind == kPtrString && fl.rule("name"):
		f.P("if ", acc, " != nil {")
		f.P("*", acc, " = nfc(*", acc, ")")
		f.P("}")
	case fl.Kind == kStrings && fl.rule("name"):
		f.P("for i := range ", acc, " {")
		f.P(acc, "[i] = nfc(", acc, "[i])")
		f.P("}")
	case fl.Kind == kPtrStruct && g.named(fl.Elem):
		f.P("if ", acc, " != nil {")
		f.P(acc, ".normNames()")
		f.P("}")
	case fl.Kind == kStructs && g.named(fl.Elem):
		f.P("for i := range ", acc, " {")
		f.P(acc, "[i].normNames()")
		f.P("}")
	case fl.Kind == kEmbedded && g.named(fl.Elem):
		f.P(acc, ".normNames()")
	}
}

// isNormalExpr is the expression that reports whether the person names that field fl,
// whose value is acc, holds are NFC already; "" for a field without person names.
func (g *gen) isNormalExpr(fl field, acc string) string {
	switch {
	case fl.Kind == kString && fl.rule("name"):
		return "isNFC(" + acc + ")"
	case fl.Kind == kPtrString && fl.rule("name"):
		return "(" + acc + " == nil || isNFC(*" + acc + "))"
	case fl.Kind == kStrings && fl.rule("name"):
		return "allNFC(" + acc + ")"
	case fl.Kind == kPtrStruct && g.named(fl.Elem):
		return "(" + acc + " == nil || " + acc + ".namesNFC())"
	case fl.Kind == kStructs && g.named(fl.Elem):
		return "structsNFC(" + acc + ")"
	case fl.Kind == kEmbedded && g.named(fl.Elem):
		return acc + ".namesNFC()"
	}
	return ""
}
