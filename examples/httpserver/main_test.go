package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// TestServer checks the HTTP layer: authentication, statuses and bodies. The full API
// is exercised through Flagright's own SDK by the interop tests.
func TestServer(t *testing.T) {
	srv := httptest.NewServer(newServer("key", userevents.NewProcessor(memstore.New(), userevents.Config{})))
	defer srv.Close()
	tests := []struct {
		name, method, path, key, body string
		status                        int
		code                          string // a FieldError code expected in validationErrors
	}{
		// Every route needs the key.
		{"no key", "GET", "/events/consumer/user/e1", "", "", http.StatusUnauthorized, ""},
		// A user is created.
		{"create user", "POST", "/consumer/users", "key", `{"userId":"u1","createdTimestamp":1700000000000}`, http.StatusCreated, ""},
		// Creating it again conflicts.
		{"create user again", "POST", "/consumer/users", "key", `{"userId":"u1","createdTimestamp":1700000000000}`, http.StatusConflict, ""},
		// An event for it.
		{"event", "POST", "/events/consumer/user?lockKycRiskLevel=true", "key", `{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}`, http.StatusCreated, ""},
		// A misspelt flag.
		{"bad flag", "POST", "/events/consumer/user?lockKYCRiskLevel=true", "key", `{"timestamp":1700000000000,"userId":"u1"}`, http.StatusBadRequest, userevents.CodeUnknownField},
		// A flag that url.Values would drop: refused, so the event does not apply without it.
		{"semicolon after a flag", "POST", "/events/consumer/user?changeUserId=true;", "key", `{"timestamp":1700000000000,"userId":"u1","newUserId":"u2"}`, http.StatusBadRequest, userevents.CodeInvalidFormat},
		// A bad %-escape in a flag's value likewise.
		{"bad escape in a flag", "POST", "/events/consumer/user?lockKycRiskLevel=%zz", "key", `{"timestamp":1700000000000,"userId":"u1"}`, http.StatusBadRequest, userevents.CodeInvalidFormat},
		// A body over the document limit.
		{"too large", "POST", "/events/consumer/user", "key", `{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat(" ", 1<<20) + `"}`, http.StatusBadRequest, userevents.CodeTooLarge},
		// The stored event.
		{"get event", "GET", "/events/consumer/user/e1", "key", "", http.StatusOK, ""},
		// An unknown event.
		{"unknown event", "GET", "/events/consumer/user/e2", "key", "", http.StatusNotFound, ""},
		// An event for an unknown user.
		{"unknown user", "POST", "/events/consumer/user", "key", `{"timestamp":1700000000000,"userId":"u9"}`, http.StatusNotFound, ""},
		// An unknown batch.
		{"unknown batch", "GET", "/batch/events/consumer/user/b1", "key", "", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		if tt.key != "" {
			req.Header.Set("x-api-key", tt.key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d (%v)", tt.name, res.StatusCode, tt.status, body)
		}
		if v, _ := body["validationErrors"].(string); tt.code != "" && !strings.Contains(v, "("+tt.code+")") {
			t.Errorf("%s: validationErrors %q, want code %s", tt.name, body["validationErrors"], tt.code)
		}
	}
}
