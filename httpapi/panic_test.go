package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/storetest"
)

// TestPanicAnsweredInJSON: a panic under a route (here a Store's) is answered as an
// internal error in JSON, and logged with its stack; net/http alone would cut the
// connection with no answer.
func TestPanicAnsweredInJSON(t *testing.T) {
	store := &storetest.FaultyStore{Store: memstore.New(), Before: func(_ context.Context, op string) error {
		if op == storetest.OpLoadUser {
			panic("a store's bug")
		}
		return nil
	}}
	var logs bytes.Buffer
	h, err := New(Config{APIKey: "k", Processor: userevents.NewProcessor(store, userevents.Config{}),
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/consumer/users/u1", nil)
	r.Header.Set("x-api-key", "k")
	h.ServeHTTP(w, r)
	var body userevents.APIErrorResponse
	if w.Code != http.StatusInternalServerError || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Message == "" {
		t.Errorf("got %d %q; want a JSON 500", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) || !strings.Contains(logs.String(), `"stack"`) {
		t.Errorf("the panic is not logged with its stack:\n%s", logs.String())
	}
}
