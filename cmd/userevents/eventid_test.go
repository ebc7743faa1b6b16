package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			events, report := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "refused.ndjson")
			content := `{"userId":"u1","createdTimestamp":1700000000000}` + "\n" + tt.line + "\n"
			if err := os.WriteFile(events, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runIn(context.Background(), "", nil, "apply", "--store", "memory", "--report", report, events)
			if code != exitProblems {
				t.Fatalf("exit code %d, want %d (%s)", code, exitProblems, stderr)
			}
			refused := readReport(t, report)
			if len(refused) != 1 || refused[0].Line != 2 || refused[0].ReasonCode != userevents.ReasonInvalid || refused[0].ID != tt.id {
				t.Errorf("report %+v, want line 2 %s with id %q", refused, userevents.ReasonInvalid, tt.id)
			}
		})
	}
}
