package main

import (
	"encoding/json"
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
// KiB of text) is refused with a 400 that applies nothing, and a batch answered 201 is
// read back (it was a 500 after the events were applied).
func TestBatchIDsPostgres(t *testing.T) {
	url, _ := startServe(t, "--store", pgSchema(t))
	if status, body := request(t, "POST", url+"/consumer/users", `{"userId":"u1","createdTimestamp":1700000000000}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	for i, batchID := range []string{`b\u0000x`, randomID(9000)} {
		eventID := fmt.Sprintf("e%d", i)
		body := fmt.Sprintf(`{"batchId":"%s","data":[{"userId":"u1","timestamp":1700000001000,"eventId":"%s"}]}`, batchID, eventID)
		status, got := request(t, "POST", url+"/batch/events/consumer/user", body)
		applied, _ := request(t, "GET", url+"/events/consumer/user/"+eventID, "")
		if status != 201 && !(status == 400 && applied == 404) {
			t.Errorf("batch %d: POST answered %d %s, and its event is stored: GET /events/consumer/user/%s is %d; want 201, or a 400 that applied nothing",
				i, status, got, eventID, applied)
			continue
		}
		if status == 201 {
			var resp struct{ BatchID string }
			json.Unmarshal(got, &resp)
			if st, b := request(t, "GET", url+"/batch/events/consumer/user/"+pathEscape(resp.BatchID), ""); st != 200 {
				t.Errorf("batch %d: answered 201 but GET of its batch is %d %s", i, st, b)
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
