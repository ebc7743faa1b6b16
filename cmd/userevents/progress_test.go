package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressInput is an NDJSON file of a user and two events that counts every byte it
// has: a byte order mark, a CRLF, a blank line and no final newline.
const progressInput = "\uFEFF" + `{"userId":"u1","createdTimestamp":1700000000000}` + "\r\n" +
	`{"timestamp":1700000001000,"userId":"u1","eventId":"e1"}` + "\n\n" +
	`{"timestamp":1700000002000,"userId":"u1","eventId":"e2"}`

// barDraw is one drawing of apply's progress bar: its description, and the bytes read
// of the bytes to read (small files: shown in B).
var barDraw = regexp.MustCompile(`^(users|events) +[0-9]+% \|[^|]*\| \( *([0-9]+)/([0-9]+) B`)

// TestApplyProgressBar: on a terminal apply draws its progress bar on standard error,
// over the bytes of the files read twice: the users' pass ends when it has read every
// byte (half way), then the events' pass, and the bar is cleared at the end. Off a
// terminal, or with --no-progress, nothing of it is written. Standard output has the
// summary alone either way.
func TestApplyProgressBar(t *testing.T) {
	defer func(d time.Duration) { progressThrottle = d }(progressThrottle)
	progressThrottle = 0 // every step drawn
	dir := t.TempDir()
	file := filepath.Join(dir, "in.ndjson")
	if err := os.WriteFile(file, []byte(progressInput), 0o600); err != nil {
		t.Fatal(err)
	}
	total := len(progressInput)
	for _, tc := range []struct {
		name     string
		terminal bool
		args     []string
		bar      bool
	}{
		// On a terminal: the bar.
		{"terminal", true, nil, true},
		// Standard error is a file or a pipe: no bar.
		{"not a terminal", false, nil, false},
		// On a terminal, turned off.
		{"no-progress", true, []string{"--no-progress"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"apply", "--store", "memory", "--report", filepath.Join(dir, "refused.ndjson"), file}, tc.args...)
			code := run(context.Background(), args, env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
				getenv: func(string) string { return "" }, terminal: tc.terminal})
			if code != exitOK {
				t.Fatalf("exit code %d, want 0 (%s)", code, errOut.String())
			}
			if want := "users: 1 created, 0 already present\nevents: 2 applied, 0 duplicates\nrefused: 0\n"; out.String() != want {
				t.Errorf("standard output %q, want the summary alone %q", out.String(), want)
			}
			if !tc.bar {
				if errOut.Len() > 0 {
					t.Errorf("standard error %q, want nothing", errOut.String())
				}
				return
			}
			var descs []string
			lastUsers := -1
			segments := strings.Split(errOut.String(), "\r")
			for _, seg := range segments {
				if strings.TrimSpace(seg) == "" {
					continue // a clearing of the line
				}
				m := barDraw.FindStringSubmatch(seg)
				if m == nil {
					t.Fatalf("standard error has %q, not a drawing of the bar", seg)
				}
				if max, _ := strconv.Atoi(m[3]); max != 2*total {
					t.Errorf("drawing %q: over %d bytes, want %d (the file read twice)", seg, max, 2*total)
				}
				if len(descs) == 0 || descs[len(descs)-1] != m[1] {
					descs = append(descs, m[1])
				}
				if m[1] == "users" {
					lastUsers, _ = strconv.Atoi(m[2])
				}
			}
			if strings.Join(descs, " ") != "users events" {
				t.Errorf("the bar was drawn as %v, want users then events", descs)
			}
			if lastUsers != total {
				t.Errorf("the users' pass ended at %d bytes, want %d (the whole file)", lastUsers, total)
			}
			if last := segments[len(segments)-1]; strings.TrimSpace(segments[len(segments)-2]) != "" || last != "" {
				t.Errorf("standard error ends with %q: want the bar cleared", errOut.String()[max(0, errOut.Len()-100):])
			}
		})
	}
}

// TestEachLineProgress: a pass over a file moves the progress bar by every byte of it,
// so that the bar ends full (100%) whatever the file's line ends.
func TestEachLineProgress(t *testing.T) {
	long := `{"userId":"` + strings.Repeat("x", maxLine) + `"}`
	for _, tc := range []struct {
		name, data string
	}{
		// The apply test's file: a BOM, a CRLF, a blank line, no final newline.
		{"mixed", progressInput},
		// Lines ended by "\n", the last one too.
		{"newlines", "{}\n{}\n"},
		// A BOM alone.
		{"BOM only", "\uFEFF"},
		// A line over the document limit, read without being held, then a short one.
		{"long line", long + "\n{}\n"},
		// Blank lines and spaces only.
		{"blank", "\n \r\n\t\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "f.ndjson")
			if err := os.WriteFile(file, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			bar := progressbar.NewOptions64(int64(len(tc.data)), progressbar.OptionSetWriter(io.Discard))
			if err := eachLine(context.Background(), file, bar, func(int, []byte) {}); err != nil {
				t.Fatal(err)
			}
			if s := bar.State(); s.CurrentNum != int64(len(tc.data)) {
				t.Errorf("bar at %d of %d bytes (%.0f%%), want all", s.CurrentNum, len(tc.data), 100*s.CurrentPercent)
			}
		})
	}
}
