// Command userevents is Flagright's consumer user event API and its tools, on the
// userevents library: a server, a validator of JSON and NDJSON files, and a loader.
//
//	userevents serve    [--addr HOST:PORT] [--store memory|postgres://...] [--level strict|compatible] [--api-key-file FILE] [--max-conns N]
//	userevents validate [--level ...] [--kind event|consumer-user|business-user] FILE...   (- = stdin)
//	userevents apply    --store ... [--level ...] [--report FILE] FILE...
//	userevents history  --store ... USERID [--at VERSION | --as-of TIMESTAMP]
//
// The flags of validate, apply and history may come before, between or after the file
// names (or USERID); "--" ends the flags, so that "validate -- --x.json" validates a file
// named --x.json ("--" as the value of a flag, as in "--report --", is that value).
//
// serve answers the routes of package httpapi on 127.0.0.1:8080 by default, on the
// in-memory store (lost when it stops) or on PostgreSQL (migrated at start). The API key
// comes from the environment variable USEREVENTS_API_KEY or from the file named by
// --api-key-file, never from a flag that ps would show; without one serve does not start.
// When it is ready it writes "listening on HOST:PORT" to standard error (with --addr
// HOST:0, the port it picked); SIGTERM or SIGINT stop it gracefully: it accepts no more
// connections and waits for the requests in flight as long as a request may take (65 s:
// its headers, its work and its reply), then exits 0, or, requests still in flight
// then, cuts them off, logs an error and exits 2. The access log goes to standard error
// as JSON lines.
//
// validate checks documents without a store: each problem is a line
// "file:line: path: message (code)" on standard output.
//
// validate and apply read files the same way: a UTF-8 byte order mark at the start of a
// file is skipped (a BOM anywhere else is invalid JSON), and an NDJSON line is held to
// the 1 MiB document limit without its terminator, "\n" or "\r\n".
//
// apply loads NDJSON files into a store: users first (the lines that are users, from
// every file), then events in file order; see the apply command's help. A user line
// whose id is taken is "already present" when the stored user was created from that line
// (its record at version 1 is the line's user, events since aside), and refused
// (USER_ID_TAKEN) when it is another user. Its report names each refused line by its
// id, an event that failed to decode by its eventId when that decoded (as a batch
// response does).
//
// history prints a user's events, or its record at a version or as of a time (a time
// before the user's creation is exit 1, its message giving the time exactly as given).
//
// Exit codes: 0 success; 1 the input had problems (validate found some, apply refused
// lines); 2 bad usage, a failure to start, or a run that could not finish (the store
// failed, or it was interrupted: apply is then resumed by running it again). An
// interrupted apply ends its summary with "interrupted: N not confirmed": the lines
// whose commit the interruption cut, stored or not, which are neither refused nor in
// the report (the next run finds them already present or duplicates, or applies them).
//
// From a clone: cd cmd/userevents && go install . (or go run . serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/compliancekit/userevents"
	"golang.org/x/term"
)

// env is what a command reads and writes besides its arguments, so that tests can run
// it in process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// terminal reports whether standard error is a terminal (for the progress bar).
	terminal bool
}

// fail reports that command cmd cannot go on: bad usage, a failure to start, or a
// failure of the run itself (the store, standard output), which SPEC's exit codes count
// with the failures to start, not with problems of the input. It writes
// "userevents CMD: problem" to standard error and returns exitUsage.
func (e env) fail(cmd string, problem any) int {
	fmt.Fprintf(e.stderr, "userevents %s: %v\n", cmd, problem)
	return exitUsage
}

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		terminal: term.IsTerminal(int(os.Stderr.Fd())),
	})
	stop()
	os.Exit(code)
}

const usage = `usage:
  userevents serve    [--addr HOST:PORT] [--store memory|postgres://...] [--level strict|compatible] [--api-key-file FILE] [--max-conns N]
  userevents validate [--level strict|compatible] [--kind event|consumer-user|business-user] FILE...   (- = stdin)
  userevents apply    --store memory|postgres://... [--level ...] [--report FILE] FILE...
  userevents history  --store memory|postgres://... USERID [--at VERSION | --as-of TIMESTAMP]
Flags may also come after the file names (or USERID); "--" ends them.
Run "userevents COMMAND -h" for a command's flags.
`

// run runs the command of args and returns its exit code.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], e)
	case "validate":
		return validate(ctx, args[1:], e)
	case "apply":
		return apply(ctx, args[1:], e)
	case "history":
		return history(ctx, args[1:], e)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "userevents: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// newFlags returns a flag set for a command that writes its errors to e.stderr.
func newFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("userevents "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args; ok is false after -h (code 0) or an error (code 2).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// parseArgs parses args, whose flags may come before, between and after the positional
// arguments, which it returns in order; "--" ends the flags (what follows it is
// positional, "--x" included), and "-" is positional. ok is false after -h (code 0) or
// an error (code 2).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		rest := fs.Args()
		if endsWithTerminator(fs, args[:len(args)-len(rest)]) {
			return append(pos, rest...), 0, true
		}
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// endsWithTerminator reports whether the arguments fs parsed (parsed) ended with "--"
// (which the flag package drops), not with a "--" that was the value of a flag.
func endsWithTerminator(fs *flag.FlagSet, parsed []string) bool {
	for i := 0; i < len(parsed); i++ {
		a := parsed[i]
		if a == "--" {
			return true // the terminator: the flag package stops after it
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // not parsed without an error: cannot happen
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			i++ // the flag's value is the next argument
		}
	}
	return false
}

// levelFlag is the --level flag.
type levelFlag struct{ level userevents.Level }

func (l *levelFlag) String() string {
	if l.level == userevents.Compatible {
		return "compatible"
	}
	return "strict"
}

func (l *levelFlag) Set(s string) error {
	switch s {
	case "strict":
		l.level = userevents.Strict
	case "compatible":
		l.level = userevents.Compatible
	default:
		return errors.New(`must be "strict" or "compatible"`)
	}
	return nil
}
