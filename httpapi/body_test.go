package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compliancekit/userevents/httpapi"
)

// stall opens a connection that sends the headers of an event of size bytes and part of
// its body, and then nothing. It returns the connection.
func stall(tb testing.TB, addr string, size int) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	fmt.Fprintf(c, "POST /events/consumer/user HTTP/1.1\r\nHost: x\r\nx-api-key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"timestamp\":1", key, size)
	return c
}

// TestBodyBudget holds stalled large bodies: those past the budget are answered 503 at
// once, a small request is still served, and the budget comes back when they go.
func TestBodyBudget(t *testing.T) {
	url, _ := newServer(t, httpapi.Config{MaxBodyMemory: 200 << 10})
	addr := strings.TrimPrefix(url, "http://")
	// Each stalled body of 100 KiB takes 84 KiB of the budget: two fit, two do not.
	conns := make([]net.Conn, 4)
	for i := range conns {
		conns[i] = stall(t, addr, 100<<10)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			status := 0 // no answer: still reading the body
			if err == nil {
				status = res.StatusCode
				if res.Header.Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After")
				}
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if want := map[int]int{0: 2, 503: 2}; fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("stalled bodies: statuses %v, want %v", statuses, want)
	}
	// A small request needs no budget.
	if status, _, body := do(t, "GET", url+"/events/consumer/user/e1", ""); status != 404 {
		t.Errorf("small request during the stall: %d %s", status, body)
	}
	if status, _, body := do(t, "POST", url+"/events/consumer/user", `{"userId":"u1","timestamp":1700000000000}`); status != 404 {
		t.Errorf("small body during the stall: %d %s", status, body)
	}
	// A large one does not.
	big := `{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat("r", 60<<10) + `","eventDescription":"` + strings.Repeat("d", 40<<10) + `"}`
	if status, _, _ := do(t, "POST", url+"/events/consumer/user", big); status != 503 {
		t.Errorf("large body during the stall: %d, want 503", status)
	}
	for _, c := range conns {
		c.Close()
	}
	// The server notices the closed connections and gives their budget back.
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, _, body := do(t, "POST", url+"/events/consumer/user", big)
		if status == 404 { // read and applied: the user is not there
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("large body after the stall: %d %s, want 404", status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLimitListener checks that the listener keeps at most n connections open.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := httpapi.LimitListener(inner, 2)
	defer ln.Close()
	accepted := make(chan net.Conn, 3)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first := []net.Conn{<-accepted, <-accepted}
	select {
	case <-accepted:
		t.Fatal("a third connection was accepted while two were open")
	case <-time.After(200 * time.Millisecond):
	}
	first[0].Close()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the third connection was not accepted after one closed")
	}
	first[1].Close()
}
