package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHistory loads a user and three events into PostgreSQL with apply, and reads them
// back with history: the events, the record at a version, as of a time.
func TestHistory(t *testing.T) {
	store := pgSchema(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data.ndjson")
	os.WriteFile(data, []byte(strings.Join([]string{
		`{"userId":"u1","createdTimestamp":1700000000000,"userStateDetails":{"state":"CREATED"}}`,
		`{"timestamp":1700000001000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`,
		`{"timestamp":1700000002000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"riskLevel":"HIGH"}}`,
		`{"timestamp":1700000003000,"userId":"u1","eventId":"e3","updatedConsumerUserAttributes":{"userStateDetails":{"state":"BLOCKED"}}}`,
	}, "\n")), 0o600)
	if code, out, stderr := runIn(context.Background(), "", nil, "apply", "--store", store, "--report", filepath.Join(dir, "r"), data); code != 0 {
		t.Fatalf("apply: %d %s %s", code, out, stderr)
	}
	type record struct {
		Version  int64
		UserType string
		State    string
	}
	parse := func(out string) record {
		var r struct {
			Version  int64
			UserType string
			User     struct{ UserStateDetails struct{ State string } }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		return record{r.Version, r.UserType, r.User.UserStateDetails.State}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		events []string // the event ids printed, without --at or --as-of
		record *record  // the record printed, with one of them
	}{
		// Every event, oldest first (flags after the id).
		{name: "events", args: []string{"u1"}, events: []string{"e1", "e2", "e3"}},
		// The creation.
		{name: "at 1", args: []string{"u1", "--at", "1"}, record: &record{1, "CONSUMER", "CREATED"}},
		// After the first event (flags before the id).
		{name: "at 2", args: []string{"--at", "2", "u1"}, record: &record{2, "CONSUMER", "ACTIVE"}},
		// As of a time between the second and the third events.
		{name: "as of", args: []string{"u1", "--as-of", "1700000002500"}, record: &record{3, "CONSUMER", "ACTIVE"}},
		// The current record, as of the end of time.
		{name: "as of now", args: []string{"u1", "--as-of", "4000000000000"}, record: &record{4, "CONSUMER", "BLOCKED"}},
		// No such version: exit 1.
		{name: "at 9", args: []string{"u1", "--at", "9"}, code: 1},
		// No such user: exit 1.
		{name: "unknown user", args: []string{"nobody"}, code: 1},
		// Both flags: usage.
		{name: "both", args: []string{"u1", "--at", "1", "--as-of", "1"}, code: 2},
		// No user id: usage.
		{name: "no id", args: nil, code: 2},
		// Two ids: usage.
		{name: "two ids", args: []string{"u1", "u2"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runIn(context.Background(), "", nil, append([]string{"history", "--store", store}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d (%s)", code, tt.code, stderr)
			}
			switch {
			case tt.record != nil:
				if diff := cmp.Diff(*tt.record, parse(out)); diff != "" {
					t.Errorf("record (-want +got):\n%s", diff)
				}
			case tt.code == 0:
				var ids []string
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var ev struct{ EventID string }
					if err := json.Unmarshal([]byte(line), &ev); err != nil {
						t.Fatalf("event line %q: %v", line, err)
					}
					ids = append(ids, ev.EventID)
				}
				if diff := cmp.Diff(tt.events, ids); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			}
		})
	}
	// Without --store: usage.
	if code, _, _ := runIn(context.Background(), "", nil, "history", "u1"); code != 2 {
		t.Errorf("no store: exit code %d, want 2", code)
	}
}
