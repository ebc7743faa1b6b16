package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/google/go-cmp/cmp"
)

// sizedEvent returns a valid event of exactly n bytes (n ≥ 64): its eventId is id, and
// spaces before its closing brace make up the size.
func sizedEvent(tb testing.TB, id string, n int) string {
	tb.Helper()
	head := `{"timestamp":1700000005000,"userId":"u","eventId":"` + id + `"`
	if n < len(head)+1 {
		tb.Fatalf("sizedEvent: %d bytes is too short", n)
	}
	return head + strings.Repeat(" ", n-len(head)-1) + "}"
}

// lineResult is what checking one line gives: its line number and, for each problem, the
// path and code of the FieldError (one result with Code "" for a valid line).
type lineResult struct {
	Line       int
	Path, Code string
}

// appendResults appends the results of the check of line n, which returned err.
func appendResults(tb testing.TB, rs []lineResult, n int, err error) []lineResult {
	tb.Helper()
	if err == nil {
		return append(rs, lineResult{Line: n})
	}
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("line %d: %T %v is not a *ValidationError", n, err, err)
	}
	for _, f := range ve.Fields {
		rs = append(rs, lineResult{n, f.Path, f.Code})
	}
	return rs
}

// chunkedLines checks the lines of content as validate does: cut by readChunks, each
// non-blank line checked by kind.checkLine.
func chunkedLines(t *testing.T, content string) []lineResult {
	t.Helper()
	var rs []lineResult
	r := bufio.NewReaderSize(strings.NewReader(content), 64<<10)
	err := readChunks(context.Background(), r, func(c *chunk) {
		for i, line := range c.lines {
			if line != nil && strings.TrimSpace(string(line)) == "" {
				continue
			}
			rs = appendResults(t, rs, c.first+i, kindEvent.checkLine(line, userevents.Strict))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// appliedLines checks the lines of content as apply does: read by eachLine from a file,
// each decoded by userevents.DecodeEvent.
func appliedLines(t *testing.T, content string) []lineResult {
	t.Helper()
	name := filepath.Join(t.TempDir(), "lines.ndjson")
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var rs []lineResult
	err := eachLine(context.Background(), name, nil, func(n int, data []byte) {
		_, err := userevents.DecodeEvent(data)
		rs = appendResults(t, rs, n, err)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestLineLimit checks that an NDJSON line is held to the document limit as a document
// alone is (1 MiB, userevents.DefaultLimits): its terminator, "\n" or "\r\n", does not
// count, in validate's reader and in apply's, and in the two commands.
func TestLineLimit(t *testing.T) {
	limit := userevents.DefaultLimits().MaxBytes
	small := sizedEvent(t, "s", 80)
	tooLarge := lineResult{Line: 1, Code: userevents.CodeTooLarge}
	tests := []struct {
		name    string
		content string
		want    []lineResult
	}{
		// A document of exactly the limit, with either terminator or none.
		{"limit LF", sizedEvent(t, "a", limit) + "\n", []lineResult{{Line: 1}}},
		{"limit CRLF", sizedEvent(t, "a", limit) + "\r\n", []lineResult{{Line: 1}}},
		{"limit at EOF", sizedEvent(t, "a", limit), []lineResult{{Line: 1}}},
		// One byte less with CRLF (it was refused: two terminator bytes counted).
		{"limit-1 CRLF", sizedEvent(t, "a", limit-1) + "\r\n", []lineResult{{Line: 1}}},
		// One byte past the limit: too_large, with either terminator or none.
		{"limit+1 LF", sizedEvent(t, "a", limit+1) + "\n", []lineResult{tooLarge}},
		{"limit+1 CRLF", sizedEvent(t, "a", limit+1) + "\r\n", []lineResult{tooLarge}},
		{"limit+1 at EOF", sizedEvent(t, "a", limit+1), []lineResult{tooLarge}},
		// Two bytes past, the size of a line of the limit with its CRLF: too_large.
		{"limit+2 CRLF", sizedEvent(t, "a", limit+2) + "\r\n", []lineResult{tooLarge}},
		// Far past the limit: too_large at its line, and the next line is read whole.
		{"3 MiB then small", sizedEvent(t, "a", 3<<20) + "\r\n" + small + "\r\n",
			[]lineResult{tooLarge, {Line: 2}}},
		// CRLF lines around a blank CRLF line: the blank one is skipped, still counted.
		{"CRLF blank", small + "\r\n\r\n" + small + "\r\n", []lineResult{{Line: 1}, {Line: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, chunkedLines(t, tt.content)); diff != "" {
				t.Errorf("validate's reader (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, appliedLines(t, tt.content)); diff != "" {
				t.Errorf("apply's reader (-want +got):\n%s", diff)
			}
			checkCommands(t, tt.content, tt.want)
		})
	}
}

// checkCommands runs validate and apply (on the memory store, after a line creating
// user u) on content, and compares their problems and refusals with want.
func checkCommands(t *testing.T, content string, want []lineResult) {
	t.Helper()
	dir := t.TempDir()
	events := filepath.Join(dir, "events.ndjson")
	users := filepath.Join(dir, "users.ndjson")
	report := filepath.Join(dir, "refused.ndjson")
	os.WriteFile(events, []byte(content), 0o600)
	os.WriteFile(users, []byte(`{"userId":"u","createdTimestamp":1700000000000}`+"\n"), 0o600)
	var wantProblems []problem
	var wantRefused []refusal
	for _, r := range want {
		if r.Code == "" {
			continue
		}
		wantProblems = append(wantProblems, problem{events, r.Line, "(document)", r.Code})
		wantRefused = append(wantRefused, refusal{File: events, Line: r.Line, ReasonCode: userevents.ReasonInvalid})
	}
	_, out, stderr := runIn(context.Background(), "", nil, "validate", events)
	if diff := cmp.Diff(wantProblems, problems(t, out)); diff != "" {
		t.Errorf("validate: problems (-want +got):\n%s%s", diff, stderr)
	}
	wantCode := exitOK
	if len(wantRefused) > 0 {
		wantCode = exitProblems
	}
	code, _, stderr := runIn(context.Background(), "", nil, "apply", "--store", "memory", "--report", report, users, events)
	if code != wantCode {
		t.Errorf("apply: exit code %d, want %d (%s)", code, wantCode, stderr)
	}
	refused := readReport(t, report)
	if diff := cmp.Diff(wantRefused, refused); diff != "" {
		t.Errorf("apply: refused lines (-want +got):\n%s", diff)
	}
}

// TestReadLine reads lines with readLine into one buffer, as readChunks does: each line
// is appended without its terminator, and only its own.
func TestReadLine(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // the lines; "!" + the line cut: too long
	}{
		// LF and CRLF lines, the last without a terminator.
		{"terminators", "a\nb\r\nc", []string{"a", "b", "c"}},
		// A CR that is not before the LF stays; a blank line after it takes nothing
		// from it.
		{"lone CR", "a\r\r\n\nb\r", []string{"a\r", "", "b\r"}},
		// Lines of the limit (4 here) with each terminator, and past it.
		{"limit", "abcd\nabcd\r\nabcde\r\nabcdefgh\n", []string{"abcd", "abcd", "!abcd", "!abcd"}},
		// Nothing: no line.
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.content), 16)
			var buf []byte
			var got []string
			for {
				start := len(buf)
				var n int
				var long bool
				var err error
				buf, n, long, err = readLine(r, buf, 4)
				if n > 0 {
					line := string(buf[start:])
					if long {
						line = "!" + line
					}
					got = append(got, line)
				}
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatal(err)
					}
					break
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// readReport reads the report file of apply, its messages left out (not compared).
func readReport(t *testing.T, report string) []refusal {
	t.Helper()
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	var refused []refusal
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var r refusal
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("apply: report line %q: %v", line, err)
		}
		r.Error = ""
		refused = append(refused, r)
	}
	return refused
}
