package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/httpapi"
)

// shutdownTimeout is how long serve waits for the requests in flight when it stops: the
// longest a request may take from its connection to its answer (its headers, then the
// handler's RequestTimeout, which serve leaves at its default, and ReplyTimeout), so
// that no request the server would answer is cut off. A variable for the tests.
var shutdownTimeout = httpapi.ReadHeaderTimeout + httpapi.DefaultRequestTimeout + httpapi.ReplyTimeout

func serve(ctx context.Context, args []string, e env) int {
	fs := newFlags("serve", e)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (HOST:0 picks a free port)")
	storeSpec := fs.String("store", "memory", `"memory" or a postgres:// URL`)
	var level levelFlag
	fs.Var(&level, "level", "validation level: strict or compatible")
	keyFile := fs.String("api-key-file", "", "file holding the API key (default: $USEREVENTS_API_KEY)")
	maxConns := fs.Int("max-conns", httpapi.DefaultMaxConns, "connections open at once, at most")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.fail("serve", fmt.Sprintf("unexpected arguments %q", fs.Args()))
	}
	key, err := apiKey(*keyFile, e)
	if err != nil {
		return e.fail("serve", err)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	st, err := openStore(ctx, *storeSpec)
	if err != nil {
		return e.fail("serve", err)
	}
	defer st.close()
	h, err := httpapi.New(httpapi.Config{
		APIKey:    key,
		Processor: userevents.NewProcessor(st.store, userevents.Config{Level: level.level}),
		Batches:   st.batches,
		Logger:    log,
	})
	if err != nil {
		return e.fail("serve", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return e.fail("serve", err)
	}
	srv := httpapi.NewServer(h, log)
	fmt.Fprintf(e.stderr, "listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(httpapi.LimitListener(ln, *maxConns)) }()
	select {
	case err := <-served:
		return e.fail("serve", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stop, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	code := exitOK
	if err := srv.Shutdown(stop); err != nil {
		// Requests still in flight past the longest a request may take: they are cut
		// off without their answer, and the run did not end cleanly.
		log.Error("shutdown: requests in flight cut off", "timeout", shutdownTimeout.String(), "error", err.Error())
		srv.Close()
		code = exitUsage
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "error", err.Error())
	}
	return code
}

// apiKey reads the API key from the file, or else from USEREVENTS_API_KEY; giving both,
// or neither, or an empty key, is an error.
func apiKey(file string, e env) (string, error) {
	fromEnv := e.getenv("USEREVENTS_API_KEY")
	switch {
	case file != "" && fromEnv != "":
		return "", errors.New("both USEREVENTS_API_KEY and --api-key-file are set: give the key one way")
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		key := strings.TrimRight(string(data), "\r\n")
		if key == "" || strings.ContainsAny(key, "\r\n") {
			return "", fmt.Errorf("%s: want one line with the API key", file)
		}
		return key, nil
	case fromEnv != "":
		return fromEnv, nil
	}
	return "", errors.New("an API key is required: set USEREVENTS_API_KEY or --api-key-file")
}
