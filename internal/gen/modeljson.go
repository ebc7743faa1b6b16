package main

import (
	"encoding/json"
	"os"
)

// writeModel writes the wire model: for each object its members (JSON name, JSON kind,
// element type, required), and each enum's values. Tools outside Go (the interop tests)
// compare it with other implementations.
func (g *gen) writeModel(path string) error {
	data, err := g.modelJSON()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// modelJSON returns the wire model as indented JSON.
func (g *gen) modelJSON() ([]byte, error) {
	type member struct {
		Name     string `json:"name"`
		Kind     string `json:"kind"` // string, number, integer, boolean, enum, object, array, any
		Type     string `json:"type,omitempty"`
		Elem     string `json:"elem,omitempty"` // array elements: string, or an enum or object type
		Required bool   `json:"required,omitempty"`
	}
	out := struct {
		Objects map[string][]member          `json:"objects"`
		Unions  map[string]map[string]string `json:"unions"`
		Enums   map[string][]string          `json:"enums"`
	}{map[string][]member{}, map[string]map[string]string{}, g.enumVals}
	for name, s := range g.structs {
		if s.Union {
			u := map[string]string{}
			for _, f := range s.Fields {
				u[f.Method] = f.Elem
			}
			out.Unions[name] = u
			continue
		}
		var ms []member
		for _, f := range g.allFields(s) {
			m := member{Name: f.JSON, Required: f.rule("required")}
			switch f.Kind {
			case kString, kPtrString:
				m.Kind = "string"
			case kFloat, kPtrFloat, kDecimal:
				m.Kind = "number"
			case kInt, kPtrInt:
				m.Kind = "integer"
			case kBool, kPtrBool:
				m.Kind = "boolean"
			case kEnum:
				m.Kind, m.Type = "enum", f.Elem
			case kRaw:
				m.Kind = "any"
			case kPtrStruct, kPtrPatch:
				m.Kind, m.Type = "object", f.Elem
				if s.PatchOf != "" && !g.structs[f.Elem].Union {
					m.Type = g.patchName(f.Elem)
				}
			case kStrings:
				m.Kind, m.Elem = "array", "string"
			case kEnums, kStructs:
				m.Kind, m.Elem = "array", f.Elem
			}
			ms = append(ms, m)
		}
		out.Objects[name] = ms
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
