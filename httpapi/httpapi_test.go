package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/httpapi"
	"github.com/compliancekit/userevents/memstore"
	"github.com/google/go-cmp/cmp"
)

const key = "test-key"

// newServer starts the API on a memstore, and returns its URL and the store.
func newServer(tb testing.TB, cfg httpapi.Config) (string, *memstore.Store) {
	tb.Helper()
	store := memstore.New()
	cfg.APIKey = key
	cfg.Processor = userevents.NewProcessor(store, userevents.Config{})
	h, err := httpapi.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL, store
}

// noRedirects is a client that returns redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request with the key (unless keys is given: those, possibly none) and
// returns the status, the Content-Type and the body.
func do(tb testing.TB, method, url, body string, keys ...string) (int, http.Header, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if keys == nil {
		keys = []string{key}
	}
	for _, k := range keys {
		req.Header.Add("x-api-key", k)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, res.Header, data
}

// TestRoutes checks every route's statuses and that every answer, errors included, is
// JSON: an APIErrorResponse with a message for an error.
func TestRoutes(t *testing.T) {
	url, store := newServer(t, httpapi.Config{})
	ctx := context.Background()
	user := `{"userId":"u1","createdTimestamp":1700000000000,"userDetails":{"name":{"firstName":"Ada"}}}`
	business := `{"userId":"b1","createdTimestamp":1700000000000,"legalEntity":{"companyGeneralDetails":{"legalName":"ACME"}}}`
	tests := []struct {
		name, method, path, body string
		keys                     []string // nil: the right key once
		status                   int
		code                     string // a FieldError code expected in validationErrors
		allow                    string // the Allow header of a 405
	}{
		// Every route needs the key.
		{name: "no key", method: "GET", path: "/events/consumer/user/e1", keys: []string{}, status: 401},
		// Another key.
		{name: "wrong key", method: "GET", path: "/events/consumer/user/e1", keys: []string{"test-kez"}, status: 401},
		// A prefix of the key.
		{name: "key prefix", method: "GET", path: "/events/consumer/user/e1", keys: []string{"test"}, status: 401},
		// The key twice: refused, whichever a proxy would pick.
		{name: "key twice", method: "GET", path: "/events/consumer/user/e1", keys: []string{key, key}, status: 401},
		// Even unknown routes need the key, so that they are not probed.
		{name: "unknown route without key", method: "GET", path: "/nothing", keys: []string{}, status: 401},
		// A user, created with a lock.
		{name: "create user", method: "POST", path: "/consumer/users?lockKycRiskLevel=true&validateUserId=true", body: user, status: 201},
		// Again: it exists.
		{name: "create user again", method: "POST", path: "/consumer/users", body: user, status: 409},
		// A misspelt creation flag.
		{name: "bad creation flag", method: "POST", path: "/consumer/users?lockKYCRiskLevel=true", body: user, status: 400, code: userevents.CodeUnknownField},
		// A business user.
		{name: "create business", method: "POST", path: "/business/users?lockCraRiskLevel=true", body: business, status: 201},
		// Read back.
		{name: "get user", method: "GET", path: "/consumer/users/u1", status: 200},
		{name: "get business", method: "GET", path: "/business/users/b1", status: 200},
		// A user of the other type is not found on this route.
		{name: "business on consumer route", method: "GET", path: "/consumer/users/b1", status: 404},
		{name: "consumer on business route", method: "GET", path: "/business/users/u1", status: 404},
		// Unknown users.
		{name: "unknown user", method: "GET", path: "/consumer/users/nobody", status: 404},
		// GET routes take no query.
		{name: "query on get", method: "GET", path: "/consumer/users/u1?x=1", status: 400, code: userevents.CodeUnknownField},
		// An event for the user.
		{name: "event", method: "POST", path: "/events/consumer/user?lockCraRiskLevel=true", body: `{"timestamp":1700000000000,"userId":"u1","eventId":"e1"}`, status: 201},
		// A flag url.Values would drop.
		{name: "semicolon after a flag", method: "POST", path: "/events/consumer/user?changeUserId=true;", body: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u2"}`, status: 400, code: userevents.CodeInvalidFormat},
		// A body over the document limit.
		{name: "too large", method: "POST", path: "/events/consumer/user", body: `{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat(" ", 1<<20) + `"}`, status: 400, code: userevents.CodeTooLarge},
		// The stored event.
		{name: "get event", method: "GET", path: "/events/consumer/user/e1", status: 200},
		// An id with an escaped slash is one id.
		{name: "escaped slash", method: "GET", path: "/events/consumer/user/a%2Fb", status: 404},
		// Unknown route, in JSON.
		{name: "unknown route", method: "GET", path: "/events", status: 404},
		// A trailing slash is no route (no redirect).
		{name: "trailing slash", method: "POST", path: "/consumer/users/", body: user, status: 404},
		// A doubled slash is no route (no redirect to the cleaned path).
		{name: "doubled slash", method: "POST", path: "//consumer/users", body: user, status: 404},
		// A "." segment is an id like any other, not a redirect to the parent (and a 405).
		{name: "dot segment", method: "GET", path: "/events/consumer/user/.", status: 404},
		// A ".." segment likewise.
		{name: "dotdot segment", method: "GET", path: "/events/consumer/user/..", status: 404},
		// ".." in the middle is no route.
		{name: "dotdot inside", method: "GET", path: "/events/consumer/../user/e1", status: 404},
		// A known path with another method, in JSON, with Allow.
		{name: "wrong method", method: "DELETE", path: "/events/consumer/user/e1", status: 405, allow: "GET"},
		{name: "GET on a POST route", method: "GET", path: "/events/consumer/user", status: 405, allow: "POST"},
		// An unknown batch.
		{name: "unknown batch", method: "GET", path: "/batch/events/consumer/user/b1", status: 404},
		// A batchId no GET could name (Strict): refused whole, nothing applied.
		{name: "dotdot batchId", method: "POST", path: "/batch/events/consumer/user", body: `{"batchId":"..","data":[{"timestamp":1700000000000,"userId":"u1","eventId":"e9"}]}`, status: 400, code: userevents.CodeInvalidFormat},
		{name: "event of the refused batch", method: "GET", path: "/events/consumer/user/e9", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := do(t, tt.method, url+tt.path, tt.body, tt.keys...)
			if status != tt.status {
				t.Errorf("status %d, want %d (%s)", status, tt.status, body)
			}
			if ct := header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if got := header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if status >= 400 {
				var e userevents.APIErrorResponse
				if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
					t.Errorf("error body %q is not an APIErrorResponse (%v)", body, err)
				}
				if tt.code != "" && !strings.Contains(e.ValidationErrors, "("+tt.code+")") {
					t.Errorf("validationErrors %q, want code %s", e.ValidationErrors, tt.code)
				}
			} else if !json.Valid(body) {
				t.Errorf("body %q is not JSON", body)
			}
		})
	}
	// The locks of creation are kept.
	for id, want := range map[string][2]bool{"u1": {true, true}, "b1": {false, true}} {
		rec, err := store.LoadUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]bool{rec.KYCRiskLevelLocked, rec.CRARiskLevelLocked}; got != want {
			t.Errorf("%s: locks (kyc, cra) %v, want %v", id, got, want)
		}
	}
	// GET /consumer/users/{userId} returns the stored user.
	_, _, body := do(t, "GET", url+"/consumer/users/u1", "")
	got, err := userevents.DecodeConsumerUser(body)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := store.LoadUser(ctx, "u1")
	if diff := cmp.Diff(rec.Consumer, got); diff != "" {
		t.Errorf("GET /consumer/users/u1 (-stored +got):\n%s", diff)
	}
}

// TestBatches posts a batch, sends it again, and reads it back in pages.
func TestBatches(t *testing.T) {
	url, _ := newServer(t, httpapi.Config{})
	if status, _, body := do(t, "POST", url+"/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	var events []string
	for i := range 25 {
		events = append(events, fmt.Sprintf(`{"timestamp":1700000000000,"userId":"u1","eventId":"e%02d"}`, i))
	}
	events = append(events, `{"timestamp":1700000000000,"userId":"nobody","eventId":"x"}`)
	batch := `{"batchId":"B1","data":[` + strings.Join(events, ",") + `]}`
	for range 2 { // the second time, every event is a duplicate
		status, _, body := do(t, "POST", url+"/batch/events/consumer/user", batch)
		var got userevents.BatchResult
		if err := json.Unmarshal(body, &got); status != 201 || err != nil {
			t.Fatalf("batch: %d %s", status, body)
		}
		want := userevents.BatchResult{BatchID: "B1", Status: userevents.BatchPartialFailure, Successful: 25, Failed: 1,
			FailedRecords: []userevents.FailedRecord{{ID: "x", ReasonCode: userevents.ReasonIDNotFound}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("batch response (-want +got):\n%s", diff)
		}
	}
	ids := func(from, to int) []string {
		var s []string
		for i := from; i < to; i++ {
			s = append(s, fmt.Sprintf("e%02d", i))
		}
		return s
	}
	tests := []struct {
		name  string
		query string
		want  []string // the event ids of the page
	}{
		// The first page has Flagright's default 20 events, listed once though sent twice.
		{"default page", "", ids(0, 20)},
		// The second page has the rest.
		{"page 2", "?page=2", ids(20, 25)},
		// A page size of its own.
		{"page 3 of 10", "?page=3&pageSize=10", ids(20, 25)},
		{"page 1 of 7", "?pageSize=7&page=1", ids(0, 7)},
		// Past the end: empty, with the total.
		{"past the end", "?page=99", nil},
		// The largest page, whose offset would pass an int32, is past the end. Only on a
		// 32-bit platform would the offset overflow (CI runs these tests with
		// GOARCH=386); TestPageOffset checks the guard on every platform.
		{"huge page", "?page=2147483647&pageSize=1000", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := do(t, "GET", url+"/batch/events/consumer/user/B1"+tt.query, "")
			var list userevents.EventList
			if err := json.Unmarshal(body, &list); status != 200 || err != nil {
				t.Fatalf("status %d: %s", status, body)
			}
			var got []string
			for _, e := range list.ConsumerUserEvents {
				got = append(got, e.EventID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if list.TotalCount != 25 {
				t.Errorf("totalCount %d, want 25", list.TotalCount)
			}
		})
	}
	bad := []struct {
		name, query, path, code string
	}{
		// Pages count from 1, to 2^31-1.
		{"page 0", "?page=0", "page", userevents.CodeOutOfRange},
		{"page past int32", "?page=2147483648", "page", userevents.CodeOutOfRange},
		// A page size over the cap.
		{"page size too large", "?pageSize=1001", "pageSize", userevents.CodeOutOfRange},
		// Not a whole number.
		{"fraction", "?pageSize=1.5", "pageSize", userevents.CodeInvalidFormat},
		{"plus sign", "?page=%2B2", "page", userevents.CodeInvalidFormat},
		{"semicolon", "?page=2;x", "page", userevents.CodeInvalidFormat},
		// Given twice.
		{"twice", "?page=1&page=2", "page", userevents.CodeDuplicateField},
		// Anything else.
		{"unknown", "?limit=5", "limit", userevents.CodeUnknownField},
		{"no name", "?=5", "query", userevents.CodeUnknownField},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := do(t, "GET", url+"/batch/events/consumer/user/B1"+tt.query, "")
			// The problems are in the body's validationErrors, as "path: message (code)".
			var e userevents.APIErrorResponse
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if status != 400 || !strings.Contains(e.ValidationErrors, tt.path+": ") || !strings.Contains(e.ValidationErrors, "("+tt.code+")") {
				t.Errorf("got %d %s, want 400 with %s (%s)", status, body, tt.path, tt.code)
			}
		})
	}
}

// TestBatchRecordFailsAlone posts a batch with a record that breaks a decoding limit
// (a 257-byte eventId): it fails alone, and the others apply.
func TestBatchRecordFailsAlone(t *testing.T) {
	url, _ := newServer(t, httpapi.Config{})
	if status, _, body := do(t, "POST", url+"/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	status, _, body := do(t, "POST", url+"/batch/events/consumer/user", `{"batchId":"B1","data":[
		{"timestamp":1700000000000,"userId":"u1","eventId":"a"},
		{"timestamp":1700000000000,"userId":"u1","eventId":"`+strings.Repeat("e", 257)+`"},
		{"timestamp":"now","userId":"u1","eventId":"c"},
		{"timestamp":1700000000000,"userId":"u1","eventId":"d"}]}`)
	if status != http.StatusCreated {
		t.Fatalf("batch: status %d, want 201 (%s)", status, body)
	}
	var got userevents.BatchResult
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := userevents.BatchResult{BatchID: "B1", Status: userevents.BatchPartialFailure, Successful: 2, Failed: 2,
		FailedRecords: []userevents.FailedRecord{{ID: "", ReasonCode: userevents.ReasonInvalid}, {ID: "c", ReasonCode: userevents.ReasonInvalid}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batch response (-want +got):\n%s", diff)
	}
}

// failingBatches is a BatchLog whose every call fails with err.
type failingBatches struct{ err error }

func (f failingBatches) Add(context.Context, string, []string) error { return f.err }
func (f failingBatches) Page(context.Context, string, int, int) ([]string, int, error) {
	return nil, 0, f.err
}

// TestBatchLogErrors checks the statuses of a BatchLog's errors: ErrBatchNotFound is a
// 404 only where it means an unknown batch (GET); on POST any error of Add is the
// server's (500), ErrBatchNotFound included.
func TestBatchLogErrors(t *testing.T) {
	for _, tc := range []struct {
		name         string
		err          error
		method, path string
		body         string
		want         int
	}{
		// An unknown batch.
		{"get unknown", httpapi.ErrBatchNotFound, "GET", "/batch/events/consumer/user/B1", "", http.StatusNotFound},
		// A BatchLog that cannot answer.
		{"get broken", errors.New("disk full"), "GET", "/batch/events/consumer/user/B1", "", http.StatusInternalServerError},
		// An id no batch can have (a batchId is an id: no NUL, valid UTF-8) is not found,
		// without asking the BatchLog, whose database may fail on it.
		{"get NUL id", errors.New("invalid byte sequence"), "GET", "/batch/events/consumer/user/a%00b", "", http.StatusNotFound},
		{"get non-UTF-8 id", errors.New("invalid byte sequence"), "GET", "/batch/events/consumer/user/a%FFb", "", http.StatusNotFound},
		// Add returning ErrBatchNotFound is not the caller's missing batch.
		{"post not found", httpapi.ErrBatchNotFound, "POST", "/batch/events/consumer/user", `{"batchId":"B1","data":[]}`, http.StatusInternalServerError},
		// Add failing.
		{"post broken", errors.New("disk full"), "POST", "/batch/events/consumer/user", `{"batchId":"B1","data":[]}`, http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := newServer(t, httpapi.Config{Batches: failingBatches{tc.err}, Logger: slog.New(slog.DiscardHandler)})
			status, header, body := do(t, tc.method, url+tc.path, tc.body)
			var resp userevents.APIErrorResponse
			if status != tc.want || header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &resp) != nil || resp.Message == "" {
				t.Errorf("status %d (%s), want %d with a JSON message", status, body, tc.want)
			}
		})
	}
}

// TestBatchListsMissingEvent: a BatchLog that lists an event the store does not have is
// the server's data gone wrong (500), not an unknown event (404).
func TestBatchListsMissingEvent(t *testing.T) {
	batches := httpapi.NewMemoryBatches(1 << 20)
	if err := batches.Add(context.Background(), "B9", []string{"ghost"}); err != nil {
		t.Fatal(err)
	}
	url, _ := newServer(t, httpapi.Config{Batches: batches, Logger: slog.New(slog.DiscardHandler)})
	if status, _, body := do(t, "GET", url+"/batch/events/consumer/user/B9", ""); status != http.StatusInternalServerError {
		t.Errorf("status %d (%s), want 500", status, body)
	}
}

// TestCancelledRequest: a request whose context ends (the client went away, or a
// deadline) is answered 503, and no internal error is logged.
func TestCancelledRequest(t *testing.T) {
	var logs bytes.Buffer
	h, err := httpapi.New(httpapi.Config{APIKey: key, Processor: userevents.NewProcessor(memstore.New(), userevents.Config{}),
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, end := range []func(context.Context) (context.Context, context.CancelFunc){
		context.WithCancel,
		func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, -1) },
	} {
		ctx, cancel := end(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, "GET", "/consumer/users/u1", nil)
		req.Header.Set("x-api-key", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d (%s), want 503", rec.Code, rec.Body)
		}
	}
	for line := range strings.Lines(logs.String()) {
		var rec struct{ Level string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "ERROR" {
			t.Errorf("log record %s (%v): want no error logged", line, err)
		}
	}
}

// TestMemoryBatchesBounded fills a small MemoryBatches: the oldest batches go, the newest
// stay, and adding ids again does not grow it.
func TestMemoryBatchesBounded(t *testing.T) {
	ctx := context.Background()
	m := httpapi.NewMemoryBatches(10_000)
	for i := range 1000 {
		if err := m.Add(ctx, fmt.Sprint("b", i), []string{"x", "y", fmt.Sprint("e", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := m.Page(ctx, "b0", 0, 20); err != httpapi.ErrBatchNotFound {
		t.Errorf("oldest batch: got %v, want ErrBatchNotFound", err)
	}
	ids, total, err := m.Page(ctx, "b999", 0, 20)
	if diff := cmp.Diff([]string{"x", "y", "e999"}, ids); err != nil || total != 3 || diff != "" {
		t.Errorf("newest batch: %v, total %d, err %v", diff, total, err)
	}
	kept := 0
	for i := range 1000 {
		if _, _, err := m.Page(ctx, fmt.Sprint("b", i), 0, 1); err == nil {
			kept++
		}
	}
	// Each batch costs about 3*2*(65)+66 = 456 bytes: at most 21 fit in 10,000.
	if kept == 0 || kept > 22 {
		t.Errorf("%d batches kept, want 1 to 22", kept)
	}
	for range 100 {
		m.Add(ctx, "b999", []string{"x", "y"})
	}
	if _, total, _ := m.Page(ctx, "b999", 0, 20); total != 3 {
		t.Errorf("ids added again: total %d, want 3", total)
	}
}

// TestMemoryBatchesNewestWhole: one batchId resent with ever new events outgrows the
// size alone; it is kept whole (every id listed, in order), never refused nor cut, and
// the other batches are forgotten.
func TestMemoryBatchesNewestWhole(t *testing.T) {
	ctx := context.Background()
	m := httpapi.NewMemoryBatches(10_000)
	if err := m.Add(ctx, "other", []string{"o1"}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 1000 {
		id := fmt.Sprint("e", i)
		want = append(want, id)
		if err := m.Add(ctx, "A", []string{id}); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	ids, total, err := m.Page(ctx, "A", 0, 1000)
	if diff := cmp.Diff(want, ids); err != nil || total != 1000 || diff != "" {
		t.Errorf("the newest batch: total %d, err %v, ids (-want +got):\n%s", total, err, diff)
	}
	if _, _, err := m.Page(ctx, "other", 0, 1); !errors.Is(err, httpapi.ErrBatchNotFound) {
		t.Errorf("the other batch: %v, want ErrBatchNotFound", err)
	}
}

// TestMemoryBatchesKeepsLatest: the batch of the latest Add is never the one forgotten,
// even when its first Add is the oldest: a batch resent with new events, answered 201,
// is read back, and the batch added to least recently goes instead.
func TestMemoryBatchesKeepsLatest(t *testing.T) {
	ctx := context.Background()
	m := httpapi.NewMemoryBatches(1_700) // room for 3 batches of 3 ids (461 bytes each), not for 3 ids more
	for _, b := range []string{"A", "B", "C"} {
		if err := m.Add(ctx, b, []string{b + "1", b + "2", b + "3"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Add(ctx, "A", []string{"A4", "A5", "A6"}); err != nil { // A, resent, grows past the size
		t.Fatal(err)
	}
	if ids, total, err := m.Page(ctx, "A", 0, 10); err != nil || total != 6 {
		t.Errorf("A after its latest Add: %v, %d, %v: want its 6 ids", ids, total, err)
	}
	if _, _, err := m.Page(ctx, "B", 0, 10); !errors.Is(err, httpapi.ErrBatchNotFound) {
		t.Errorf("B, added to least recently: %v, want ErrBatchNotFound", err)
	}
}

// TestAccessLog checks that every request leaves one record with its route and status,
// and no personal data from the body.
func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	url, _ := newServer(t, httpapi.Config{Logger: log})
	do(t, "POST", url+"/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000,"userDetails":{"name":{"firstName":"Zorblax"},"dateOfBirth":"1985-12-10"}}`)
	do(t, "GET", url+"/consumer/users/u1", "")
	do(t, "GET", url+"/nowhere", "")
	type record struct {
		Msg, Method, Route, ID string
		Status                 int
	}
	var got []record
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		got = append(got, r)
	}
	want := []record{
		{"request", "POST", "/consumer/users", "", 201},
		{"request", "GET", "/consumer/users/{userId}", "u1", 200},
		{"request", "GET", "", "", 404},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
	for _, pii := range []string{"Zorblax", "1985-12-10"} {
		if strings.Contains(buf.String(), pii) {
			t.Errorf("the log holds %q", pii)
		}
	}
}

// slowStore is a memstore whose commits take delay (or until their context ends).
type slowStore struct {
	*memstore.Store
	delay time.Duration
}

func (s slowStore) Commit(ctx context.Context, c userevents.Commit) error {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Store.Commit(ctx, c)
}

// TestRequestTimeout: a request's work ends at Config.RequestTimeout, and the answer
// still goes out, as JSON, whatever the server's WriteTimeout: a single event is 503, a
// batch its report, with the events not applied failed as CANCELLED and the applied ones
// listed by GET.
func TestRequestTimeout(t *testing.T) {
	tests := []struct {
		name         string
		delay        time.Duration // of each commit
		timeout      time.Duration // Config.RequestTimeout
		writeTimeout time.Duration // the server's
		events       int           // 1: POST an event; more: a batch
		status       int
		cut          bool // some events of the batch are not applied (batches only)
	}{
		// A commit that outlasts the request's time: 503, nothing applied.
		{"event", 300 * time.Millisecond, 100 * time.Millisecond, 0, 1, http.StatusServiceUnavailable, false},
		// Ten commits of 40 ms in 150 ms: some applied, the rest reported CANCELLED.
		{"batch cut short", 40 * time.Millisecond, 150 * time.Millisecond, 0, 10, http.StatusCreated, true},
		// Work past the server's WriteTimeout (200 ms) but within the request's time:
		// the handler moves the write deadline, and the whole report arrives.
		{"batch past WriteTimeout", 60 * time.Millisecond, 2 * time.Second, 200 * time.Millisecond, 6, http.StatusCreated, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := memstore.New()
			p := userevents.NewProcessor(slowStore{store, tt.delay}, userevents.Config{})
			setup := userevents.NewProcessor(store, userevents.Config{})
			if err := setup.CreateConsumerUser(context.Background(), &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
				t.Fatal(err)
			}
			h, err := httpapi.New(httpapi.Config{APIKey: key, Processor: p, RequestTimeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewUnstartedServer(h)
			srv.Config.WriteTimeout = tt.writeTimeout
			srv.Start()
			defer srv.Close()
			var events []string
			for i := range tt.events {
				events = append(events, fmt.Sprintf(`{"timestamp":1700000000000,"userId":"u1","eventId":"e%d"}`, i))
			}
			path, body := "/events/consumer/user", events[0]
			if tt.events > 1 {
				path, body = "/batch/events/consumer/user", `{"batchId":"B","data":[`+strings.Join(events, ",")+`]}`
			}
			status, header, data := do(t, "POST", srv.URL+path, body)
			if status != tt.status || header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, %s (%s), want %d, JSON", status, header.Get("Content-Type"), data, tt.status)
			}
			if tt.events == 1 {
				return
			}
			var got userevents.BatchResult
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if got.Successful == 0 || got.Successful+got.Failed != tt.events || len(got.FailedRecords) != got.Failed || (got.Failed > 0) != tt.cut {
				t.Errorf("report %+v: want some of %d events applied, every other one a failed record, and failures %v", got, tt.events, tt.cut)
			}
			for _, f := range got.FailedRecords {
				if f.ReasonCode != userevents.ReasonCancelled {
					t.Errorf("failed record %+v, want CANCELLED", f)
				}
			}
			_, _, page := do(t, "GET", srv.URL+"/batch/events/consumer/user/B?pageSize=100", "")
			var list userevents.EventList
			if err := json.Unmarshal(page, &list); err != nil || len(list.ConsumerUserEvents) != got.Successful {
				t.Errorf("GET batch: %d events (%v), want the %d applied", len(list.ConsumerUserEvents), err, got.Successful)
			}
		})
	}
}

// TestNewServerOptionsStar: "OPTIONS *" reaches the handler through NewServer, and is
// answered in JSON like any other request the API has no route for.
func TestNewServerOptionsStar(t *testing.T) {
	h, err := httpapi.New(httpapi.Config{APIKey: key, Processor: userevents.NewProcessor(memstore.New(), userevents.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = httpapi.NewServer(h, nil)
	srv.Start()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "OPTIONS * HTTP/1.1\r\nHost: api\r\nx-api-key: %s\r\n\r\n", key); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body userevents.APIErrorResponse
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusNotFound || body.Message == "" {
		t.Errorf("OPTIONS *: %d, %v, %+v: want a JSON 404", res.StatusCode, err, body)
	}
}
