package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/compliancekit/userevents"
)

// kind is the --kind flag: what the documents are.
type kind string

const (
	kindEvent    kind = "event"
	kindConsumer kind = "consumer-user"
	kindBusiness kind = "business-user"
)

func (k *kind) String() string { return string(*k) }

func (k *kind) Set(s string) error {
	switch kind(s) {
	case kindEvent, kindConsumer, kindBusiness:
		*k = kind(s)
		return nil
	}
	return errors.New(`must be "event", "consumer-user" or "business-user"`)
}

// check decodes one document of kind k and validates it at level.
func (k kind) check(data []byte, level userevents.Level) error {
	switch k {
	case kindConsumer:
		u, err := userevents.DecodeConsumerUser(data)
		if err != nil {
			return err
		}
		return u.Validate(level)
	case kindBusiness:
		u, err := userevents.DecodeBusinessUser(data)
		if err != nil {
			return err
		}
		return u.Validate(level)
	}
	ev, err := userevents.DecodeEvent(data)
	if err != nil {
		return err
	}
	return ev.Validate(level)
}

// checkLine checks a line of chunk.lines as check does; a nil line, one past maxLine, is
// too_large.
func (k kind) checkLine(line []byte, level userevents.Level) error {
	if line == nil {
		return &userevents.ValidationError{Fields: []userevents.FieldError{{Code: userevents.CodeTooLarge,
			Message: "line longer than the document limit of " + strconv.Itoa(maxLine-1) + " bytes"}}}
	}
	return k.check(line, level)
}

// maxLine is the longest line, without its terminator, that validate and apply read as a
// document: one byte past the document limit, so that the decoder reports a longer one
// as too_large.
var maxLine = userevents.DefaultLimits().MaxBytes + 1

func validate(ctx context.Context, args []string, e env) int {
	fs := newFlags("validate", e)
	var level levelFlag
	fs.Var(&level, "level", "validation level: strict or compatible")
	k := kindEvent
	fs.Var(&k, "kind", "what the documents are: event, consumer-user or business-user")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: userevents validate [--level strict|compatible] [--kind event|consumer-user|business-user] FILE...   (- = stdin)\n\n"+
			"A file is NDJSON (one document per line) when its first non-blank line is a whole JSON value,\n"+
			"or (the first line being broken) a later line in its first 64 KiB is a whole JSON object from\n"+
			"its first column that the line before it does not lead into (ending with : , [ or {), and one\n"+
			"JSON document otherwise. A UTF-8 byte order mark at the start of a file is skipped.\n"+
			"A document is at most 1 MiB, its whitespace included (as a request body's is); the \"\\n\" or\n"+
			"\"\\r\\n\" ending an NDJSON line does not count.\n"+
			"Every problem is printed as file:line: path: message (code).\n"+
			"Flags may come before, between or after the file names; \"--\" ends them.\n\n")
		fs.PrintDefaults()
	}
	files, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return e.fail("validate", "no files (use - for standard input)")
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	defer out.Flush()
	var docs, bad int
	for _, name := range files {
		var r io.Reader
		label := name
		closeFile := func() {}
		if name == "-" {
			r, label = e.stdin, "stdin"
		} else {
			f, err := os.Open(name)
			if err != nil {
				out.Flush()
				return e.fail("validate", err)
			}
			r, closeFile = f, func() { f.Close() } // each file closed once read, not at the end
		}
		d, b, err := validateStream(ctx, label, r, k, level.level, out)
		closeFile()
		docs, bad = docs+d, bad+b
		if err != nil {
			out.Flush()
			return e.fail("validate", fmt.Errorf("%s: %w", label, err))
		}
	}
	out.Flush()
	fmt.Fprintf(e.stderr, "%d documents, %d with problems\n", docs, bad)
	if bad > 0 {
		return exitProblems
	}
	return exitOK
}

// validateStream validates the documents of r, NDJSON or one JSON document, writing
// their problems to out. It returns how many documents it read and how many had problems.
func validateStream(ctx context.Context, label string, r io.Reader, k kind, level userevents.Level, out io.Writer) (docs, bad int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if _, err := skipBOM(br); err != nil {
		return 0, 0, err
	}
	nd, err := sniffNDJSON(br)
	if err != nil {
		return 0, 0, err
	}
	if !nd {
		return validateWhole(label, br, k, level, out)
	}
	return validateLines(ctx, label, br, k, level, out)
}

// utf8BOM is the UTF-8 byte order mark.
const utf8BOM = "\xef\xbb\xbf"

// skipBOM discards a UTF-8 byte order mark at the start of r, and reports whether there
// was one. It is the rule of validate and apply: a BOM at the start of a file is an
// encoding mark, not JSON, skipped in NDJSON and single-document files alike; anywhere
// else it is a JSON error.
func skipBOM(r *bufio.Reader) (bool, error) {
	head, err := r.Peek(len(utf8BOM))
	if err != nil && err != io.EOF {
		return false, err
	}
	if string(head) != utf8BOM {
		return false, nil
	}
	_, err = r.Discard(len(utf8BOM))
	return true, err
}

// sniffNDJSON reports whether r holds NDJSON, without consuming it: its first non-blank
// line is a whole JSON value, or, when that line is not (cut short, say) and the file is
// not one JSON value over several lines, a later line in the first 64 KiB is a whole JSON
// object from its first column that does not continue the line before it (laterObjectLine),
// which the lines of a pretty-printed document (indented members, closing brackets) never
// are. A file with no such line (empty, blank) is NDJSON without documents.
func sniffNDJSON(r *bufio.Reader) (bool, error) {
	// Peek grows one byte past what is buffered, so it never waits for more input than
	// the first line needs; lines longer than the buffer are read into a copy.
	var line []byte
	for {
		buf, err := r.Peek(r.Buffered() + 1)
		rest := bytes.TrimLeft(buf, " \t\r\n")
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i]
			break
		}
		if err == io.EOF {
			line = buf
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			// A first line over 64 KiB: pretty-printed JSON has short lines, so this is
			// one long NDJSON document (or an oversized one, which the lines report).
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	if line = bytes.TrimSpace(line); len(line) == 0 || json.Valid(line) {
		return true, nil
	}
	// Up to 64 KiB ahead (on a pipe, it waits for them or the end of the input).
	buf, err := r.Peek(r.Size())
	if err != nil && err != io.EOF {
		return false, err
	}
	if err == io.EOF && json.Valid(buf) {
		return false, nil // the whole file is one document, over several lines
	}
	return laterObjectLine(buf), nil
}

// laterObjectLine reports whether a line of buf after its first is a whole JSON object
// from its first column that no value before it continues into: the line before it
// (blank lines aside; the first line, broken, leads into nothing) does not end with ':',
// ',', '[' or '{'. (The last line, which the buffer may cut, is included: cut, it is not
// whole.)
func laterObjectLine(buf []byte) bool {
	// After the first non-blank line, which is broken: whatever it ends with, an NDJSON
	// line after it is its own document.
	_, rest, _ := bytes.Cut(bytes.TrimLeft(buf, " \t\r\n"), []byte("\n"))
	var prev []byte
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == '{' && json.Valid(line) && !continues(prev) {
			return true
		}
		prev = line
	}
	return false
}

// continues reports whether line (trimmed) ends inside a value that the next line goes
// on with.
func continues(line []byte) bool {
	return len(line) > 0 && strings.IndexByte(":,[{", line[len(line)-1]) >= 0
}

// validateWhole validates r as one JSON document; its problems are reported at the line
// where the document starts.
func validateWhole(label string, r io.Reader, k kind, level userevents.Level, out io.Writer) (docs, bad int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxLine)))
	if err != nil {
		return 0, 0, err
	}
	line := 1 + bytes.Count(data[:len(data)-len(bytes.TrimLeft(data, " \t\r\n"))], []byte("\n"))
	var buf []byte
	if buf = appendProblems(buf, label, line, k.check(data, level)); len(buf) > 0 {
		bad = 1
	}
	_, err = out.Write(buf)
	return 1, bad, err
}

// chunk is a run of lines validated by one worker; out holds their problems, formatted.
type chunk struct {
	first int      // the line number of lines[0]
	lines [][]byte // nil entries: lines past maxLine
	data  []byte   // the bytes lines point into
	out   []byte
	docs  int
	bad   int
	done  chan struct{}
}

const chunkLines = 512

// validateLines validates r as NDJSON, one document per line (blank lines skipped), on
// every core: a reader cuts the lines into chunks, workers validate the chunks, and the
// problems are written in input order.
func validateLines(ctx context.Context, label string, r *bufio.Reader, k kind, level userevents.Level, out io.Writer) (docs, bad int, err error) {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *chunk, 2*workers)
	order := make(chan *chunk, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				for i, line := range c.lines {
					if line != nil && len(bytes.TrimSpace(line)) == 0 {
						continue
					}
					err := k.checkLine(line, level)
					c.docs++
					if err != nil {
						c.bad++
						c.out = appendProblems(c.out, label, c.first+i, err)
					}
				}
				close(c.done)
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		readErr <- readChunks(ctx, r, func(c *chunk) {
			order <- c
			jobs <- c
		})
	}()
	var werr error
	for c := range order {
		<-c.done
		docs, bad = docs+c.docs, bad+c.bad
		if werr == nil {
			_, werr = out.Write(c.out)
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return docs, bad, err
	}
	return docs, bad, werr
}

// readChunks cuts r into chunks of lines and hands each to send.
func readChunks(ctx context.Context, r *bufio.Reader, send func(*chunk)) error {
	lineNo := 1
	c := &chunk{first: lineNo, done: make(chan struct{})}
	var starts []int // offsets of the lines in c.data; -1: too long
	flush := func() {
		for i, s := range starts {
			if s < 0 {
				c.lines = append(c.lines, nil)
				continue
			}
			end := len(c.data)
			for j := i + 1; j < len(starts); j++ {
				if starts[j] >= 0 {
					end = starts[j]
					break
				}
			}
			if end == s {
				c.lines = append(c.lines, []byte{}) // blank, not nil: nil is too long
				continue
			}
			c.lines = append(c.lines, c.data[s:end])
		}
		send(c)
		c = &chunk{first: lineNo, done: make(chan struct{})}
		starts = starts[:0]
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := len(c.data)
		var n int
		var long bool
		var err error
		c.data, n, long, err = readLine(r, c.data, maxLine)
		if err != nil && err != io.EOF {
			return err
		}
		if n > 0 {
			if long {
				c.data = c.data[:start]
				starts = append(starts, -1)
			} else {
				starts = append(starts, start)
			}
			lineNo++
		}
		if err == io.EOF {
			if len(starts) > 0 {
				flush()
			}
			return nil
		}
		if len(starts) == chunkLines || len(c.data) >= 1<<20 {
			flush()
		}
	}
}

// readLine appends the next line of r to buf without its terminator, "\n" or "\r\n", so
// that a line is held to limit as a document alone is, and returns buf, the bytes it read
// from r (0: none left) and whether the line was longer than limit. A longer line is
// appended cut to limit bytes: no more than limit+2 bytes of a line are held in memory.
// err is nil when the line ended with "\n", io.EOF at the end of r.
func readLine(r *bufio.Reader, buf []byte, limit int) (_ []byte, n int, long bool, err error) {
	start := len(buf)
	keep := limit + len("\r\n") // what a line of limit bytes and its terminator take
	for {
		var part []byte
		part, err = r.ReadSlice('\n')
		n += len(part)
		if room := keep - (len(buf) - start); room < len(part) {
			long = true
			part = part[:room]
		}
		buf = append(buf, part...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
	}
	if err == nil && !long {
		line := bytes.TrimSuffix(buf[start:], []byte("\n"))
		buf = buf[:start+len(bytes.TrimSuffix(line, []byte("\r")))]
	}
	if len(buf)-start > limit {
		long = true
		buf = buf[:start+limit]
	}
	return buf, n, long, err
}

// appendProblems appends "label:line: path: message (code)" for each problem of err.
func appendProblems(buf []byte, label string, line int, err error) []byte {
	if err == nil {
		return buf
	}
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Appendf(buf, "%s:%d: %s\n", label, line, userevents.FieldError{Code: userevents.CodeInvalidJSON, Message: err.Error()})
	}
	for _, f := range ve.Fields {
		buf = fmt.Appendf(buf, "%s:%d: %s\n", label, line, f)
	}
	return buf
}
