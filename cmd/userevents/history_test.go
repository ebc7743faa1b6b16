package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/google/go-cmp/cmp"
)

// event is what the tests read of a line of history's events.
type event struct {
	Version         int64
	Flags           map[string]bool
	Level           string
	Converted       bool
	Changes         []string
	StateTransition *transition
	KYCTransition   *transition
	EventID         string
}

// parseEvents reads the event lines of history's output.
func parseEvents(t *testing.T, out string) []event {
	t.Helper()
	var evs []event
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			event
			Event struct{ EventID string }
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("event line %q: %v", line, err)
		}
		ev.event.EventID = ev.Event.EventID
		evs = append(evs, ev.event)
	}
	return evs
}

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
		events []event // the events printed, without --at or --as-of
		record *record // the record printed, with one of them
		stderr string  // a part of standard error, when there is one to check
	}{
		// Every event, oldest first, with its outcome (flags after the id).
		{name: "events", args: []string{"u1"}, events: []event{
			{Version: 2, Level: "Strict", Changes: []string{"userStateDetails.state"},
				StateTransition: &transition{"CREATED", "ACTIVE"}, EventID: "e1"},
			{Version: 3, Level: "Strict", Changes: []string{"riskLevel"}, EventID: "e2"},
			{Version: 4, Level: "Strict", Changes: []string{"userStateDetails.state"},
				StateTransition: &transition{"ACTIVE", "BLOCKED"}, EventID: "e3"},
		}},
		// The creation.
		{name: "at 1", args: []string{"u1", "--at", "1"}, record: &record{1, "CONSUMER", "CREATED"}},
		// After the first event (flags before the id).
		{name: "at 2", args: []string{"--at", "2", "u1"}, record: &record{2, "CONSUMER", "ACTIVE"}},
		// As of a time between the second and the third events.
		{name: "as of", args: []string{"u1", "--as-of", "1700000002500"}, record: &record{3, "CONSUMER", "ACTIVE"}},
		// The current record, as of the end of time.
		{name: "as of now", args: []string{"u1", "--as-of", "4000000000000"}, record: &record{4, "CONSUMER", "BLOCKED"}},
		// A tenth of a millisecond before the creation: not found, and the time is the
		// one given (rounded, it was the creation time itself).
		{name: "as of before creation", args: []string{"u1", "--as-of", "1699999999999.9"}, code: 1, stderr: " as of 1699999999999.9,"},
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
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("standard error %q, want it to contain %q", stderr, tt.stderr)
			}
			switch {
			case tt.record != nil:
				if diff := cmp.Diff(*tt.record, parse(out)); diff != "" {
					t.Errorf("record (-want +got):\n%s", diff)
				}
			case tt.code == 0:
				if diff := cmp.Diff(tt.events, parseEvents(t, out)); diff != "" {
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

// TestHistoryFlags: each event line says the query flags it was applied with and whether
// it converted a business user (the lines were the events alone: a conversion and a lock
// read as events that changed nothing).
func TestHistoryFlags(t *testing.T) {
	ctx := context.Background()
	store := pgSchema(t)
	st, err := openStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	p := userevents.NewProcessor(st.store, userevents.Config{})
	b := &userevents.BusinessUser{UserID: "b1", CreatedTimestamp: 1700000000000,
		LegalEntity: json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME"}}`)}
	if err := p.CreateBusinessUser(ctx, b); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for _, step := range []struct {
		event string
		opts  userevents.Options
	}{
		{`{"timestamp":1700000001000,"userId":"b1","eventId":"conv"}`, userevents.Options{AllowUserTypeConversion: true}},
		{`{"timestamp":1700000002000,"userId":"b1","eventId":"lock"}`, userevents.Options{LockKYCRiskLevel: &yes, LockCRARiskLevel: &no}},
	} {
		ev, err := userevents.DecodeEvent([]byte(step.event))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Apply(ctx, ev, step.opts); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := runIn(ctx, "", nil, "history", "--store", store, "b1")
	if code != 0 {
		t.Fatalf("history: exit %d %s", code, stderr)
	}
	want := []event{
		// The conversion: its flag, and what it removed from the business record.
		{Version: 2, Flags: map[string]bool{"allowUserTypeConversion": true}, Level: "Strict", Converted: true,
			Changes: []string{"legalEntity"}, EventID: "conv"},
		// The locks, both of them, as sent.
		{Version: 3, Flags: map[string]bool{"lockKycRiskLevel": true, "lockCraRiskLevel": false}, Level: "Strict",
			Changes: []string{}, EventID: "lock"},
	}
	if diff := cmp.Diff(want, parseEvents(t, out)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
