package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/compliancekit/userevents"
)

// TestWriteLineAsEncoder: writeLine writes the bytes that history wrote with a
// json.Encoder, its last member a json.RawMessage, with HTML escaping (the record line)
// and without (the event lines): for a user and an event with every field set, HTML
// characters, U+2028 and U+2029 in a json.RawMessage member of the user (which
// AppendJSON does not escape) and in the outcome's strings.
func TestWriteLineAsEncoder(t *testing.T) {
	doc, err := os.ReadFile("../../testdata/full-business.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := userevents.DecodeBusinessUser(doc)
	if err != nil {
		t.Fatal(err)
	}
	b.LegalEntity = json.RawMessage("{\"name\":\"<A&B> \u2028\u2029\"}")
	user, _ := b.AppendJSON(nil)
	if !bytes.Contains(user, []byte("<A&B>")) {
		t.Fatalf("the user's JSON has no HTML characters to escape: %s", user)
	}
	doc, err = os.ReadFile("../../testdata/full-event.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := userevents.DecodeEvent(doc)
	if err != nil {
		t.Fatal(err)
	}
	event, _ := (&userevents.StoredEvent{ConsumerUserEvent: *e}).AppendJSON(nil)

	rec := historyRecord{Version: 3, UserType: "BUSINESS", KYCRiskLevelLocked: true, LastEventTimestamp: 1700000000000.5}
	ev := historyEvent{Version: 2, Flags: map[string]bool{"lockKycRiskLevel": true, "allowUserTypeConversion": false},
		Level: "Strict", Converted: true, Changes: []string{"legalEntity", "<x>"},
		StateTransition: &transition{"CREATED", "ACTIVE"}, Replayed: []string{"e&1"}}
	type recordLine struct {
		historyRecord
		User json.RawMessage `json:"user"`
	}
	type eventLine struct {
		historyEvent
		Event json.RawMessage `json:"event"`
	}
	for _, tt := range []struct {
		name   string
		head   any
		member string
		value  []byte
		line   any // the line as history wrote it with a json.Encoder
		escape bool
	}{
		{"record", rec, "user", user, recordLine{rec, user}, true},
		{"record unescaped", rec, "user", user, recordLine{rec, user}, false},
		{"event", ev, "event", event, eventLine{ev, event}, false},
		{"event escaped", ev, "event", event, eventLine{ev, event}, true},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(tt.escape)
		if err := enc.Encode(tt.line); err != nil {
			t.Fatal(err)
		}
		var got, buf bytes.Buffer
		if err := writeLine(&got, &buf, tt.head, tt.member, tt.value, tt.escape); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: writeLine wrote\n%s\nwant\n%s", tt.name, got.Bytes(), want.Bytes())
		}
	}
}
