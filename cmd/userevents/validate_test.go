package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/google/go-cmp/cmp"
)

// problem is one output line of validate, without its message.
type problem struct {
	File       string
	Line       int
	Path, Code string
}

var problemLine = regexp.MustCompile(`^(.+?):([0-9]+): (.+?): .* \(([a-z_]+)\)$`)

// problems parses validate's output.
func problems(tb testing.TB, out string) []problem {
	tb.Helper()
	var ps []problem
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		m := problemLine.FindStringSubmatch(line)
		if m == nil {
			tb.Fatalf("output line %q is not file:line: path: message (code)", line)
		}
		n, _ := strconv.Atoi(m[2])
		ps = append(ps, problem{m[1], n, m[3], m[4]})
	}
	return ps
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"timestamp":1700000000000,"userId":"u1"}`
	events := write("events.ndjson", good+"\n"+
		`{"timestamp":1.1,"userId":"u1"}`+"\n"+ // out of range
		"\n"+ // blank: skipped, still counted as a line
		`{"timestamp":1700000000000,"userId":"u1","colour":"red"}`+"\n"+ // unknown field
		`{"timestamp":1700000000000,`+"\n"+ // not JSON
		`{"timestamp":1700000000000,"userId":"u1","reason":"`+strings.Repeat("r", 1<<20)+`"}`+"\n"+ // over the limit
		good) // no final newline
	brokenFirst := write("broken-first.ndjson", `{"timestamp":1700000000000,"userId":"u1"`+"\n"+ // cut short
		`{"timestamp":1.1,"userId":"u1"}`+"\n"+ // out of range
		good+"\n")
	brokenComma := write("broken-comma.ndjson", `{"timestamp":1700000000000,`+"\n"+ // cut short after a comma
		`{"timestamp":1.1,"userId":"u1"}`+"\n") // out of range, and the only other line
	brokenPretty := write("broken.json", "{\n  \"userId\": \"u1\",\n  \"createdTimestamp\": 17,,\n  \"tags\": [\n    {\"key\": \"k\", \"value\": \"v\"}\n  ]\n}\n")
	flushLeft := write("flush-left.json", "{\"timestamp\": 1700000000000,\n\"userId\": \"u1\",\n\"updatedConsumerUserAttributes\":\n{\"userStateDetails\": {\"state\": \"ACTIVE\"}}\n}\n")
	flushLeftBad := write("flush-left-bad.json", "{\"timestamp\": 1700000000000,\n\"userId\": \"u1\",\n\"updatedConsumerUserAttributes\":\n{\"userStateDetails\": {\"state\": \"ACTIVE\"}}\n\"x\": 1\n}\n")
	pretty := write("user.json", "\n{\n  \"userId\": \"u1\",\n  \"createdTimestamp\": 1700000000000,\n  \"userDetails\": {\"dateOfBirth\": \"1990-02-30\"}\n}\n")
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  []problem
	}{
		// Every problem of an NDJSON file, at its line, in order.
		{name: "ndjson", args: []string{events}, code: 1, want: []problem{
			{events, 2, "timestamp", userevents.CodeOutOfRange},
			{events, 4, "colour", userevents.CodeUnknownField},
			{events, 5, "timestamp", userevents.CodeInvalidJSON},
			{events, 6, "(document)", userevents.CodeTooLarge},
		}},
		// A pretty-printed document: one document, its problems at the line it starts on.
		{name: "pretty json", args: []string{"--kind", "consumer-user", pretty}, code: 1, want: []problem{
			{pretty, 2, "userDetails.dateOfBirth", userevents.CodeInvalidFormat},
		}},
		// NDJSON whose first line is broken: still read line by line, every line checked
		// (it was read as one document, the other lines never checked).
		{name: "ndjson, first line broken", args: []string{brokenFirst}, code: 1, want: []problem{
			{brokenFirst, 1, "userId", userevents.CodeInvalidJSON},
			{brokenFirst, 2, "timestamp", userevents.CodeOutOfRange},
		}},
		// ... whatever the broken line ends with.
		{name: "ndjson, first line broken after a comma", args: []string{brokenComma}, code: 1, want: []problem{
			{brokenComma, 1, "timestamp", userevents.CodeInvalidJSON},
			{brokenComma, 2, "timestamp", userevents.CodeOutOfRange},
		}},
		// A broken pretty-printed document stays one document: its indented object line
		// is no NDJSON line.
		{name: "pretty json, broken", args: []string{"--kind", "consumer-user", brokenPretty}, code: 1, want: []problem{
			{brokenPretty, 1, "createdTimestamp", userevents.CodeInvalidJSON},
		}},
		// A document written without indentation, a nested object on a line of its own:
		// one document, whether it is whole ...
		{name: "flush-left json", args: []string{flushLeft}, code: 0},
		// ... or not (the object line continues the line before it).
		{name: "flush-left json, broken", args: []string{flushLeftBad}, code: 1, want: []problem{
			{flushLeftBad, 1, "updatedConsumerUserAttributes", userevents.CodeInvalidJSON},
		}},
		// Compatible does not check calendar dates.
		{name: "compatible", args: []string{"--kind", "consumer-user", "--level", "compatible", pretty}, code: 0},
		// Standard input, and a clean file: nothing to say.
		{name: "stdin", args: []string{"-"}, stdin: good + "\n" + good + "\n", code: 0},
		// The wrong kind: an event is not a business user.
		{name: "kind", args: []string{"--kind", "business-user", "-"}, stdin: good, code: 1, want: []problem{
			{"stdin", 1, "timestamp", userevents.CodeUnknownField},
			{"stdin", 1, "createdTimestamp", userevents.CodeRequired},
			{"stdin", 1, "legalEntity", userevents.CodeRequired},
		}},
		// Usage errors.
		{name: "no files", args: nil, code: 2},
		{name: "missing file", args: []string{filepath.Join(dir, "nope")}, code: 2},
		{name: "bad kind", args: []string{"--kind", "user", events}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runIn(context.Background(), tt.stdin, nil, append([]string{"validate"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (%s)", code, tt.code, stderr)
			}
			if tt.code == 2 {
				return
			}
			if diff := cmp.Diff(tt.want, problems(t, out)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateInOrder validates many lines on every core: the output is what checking
// each line in turn gives, in line order.
func TestValidateInOrder(t *testing.T) {
	var in strings.Builder
	var want []problem
	for i := 1; i <= 20000; i++ {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&in, `{"timestamp":1700000000000,"userId":"u%d","x":1}`+"\n", i)
			want = append(want, problem{"stdin", i, "x", userevents.CodeUnknownField})
		case 3:
			fmt.Fprintf(&in, `{"timestamp":-1,"userId":"u%d"}`+"\n", i)
			want = append(want, problem{"stdin", i, "timestamp", userevents.CodeOutOfRange})
		default:
			fmt.Fprintf(&in, `{"timestamp":1700000000000,"userId":"u%d"}`+"\n", i)
		}
	}
	code, out, _ := runIn(context.Background(), in.String(), nil, "validate", "-")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if diff := cmp.Diff(want, problems(t, out)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// BenchmarkValidate measures validate on small events (b.N lines); docs/CLI.md has the
// figures of a 1,000,000-line file.
func BenchmarkValidate(b *testing.B) {
	var in strings.Builder
	for i := range b.N {
		fmt.Fprintf(&in, `{"timestamp":1700000000000,"userId":"user-%d","eventId":"ev-%d","reason":"kyc","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`+"\n", i, i)
	}
	b.SetBytes(int64(in.Len() / max(b.N, 1)))
	b.ResetTimer()
	if code, _, stderr := runIn(context.Background(), in.String(), nil, "validate", "-"); code != 0 {
		b.Fatal(stderr)
	}
}

// TestWholeDocumentAsTheLibrary: a file that validate reads as one document is held to
// the limit as DecodeEvent holds it (and the server a request body), its whitespace
// included: validate reports too_large exactly when the library does.
func TestWholeDocumentAsTheLibrary(t *testing.T) {
	limit := userevents.DefaultLimits().MaxBytes
	pretty := func(n int) string { // a document over two lines, n bytes
		return "{\n" + sizedEvent(t, "p", n-1)[1:]
	}
	for _, content := range []string{
		pretty(limit),          // the limit
		pretty(limit) + "\n",   // the limit and a final newline: one byte over
		pretty(limit-1) + "\n", // one byte under, and its final newline
		"\n" + pretty(limit-1), // a blank line before it
		pretty(limit + 1),      // one byte over
	} {
		file := filepath.Join(t.TempDir(), "doc.json")
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		var ve *userevents.ValidationError
		_, err := userevents.DecodeEvent([]byte(content))
		libraryTooLarge := errors.As(err, &ve) && ve.Has("", userevents.CodeTooLarge)
		_, out, _ := runIn(context.Background(), "", nil, "validate", file)
		validateTooLarge := false
		for _, p := range problems(t, out) {
			validateTooLarge = validateTooLarge || p.Code == userevents.CodeTooLarge
		}
		if libraryTooLarge != validateTooLarge {
			t.Errorf("%d bytes: DecodeEvent too_large %v (%v), validate %v", len(content), libraryTooLarge, err, validateTooLarge)
		}
	}
}
