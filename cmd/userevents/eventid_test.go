package main

import (
	"context"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// TestRefusedEventID: a line that fails to decode is reported under its eventId when
// that decoded, as a failed record of a batch is (DecodeEventBatch); it had no id.
func TestRefusedEventID(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70)
	tests := []struct {
		name string
		line string
		id   string // the id in the report
	}{
		// An unknown member: the eventId decoded.
		{"unknown member", `{"timestamp":1700000000000,"userId":"u1","eventId":"e-unk","foo":1}`, "e-unk"},
		// ... wherever the eventId is.
		{"unknown member first", `{"foo":1,"eventId":"e-first","timestamp":1700000000000,"userId":"u1"}`, "e-first"},
		// A wrong type elsewhere.
		{"wrong type", `{"timestamp":"soon","userId":"u1","eventId":"e-type"}`, "e-type"},
		// A member nested past the depth limit: the record fails alone, its id kept.
		{"too deep", `{"eventId":"e-deep","timestamp":1700000000000,"userId":"u1","reason":` + deep + `}`, "e-deep"},
		// The eventId itself is wrong: no id.
		{"eventId of the wrong type", `{"timestamp":1700000000000,"userId":"u1","eventId":7}`, ""},
		{"eventId too long", `{"timestamp":1700000000000,"userId":"u1","eventId":"` + strings.Repeat("e", 257) + `","foo":1}`, ""},
		// No eventId at all.
		{"no eventId", `{"timestamp":1700000000000,"userId":"u1","foo":1}`, ""},
		// Not one JSON value: no id, even when an eventId is in it.
		{"not JSON", `{"timestamp":1700000000000,"userId":"u1","eventId":"e-bad",`, ""},
		{"two objects", `{"eventId":"e-a","foo":1},{"eventId":"e-b"}`, ""},
		// A line of exactly the document limit: its id is read (a batch around it is
		// larger than the limit, which reading the id must allow for).
		{"at the limit", limitLine(t, "e-big", userevents.DefaultLimits().MaxBytes), "e-big"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, refused := applyLines(context.Background(), t, memstore.New(), "events.ndjson",
				[]string{`{"userId":"u1","createdTimestamp":1700000000000}`, tt.line})
			if code != exitProblems {
				t.Fatalf("exit code %d, want %d", code, exitProblems)
			}
			if len(refused) != 1 || refused[0].Line != 2 || refused[0].ReasonCode != userevents.ReasonInvalid || refused[0].ID != tt.id {
				t.Errorf("report %+v, want line 2 %s with id %q", refused, userevents.ReasonInvalid, tt.id)
			}
		})
	}
}

// limitLine is an event line of exactly n bytes, with eventId id and the member foo,
// which no event has.
func limitLine(t *testing.T, id string, n int) string {
	head := `{"eventId":"` + id + `","timestamp":1700000000000,"userId":"u1","foo":"`
	if n < len(head)+2 {
		t.Fatalf("limitLine: %d bytes is too short", n)
	}
	return head + strings.Repeat("x", n-len(head)-2) + `"}`
}
