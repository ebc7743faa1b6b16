package userevents

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenDocuments keeps testdata/full-*.json equal to the package's full documents
// (every field of every type, valid under Strict): the repository's own fixtures, which
// the interop tests read too. Run with -update after a model change.
func TestGoldenDocuments(t *testing.T) {
	for name, v := range map[string]any{
		"full-user.json":     fullUser(),
		"full-business.json": fullBusiness(),
		"full-event.json":    fullEvent(),
	} {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, '\n')
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestGoldenDocuments -update)", err)
		}
		if !bytes.Equal(want, data) {
			t.Errorf("%s is stale: run go test -run TestGoldenDocuments -update", path)
		}
	}
}
