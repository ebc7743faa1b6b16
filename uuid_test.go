package userevents

import (
	"regexp"
	"testing"

	"github.com/compliancekit/userevents/internal/together"
)

// TestNewUUID: generated event ids are version 4 UUIDs, and distinct across goroutines
// (each generator of the pool has a seed of its own).
func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	const goroutines, each = 8, 2000
	ids := make([][]string, goroutines)
	together.Run(goroutines, func(g int) {
		for range each {
			ids[g] = append(ids[g], newUUID())
		}
	})
	seen := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			if !v4.MatchString(id) {
				t.Fatalf("%q is not a version 4 UUID", id)
			}
			if seen[id] {
				t.Fatalf("%q generated twice", id)
			}
			seen[id] = true
		}
	}
}
