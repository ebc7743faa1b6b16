package main

import (
	doccomment "go/doc/comment"
	"strings"
)

// patchFieldType is the Go type of a patch field holding f.
func (g *gen) patchFieldType(f field) string {
	return "Optional[" + g.patchValueType(f) + "]"
}

// patchValueType is the type of the value that the Optional of patch field f holds.
func (g *gen) patchValueType(f field) string {
	switch f.Kind {
	case kString, kPtrString:
		return "string"
	case kFloat, kPtrFloat:
		return "float64"
	case kInt, kPtrInt:
		return "int"
	case kBool, kPtrBool:
		return "bool"
	case kEnum:
		return f.Elem
	case kDecimal:
		return "decimal.Decimal"
	case kRaw:
		return "json.RawMessage"
	case kStrings:
		return "[]string"
	case kEnums, kStructs:
		return "[]" + f.Elem
	case kPtrStruct:
		if g.structs[f.Elem].Union {
			return "*" + f.Elem
		}
		return "*" + g.patchName(f.Elem)
	}
	fail("no patch type for %v", f)
	return ""
}

// genPatchTypes writes the declarations of the partial-update types.
func (g *gen) genPatchTypes(f *genFile) {
	for _, s := range g.types() {
		if s.PatchOf == "" {
			continue
		}
		if s.Name == s.PatchTop {
			f.P(comment(s.Name + " is the partial update of a " + s.PatchOf + " carried by " + g.patchIn[s.Name] +
				" (its patch tag): every field of " + s.PatchOf + " but those tagged noattr (" +
				strings.Join(g.noattr(g.structs[s.PatchOf]), ", ") + "), each absent, null or a value " +
				"(see Optional and the merge rules in the package documentation)."))
		} else {
			f.P("// ", s.Name, " is the partial update of a ", s.PatchOf, " inside ", s.PatchTop, ": each field is")
			f.P("// absent, null or a value, and objects merge field by field.")
		}
		f.P("type ", s.Name, " struct {")
		for _, fl := range s.Fields {
			var rs []string
			for _, r := range fl.sortedRules() {
				if r != "required" && r != "noattr" {
					rs = append(rs, r)
				}
			}
			check := ""
			if len(rs) > 0 {
				check = ` check:"` + strings.Join(rs, ",") + `"`
			}
			f.P(fl.Name, " ", g.patchFieldType(fl), " `json:\"", fl.JSON, ",omitempty\"", check, "`")
		}
		f.P("}")
		f.P()
	}
}

// noattr returns the members of s that its partial update does not carry.
func (g *gen) noattr(s *structType) []string {
	var out []string
	for _, f := range s.Fields {
		if f.rule("noattr") {
			out = append(out, f.JSON)
		}
	}
	return out
}

// comment is text as a comment of lines up to 90 columns wide, wrapped by go/doc/comment.
func comment(text string) string {
	var p doccomment.Parser
	pr := doccomment.Printer{TextPrefix: "// ", TextWidth: 87}
	return strings.TrimSuffix(string(pr.Text(p.Parse(text))), "\n")
}
