package main

import (
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
		return "*" + patchName(f.Elem)
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
		if s.Name == "ConsumerUserAttributes" {
			f.P("// ConsumerUserAttributes is the partial update of a consumer user that an event carries")
			f.P("// (Flagright's UserOptional): every field of ConsumerUser but the id, the creation time and")
			f.P("// the rules results, each absent, null or a value (see Optional and the merge rules in the")
			f.P("// package documentation).")
		} else {
			f.P("// ", s.Name, " is the partial update of a ", s.PatchOf, " inside ConsumerUserAttributes: each field is")
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
