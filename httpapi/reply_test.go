package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/compliancekit/userevents"
)

// TestReplyWritesModelValuesAsJSONMarshal: reply writes a model value with its
// AppendJSON, and the body is what json.Marshal gives (plus a newline), for the values
// the API answers with, and for other values through json.Marshal.
func TestReplyWritesModelValuesAsJSONMarshal(t *testing.T) {
	u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000, Occupation: userevents.Ptr("pilot")}
	for _, tt := range []struct {
		name string
		v    any
	}{
		{"consumer user", u}, // GET /consumer/users/{id}
		{"business user", &userevents.BusinessUser{UserID: "b1", CreatedTimestamp: 1600000000000, LegalEntity: json.RawMessage(`{}`)}},
		{"event response", &userevents.EventResponse{ConsumerUser: *u}}, // POST /events/consumer/user
		{"stored event", &userevents.StoredEvent{ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}}},
		{"event list", &userevents.EventList{ConsumerUserEvents: []*userevents.StoredEvent{ // GET /batch/events/consumer/user/{batchId}
			{ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}},
			{ConsumerUserEvent: userevents.ConsumerUserEvent{Timestamp: 1700000001000, UserID: "u1", EventID: "e2"}}}, TotalCount: 7}},
		{"error", userevents.APIErrorResponse{Message: "no"}}, // not a model value: json.Marshal
	} {
		w := httptest.NewRecorder()
		reply(w, 200, tt.v)
		want, _ := json.Marshal(tt.v)
		if got := w.Body.String(); got != string(want)+"\n" {
			t.Errorf("%s: body %q, want %q", tt.name, got, string(want)+"\n")
		}
	}
}
