package memstore_test

import (
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/storetest"
)

// TestConformance runs the Store conformance suite (run it with -race).
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) userevents.Store { return memstore.New() })
}
