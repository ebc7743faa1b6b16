package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/google/go-cmp/cmp"
)

const bom = "\xef\xbb\xbf"

// TestBOM checks the one rule of validate and apply for a UTF-8 byte order mark: at the
// start of a file it is an encoding mark, skipped, in NDJSON and single-document files
// alike; anywhere else it is not JSON.
func TestBOM(t *testing.T) {
	ev := func(id string, ts int64) string {
		data, _ := json.Marshal(map[string]any{"timestamp": ts, "userId": "u", "eventId": id})
		return string(data)
	}
	tests := []struct {
		name     string
		kind     kind
		content  string
		problems []problem     // validate's, with File left out
		docs     int           // the documents validate counts
		summary  string        // apply's first two summary lines; "": apply is not run
		refused  []refusedLine // apply's report
	}{
		// NDJSON after a BOM: every line is checked (line 3's timestamp is out of range).
		{name: "ndjson", kind: kindEvent,
			content:  bom + ev("e1", 1700000001000) + "\n" + ev("e2", 1700000002000) + "\n" + ev("e3", 1) + "\n",
			problems: []problem{{Line: 3, Path: "timestamp", Code: userevents.CodeOutOfRange}}, docs: 3,
			summary: "users: 1 created, 0 already present\nevents: 2 applied, 0 duplicates\n",
			refused: []refusedLine{{3, userevents.ReasonInvalid}}},
		// NDJSON after a BOM, with CRLF lines.
		{name: "ndjson crlf", kind: kindEvent,
			content: bom + ev("e1", 1700000001000) + "\r\n" + ev("e2", 1700000002000) + "\r\n", docs: 2,
			summary: "users: 1 created, 0 already present\nevents: 2 applied, 0 duplicates\n"},
		// Users after a BOM: apply creates them all.
		{name: "ndjson users", kind: kindConsumer,
			content: bom + `{"userId":"v1","createdTimestamp":1700000000000}` + "\n" + `{"userId":"v2","createdTimestamp":1700000000000}` + "\n", docs: 2,
			summary: "users: 3 created, 0 already present\nevents: 0 applied, 0 duplicates\n"},
		// A single document on one line after a BOM.
		{name: "one line", kind: kindEvent, content: bom + ev("e1", 1700000001000), docs: 1,
			summary: "users: 1 created, 0 already present\nevents: 1 applied, 0 duplicates\n"},
		// A pretty-printed document after a BOM (validate only: apply reads lines), its
		// problem at the line it starts on.
		{name: "pretty", kind: kindEvent,
			content:  bom + "{\n  \"timestamp\": 1,\n  \"userId\": \"u\"\n}\n",
			problems: []problem{{Line: 1, Path: "timestamp", Code: userevents.CodeOutOfRange}}, docs: 1},
		// A BOM alone: no documents.
		{name: "bom only", kind: kindEvent, content: bom,
			summary: "users: 1 created, 0 already present\nevents: 0 applied, 0 duplicates\n"},
		// A BOM at the start of a later line is not skipped: invalid JSON there.
		{name: "later line", kind: kindEvent,
			content:  ev("e1", 1700000001000) + "\n" + bom + ev("e2", 1700000002000) + "\n",
			problems: []problem{{Line: 2, Path: "(document)", Code: userevents.CodeInvalidJSON}}, docs: 2,
			summary: "users: 1 created, 0 already present\nevents: 1 applied, 0 duplicates\n",
			refused: []refusedLine{{2, userevents.ReasonInvalid}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bom.ndjson")
			os.WriteFile(file, []byte(tt.content), 0o600)
			_, out, stderr := runIn(context.Background(), "", nil, "validate", "--kind", string(tt.kind), file)
			var want []problem
			for _, p := range tt.problems {
				p.File = file
				want = append(want, p)
			}
			if diff := cmp.Diff(want, problems(t, out)); diff != "" {
				t.Errorf("validate: problems (-want +got):\n%s", diff)
			}
			if docs := strings.Fields(stderr); len(docs) == 0 || docs[0] != strconv.Itoa(tt.docs) {
				t.Errorf("validate: %q, want %d documents", stderr, tt.docs)
			}
			if tt.summary == "" {
				return
			}
			checkApply(t, dir, file, tt.summary, tt.refused)
		})
	}
}

// refusedLine is a line of apply's report, its file and message left out.
type refusedLine struct {
	Line       int
	ReasonCode string
}

// checkApply applies a file creating user u and file (in dir) on the memory store, and
// compares the start of the summary and the refused lines of file with want.
func checkApply(t *testing.T, dir, file, summary string, want []refusedLine) {
	t.Helper()
	users := filepath.Join(dir, "users.ndjson")
	os.WriteFile(users, []byte(`{"userId":"u","createdTimestamp":1700000000000}`+"\n"), 0o600)
	report := filepath.Join(dir, "refused.ndjson")
	_, out, stderr := runIn(context.Background(), "", nil, "apply", "--store", "memory", "--report", report, users, file)
	if !strings.HasPrefix(out, summary) {
		t.Errorf("apply: summary %q, want it to start %q (%s)", out, summary, stderr)
	}
	var got []refusedLine
	for _, r := range readReport(t, report) {
		got = append(got, refusedLine{r.Line, r.ReasonCode})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("apply: refused lines (-want +got):\n%s", diff)
	}
}
