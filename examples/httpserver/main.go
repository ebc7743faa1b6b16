// Command httpserver serves Flagright's consumer user event API from the userevents
// library and its in-memory store: a drop-in target for Flagright's SDKs.
//
//	go run ./examples/httpserver -addr 127.0.0.1:8080 -api-key secret
//
// Routes: POST /consumer/users, POST /business/users, POST /events/consumer/user
// (query flags allowUserTypeConversion, lockKycRiskLevel, lockCraRiskLevel,
// changeUserId), GET /events/consumer/user/{eventId}, POST /batch/events/consumer/user,
// GET /batch/events/consumer/user/{batchId}. Every request needs the x-api-key header.
// The HTTP layer is thin on purpose: decoding, validation, the apply rules, error
// statuses and response bodies all come from the library.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	apiKey := flag.String("api-key", os.Getenv("USEREVENTS_API_KEY"), "the x-api-key clients must send (default $USEREVENTS_API_KEY)")
	level := flag.String("level", "strict", "validation level: strict or compatible")
	flag.Parse()
	if *apiKey == "" {
		log.Fatal("an API key is required: -api-key or USEREVENTS_API_KEY")
	}
	cfg := userevents.Config{}
	switch *level {
	case "strict":
	case "compatible":
		cfg.Level = userevents.Compatible
	default:
		log.Fatalf("unknown level %q", *level)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: newServer(*apiKey, userevents.NewProcessor(memstore.New(), cfg)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on http://%s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// server routes the API to a Processor. It remembers the events of each batch, for GET
// /batch/events/consumer/user/{batchId}.
type server struct {
	apiKey string
	p      *userevents.Processor
	mu     sync.Mutex
	// batches maps a batch id to the ids of its events.
	batches map[string][]string
}

func newServer(apiKey string, p *userevents.Processor) http.Handler {
	s := &server{apiKey: apiKey, p: p, batches: map[string][]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /consumer/users", s.createConsumerUser)
	mux.HandleFunc("POST /business/users", s.createBusinessUser)
	mux.HandleFunc("POST /events/consumer/user", s.postEvent)
	mux.HandleFunc("GET /events/consumer/user/{eventId}", s.getEvent)
	mux.HandleFunc("POST /batch/events/consumer/user", s.postBatch)
	mux.HandleFunc("GET /batch/events/consumer/user/{batchId}", s.getBatch)
	return s.auth(mux)
}

func (s *server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != s.apiKey {
			reply(w, http.StatusUnauthorized, userevents.APIErrorResponse{Message: "Unauthorized"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// body reads a request body, one byte past the document limit so that the library
// reports an oversized body as too_large.
func body(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, int64(userevents.DefaultLimits().MaxBytes)+1))
}

// withFlags reads the query flags and the body of an event request. The flags are read
// from the raw query: r.URL.Query() drops what it cannot parse, and with it a flag.
func withFlags(r *http.Request) (userevents.Options, []byte, error) {
	opts, err := userevents.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return opts, nil, err
	}
	data, err := body(r)
	return opts, data, err
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, err error) {
	status, resp := userevents.ErrorResponse(err)
	if status == http.StatusInternalServerError {
		log.Printf("internal error: %v", err)
	}
	reply(w, status, resp)
}

func (s *server) createConsumerUser(w http.ResponseWriter, r *http.Request) {
	create(w, r, userevents.DecodeConsumerUser, s.p.CreateConsumerUser, func(u *userevents.ConsumerUser) string { return u.UserID })
}

func (s *server) createBusinessUser(w http.ResponseWriter, r *http.Request) {
	create(w, r, userevents.DecodeBusinessUser, s.p.CreateBusinessUser, func(u *userevents.BusinessUser) string { return u.UserID })
}

// create decodes a user from the request, stores it, and answers with its id.
func create[U any](w http.ResponseWriter, r *http.Request,
	decode func([]byte, ...userevents.DecodeOption) (*U, error),
	store func(context.Context, *U) error, id func(*U) string) {
	data, err := body(r)
	if err != nil {
		fail(w, err)
		return
	}
	u, err := decode(data)
	if err == nil {
		err = store(r.Context(), u)
	}
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusCreated, userevents.CreateUserResponse{UserID: id(u)})
}

func (s *server) postEvent(w http.ResponseWriter, r *http.Request) {
	opts, data, err := withFlags(r)
	if err != nil {
		fail(w, err)
		return
	}
	ev, err := userevents.DecodeEvent(data)
	if err != nil {
		fail(w, err)
		return
	}
	res, err := s.p.Apply(r.Context(), ev, opts)
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusCreated, userevents.EventResponse{ConsumerUser: *res.User})
}

func (s *server) getEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.p.Event(r.Context(), r.PathValue("eventId"))
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, e)
}

func (s *server) postBatch(w http.ResponseWriter, r *http.Request) {
	opts, data, err := withFlags(r)
	if err != nil {
		fail(w, err)
		return
	}
	// A batch that is not well-formed fails whole; a record that does not decode fails
	// alone, as a failed record, and the others apply.
	batch, err := userevents.DecodeEventBatch(data)
	if err != nil {
		fail(w, err)
		return
	}
	res, err := s.p.ApplyEventBatch(r.Context(), batch, opts)
	if err != nil {
		fail(w, err)
		return
	}
	if res.BatchID == "" {
		res.BatchID = fmt.Sprintf("batch-%d", time.Now().UnixNano())
	}
	var ids []string
	for _, item := range res.Results {
		if item.Result != nil {
			ids = append(ids, item.Result.Event.EventID)
		}
	}
	s.mu.Lock()
	s.batches[res.BatchID] = append(s.batches[res.BatchID], ids...)
	s.mu.Unlock()
	reply(w, http.StatusCreated, res)
}

func (s *server) getBatch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ids, ok := s.batches[r.PathValue("batchId")]
	s.mu.Unlock()
	if !ok {
		reply(w, http.StatusNotFound, userevents.APIErrorResponse{Message: "batch not found"})
		return
	}
	list := userevents.EventList{ConsumerUserEvents: []*userevents.StoredEvent{}}
	for _, id := range ids {
		e, err := s.p.Event(r.Context(), id)
		if err != nil {
			fail(w, err)
			return
		}
		list.ConsumerUserEvents = append(list.ConsumerUserEvents, e)
	}
	list.TotalCount = len(list.ConsumerUserEvents)
	reply(w, http.StatusOK, list)
}
