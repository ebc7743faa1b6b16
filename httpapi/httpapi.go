// Package httpapi serves Flagright's consumer user event API from a userevents.Processor:
// the handler of the userevents program (cmd/userevents) and of examples/httpserver.
//
// Routes (every one needs the x-api-key header, given once):
//
//	POST /consumer/users                          ?lockKycRiskLevel, lockCraRiskLevel, validateUserId, _krsOnly
//	GET  /consumer/users/{userId}
//	POST /business/users                          (the same flags)
//	GET  /business/users/{userId}
//	POST /events/consumer/user                    ?allowUserTypeConversion, lockKycRiskLevel, lockCraRiskLevel, changeUserId
//	GET  /events/consumer/user/{eventId}
//	POST /batch/events/consumer/user              (the flags of POST /events/consumer/user)
//	GET  /batch/events/consumer/user/{batchId}    ?page (from 1), pageSize (default 20, at most MaxPageSize)
//
// Every answer is JSON, errors included (userevents.APIErrorResponse): an unknown path is a
// 404 and a known path with another method a 405 (with Allow), in JSON, and paths are
// matched as sent, so that "/events/consumer/user/." or "//consumer/users" get their
// answer in one exchange instead of a redirect. Query parameters a route does not know
// are refused (400, unknown_field), as userevents.ParseQuery does. What net/http answers
// itself, before any handler runs, is its own plain text: a request it cannot parse as
// HTTP (a malformed request line or header, a bad percent-escape in the path, two Host
// headers or two different Content-Length headers: 400), headers over MaxHeaderBytes
// (431), an unknown Transfer-Encoding (501) or protocol version (505). No HTTP client
// sends those, and no handler can answer them. A panic under a route (a Store's, a
// Scorer's) is logged with its stack and answered 500 in JSON, unless the answer had
// begun: then the connection is cut, as net/http cuts it.
//
// The handler holds bounded resources. A request body is read up to the library's document
// limit (1 MiB); its first SmallBody bytes are free, the rest comes from a budget shared
// by every request (Config.MaxBodyMemory): a request that finds the budget spent is
// answered 503 at once, with Retry-After, instead of queueing, so that a flood of stalled
// large bodies pins at most that budget and small requests are still served. At most
// Config.MaxInFlight requests are decoded and applied at once; the others wait (until
// their context ends). A request's work ends at Config.RequestTimeout (50 s by default),
// and the handler keeps ReplyTimeout (10 s) after it to answer, moving the connection's
// write deadline there: every request gets its answer, in JSON, even one that ran out of
// time (503), and a batch cut short is answered with its report, its events not applied
// failed as CANCELLED. NewServer adds the timeouts and LimitListener the cap on
// connections that a server facing a network needs.
//
// The API key is compared in constant time (over SHA-256 digests, so its length does not
// leak either); a request without it, with another key, or with the header given twice
// is answered 401, and its connection is closed. The access log (Config.Logger) has one
// record per request with the method, the route, the id in the path, the status, the
// response size and the duration: ids and statuses, no personal data and no client
// address.
package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/compliancekit/userevents"
)

// Config is what New needs. APIKey and Processor are required.
type Config struct {
	// APIKey is the key clients send in the x-api-key header.
	APIKey string
	// Processor applies the events and creates the users.
	Processor *userevents.Processor
	// Batches keeps the event ids of each batch; nil means NewMemoryBatches(DefaultBatchMemory).
	Batches BatchLog
	// Logger receives the access log and the internal errors; nil logs nothing.
	Logger *slog.Logger
	// MaxBodyMemory bounds the bytes of request bodies held at once beyond the first
	// SmallBody bytes of each; 0 means DefaultMaxBodyMemory.
	MaxBodyMemory int64
	// MaxInFlight bounds the requests decoded and applied at once; 0 means
	// DefaultMaxInFlight.
	MaxInFlight int
	// RequestTimeout bounds a request's work, from the end of its headers: waiting among
	// the requests in flight, decoding and applying (reading the body is bounded by the
	// server's ReadTimeout, 30 s with NewServer). A request that
	// runs out of it is answered 503, except a batch, answered with its report: the
	// events applied by then, and the others failed as CANCELLED (nothing is dropped
	// without a word). The handler then has ReplyTimeout more to write the answer: it
	// moves the connection's write deadline there, so the answer goes out whatever the
	// server's WriteTimeout. 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// Defaults of Config.
const (
	// SmallBody is the part of each request body that is read without the shared budget:
	// an event or a user of everyday size.
	SmallBody = 16 << 10
	// DefaultMaxBodyMemory is the default Config.MaxBodyMemory: 64 full-size (1 MiB)
	// bodies at once.
	DefaultMaxBodyMemory = 64 << 20
	// MaxPageSize is the largest pageSize of GET /batch/events/consumer/user/{batchId}.
	MaxPageSize = 1000
	// DefaultPageSize is the pageSize of GET /batch/events/consumer/user/{batchId} when
	// the query has none (Flagright's default).
	DefaultPageSize = 20
	// DefaultRequestTimeout is the default Config.RequestTimeout: with ReplyTimeout, the
	// WriteTimeout of NewServer.
	DefaultRequestTimeout = WriteTimeout - ReplyTimeout
	// ReplyTimeout is how long the handler has to answer once a request's work has
	// ended or run out of time.
	ReplyTimeout = 10 * time.Second
)

// DefaultMaxInFlight is the default Config.MaxInFlight: enough to keep a database busy,
// few enough that the decoded documents of the requests in flight stay small.
var DefaultMaxInFlight = max(16, 8*runtime.GOMAXPROCS(0))

type handler struct {
	timeout  time.Duration
	key      [sha256.Size]byte
	p        *userevents.Processor
	batches  BatchLog
	log      *slog.Logger
	budget   *budget
	inFlight chan struct{}
}

// New returns the API's handler, or an error when cfg lacks what it requires.
func New(cfg Config) (http.Handler, error) {
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("httpapi: an API key is required")
	case cfg.Processor == nil:
		return nil, errors.New("httpapi: a Processor is required")
	}
	h := &handler{key: sha256.Sum256([]byte(cfg.APIKey)), p: cfg.Processor,
		batches: cfg.Batches, log: cfg.Logger}
	if h.batches == nil {
		h.batches = NewMemoryBatches(DefaultBatchMemory)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	memory := cfg.MaxBodyMemory
	if memory <= 0 {
		memory = DefaultMaxBodyMemory
	}
	h.budget = &budget{max: memory}
	n := cfg.MaxInFlight
	if n <= 0 {
		n = DefaultMaxInFlight
	}
	h.inFlight = make(chan struct{}, n)
	h.timeout = cfg.RequestTimeout
	if h.timeout <= 0 {
		h.timeout = DefaultRequestTimeout
	}
	return h, nil
}

// route is one route of the API: its path pattern, split at '/', with "{}" for the id.
type route struct {
	pattern string
	method  string
	// serve answers the request, or returns the error that fail answers.
	serve func(h *handler, w *response, r *http.Request, id string) error
}

var routes = []route{
	{"/consumer/users", http.MethodPost, (*handler).createConsumerUser},
	{"/consumer/users/{userId}", http.MethodGet, (*handler).getConsumerUser},
	{"/business/users", http.MethodPost, (*handler).createBusinessUser},
	{"/business/users/{userId}", http.MethodGet, (*handler).getBusinessUser},
	{"/events/consumer/user", http.MethodPost, (*handler).postEvent},
	{"/events/consumer/user/{eventId}", http.MethodGet, (*handler).getEvent},
	{"/batch/events/consumer/user", http.MethodPost, (*handler).postBatch},
	{"/batch/events/consumer/user/{batchId}", http.MethodGet, (*handler).getBatch},
}

// match finds the routes of a path as sent (its escaped form): the routes whose pattern
// it matches, any method, and the id in it, unescaped. A "." or ".." segment, a doubled or
// a trailing slash is not cleaned: it is a segment like any other (an id), or no route.
func match(escapedPath string) (matched []route, id string, ok bool) {
	segs := strings.Split(escapedPath, "/")
	if len(segs) < 2 || segs[0] != "" {
		return nil, "", false
	}
	segs = segs[1:]
	for _, rt := range routes {
		ps := strings.Split(rt.pattern[1:], "/")
		if len(ps) != len(segs) {
			continue
		}
		var seg string
		good := true
		for i, p := range ps {
			switch {
			case strings.HasPrefix(p, "{"):
				seg = segs[i]
				if seg == "" {
					good = false
				}
			case p != segs[i]:
				good = false
			}
		}
		if !good {
			continue
		}
		if seg != "" {
			u, err := url.PathUnescape(seg)
			if err != nil {
				return nil, "", false
			}
			id = u
		}
		matched = append(matched, rt)
	}
	return matched, id, len(matched) > 0
}

func (h *handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// The work ends at the request's deadline, and the answer has ReplyTimeout after it
	// (a writer without deadlines, such as a test's recorder, has nothing to move).
	ctx, cancel := context.WithDeadline(r.Context(), start.Add(h.timeout))
	defer cancel()
	r = r.WithContext(ctx)
	_ = http.NewResponseController(rw).SetWriteDeadline(start.Add(h.timeout + ReplyTimeout))
	w := &response{ResponseWriter: rw}
	pattern, id := "", ""
	defer func() {
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", pattern),
			slog.Int("status", w.status), slog.Int64("bytes", w.bytes), slog.Duration("duration", time.Since(start))}
		if id != "" {
			attrs = append(attrs, slog.String("id", id))
		}
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	}()
	if !h.authorized(r) {
		// A client without the key gets nothing more from this connection.
		w.Header().Set("Connection", "close")
		reply(w, http.StatusUnauthorized, userevents.APIErrorResponse{Message: "Unauthorized"})
		return
	}
	matched, pathID, ok := match(r.URL.EscapedPath())
	if !ok {
		reply(w, http.StatusNotFound, userevents.APIErrorResponse{Message: "no such route: see the API's routes"})
		return
	}
	var allow []string
	for _, rt := range matched {
		if rt.method == r.Method {
			pattern, id = rt.pattern, pathID
			if err := h.serveRoute(rt, w, r, pathID); err != nil {
				h.fail(w, r, err)
			}
			return
		}
		allow = append(allow, rt.method)
	}
	pattern = matched[0].pattern
	w.Header().Set("Allow", strings.Join(allow, ", "))
	reply(w, http.StatusMethodNotAllowed, userevents.APIErrorResponse{Message: "method not allowed: use " + strings.Join(allow, ", ")})
}

// serveRoute serves r with rt. A panic on the way (a Store's, a Scorer's) is logged
// with its stack and answered as an internal error, in JSON, when nothing of the answer
// is written yet; after that the connection is cut (http.ErrAbortHandler), as net/http
// would cut it, without its own log line.
func (h *handler) serveRoute(rt route, w *response, r *http.Request, id string) (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler || w.status != 0 {
			panic(http.ErrAbortHandler)
		}
		h.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
		err = errPanicked
	}()
	return rt.serve(h, w, r, id)
}

// errPanicked is the error of a route that panicked: an internal error (500).
var errPanicked = errors.New("httpapi: the handler panicked")

// authorized reports whether r carries the API key, once, compared in constant time.
func (h *handler) authorized(r *http.Request) bool {
	keys := r.Header.Values("x-api-key")
	if len(keys) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(keys[0]))
	return subtle.ConstantTimeCompare(got[:], h.key[:]) == 1
}

// response records the status and size of a response for the access log.
type response struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *response) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *response) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// appender is a model value that writes itself with the library's generated encoder.
type appender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// replyBuffers are the buffers of the bodies written with AppendJSON.
var replyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// reply writes v as the JSON body of the answer: a model value with its AppendJSON (the
// generated encoder, into a pooled buffer), anything else with json.Marshal.
func reply(w http.ResponseWriter, status int, v any) {
	var data []byte
	var err error
	if a, ok := v.(appender); ok {
		bp := replyBuffers.Get().(*[]byte)
		defer func() {
			if cap(data) <= 1<<20 { // a buffer grown for a huge user is left to the collector
				*bp = data[:0]
			}
			replyBuffers.Put(bp)
		}()
		data, err = a.AppendJSON((*bp)[:0])
	} else {
		data, err = json.Marshal(v)
	}
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"message":"internal error"}`)
	}
	data = append(data, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

// fail answers err with its status and body (userevents.ErrorResponse), and logs an
// internal error.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		// The client went away, or the request ran out of time: not the server's fault,
		// and no internal error to log (the access log has the request). A Store's own
		// timeout, under a live request, is the server's (500, logged).
		reply(w, http.StatusServiceUnavailable, userevents.APIErrorResponse{Message: "request cancelled or timed out"})
		return
	}
	var se statusError
	if errors.As(err, &se) {
		if se.retryAfter != "" {
			w.Header().Set("Retry-After", se.retryAfter)
		}
		if se.close {
			w.Header().Set("Connection", "close")
		}
		reply(w, se.status, userevents.APIErrorResponse{Message: se.message})
		return
	}
	status, resp := userevents.ErrorResponse(err)
	if status == http.StatusInternalServerError {
		h.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("error", err.Error()))
	}
	reply(w, status, resp)
}

// statusError is an error the handler answers with its own status and message, and
// headers: Retry-After when retryAfter is set, Connection: close when close is.
type statusError struct {
	status     int
	message    string
	retryAfter string
	close      bool
}

func (e statusError) Error() string { return e.message }

// admit waits for a place among the requests in flight; the returned function gives it
// back. It fails when the request's context ends first, or has ended.
func (h *handler) admit(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the client is gone: no work for it, even with places free
	}
	select {
	case h.inFlight <- struct{}{}:
		return func() { <-h.inFlight }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// noQuery refuses any query parameter, for the routes that take none.
func noQuery(rawQuery string) (struct{}, error) {
	if rawQuery == "" {
		return struct{}{}, nil
	}
	return struct{}{}, &userevents.ValidationError{Fields: []userevents.FieldError{{Path: "query", Code: userevents.CodeUnknownField, Message: "this route takes no query parameters"}}}
}

func (h *handler) createConsumerUser(w *response, r *http.Request, _ string) error {
	return create(h, w, r, userevents.DecodeConsumerUser, h.p.CreateConsumerUserWith, func(u *userevents.ConsumerUser) string { return u.UserID })
}

func (h *handler) createBusinessUser(w *response, r *http.Request, _ string) error {
	return create(h, w, r, userevents.DecodeBusinessUser, h.p.CreateBusinessUserWith, func(u *userevents.BusinessUser) string { return u.UserID })
}

// create stores the user of the request with the query's locks, and answers with its id.
func create[U any](h *handler, w *response, r *http.Request,
	decode func([]byte, ...userevents.DecodeOption) (*U, error),
	store func(context.Context, *U, userevents.CreateOptions) error, id func(*U) string) error {
	return post(h, r, userevents.ParseCreateQuery, decode, func(u *U, o userevents.CreateOptions) error {
		if err := store(r.Context(), u, o); err != nil {
			return err
		}
		reply(w, http.StatusCreated, userevents.CreateUserResponse{UserID: id(u)})
		return nil
	})
}

// post serves a POST route: it reads the query with parse (a bad query is refused before
// the body is read), reads the body and, once the request is admitted among those in
// flight, decodes the body with decode and hands the document and the query to serve,
// which answers.
func post[D, Q any](h *handler, r *http.Request, parse func(rawQuery string) (Q, error),
	decode func([]byte, ...userevents.DecodeOption) (D, error), serve func(D, Q) error) error {
	q, err := parse(r.URL.RawQuery)
	if err != nil {
		return err
	}
	data, release, err := h.body(r)
	if err != nil {
		return err
	}
	defer release()
	done, err := h.admit(r.Context())
	if err != nil {
		return err
	}
	defer done()
	doc, err := decode(data)
	if err != nil {
		return err
	}
	return serve(doc, q)
}

// get serves a GET route: it reads the query with parse (a bad query is refused before the
// request waits for admission) and, once the request is admitted among those in flight,
// answers 200 with what fetch returns for the query. T is an appender, so that every GET
// answer is written with the generated encoder: without the constraint, a value with no
// AppendJSON (an EventList where *EventList has it) would be written with json.Marshal,
// silently.
func get[Q any, T appender](h *handler, w *response, r *http.Request, parse func(rawQuery string) (Q, error),
	fetch func(context.Context, Q) (T, error)) error {
	q, err := parse(r.URL.RawQuery)
	if err != nil {
		return err
	}
	done, err := h.admit(r.Context())
	if err != nil {
		return err
	}
	defer done()
	v, err := fetch(r.Context(), q)
	if err != nil {
		return err
	}
	reply(w, http.StatusOK, v)
	return nil
}

func (h *handler) getConsumerUser(w *response, r *http.Request, id string) error {
	return getUser(h, w, r, id, func(rec userevents.Record) *userevents.ConsumerUser { return rec.Consumer }, "business")
}

func (h *handler) getBusinessUser(w *response, r *http.Request, id string) error {
	return getUser(h, w, r, id, func(rec userevents.Record) *userevents.BusinessUser { return rec.Business }, "consumer")
}

// getUser answers with the user of record id, of the kind that of picks from it; a user
// of the other kind (named by other, for the error) is not found. P is *U, an appender.
func getUser[U any, P interface {
	*U
	appender
}](h *handler, w *response, r *http.Request, id string, of func(userevents.Record) *U, other string) error {
	return get(h, w, r, noQuery, func(ctx context.Context, _ struct{}) (P, error) {
		rec, err := h.p.User(ctx, id)
		if err != nil {
			return nil, err
		}
		u := of(rec)
		if u == nil {
			return nil, fmt.Errorf("%w: %q is a %s user", userevents.ErrUserNotFound, id, other)
		}
		return P(u), nil
	})
}

func (h *handler) postEvent(w *response, r *http.Request, _ string) error {
	return post(h, r, userevents.ParseQuery, userevents.DecodeEvent, func(ev *userevents.ConsumerUserEvent, opts userevents.Options) error {
		res, err := h.p.Apply(r.Context(), ev, opts)
		if err != nil {
			return err
		}
		reply(w, http.StatusCreated, &userevents.EventResponse{ConsumerUser: *res.User})
		return nil
	})
}

func (h *handler) getEvent(w *response, r *http.Request, id string) error {
	return get(h, w, r, noQuery, func(ctx context.Context, _ struct{}) (*userevents.StoredEvent, error) { return h.p.Event(ctx, id) })
}
