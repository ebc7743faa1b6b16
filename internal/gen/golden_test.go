package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden from the fixture model")

// fixtureFiles are the model files of the fixture package (testdata/model).
var fixtureFiles = []string{"model.go"}

// TestGolden generates the code of the fixture model (testdata/model: one struct per check
// rule) and compares each file, and the JSON model, with its golden copy in
// testdata/golden, so that a change of the generator shows its effect as a short diff of
// those files. go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	g, err := load("testdata/model", fixtureFiles)
	if err != nil {
		t.Fatal(err)
	}
	files, err := g.generate("fixture")
	if err != nil {
		t.Fatal(err)
	}
	model, err := g.modelJSON()
	if err != nil {
		t.Fatal(err)
	}
	files["model.json"] = model
	dir := filepath.Join("testdata", "golden")
	if *update {
		old, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
		for _, path := range old {
			os.Remove(path)
		}
		os.MkdirAll(dir, 0o755)
		for name, src := range files {
			if err := os.WriteFile(filepath.Join(dir, name+".golden"), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	goldens, err := filepath.Glob(filepath.Join(dir, "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range goldens {
		if _, ok := files[strings.TrimSuffix(filepath.Base(path), ".golden")]; !ok {
			t.Errorf("%s: the generator no longer writes this file (go test -update removes it)", path)
		}
	}
	for name, got := range files {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, name+".golden"))
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from its golden file (go test -update rewrites it; review the diff):\n%s", name, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff returns the lines of want and got from the first that differs, a few of
// each: enough to see what changed; git diff after -update shows the rest.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	for j := i; j < min(i+5, len(w)); j++ {
		b.WriteString("- " + w[j] + "\n")
	}
	for j := i; j < min(i+5, len(g)); j++ {
		b.WriteString("+ " + g[j] + "\n")
	}
	return "from line " + strconv.Itoa(i+1) + ":\n" + b.String()
}

// TestLoadRefuses checks that load refuses, saying why, a model it cannot generate: an
// unknown rule, required without omitempty's absence, a member type it does not know, an
// unknown decode tag, nonneg on what is not an amount or without the amount check, a
// wrong patch tag (not a pointer, of no model struct, named twice, naming a model struct,
// over a decode hook), and rule flags that differ from the rules.
func TestLoadRefuses(t *testing.T) {
	flags, err := os.ReadFile("testdata/model/other.go")
	if err != nil {
		t.Fatal(err)
	}
	model, err := os.ReadFile("testdata/model/model.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name         string
		model, other string
		why          string // in the refusal
	}{
		// An unknown check rule.
		{"unknown rule", "package fixture\n\ntype A struct {\n\tX string `json:\"x\" check:\"required,nosuch\"`\n}\n", string(flags), "unknown rule"},
		// required must match the absence of omitempty.
		{"required and omitempty", "package fixture\n\ntype A struct {\n\tX *string `json:\"x,omitempty\" check:\"required\"`\n}\n", string(flags), "required must match"},
		// A member type the generator does not know.
		{"map member", "package fixture\n\ntype A struct {\n\tX map[string]string `json:\"x,omitempty\"`\n}\n", string(flags), "unsupported field type"},
		// A decode tag other than hook.
		{"decode tag", "package fixture\n\ntype A struct {\n\tX string `json:\"x\" check:\"required\" decode:\"nosuch\"`\n}\n", string(flags), "unknown decode tag"},
		// nonneg on what is not the amount type.
		{"nonneg number", "package fixture\n\ntype A struct {\n\tX *float64 `json:\"x,omitempty\" check:\"nonneg\"`\n}\n", string(flags), "nonneg applies to amounts"},
		// A patch member that is not a pointer, and one whose full type is not a model struct.
		{"patch value", "package fixture\n\ntype A struct {\n\tX B `json:\"x\" check:\"required\" patch:\"B\"`\n}\n\ntype B struct{}\n", string(flags), "must be a pointer"},
		{"patch of nothing", "package fixture\n\ntype A struct {\n\tX *BUpdate `json:\"x,omitempty\" patch:\"B\"`\n}\n", string(flags), "not a struct of the model"},
		// Two patch tags naming two updates of one type, and one update for two types.
		{"patch named twice", "package fixture\n\ntype A struct {\n\tX *BUpdate `json:\"x,omitempty\" patch:\"B\"`\n\tY *BPatch `json:\"y,omitempty\" patch:\"B\"`\n}\n\ntype B struct{}\n", string(flags), "already named"},
		{"patch of two", "package fixture\n\ntype A struct {\n\tX *BUpdate `json:\"x,omitempty\" patch:\"B\"`\n\tY *BUpdate `json:\"y,omitempty\" patch:\"C\"`\n}\n\ntype B struct{}\n\ntype C struct{}\n", string(flags), "already the patch of"},
		// A patch tag whose update type is a struct of the model.
		{"patch is a model struct", "package fixture\n\ntype A struct {\n\tX *C `json:\"x,omitempty\" patch:\"B\"`\n\tY *B `json:\"y,omitempty\"`\n\tZ *C `json:\"z,omitempty\"`\n}\n\ntype B struct{}\n\ntype C struct{}\n", string(flags), "not the patch of"},
		// A member read by a decode hook inside a patched type: the patch's decoder would not call it.
		{"hook in patch", "package fixture\n\ntype A struct {\n\tX *BUpdate `json:\"x,omitempty\" patch:\"B\"`\n}\n\ntype B struct {\n\tY string `json:\"y\" check:\"required\" decode:\"hook\"`\n}\n", string(flags), "decode hook is not called"},
		// nonneg when validate.go has no amount method.
		{"nonneg without amount", "package fixture\n\ntype A struct {\n\tX *M `json:\"x,omitempty\" check:\"nonneg\"`\n}\n\ntype M struct{}\n", strings.Replace(string(flags), "amount", "sum", -1), "nonneg needs the method"},
		// An enum type's values given twice: as constants and as a list, or as two lists.
		{"constants and a list", "package fixture\n\ntype E string\n\nconst EA E = \"A\"\n\nvar es = [...]E{\"B\"}\n", string(flags), "constants and a list"},
		{"list of names", "package fixture\n\ntype E string\n\nvar es = [...]E{\"A\", b}\n", string(flags), "not a string literal"},
		{"two lists", "package fixture\n\ntype E string\n\nvar es = [...]E{\"A\"}\n\nvar more = [...]E{\"B\"}\n", string(flags), "two lists"},
		// validate.go's rule flags are not the generator's rules.
		{"rule flags", string(model), "package fixture\n\ntype rule int\n\nconst (\n\trRequired rule = 1 << iota\n\trNonempty\n)\n", "differ from the rules"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range map[string]string{"model.go": c.model, "other.go": c.other} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := load(dir, []string{"model.go"})
			if err == nil || !strings.Contains(err.Error(), c.why) {
				t.Errorf("load: %v, want a refusal saying %q", err, c.why)
			}
		})
	}
}

// TestLoadSharedPatch: two members may carry the partial update of the same type under
// the same name.
func TestLoadSharedPatch(t *testing.T) {
	flags, err := os.ReadFile("testdata/model/other.go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	model := "package fixture\n\ntype A struct {\n\tX *BUpdate `json:\"x,omitempty\" patch:\"B\"`\n\tY *BUpdate `json:\"y,omitempty\" patch:\"B\"`\n\tZ *B `json:\"z,omitempty\"`\n}\n\ntype B struct {\n\tS *string `json:\"s,omitempty\"`\n}\n"
	for name, src := range map[string]string{"model.go": model, "other.go": string(flags)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := load(dir, []string{"model.go"}); err != nil {
		t.Errorf("load refused a patch type carried by two members: %v", err)
	}
}
