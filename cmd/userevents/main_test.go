package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compliancekit/userevents/pgstore/pgtest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestMain lets tests run the program itself as a subprocess (for signals, and for the
// memory a server holds): the test binary re-executed with USEREVENTS_TEST_MAIN=1 is
// userevents.
func TestMain(m *testing.M) {
	if os.Getenv("USEREVENTS_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command returns the program as a subprocess with args and the API key in its
// environment.
func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "USEREVENTS_TEST_MAIN=1", "USEREVENTS_API_KEY="+testKey)
	return cmd
}

const testKey = "test-key"

var listening = regexp.MustCompile(`^listening on (127\.0\.0\.1:[0-9]+)$`)

// startServe starts "userevents serve" with args as a subprocess and returns its base
// URL; the server is stopped with SIGTERM at the end of the test, and must exit 0.
func startServe(tb testing.TB, args ...string) (string, *exec.Cmd) {
	tb.Helper()
	cmd := command(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	addr := ""
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		cmd.Process.Kill()
		cmd.Wait()
		tb.Fatalf("serve did not say where it listens")
	}
	go io.Copy(io.Discard, stderr) // the access log
	tb.Cleanup(func() {
		if cmd.ProcessState != nil {
			return
		}
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	return "http://" + addr, cmd
}

// request sends a request with the test key and returns the status and body.
func request(tb testing.TB, method, url, body string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("x-api-key", testKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

// runIn runs the program in process and returns its exit code, standard output and
// standard error.
func runIn(ctx context.Context, stdin string, getenv map[string]string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(ctx, args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return getenv[k] }})
	return code, out.String(), errOut.String()
}

// pgSchema creates a schema of its own for the test, dropped after it, and returns a
// --store URL whose connections use it.
func pgSchema(tb testing.TB) string {
	tb.Helper()
	dsn, err := pgtest.Schema(tb)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// waitExit waits for cmd with a timeout and returns its exit code.
func waitExit(tb testing.TB, cmd *exec.Cmd) int {
	tb.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		tb.Fatal("the program did not exit")
		return -1
	}
}

// cmpSortRows sorts slices with less before comparing them.
func cmpSortRows[T any](less func(a, b T) bool) cmp.Option { return cmpopts.SortSlices(less) }
