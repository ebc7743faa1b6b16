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

// TestConformanceChecked runs the suite again through storetest.Checked: memstore hands
// out what it keeps, so the suite's Processors and stores must never write into a
// record or an entry once committed.
func TestConformanceChecked(t *testing.T) {
	storetest.Run(t, func(t *testing.T) userevents.Store { return storetest.Checked(t, memstore.New()) })
}
