package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// kind is how a field is held in Go, which decides how each concern handles it.
type kind int

const (
	kString kind = iota
	kPtrString
	kFloat
	kPtrFloat
	kInt
	kPtrInt
	kBool
	kPtrBool
	kEnum
	kDecimal
	kRaw
	kPtrStruct
	kStrings
	kEnums
	kStructs
	kEmbedded
	kPtrPatch // a pointer to a generated partial-update type (see the patch tag)
)

// field is one member of a model struct.
type field struct {
	Name   string
	JSON   string
	Omit   bool
	Rules  map[string]bool
	Kind   kind
	Elem   string // the struct or enum type
	Method string // union member discriminator
	Hook   string // decode:"hook": the hand-written decoder method that reads the member
}

func (f field) rule(r string) bool { return f.Rules[r] }

// sortedRules returns the rules of f in lexical order.
func (f field) sortedRules() []string {
	var rs []string
	for r := range f.Rules {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

// structType is a model struct, or a generated partial-update type.
type structType struct {
	Name     string
	Fields   []field
	Union    bool
	PatchOf  string // for generated patch types: the full type
	PatchTop string // for generated patch types: the one a patch tag names, that holds this one
	HasCheck bool   // a hand-written check method exists
	MemberOf string // union member: the discriminator value
}

// gen is the generator: the model it read from the package, and what the passes derive
// from it. load fills it, pass by pass; the generate functions only read it.
type gen struct {
	modelFiles []string                   // the files whose structs are the model
	astStructs map[string]*ast.StructType // every struct declared in the package
	structFile map[string]string          // struct name -> the file declaring it
	structs    map[string]*structType     // the model: structs reachable from the roots, and the patch types
	order      []string                   // the names of structs, in the order of generation
	roots      []string                   // the documents (see findRoots)
	enumTypes  map[string]bool            // the named string types
	enums      map[string][]string        // enum type -> constant names, in order
	enumVals   map[string][]string        // enum type -> values, in order
	codeLists  map[string]bool            // the enum types whose values are an array literal (codeList)
	checks     map[string]bool            // types with a hand-written check method
	ruleConsts []string                   // the rule flags of validate.go (rRequired ...), in order
	eqTypes    map[string]bool            // the types that get equal (equalTypes)
	amountType string                     // the type that (*vctx).amount checks (validate.go)
	patches    map[string]string          // full type -> its partial update that a member carries (patch tags)
	patchIn    map[string]string          // such a partial update -> the first member that carries it (Struct.Field)
}

// genError is a problem of the model, reported by load and by the generate functions.
type genError struct{ msg string }

func (e genError) Error() string { return e.msg }

// fail stops the generator with a problem of the model.
func fail(format string, args ...any) { panic(genError{fmt.Sprintf(format, args...)}) }

// catch turns a fail into an error.
func catch(err *error) {
	if r := recover(); r != nil {
		ge, ok := r.(genError)
		if !ok {
			panic(r)
		}
		*err = ge
	}
}

// load reads the package in dir and runs the passes that build the model, in order.
func load(dir string, modelFiles []string) (g *gen, err error) {
	defer catch(&err)
	g = &gen{
		modelFiles: modelFiles,
		astStructs: map[string]*ast.StructType{},
		structFile: map[string]string{},
		structs:    map[string]*structType{},
		enumTypes:  map[string]bool{},
		enums:      map[string][]string{},
		enumVals:   map[string][]string{},
		codeLists:  map[string]bool{},
		checks:     map[string]bool{},
		patches:    map[string]string{},
		patchIn:    map[string]string{},
	}
	files, err := parsePackage(dir)
	if err != nil {
		return nil, err
	}
	g.collectTypes(files)   // 1. named string types, check methods, rule flags
	g.collectDecls(files)   // 2. struct declarations, enum constants, code lists
	g.checkRuleConsts()     // 3. validate.go's rule flags are the known rules
	g.roots = g.findRoots() // 4. the documents: the model structs no other refers to
	for _, r := range g.roots {
		g.reach(r) // 5. the model: the documents and what they hold
	}
	for _, full := range slices.Sorted(maps.Keys(g.patches)) {
		g.makePatch(full, g.patches[full], g.patches[full]) // 6. the partial-update types
	}
	g.eqTypes = g.equalTypes() // 7. the types compared by equal
	return g, nil
}

// parsedFile is one source file of the package.
type parsedFile struct {
	name string // base name
	ast  *ast.File
}

// parsePackage parses the non-test, non-generated Go files of dir, in name order.
func parsePackage(dir string) ([]parsedFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	var out []parsedFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_gen.go") {
			continue
		}
		af, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		out = append(out, parsedFile{filepath.Base(name), af})
	}
	return out, nil
}

// collectTypes records the named string types (enums and codes), the types with a
// hand-written check method, and the rule flags (constants of type rule).
func (g *gen) collectTypes(files []parsedFile) {
	for _, pf := range files {
		for _, decl := range pf.ast.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				var constType string
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if id, ok := s.Type.(*ast.Ident); ok && id.Name == "string" {
							g.enumTypes[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						if d.Tok != token.CONST {
							continue
						}
						if id, ok := s.Type.(*ast.Ident); ok {
							constType = id.Name
						} else if s.Type != nil || len(s.Values) > 0 {
							constType = ""
						}
						if constType == "rule" {
							for _, n := range s.Names {
								g.ruleConsts = append(g.ruleConsts, n.Name)
							}
						}
					}
				}
			case *ast.FuncDecl:
				switch {
				case d.Recv == nil:
				case d.Name.Name == "check":
					g.checks[recvName(d.Recv)] = true
				case d.Name.Name == "amount" && recvName(d.Recv) == "vctx":
					// c.amount(name, a *T, rules) checks an amount: its members and
					// the amount rules. T is the amount type.
					for _, p := range d.Type.Params.List {
						if ptr, ok := p.Type.(*ast.StarExpr); ok {
							g.amountType = typeString(ptr.X)
						}
					}
				}
			}
		}
	}
}

// collectDecls records the struct declarations, the enum constants and the code lists.
func (g *gen) collectDecls(files []parsedFile) {
	for _, pf := range files {
		for _, decl := range pf.ast.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if st, ok := s.Type.(*ast.StructType); ok {
						g.astStructs[s.Name.Name] = st
						g.structFile[s.Name.Name] = pf.name
					}
				case *ast.ValueSpec:
					if gd.Tok == token.VAR && len(s.Names) == 1 && len(s.Values) == 1 {
						g.codeList(s.Values[0])
					}
					if gd.Tok != token.CONST || s.Type == nil {
						continue
					}
					if id, ok := s.Type.(*ast.Ident); ok && g.enumTypes[id.Name] {
						for i, n := range s.Names {
							g.enums[id.Name] = append(g.enums[id.Name], n.Name)
							if lit, ok := s.Values[i].(*ast.BasicLit); ok {
								v, _ := strconv.Unquote(lit.Value)
								g.enumVals[id.Name] = append(g.enumVals[id.Name], v)
							}
						}
					}
				}
			}
		}
	}
	for typ := range g.codeLists {
		if len(g.enums[typ]) > 0 {
			fail("%s has constants and a list of values", typ)
		}
	}
}

// codeList records the values of a package-level array literal of an enum type
// (countryCodes is a [...]CountryCode): the code types list their values so, not as
// constants.
func (g *gen) codeList(e ast.Expr) {
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return
	}
	at, ok := cl.Type.(*ast.ArrayType)
	if !ok {
		return
	}
	typ, ok := at.Elt.(*ast.Ident)
	if !ok || !g.enumTypes[typ.Name] {
		return
	}
	if g.codeLists[typ.Name] {
		fail("%s has two lists of values", typ.Name)
	}
	g.codeLists[typ.Name] = true
	for _, elt := range cl.Elts {
		lit, ok := elt.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			fail("%s: the list of values holds %T, not a string literal", typ.Name, elt)
		}
		v, _ := strconv.Unquote(lit.Value)
		g.enumVals[typ.Name] = append(g.enumVals[typ.Name], v)
	}
}

// checkRuleConsts fails unless validate.go declares one rule flag per rule that has one,
// in the order of the rules table.
func (g *gen) checkRuleConsts() {
	var want []string
	for _, r := range rules {
		if r.flag {
			want = append(want, ruleFlag(r.name))
		}
	}
	if !slices.Equal(g.ruleConsts, want) {
		fail("the rule constants of the package %v differ from the rules of the generator %v", g.ruleConsts, want)
	}
}

// findRoots returns the documents: the structs declared in the model files that hold a
// json-tagged member and that no struct of the model files refers to, in the order of
// the model files and of their declarations.
func (g *gen) findRoots() []string {
	inModel := func(name string) bool { return slices.Contains(g.modelFiles, g.structFile[name]) }
	referred := map[string]bool{}
	var candidates []string
	for name, st := range g.astStructs {
		if !inModel(name) {
			continue
		}
		tagged := false
		for _, f := range st.Fields.List {
			if f.Tag != nil && strings.Contains(f.Tag.Value, `json:"`) && !strings.Contains(f.Tag.Value, `json:"-"`) {
				tagged = true
			}
			ts := strings.TrimLeft(typeString(f.Type), "[]*")
			if ts != name {
				referred[ts] = true
			}
		}
		if tagged {
			candidates = append(candidates, name)
		}
	}
	var roots []string
	for _, name := range candidates {
		if !referred[name] {
			roots = append(roots, name)
		}
	}
	sort.Slice(roots, func(i, j int) bool {
		fi := slices.Index(g.modelFiles, g.structFile[roots[i]])
		fj := slices.Index(g.modelFiles, g.structFile[roots[j]])
		if fi != fj {
			return fi < fj
		}
		return g.astStructs[roots[i]].Pos() < g.astStructs[roots[j]].Pos()
	})
	if len(roots) == 0 {
		fail("no model structs in %v", g.modelFiles)
	}
	return roots
}

func recvName(fl *ast.FieldList) string {
	t := fl.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	return t.(*ast.Ident).Name
}

func typeString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return "*" + typeString(t.X)
	case *ast.ArrayType:
		return "[]" + typeString(t.Elt)
	case *ast.SelectorExpr:
		return typeString(t.X) + "." + t.Sel.Name
	case *ast.MapType:
		return "map[" + typeString(t.Key) + "]" + typeString(t.Value)
	case *ast.IndexExpr:
		return typeString(t.X) + "[" + typeString(t.Index) + "]"
	case *ast.FuncType, *ast.InterfaceType, *ast.ChanType, *ast.StructType:
		return "?"
	}
	fail("unsupported type %T", e)
	return ""
}

func (g *gen) classify(ts string) (kind, string) {
	switch ts {
	case "string":
		return kString, ""
	case "*string":
		return kPtrString, ""
	case "float64":
		return kFloat, ""
	case "*float64":
		return kPtrFloat, ""
	case "int":
		return kInt, ""
	case "*int":
		return kPtrInt, ""
	case "bool":
		return kBool, ""
	case "*bool":
		return kPtrBool, ""
	case "decimal.Decimal":
		return kDecimal, ""
	case "json.RawMessage":
		return kRaw, ""
	case "[]string":
		return kStrings, ""
	}
	switch {
	case g.enumTypes[ts]:
		return kEnum, ts
	case strings.HasPrefix(ts, "[]") && g.enumTypes[ts[2:]]:
		return kEnums, ts[2:]
	case strings.HasPrefix(ts, "[]"):
		return kStructs, ts[2:]
	case strings.HasPrefix(ts, "*"):
		return kPtrStruct, ts[1:]
	}
	fail("unsupported field type %s", ts)
	return 0, ""
}

// reach records the struct name and the structs its wire fields use.
func (g *gen) reach(name string) {
	if _, ok := g.structs[name]; ok {
		return
	}
	st, ok := g.astStructs[name]
	if !ok {
		fail("struct %s not found", name)
	}
	s := &structType{Name: name, HasCheck: g.checks[name]}
	g.structs[name] = s
	for _, f := range st.Fields.List {
		tag := reflect.StructTag("")
		if f.Tag != nil {
			v, _ := strconv.Unquote(f.Tag.Value)
			tag = reflect.StructTag(v)
		}
		ts := typeString(f.Type)
		if len(f.Names) == 0 { // embedded
			s.Fields = append(s.Fields, field{Name: ts, Kind: kEmbedded, Elem: ts})
			g.reach(ts)
			continue
		}
		jsonTag := tag.Get("json")
		if m := tag.Get("method"); m != "" {
			s.Union = true
			k, elem := g.classify(ts)
			if k != kPtrStruct {
				fail("%s.%s: union members must be pointers", name, f.Names[0].Name)
			}
			s.Fields = append(s.Fields, field{Name: f.Names[0].Name, Kind: k, Elem: elem, Method: m})
			g.reach(elem)
			g.structs[elem].MemberOf = m
			continue
		}
		if jsonTag == "-" {
			continue
		}
		fl := g.member(name, f.Names[0].Name, jsonTag, tag, ts)
		s.Fields = append(s.Fields, fl)
		switch fl.Kind {
		case kPtrStruct, kStructs:
			g.reach(fl.Elem)
		}
	}
	g.order = append(g.order, name)
}

// member reads member goName of struct name, of Go type ts, from its tags: its JSON
// name, rules, kind and hook.
func (g *gen) member(name, goName, jsonTag string, tag reflect.StructTag, ts string) field {
	parts := strings.Split(jsonTag, ",")
	fl := field{Name: goName, JSON: parts[0], Rules: map[string]bool{}}
	switch h := tag.Get("decode"); h {
	case "":
	case "hook":
		fl.Hook = "decode" + name + fl.Name
	default:
		fail("%s.%s: unknown decode tag %q", name, fl.Name, h)
	}
	for _, p := range parts[1:] {
		if p == "omitempty" {
			fl.Omit = true
		}
	}
	for _, r := range strings.Split(tag.Get("check"), ",") {
		if r == "" {
			continue
		}
		if !knownRule(r) {
			fail("%s.%s: unknown rule %q", name, fl.Name, r)
		}
		fl.Rules[r] = true
	}
	if fl.Rules["required"] == fl.Omit {
		fail("%s.%s: required must match the absence of omitempty", name, fl.Name)
	}
	if full := tag.Get("patch"); full != "" {
		// patch:"T": a pointer to the partial update of T, generated under its name
		if !strings.HasPrefix(ts, "*") {
			fail("%s.%s: a patch member must be a pointer", name, fl.Name)
		}
		fl.Kind, fl.Elem = kPtrPatch, ts[1:]
		if prev, ok := g.patches[full]; ok && prev != fl.Elem {
			fail("%s.%s: patch:%q names %s, already named %s", name, fl.Name, full, fl.Elem, prev)
		}
		for other, p := range g.patches {
			if p == fl.Elem && other != full {
				fail("%s.%s: %s is already the patch of %s (%s)", name, fl.Name, fl.Elem, other, g.patchIn[fl.Elem])
			}
		}
		g.patches[full] = fl.Elem
		if _, ok := g.patchIn[fl.Elem]; !ok { // the first member that carries it
			g.patchIn[fl.Elem] = name + "." + fl.Name
		}
	} else {
		fl.Kind, fl.Elem = g.classify(ts)
	}
	if fl.Rules["nonneg"] && g.amountType == "" {
		fail("%s.%s: nonneg needs the method (*vctx).amount(name string, a *T, ...) of validate.go, not found", name, fl.Name)
	}
	if fl.Rules["nonneg"] && !g.isAmount(fl) {
		fail("%s.%s: nonneg applies to amounts (%q, the type (*vctx).amount checks)", name, fl.Name, g.amountType)
	}
	return fl
}

// patchName is the name of the partial update of full: the one a patch tag names, or
// full+"Update" for what such an update holds.
func (g *gen) patchName(full string) string {
	if name, ok := g.patches[full]; ok {
		return name
	}
	return full + "Update"
}

// makePatch makes the partial-update type of full, name, held by top.
func (g *gen) makePatch(full, name, top string) {
	if s, ok := g.structs[name]; ok {
		if s.PatchOf != full {
			fail("patch:%q: %s is a struct of the model, not the patch of %s", full, name, full)
		}
		return
	}
	src, ok := g.structs[full]
	if !ok {
		fail("patch:%q: %s is not a struct of the model", full, full)
	}
	p := &structType{Name: name, PatchOf: full, PatchTop: top}
	g.structs[name] = p
	for _, f := range src.Fields {
		if f.rule("noattr") {
			continue
		}
		if f.Hook != "" {
			fail("%s.%s: a decode hook is not called by the decoder of its patch %s (tag it noattr)", full, f.Name, name)
		}
		if f.Kind == kPtrStruct && !g.structs[f.Elem].Union {
			g.makePatch(f.Elem, g.patchName(f.Elem), top)
		}
		p.Fields = append(p.Fields, f)
	}
	g.order = append(g.order, name)
}

// equalTypes are the types that get an equal method: the records' users and everything
// they hold.
func (g *gen) equalTypes() map[string]bool {
	return g.fromRecord(func(owner string, f field) bool {
		switch f.Kind {
		case kPtrStruct, kStructs, kEmbedded:
			return true
		case kPtrPatch:
			fail("%s.%s: no equal for update types", owner, f.Name)
		}
		return false
	})
}

// fromRecord returns the users a Record holds and the types reachable from them through
// the members for which follow (given the member's struct) returns true.
func (g *gen) fromRecord(follow func(owner string, f field) bool) map[string]bool {
	out := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if out[name] {
			return
		}
		out[name] = true
		for _, f := range g.structs[name].Fields {
			if follow(name, f) {
				walk(f.Elem)
			}
		}
	}
	for _, root := range g.recordUsers() {
		walk(root)
	}
	return out
}

// recordUsers returns the model types a Record holds (its pointer members to model
// structs): the users.
func (g *gen) recordUsers() []string {
	var out []string
	rec, ok := g.astStructs["Record"]
	if !ok {
		return nil
	}
	for _, f := range rec.Fields.List {
		ts := typeString(f.Type)
		if _, ok := g.structs[strings.TrimPrefix(ts, "*")]; ok && strings.HasPrefix(ts, "*") {
			out = append(out, ts[1:])
		}
	}
	return out
}

// allFields flattens embedded structs.
func (g *gen) allFields(s *structType) []field {
	var out []field
	for _, f := range s.Fields {
		if f.Kind == kEmbedded {
			out = append(out, g.allFields(g.structs[f.Elem])...)
			continue
		}
		out = append(out, f)
	}
	return out
}

// isAmount reports whether fl points to the amount type, which validate checks by hand
// ((*vctx).amount, and amountUpdate in an update).
func (g *gen) isAmount(fl field) bool {
	return g.amountType != "" && fl.Elem == g.amountType && (fl.Kind == kPtrStruct || fl.Kind == kPtrPatch)
}

// types returns the structs of the model, in the order of generation.
func (g *gen) types() []*structType {
	out := make([]*structType, len(g.order))
	for i, name := range g.order {
		out[i] = g.structs[name]
	}
	return out
}

// access returns the Go expression for field f of v, through embedded structs.
func (g *gen) access(s *structType, f field) string {
	for _, e := range s.Fields {
		if e.Kind == kEmbedded {
			for _, h := range g.allFields(g.structs[e.Elem]) {
				if h.Name == f.Name {
					return "v." + e.Name + "." + g.access(g.structs[e.Elem], f)[2:]
				}
			}
			continue
		}
		if e.Name == f.Name {
			return "v." + f.Name
		}
	}
	fail("no field %s in %s", f.Name, s.Name)
	return ""
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }
