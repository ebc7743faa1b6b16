package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseArgs: flags may come before, between and after the positional arguments;
// "--" ends the flags, unless it is the value of a flag.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		pos    []string
		report string // the value of --report after parsing
		dry    bool   // the value of --dry after parsing
		code   int    // with ok false; -1: ok
	}{
		// Flags first, as the flag package reads them.
		{"flags first", []string{"--report", "r", "a", "b"}, []string{"a", "b"}, "r", false, -1},
		// Flags after the positional arguments.
		{"flags last", []string{"a", "b", "--report", "r", "--dry"}, []string{"a", "b"}, "r", true, -1},
		// Flags between them.
		{"flags between", []string{"a", "--dry", "b", "--report=r", "c"}, []string{"a", "b", "c"}, "r", true, -1},
		// "-" is positional (standard input), wherever it is.
		{"stdin", []string{"a", "-", "--dry"}, []string{"a", "-"}, "", true, -1},
		// "--" ends the flags: a file named --x, and what looks like a flag after it.
		{"terminator", []string{"--dry", "a", "--", "--x", "--report", "r"}, []string{"a", "--x", "--report", "r"}, "", true, -1},
		// "--" first: everything is positional.
		{"terminator first", []string{"--", "--dry"}, []string{"--dry"}, "", false, -1},
		// "--" as the value of a flag is no terminator: the flags after it are read.
		{"terminator as a value", []string{"--report", "--", "a", "--dry"}, []string{"a"}, "--", true, -1},
		// ... nor after a bool flag written with its value.
		{"bool with value", []string{"--dry=false", "a", "--report", "r"}, []string{"a"}, "r", false, -1},
		// An unknown flag after a positional argument is an error, not a file.
		{"unknown flag last", []string{"a", "--nope"}, nil, "", false, exitUsage},
		// -h after a positional argument is help.
		{"help last", []string{"a", "-h"}, nil, "", false, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlags("test", env{stderr: io.Discard})
			report := fs.String("report", "", "")
			dry := fs.Bool("dry", false, "")
			pos, code, ok := parseArgs(fs, tt.args)
			if !ok {
				if tt.code != code {
					t.Fatalf("not ok, code %d; want code %d", code, tt.code)
				}
				return
			}
			if tt.code != -1 {
				t.Fatalf("ok; want code %d", tt.code)
			}
			if diff := cmp.Diff(tt.pos, pos); diff != "" {
				t.Errorf("positional (-want +got):\n%s", diff)
			}
			if *report != tt.report || *dry != tt.dry {
				t.Errorf("--report %q --dry %v, want %q %v", *report, *dry, tt.report, tt.dry)
			}
		})
	}
}

// TestFlagsAfterFiles: validate and apply read their flags after the file names too (they
// were taken as file names), and "--" lets a file name start with "-".
func TestFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	// A user valid at Compatible only (no such date), in a file named like a flag.
	user := filepath.Join(dir, "--user.ndjson")
	if err := os.WriteFile(user, []byte(`{"userId":"u1","createdTimestamp":1700000000000,"userDetails":{"dateOfBirth":"1990-02-30"}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.ndjson")
	tests := []struct {
		name   string
		args   []string
		code   int
		report bool // whether the run wrote report.ndjson
	}{
		// --level after the file: Compatible, so valid.
		{"validate, level last", []string{"validate", "--kind", "consumer-user", user, "--level", "compatible"}, exitOK, false},
		// Without it: Strict, so invalid (the flags are read, not ignored).
		{"validate, strict", []string{"validate", user, "--kind", "consumer-user"}, exitProblems, false},
		// A relative file name starting with "-" after "--".
		{"validate, terminator", []string{"validate", "--kind", "consumer-user", "--level", "compatible", "--", "--user.ndjson"}, exitOK, false},
		// apply: --report and --level after the file.
		{"apply, flags last", []string{"apply", "--store", "memory", user, "--report", report, "--level", "compatible"}, exitOK, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(report)
			t.Chdir(dir)
			code, _, stderr := runIn(context.Background(), "", nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (%s)", code, tt.code, stderr)
			}
			if _, err := os.Stat(report); (err == nil) != tt.report {
				t.Errorf("report written: %v, want %v", err == nil, tt.report)
			}
		})
	}
}
