package httpapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// endingCtx is a request context that ends after its first check (the admission): its
// client went away, or its deadline passed, while the batch was being decoded.
type endingCtx struct {
	context.Context
	checks atomic.Int32
}

func (c *endingCtx) Err() error {
	if c.checks.Add(1) > 1 {
		return context.Canceled
	}
	return nil
}

// TestPostBatchRefusedAsItEnds: a batch that ApplyEventBatch refuses whole (no report:
// a batchId Strict refuses) while its request ends is answered with that error, not
// with a report it does not have (the handler dereferenced the missing report).
func TestPostBatchRefusedAsItEnds(t *testing.T) {
	hh, err := New(Config{APIKey: "k", Processor: userevents.NewProcessor(memstore.New(), userevents.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"batchId":"..","data":[{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}]}`
	r := httptest.NewRequest("POST", "/batch/events/consumer/user", strings.NewReader(body))
	r = r.WithContext(&endingCtx{Context: context.Background()})
	err = hh.(*handler).postBatch(&response{ResponseWriter: httptest.NewRecorder()}, r, "")
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "batchId" {
		t.Errorf("got %v, want the batchId's *ValidationError", err)
	}
}
