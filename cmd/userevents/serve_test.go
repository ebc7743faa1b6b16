package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/httpapi"
	"github.com/google/go-cmp/cmp"
)

// TestServeRefusesToStart checks the ways serve must not start: exit code 2 and a
// message, before it listens.
func TestServeRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("k\n"), 0o600)
	emptyFile := filepath.Join(dir, "empty")
	os.WriteFile(emptyFile, nil, 0o600)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	withKey := map[string]string{"USEREVENTS_API_KEY": "k"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		// No key anywhere.
		{"no key", nil, nil},
		// A key file that is empty.
		{"empty key file", nil, []string{"--api-key-file", emptyFile}},
		// A key file that does not exist.
		{"missing key file", nil, []string{"--api-key-file", filepath.Join(dir, "nope")}},
		// The key both ways: ambiguous.
		{"two keys", withKey, []string{"--api-key-file", keyFile}},
		// An unknown level.
		{"bad level", withKey, []string{"--level", "lenient"}},
		// An unknown store.
		{"bad store", withKey, []string{"--store", "mysql://x"}},
		// A PostgreSQL that is not there.
		{"no database", withKey, []string{"--store", "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2"}},
		// An address in use.
		{"address in use", withKey, []string{"--addr", taken.Addr().String()}},
		// An unknown flag.
		{"unknown flag", withKey, []string{"--api-key", "k"}},
		// Arguments after the flags.
		{"arguments", withKey, []string{"extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runIn(context.Background(), "", tt.env, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if code != exitUsage {
				t.Errorf("exit code %d, want 2 (%s)", code, stderr)
			}
			if strings.Contains(stderr, "listening on") {
				t.Errorf("it listened: %s", stderr)
			}
		})
	}
}

// TestServeSignals stops the server with SIGTERM and with SIGINT: it exits 0 and no
// longer listens.
func TestServeSignals(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			url, cmd := startServe(t)
			if status, body := request(t, "GET", url+"/events/consumer/user/e1", ""); status != 404 {
				t.Fatalf("before the signal: %d %s", status, body)
			}
			cmd.Process.Signal(sig)
			if code := waitExit(t, cmd); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			if c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://")); err == nil {
				c.Close()
				t.Errorf("still listening after %v", sig)
			}
		})
	}
}

// TestServeKeyFile serves with the key from a file, ignoring the environment's absence.
func TestServeKeyFile(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte(testKey+"\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	r, w, _ := os.Pipe()
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--api-key-file", keyFile},
			env{stdin: strings.NewReader(""), stdout: os.Stdout, stderr: w, getenv: func(string) string { return "" }})
		w.Close()
		done <- code
	}()
	var addr string
	fmt.Fscanf(r, "listening on %s\n", &addr)
	go func() {
		var b [4096]byte
		for {
			if _, err := r.Read(b[:]); err != nil {
				return
			}
		}
	}()
	if status, body := request(t, "GET", "http://"+addr+"/consumer/users/nobody", ""); status != 404 {
		t.Errorf("with the file's key: %d %s", status, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// TestServePostgres runs the server on PostgreSQL, end to end: users, an event, a batch
// sent twice and read in pages; then a new server on the same database still has them
// all, batches included.
func TestServePostgres(t *testing.T) {
	store := pgSchema(t)
	url, cmd := startServe(t, "--store", store)
	steps := []struct {
		name, method, path, body string
		status                   int
	}{
		// A user with its KYC level locked.
		{"create", "POST", "/consumer/users?lockKycRiskLevel=true", `{"userId":"u1","createdTimestamp":1700000000000}`, 201},
		// An event that sets the CRA level.
		{"event", "POST", "/events/consumer/user", `{"timestamp":1700000001000,"userId":"u1","eventId":"e0","updatedConsumerUserAttributes":{"riskLevel":"LOW"}}`, 201},
		// A batch of 23 events and one failure, twice.
		{"batch", "POST", "/batch/events/consumer/user", batchBody(23), 201},
		{"batch again", "POST", "/batch/events/consumer/user", batchBody(23), 201},
	}
	for _, s := range steps {
		if status, body := request(t, s.method, url+s.path, s.body); status != s.status {
			t.Fatalf("%s: %d %s, want %d", s.name, status, body, s.status)
		}
	}
	check := func(url string) {
		t.Helper()
		for _, page := range []struct {
			query      string
			first, len int
		}{{"", 0, 20}, {"?page=2", 20, 3}, {"?page=3&pageSize=10", 20, 3}} {
			status, body := request(t, "GET", url+"/batch/events/consumer/user/B"+page.query, "")
			var list userevents.EventList
			if err := json.Unmarshal(body, &list); status != 200 || err != nil {
				t.Fatalf("batch page %q: %d %s", page.query, status, body)
			}
			var got, want []string
			for _, e := range list.ConsumerUserEvents {
				got = append(got, e.EventID)
			}
			for i := page.first; i < page.first+page.len; i++ {
				want = append(want, fmt.Sprintf("b%02d", i))
			}
			if diff := cmp.Diff(want, got); diff != "" || list.TotalCount != 23 {
				t.Errorf("batch page %q: total %d (want 23), ids (-want +got):\n%s", page.query, list.TotalCount, diff)
			}
		}
		status, body := request(t, "GET", url+"/consumer/users/u1", "")
		u, err := userevents.DecodeConsumerUser(body)
		if status != 200 || err != nil {
			t.Fatalf("get user: %d %s %v", status, body, err)
		}
		if u.UserID != "u1" || u.RiskLevel != userevents.RiskLevelLow {
			t.Errorf("user %q, riskLevel %q: want u1, LOW", u.UserID, u.RiskLevel)
		}
	}
	check(url)
	cmd.Process.Signal(syscall.SIGTERM)
	if code := waitExit(t, cmd); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	url2, _ := startServe(t, "--store", store)
	check(url2)
}

// batchBody is batch B: n events b00... for u1, and one for an unknown user.
func batchBody(n int) string {
	var evs []string
	for i := range n {
		evs = append(evs, fmt.Sprintf(`{"timestamp":1700000002000,"userId":"u1","eventId":"b%02d"}`, i))
	}
	evs = append(evs, `{"timestamp":1700000002000,"userId":"nobody","eventId":"x"}`)
	return `{"batchId":"B","data":[` + strings.Join(evs, ",") + `]}`
}

// TestServeDefaults: without --level serve validates at Strict (a user born on 30
// February is refused there, and accepted at Compatible), and without --addr it would
// listen on 127.0.0.1:8080 (its usage says so; the test does not take the port).
func TestServeDefaults(t *testing.T) {
	const user = `{"userId":"u1","createdTimestamp":1600000000000,"userDetails":{"dateOfBirth":"1990-02-30"}}`
	for _, tc := range []struct {
		args   []string
		status int
	}{
		{nil, 400},                               // the default level: Strict
		{[]string{"--level", "compatible"}, 201}, // Compatible takes the pattern only
	} {
		url, _ := startServe(t, tc.args...)
		if status, body := request(t, "POST", url+"/consumer/users", user); status != tc.status {
			t.Errorf("serve %v: POST /consumer/users: %d %s, want %d", tc.args, status, body, tc.status)
		}
	}
	_, _, stderr := runIn(context.Background(), "", nil, "serve", "-h")
	if !strings.Contains(stderr, `default "127.0.0.1:8080"`) {
		t.Errorf("serve -h does not give 127.0.0.1:8080 as the default address:\n%s", stderr)
	}
}

// TestServeDrains: a request in flight when SIGTERM comes is served before serve exits.
// The request's headers and half its body are sent, then the signal; once the server no
// longer accepts connections (it is shutting down), the rest of the body: the answer is
// the 201, and serve then exits 0.
func TestServeDrains(t *testing.T) {
	url, cmd := startServe(t)
	addr := strings.TrimPrefix(url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"userId":"u1","createdTimestamp":1700000000000}`
	head := fmt.Sprintf("POST /consumer/users HTTP/1.1\r\nHost: %s\r\nx-api-key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, testKey, len(body))
	if _, err := io.WriteString(conn, head+body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server reads the headers: the request is in flight
	cmd.Process.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break // shutting down: the listener is closed
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections 10 s after SIGTERM")
		}
	}
	if _, err := io.WriteString(conn, body[len(body)/2:]); err != nil {
		t.Fatalf("the rest of the body: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("the request in flight: status %d, want 201", res.StatusCode)
	}
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// TestShutdownTimeoutCoversARequest: serve waits at least as long as net/http lets a
// request of its server last (its headers, then its body, work and answer up to the
// write timeout), so that the graceful shutdown cuts off no request the server would
// have answered.
func TestShutdownTimeoutCoversARequest(t *testing.T) {
	srv := httpapi.NewServer(nil, nil)
	if longest := srv.ReadHeaderTimeout + srv.WriteTimeout; shutdownTimeout < longest {
		t.Errorf("shutdownTimeout %v, want at least %v", shutdownTimeout, longest)
	}
}

// TestServeShutdownTimesOut: when the requests in flight outlast shutdownTimeout, serve
// cuts them off, logs an error and exits 2 (a run that could not finish), not 0.
func TestServeShutdownTimesOut(t *testing.T) {
	defer func(d time.Duration) { shutdownTimeout = d }(shutdownTimeout)
	shutdownTimeout = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	r, w, _ := os.Pipe()
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"},
			env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: w, getenv: func(string) string { return testKey }})
		w.Close()
		done <- code
	}()
	var addr string
	fmt.Fscanf(r, "listening on %s\n", &addr)
	logged := make(chan []byte)
	go func() {
		data, _ := io.ReadAll(r)
		logged <- data
	}()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A request whose body never ends: in flight until it is cut off.
	fmt.Fprintf(conn, "POST /consumer/users HTTP/1.1\r\nHost: %s\r\nx-api-key: %s\r\nContent-Length: 100\r\n\r\n{", addr, testKey)
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != exitUsage {
			t.Errorf("exit code %d, want 2", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after its shutdown timeout")
	}
	// The request was cut off: its connection is closed, not left waiting.
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the stalled request's connection: read %v, want it closed", err)
	}
	var failures int
	for line := range strings.Lines(string(<-logged)) {
		var rec struct{ Level, Msg string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Level == "ERROR" {
			failures++
		}
	}
	if failures == 0 {
		t.Error("no error logged for the requests cut off")
	}
}
