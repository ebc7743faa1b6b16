package main

import "sort"

// genClone writes the deep copies: clone of every type, into an arena sized by a
// counting pass (count, copyRefsIn).
func (g *gen) genClone(f *genFile) {
	g.genArena(f)
	for _, s := range g.types() {
		// A deep copy goes into an arena sized by a counting pass: one allocation per
		// pointee type instead of one per pointer.
		f.P("func (v *", s.Name, ") clone() *", s.Name, " {")
		f.P("if v == nil {")
		f.P("return nil")
		f.P("}")
		f.P("var n cloneCounts")
		f.P("v.count(&n)")
		f.P("var a cloneArena")
		f.P("a.init(&n)")
		f.P("c := new(", s.Name, ")")
		f.P("*c = *v")
		f.P("c.copyRefsIn(&a)")
		f.P("return c")
		f.P("}")
		f.P()
		g.genArenaClone(f, s)
	}
}

// arenaTypes are the pointee types of full types, in a fixed order: the fields of
// cloneCounts and cloneArena.
func (g *gen) arenaTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range g.types() {
		for _, f := range g.allFields(s) {
			if t := g.slabType(s, f); t != "" && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// slabType is the type of the arena slab that a deep copy of field f of s puts its
// pointee in, or "" when f points to none.
func (g *gen) slabType(s *structType, f field) string {
	switch {
	case f.Kind == kPtrPatch:
		return f.Elem
	case f.Kind != kPtrStruct:
		return ""
	case s.PatchOf != "" && !g.structs[f.Elem].Union:
		return g.patchName(f.Elem)
	}
	return f.Elem
}

var scalarSlabs = map[kind]string{kPtrString: "strs", kPtrFloat: "f64s", kPtrInt: "ints", kPtrBool: "bools"}

// genArena writes cloneCounts and cloneArena.
func (g *gen) genArena(f *genFile) {
	types := g.arenaTypes()
	f.P("// cloneCounts counts the values a deep copy allocates, per pointee type.")
	f.P("type cloneCounts struct {")
	f.P("strs, f64s, ints, bools int")
	for _, t := range types {
		f.P(lowerFirst(t), " int")
	}
	f.P("}")
	f.P()
	f.P("// cloneArena holds the values of one deep copy, one slice per pointee type, each")
	f.P("// allocated once at the size cloneCounts gave.")
	f.P("type cloneArena struct {")
	f.P("strs  []string")
	f.P("f64s  []float64")
	f.P("ints  []int")
	f.P("bools []bool")
	for _, t := range types {
		f.P(lowerFirst(t), " []", t)
	}
	f.P("}")
	f.P()
	f.P("func (a *cloneArena) init(n *cloneCounts) {")
	f.P("a.strs = makeSlab[string](n.strs)")
	f.P("a.f64s = makeSlab[float64](n.f64s)")
	f.P("a.ints = makeSlab[int](n.ints)")
	f.P("a.bools = makeSlab[bool](n.bools)")
	for _, t := range types {
		f.P("a.", lowerFirst(t), " = makeSlab[", t, "](n.", lowerFirst(t), ")")
	}
	f.P("}")
	f.P()
}

// genArenaClone writes count and copyRefsIn of a type.
func (g *gen) genArenaClone(f *genFile, s *structType) {
	g.perField(f, s, "// count adds to n what a deep copy of what v refers to allocates.",
		"count(n *cloneCounts)", g.countField)
	g.perField(f, s, "// copyRefsIn replaces everything v refers to with a deep copy in a.",
		"copyRefsIn(a *cloneArena)", g.copyField)
}

// perField writes the method sig of s, documented by doc, whose body is each field's
// part as write writes it, given the field's value: for a partial-update type, the
// value inside the Optional.
func (g *gen) perField(f *genFile, s *structType, doc, sig string, write func(*genFile, *structType, field, string)) {
	f.P(doc)
	f.P("func (v *", s.Name, ") ", sig, " {")
	for _, fl := range s.Fields {
		acc := "v." + fl.Name
		if s.PatchOf != "" {
			acc += ".v"
		}
		write(f, s, fl, acc)
	}
	f.P("}")
	f.P()
}

// countField writes field fl's part of count (nothing for a field that refers to
// nothing), for the value acc.
func (g *gen) countField(f *genFile, s *structType, fl field, acc string) {
	switch fl.Kind {
	case kPtrString, kPtrFloat, kPtrInt, kPtrBool:
		if s.PatchOf != "" {
			return // an Optional holds the value itself
		}
		f.P("if ", acc, " != nil {")
		f.P("n.", scalarSlabs[fl.Kind], "++")
		f.P("}")
	case kPtrStruct, kPtrPatch:
		f.P("if ", acc, " != nil {")
		f.P("n.", lowerFirst(g.slabType(s, fl)), "++")
		f.P(acc, ".count(n)")
		f.P("}")
	case kStructs:
		f.P("for i := range ", acc, " {")
		f.P(acc, "[i].count(n)")
		f.P("}")
	case kEmbedded:
		f.P(acc, ".count(n)")
	}
}

// copyField writes field fl's part of copyRefsIn, for the value acc.
func (g *gen) copyField(f *genFile, s *structType, fl field, acc string) {
	switch fl.Kind {
	case kPtrString, kPtrFloat, kPtrInt, kPtrBool:
		if s.PatchOf != "" {
			return
		}
		f.P("if ", acc, " != nil {")
		f.P(acc, " = slabCopy(&a.", scalarSlabs[fl.Kind], ", ", acc, ")")
		f.P("}")
	case kPtrStruct, kPtrPatch:
		f.P("if ", acc, " != nil {")
		f.P(acc, " = slabCopy(&a.", lowerFirst(g.slabType(s, fl)), ", ", acc, ")")
		f.P(acc, ".copyRefsIn(a)")
		f.P("}")
	case kStrings, kEnums, kRaw:
		f.P(acc, " = cloneSlice(", acc, ")")
	case kStructs:
		f.P("if ", acc, " != nil {")
		f.P(acc, " = cloneSlice(", acc, ")")
		f.P("for i := range ", acc, " {")
		f.P(acc, "[i].copyRefsIn(a)")
		f.P("}")
		f.P("}")
	case kEmbedded:
		f.P(acc, ".copyRefsIn(a)")
	}
}
