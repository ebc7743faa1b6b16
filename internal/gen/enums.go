package main

import (
	"sort"
	"strings"
)

// genEnums writes Valid and the values list of every enum type, in name order.
func (g *gen) genEnums(f *genFile) {
	var names []string
	for n := range g.enums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		consts := strings.Join(g.enums[n], ", ")
		f.P("// Valid reports whether v is one of the ", n, " values.")
		f.P("func (v ", n, ") Valid() bool {")
		f.P("switch v {")
		f.P("case ", consts, ":")
		f.P("return true")
		f.P("}")
		f.P("return false")
		f.P("}")
		f.P()
		f.P("// ", n, "Values returns every ", n, " value, in the order of Flagright's model.")
		f.P("func ", n, "Values() []", n, " {")
		f.P("return []", n, "{", consts, "}")
		f.P("}")
		f.P()
	}
}
