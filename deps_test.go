package userevents

import (
	"os"
	"strings"
	"testing"
)

// TestDirectDependencies checks that go.mod lists the library's three dependencies as
// direct (CI also runs go mod tidy -diff in every module).
func TestDirectDependencies(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		module string
	}{
		{module: "github.com/shopspring/decimal"}, // exact amounts
		{module: "golang.org/x/text"},             // currency minor units, NFC
		{module: "github.com/google/go-cmp"},      // the tests' comparisons
	}
	for _, tt := range tests {
		found := false
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && (f[0] == tt.module || f[0] == "require" && f[1] == tt.module) {
				found = true
				if strings.Contains(line, "// indirect") {
					t.Errorf("%s: listed as indirect, want direct", tt.module)
				}
			}
		}
		if !found {
			t.Errorf("%s: not in go.mod", tt.module)
		}
	}
}
