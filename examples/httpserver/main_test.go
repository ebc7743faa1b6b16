package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/google/go-cmp/cmp"
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

// TestBatchRecordFailsAlone posts a batch with a record that breaks a decoding limit
// (a 257-byte eventId): it fails alone, and the others apply.
func TestBatchRecordFailsAlone(t *testing.T) {
	srv := httptest.NewServer(newServer("key", userevents.NewProcessor(memstore.New(), userevents.Config{})))
	defer srv.Close()
	post := func(path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("x-api-key", "key")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, data
	}
	if status, body := post("/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	status, body := post("/batch/events/consumer/user", `{"batchId":"B1","data":[
		{"timestamp":1700000000000,"userId":"u1","eventId":"a"},
		{"timestamp":1700000000000,"userId":"u1","eventId":"`+strings.Repeat("e", 257)+`"},
		{"timestamp":"now","userId":"u1","eventId":"c"},
		{"timestamp":1700000000000,"userId":"u1","eventId":"d"}]}`)
	if status != http.StatusCreated {
		t.Fatalf("batch: status %d, want 201 (%s)", status, body)
	}
	var got userevents.BatchResult
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := userevents.BatchResult{BatchID: "B1", Status: userevents.BatchPartialFailure, Successful: 2, Failed: 2,
		FailedRecords: []userevents.FailedRecord{{ID: "", ReasonCode: userevents.ReasonInvalid}, {ID: "c", ReasonCode: userevents.ReasonInvalid}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batch response (-want +got):\n%s", diff)
	}
}
