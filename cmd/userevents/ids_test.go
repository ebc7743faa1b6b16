package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomID returns n random letters: a text that PostgreSQL's btree cannot compress.
func randomID(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// TestBatchIDsPostgres: a batchId PostgreSQL cannot keep as a key (NUL inside, or a few
// KiB of text) is refused with a 400 that applies nothing (it was a 500 after the events
// were applied), and the longest batchId accepted is answered 201 and read back.
func TestBatchIDsPostgres(t *testing.T) {
	url, _ := startServe(t, "--store", pgSchema(t))
	if status, body := request(t, "POST", url+"/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	for i, tc := range []struct {
		name, batchID string
		status        int
	}{
		{"NUL", `b\u0000x`, 400},
		{"9,000 bytes", randomID(9000), 400},
		{"256 bytes, the id limit", randomID(256), 201},
	} {
		eventID := fmt.Sprintf("e%d", i)
		body := fmt.Sprintf(`{"batchId":"%s","data":[{"userId":"u1","timestamp":1700000001000,"eventId":"%s"}]}`, tc.batchID, eventID)
		status, got := request(t, "POST", url+"/batch/events/consumer/user", body)
		applied, _ := request(t, "GET", url+"/events/consumer/user/"+eventID, "")
		if want := map[int]int{400: 404, 201: 200}[tc.status]; status != tc.status || applied != want {
			t.Errorf("%s: POST answered %d %s, GET of its event %d; want %d, and %d", tc.name, status, got, applied, tc.status, want)
			continue
		}
		if status == 201 {
			if st, b := request(t, "GET", url+"/batch/events/consumer/user/"+pathEscape(tc.batchID), ""); st != 200 {
				t.Errorf("%s: answered 201 but GET of its batch is %d %s", tc.name, st, b)
			}
		}
	}
}

// pathEscape escapes every byte but letters and digits.
func pathEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// TestGetUnstorableIDs: an id in the path with NUL (%00) or a byte that is not UTF-8
// (%FF) is not found on every GET route and store (PostgreSQL answered 500: "invalid
// byte sequence for encoding UTF8", SQLSTATE 22021).
func TestGetUnstorableIDs(t *testing.T) {
	for _, store := range []string{"memory", "postgres"} {
		t.Run(store, func(t *testing.T) {
			spec := store
			if store == "postgres" {
				spec = pgSchema(t)
			}
			url, _ := startServe(t, "--store", spec)
			for _, route := range []string{"/consumer/users/", "/business/users/", "/events/consumer/user/", "/batch/events/consumer/user/"} {
				for _, id := range []string{"a%00b", "a%FFb"} {
					status, body := request(t, "GET", url+route+id, "")
					if status != 404 && status != 400 {
						t.Errorf("GET %s%s: %d %s, want 404 (or a 400 field error)", route, id, status, body)
					}
				}
			}
		})
	}
}
