package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRulesDocumented checks that the check tags the package documentation lists (doc.go,
// "# The check tags") are the generator's rules, in the same order, with the same
// descriptions: a rule added to one and not the other fails here.
func TestRulesDocumented(t *testing.T) {
	src, err := os.ReadFile("../../doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "// # The check tags\n")
	if !ok {
		t.Fatal(`doc.go has no "# The check tags" section`)
	}
	line := regexp.MustCompile(`^//\t(\w+)\s+(.*)$`)
	var got []rule
	for _, l := range strings.Split(section, "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			got = append(got, rule{name: m[1], doc: m[2]})
		}
	}
	if len(got) != len(rules) {
		t.Errorf("doc.go lists %d check tags, the generator knows %d", len(got), len(rules))
	}
	for i := range min(len(got), len(rules)) {
		if got[i].name != rules[i].name || got[i].doc != rules[i].doc {
			t.Errorf("check tag %d: doc.go has %s (%q), the generator %s (%q)", i, got[i].name, got[i].doc, rules[i].name, rules[i].doc)
		}
	}
}
