package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/schollz/progressbar/v3"
)

const applyUsage = `usage: userevents apply --store memory|postgres://... [--level strict|compatible] [--report FILE] [--workers N] FILE...

Applies NDJSON files to a store. Each line is a consumer user, a business user (it has
legalEntity) or an event (it has timestamp), of at most 1 MiB without the "\n" or "\r\n"
that ends it; a UTF-8 byte order mark at the start of a file is skipped. The users of
every file are created first, then the events apply in file order (the events of one
user in their order; different users in parallel). Running it again on the same files
is safe: a user line whose id is taken by the user created from that line is left as it
is ("already present": its record at version 1 is the line's user as this --level
stores it, whatever events changed since), and an event whose eventId is stored is a
duplicate, so an interrupted run is resumed by running it again (give events ids for
that). A user line whose id another user has is refused (USER_ID_TAKEN).

It prints a summary (created, applied, duplicates, refused by reason code; after an
interruption, a last line "interrupted: N not confirmed": the lines whose commit the
interruption cut, stored or not, which are no refusals and not in the report) and
writes each refused line to the report file as a JSON line {file, line, id,
reasonCode, error} (id: the userId of a user that decoded, none for one that did not;
the eventId of an event, also of one that failed to decode when its eventId decoded,
as in a batch response), in the order
they were refused (with several workers not quite line order: sort by file and line);
a report file that is one of the inputs is refused (it would be truncated before it is
read). With --store memory nothing is kept: a dry run.

Flags may come before, between or after the file names; "--" ends them (a file named
--x is given as -- --x).

`

func apply(ctx context.Context, args []string, e env) int {
	fs := newFlags("apply", e)
	storeSpec := fs.String("store", "", `"memory" or a postgres:// URL (required)`)
	var level levelFlag
	fs.Var(&level, "level", "validation level: strict or compatible")
	report := fs.String("report", "refused.ndjson", "file for the refused lines (created or truncated)")
	workers := fs.Int("workers", 8, "users applied in parallel")
	noProgress := fs.Bool("no-progress", false, "no progress bar, even on a terminal")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), applyUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	switch {
	case *storeSpec == "":
		return e.fail("apply", "--store is required")
	case len(files) == 0:
		return e.fail("apply", "no files")
	case slices.Contains(files, "-"):
		return e.fail("apply", "files only (it reads them twice: users, then events)")
	case *workers < 1:
		return e.fail("apply", "--workers must be at least 1")
	}
	total, err := inputSize(files, *report)
	if err != nil {
		return e.fail("apply", err)
	}
	st, err := openStore(ctx, *storeSpec)
	if err != nil {
		return e.fail("apply", err)
	}
	defer st.close()
	o := applyOptions{files: files, report: *report, level: level.level, workers: *workers}
	if e.terminal && !*noProgress {
		o.progress = 2 * total // every file is read twice
	}
	return applyTo(ctx, e, st.store, o)
}

// applyOptions are what apply does, its flags read.
type applyOptions struct {
	files    []string
	report   string
	level    userevents.Level
	workers  int
	progress int64 // the bytes of the progress bar; 0: no bar
}

// applyTo applies the files of o to store, prints the summary and returns the exit code.
func applyTo(ctx context.Context, e env, store userevents.Store, o applyOptions) int {
	rf, err := os.Create(o.report)
	if err != nil {
		return e.fail("apply", err)
	}
	a := &applier{
		p:       userevents.NewProcessor(store, userevents.Config{Level: o.level}),
		level:   o.level,
		report:  bufio.NewWriter(rf),
		refused: map[string]int{},
	}
	if o.progress > 0 {
		a.bar = newProgressBar(e, o.progress)
	}
	err = a.run(ctx, o.files, o.workers)
	if a.bar != nil {
		a.bar.Finish()
	}
	if ferr := a.report.Flush(); err == nil {
		err = ferr
	}
	if cerr := rf.Close(); err == nil {
		err = cerr
	}
	interrupted := ctx.Err() != nil && errors.Is(err, ctx.Err())
	a.summary(e.stdout, o.report, interrupted)
	if interrupted {
		return e.fail("apply", "interrupted before the end of the input (the lines not reached are in no count, those not confirmed in the last line): run the same command again to resume, the users created are then already present and the events applied duplicates")
	}
	if err != nil {
		return e.fail("apply", err)
	}
	if a.refusedTotal() > 0 {
		return exitProblems
	}
	return exitOK
}

// inputSize returns the bytes of the input files, or an error when one is missing or is
// the report file (which apply creates, or truncates, before it reads them).
func inputSize(names []string, report string) (int64, error) {
	rfi, rerr := os.Stat(report) // a report not there yet is no input
	var total int64
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			return 0, err
		}
		if rerr == nil && os.SameFile(fi, rfi) {
			return 0, fmt.Errorf("the report file %s is the input %s, which it would truncate before it is read: give another --report", report, name)
		}
		total += fi.Size()
	}
	return total, nil
}

// progressThrottle is the least time between two drawings of apply's progress bar (a
// variable for the tests, which draw every step).
var progressThrottle = 100 * time.Millisecond

// newProgressBar returns the progress bar of apply, over n bytes, on standard error.
func newProgressBar(e env, n int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(n,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(progressThrottle),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription("users"))
}

// applier applies the lines of files and counts the outcomes.
type applier struct {
	p     *userevents.Processor
	level userevents.Level
	bar   *progressbar.ProgressBar

	mu                  sync.Mutex
	report              *bufio.Writer
	created, present    int
	applied, duplicates int
	refused             map[string]int // by reason code
	// unconfirmed counts the lines whose commit an interruption left unknown, skipped
	// those queued but not reached when it came.
	unconfirmed, skipped int
}

// count adds one to *n, a count of a.
func (a *applier) count(n *int) {
	a.mu.Lock()
	*n++
	a.mu.Unlock()
}

// outcomeUnknown reports whether err leaves the outcome of a line unknown because the run
// was interrupted: ctx is done, and err is the context's or a failure of the store
// (the commit may have happened all the same), not a refusal of the line.
func outcomeUnknown(ctx context.Context, err error) bool {
	if ctx.Err() == nil {
		return false
	}
	switch userevents.ReasonCode(err) {
	case userevents.ReasonCancelled, userevents.ReasonInternal:
		return true
	}
	return false
}

// refusal is one line of the report file.
type refusal struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	ID         string `json:"id,omitempty"`
	ReasonCode string `json:"reasonCode"`
	Error      string `json:"error"`
}

func (a *applier) refuse(file string, line int, id string, err error) {
	code := userevents.ReasonCode(err)
	data, _ := json.Marshal(refusal{File: file, Line: line, ID: id, ReasonCode: code, Error: strings.TrimPrefix(err.Error(), "userevents: ")})
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refused[code]++
	a.report.Write(append(data, '\n'))
}

func (a *applier) refusedTotal() int {
	n := 0
	for _, c := range a.refused {
		n += c
	}
	return n
}

// lineKind tells a user line from an event line by its top-level members.
func lineKind(line []byte) kind {
	var top map[string]json.RawMessage
	if json.Unmarshal(line, &top) != nil {
		return kindEvent // refused as an event, with the decoder's path
	}
	if _, ok := top["legalEntity"]; ok {
		return kindBusiness
	}
	if _, ok := top["timestamp"]; ok {
		return kindEvent
	}
	if _, ok := top["createdTimestamp"]; ok {
		return kindConsumer
	}
	return kindEvent
}

// job is an event to apply, from its place in the files.
type job struct {
	file string
	line int
	ev   *userevents.ConsumerUserEvent
}

func (a *applier) run(ctx context.Context, files []string, workers int) error {
	// Users first, from every file.
	for _, name := range files {
		err := eachLine(ctx, name, a.bar, func(line int, data []byte) {
			a.userLine(ctx, name, line, data)
		})
		if err != nil {
			return err
		}
	}
	if a.bar != nil {
		a.bar.Describe("events")
	}
	// Then the events: each user's on one worker, in order.
	queues := make([]chan job, workers)
	var wg sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan job, 64)
		wg.Go(func() {
			for j := range queues[i] {
				a.applyJob(ctx, j)
			}
		})
	}
	seed := maphash.MakeSeed()
	var err error
	for _, name := range files {
		err = eachLine(ctx, name, a.bar, func(line int, data []byte) {
			// Decoding first: an event line (the most) is not read twice, and a user
			// line, which the first pass created, never decodes as an event.
			ev, derr := userevents.DecodeEvent(data)
			if derr != nil {
				if lineKind(data) == kindEvent {
					a.refuse(name, line, failedEventID(data), derr)
				}
				return
			}
			queues[maphash.String(seed, ev.UserID)%uint64(workers)] <- job{file: name, line: line, ev: ev}
		})
		if err != nil {
			break
		}
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	if err == nil && a.unconfirmed+a.skipped > 0 {
		err = ctx.Err() // every line read, not every event applied
	}
	return err
}

// Around an event line, batchHead and batchTail make it the one record of a batch.
const batchHead, batchTail = `{"data":[`, `]}`

// failedEventID returns the eventId of an event line that DecodeEvent refused, as
// DecodeEventBatch reports a record that failed (userevents.EventBatch.RecordErrors):
// the line decoded as the one record of a batch, with limits widened by what the batch
// adds around it, keeps nothing but its eventId, when that decoded cleanly. It is "" for
// a line that is not one JSON value (cut short, two objects), which no batch holds alone.
func failedEventID(line []byte) string {
	if !json.Valid(line) {
		return ""
	}
	lim := userevents.DefaultLimits()
	lim.MaxBytes += len(batchHead) + len(batchTail)
	lim.MaxDepth += 2 // the batch object and its data array
	b, err := userevents.DecodeEventBatch(slices.Concat([]byte(batchHead), line, []byte(batchTail)), userevents.WithLimits(lim))
	if err != nil || len(b.Data) != 1 {
		return ""
	}
	return b.Data[0].EventID
}

// userLine creates the user of a line that is a user, and counts the outcome.
func (a *applier) userLine(ctx context.Context, name string, line int, data []byte) {
	k := lineKind(data)
	if k == kindEvent {
		return
	}
	id, present, err := a.createUser(ctx, k, data)
	if present {
		a.count(&a.present)
		return
	}
	a.outcome(ctx, err, &a.created, name, line, id)
}

// applyJob applies the event of j, and counts the outcome. After an interruption it
// skips j, which is then not reached.
func (a *applier) applyJob(ctx context.Context, j job) {
	if ctx.Err() != nil {
		a.count(&a.skipped)
		return
	}
	res, err := a.p.Apply(ctx, j.ev, userevents.Options{})
	if err == nil && res.Duplicate {
		a.count(&a.duplicates)
		return
	}
	a.outcome(ctx, err, &a.applied, j.file, j.line, j.ev.EventID)
}

// outcome counts the outcome err of a line (file:line, its id): in done when it took
// effect, as not confirmed when an interruption leaves it unknown, else as refused.
func (a *applier) outcome(ctx context.Context, err error, done *int, file string, line int, id string) {
	switch {
	case err == nil:
		a.count(done)
	case outcomeUnknown(ctx, err):
		a.count(&a.unconfirmed)
	default:
		a.refuse(file, line, id, err)
	}
}

// createUser creates the user of a line, and returns its id. present is true when the
// id is taken by the user of the line, already created from it (a run resumed, or the
// line given twice); a different user under the id is ErrUserExists.
func (a *applier) createUser(ctx context.Context, k kind, data []byte) (id string, present bool, err error) {
	var create func(*userevents.Processor) error
	if k == kindBusiness {
		u, err := userevents.DecodeBusinessUser(data)
		if err != nil {
			return "", false, err
		}
		id, create = u.UserID, func(p *userevents.Processor) error { return p.CreateBusinessUser(ctx, u) }
	} else {
		u, err := userevents.DecodeConsumerUser(data)
		if err != nil {
			return "", false, err
		}
		id, create = u.UserID, func(p *userevents.Processor) error { return p.CreateConsumerUser(ctx, u) }
	}
	err = create(a.p)
	if !errors.Is(err, userevents.ErrUserExists) {
		return id, false, err
	}
	same, serr := a.createdAs(ctx, id, create)
	switch {
	case serr != nil:
		return id, false, serr
	case same:
		return id, true, nil
	}
	return id, false, fmt.Errorf("%w (another user than this line's: its record at version 1 differs)", err)
}

// createdAs reports whether the user stored under id was created as create creates it:
// whether its record at version 1 (before the events applied since, and a conversion)
// holds the user that create stores, created on an empty memory store at a's level
// (names normalised as the library does). The users are compared as the library's JSON
// encoding writes them, the text that a store must read back unchanged.
func (a *applier) createdAs(ctx context.Context, id string, create func(*userevents.Processor) error) (bool, error) {
	scratch := userevents.NewProcessor(memstore.New(), userevents.Config{Level: a.level})
	if err := create(scratch); err != nil {
		return false, err
	}
	want, err := scratch.User(ctx, id)
	if err != nil {
		return false, err
	}
	got, err := a.p.UserAt(ctx, id, 1)
	if err != nil {
		return false, err
	}
	return bytes.Equal(userJSON(got), userJSON(want)), nil
}

// userJSON returns the user of r as its JSON encoding, after a byte naming its type.
func userJSON(r userevents.Record) []byte {
	if r.Business != nil {
		b, _ := r.Business.AppendJSON([]byte{'B'})
		return b
	}
	if r.Consumer != nil {
		b, _ := r.Consumer.AppendJSON([]byte{'C'})
		return b
	}
	return nil
}

// eachLine calls f with each non-blank line of the file, without its terminator, and its
// number, and advances bar by the bytes read. A line over the document limit is passed
// cut at one byte past the limit, so that its decoding fails with too_large.
func eachLine(ctx context.Context, name string, bar *progressbar.ProgressBar, f func(line int, data []byte)) error {
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 64<<10)
	skipped, err := skipBOM(r)
	if err != nil {
		return err
	}
	if bar != nil && skipped {
		bar.Add(len(utf8BOM))
	}
	var buf []byte
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var read int
		var err error
		buf, read, _, err = readLine(r, buf[:0], maxLine)
		if bar != nil {
			bar.Add(read)
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(bytes.TrimSpace(buf)) > 0 {
			f(n, buf)
		}
		if err == io.EOF {
			return nil
		}
	}
}

// summary prints the counts of a, and after an interruption how many lines it left
// unconfirmed.
func (a *applier) summary(w io.Writer, report string, interrupted bool) {
	fmt.Fprintf(w, "users: %d created, %d already present\n", a.created, a.present)
	fmt.Fprintf(w, "events: %d applied, %d duplicates\n", a.applied, a.duplicates)
	a.summaryRefused(w, report)
	if interrupted {
		fmt.Fprintf(w, "interrupted: %d not confirmed (stored or not: run again, they are then counted)\n", a.unconfirmed)
	}
}

// summaryRefused prints the line of the refused lines.
func (a *applier) summaryRefused(w io.Writer, report string) {
	n := a.refusedTotal()
	if n == 0 {
		fmt.Fprintln(w, "refused: 0")
		return
	}
	codes := make([]string, 0, len(a.refused))
	for c := range a.refused {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, a.refused[c]))
	}
	fmt.Fprintf(w, "refused: %d (%s), listed in %s\n", n, strings.Join(parts, ", "), report)
}
