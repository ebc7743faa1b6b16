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

// TestApply loads users and events into PostgreSQL (and memory, a dry run): the
// summary, the report of refused lines, and a second run that finds everything done.
func TestApply(t *testing.T) {
	for _, store := range []string{"memory", "postgres"} {
		t.Run(store, func(t *testing.T) {
			spec := store
			if store == "postgres" {
				spec = pgSchema(t)
			}
			dir := t.TempDir()
			// The events come first in the files: users are created first anyway.
			events := filepath.Join(dir, "events.ndjson")
			os.WriteFile(events, []byte(strings.Join([]string{
				`{"timestamp":1700000001000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`,
				`{"timestamp":1700000002000,"userId":"u2","eventId":"e2"}`, // u2 does not exist
				``,
				`{"timestamp":1700000003000,"userId":"u1","eventId":"e3","colour":"red"}`, // not an event
				`{"timestamp":1700000004000,"userId":"b1","eventId":"e4"}`,                // a business user
				`{"timestamp":1700000005000,"userId":"u1","eventId":"e5","updatedConsumerUserAttributes":{"userStateDetails":{"state":"BLOCKED"}}}`,
			}, "\n")), 0o600)
			users := filepath.Join(dir, "users.ndjson")
			os.WriteFile(users, []byte(strings.Join([]string{
				`{"userId":"u1","createdTimestamp":1700000000000}`,
				`{"userId":"b1","createdTimestamp":1700000000000,"legalEntity":{"companyGeneralDetails":{"legalName":"ACME"}}}`,
				`{"userId":"u3","createdTimestamp":1}`, // out of range
			}, "\n")), 0o600)
			report := filepath.Join(dir, "refused.ndjson")
			args := []string{"apply", "--store", spec, "--report", report, events, users}

			code, out, stderr := runIn(context.Background(), "", nil, args...)
			if code != 1 {
				t.Errorf("first run: exit code %d, want 1 (%s)", code, stderr)
			}
			wantOut := "users: 2 created, 0 already present\nevents: 2 applied, 0 duplicates\n" +
				"refused: 4 (ID_NOT_FOUND 1, INVALID_EVENT 2, USER_TYPE_MISMATCH 1), listed in " + report + "\n"
			if diff := cmp.Diff(wantOut, out); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			type row struct {
				File       string
				Line       int
				ID         string
				ReasonCode string
			}
			var got []row
			data, _ := os.ReadFile(report)
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var r row
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("report line %q: %v", line, err)
				}
				got = append(got, r)
			}
			// Users first; events refused by the workers may come in any order across users.
			want := []row{
				{users, 3, "u3", userevents.ReasonInvalid},
				{events, 2, "e2", userevents.ReasonIDNotFound},
				{events, 4, "e3", userevents.ReasonInvalid}, // not decoded, reported under its eventId
				{events, 5, "e4", userevents.ReasonUserTypeMismatch},
			}
			less := func(a, b row) bool { return a.File < b.File || a.File == b.File && a.Line < b.Line }
			if diff := cmp.Diff(want, got, cmpSortRows(less)); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if store == "memory" {
				return // nothing was kept
			}
			// The same files again: everything is already there.
			code, out, _ = runIn(context.Background(), "", nil, args...)
			if code != 1 {
				t.Errorf("second run: exit code %d, want 1", code)
			}
			wantOut = "users: 0 created, 2 already present\nevents: 0 applied, 2 duplicates\n" +
				"refused: 4 (ID_NOT_FOUND 1, INVALID_EVENT 2, USER_TYPE_MISMATCH 1), listed in " + report + "\n"
			if diff := cmp.Diff(wantOut, out); diff != "" {
				t.Errorf("second summary (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyUsage checks the usage errors of apply: exit code 2, and one line on standard
// error in the program's form, "userevents apply: problem".
func TestApplyUsage(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "e.ndjson")
	const content = `{"timestamp":1700000000000,"userId":"u1"}` + "\n"
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.ndjson")
	if err := os.Symlink(f, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		// No store.
		{"no store", []string{f}},
		// No files.
		{"no files", []string{"--store", "memory"}},
		// Standard input cannot be read twice.
		{"stdin", []string{"--store", "memory", "-"}},
		// A missing file.
		{"missing", []string{"--store", "memory", f + ".nope"}},
		// The report file is an input: it would be truncated before it is read (the
		// default, refused.ndjson, given as an input is the same case).
		{"report is an input", []string{"--store", "memory", "--report", f, f}},
		// ... under another name.
		{"report links to an input", []string{"--store", "memory", "--report", link, f}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runIn(context.Background(), "", nil, append([]string{"apply", "--report", filepath.Join(t.TempDir(), "r")}, tt.args...)...)
			if code != 2 || !strings.HasPrefix(stderr, "userevents apply: ") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit code %d, stderr %q; want 2 and one line \"userevents apply: ...\"", code, stderr)
			}
			if data, err := os.ReadFile(f); err != nil || string(data) != content {
				t.Fatalf("the input is now %q (%v), want it unchanged", data, err)
			}
		})
	}
}

// TestApplyInterrupted: an apply interrupted (SIGINT, SIGTERM: its context ends) prints
// its summary and says that the run stopped before the end and is resumed by running it
// again, with the usage exit code.
func TestApplyInterrupted(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "e.ndjson")
	if err := os.WriteFile(f, []byte(`{"timestamp":1700000000000,"userId":"u1"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, stderr := runIn(ctx, "", nil, "apply", "--store", "memory", "--report", filepath.Join(dir, "r"), f)
	if code != 2 || !strings.Contains(out, "events: 0 applied") || !strings.HasPrefix(stderr, "userevents apply: ") || !strings.Contains(stderr, "resume") {
		t.Errorf("exit code %d, stdout %q, stderr %q; want 2, the summary, and how to resume", code, out, stderr)
	}
}
