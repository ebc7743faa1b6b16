package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/google/go-cmp/cmp"
)

// testStores returns the stores the apply tests run on, by name: a memory store, and
// a PostgreSQL schema of the test's own.
func testStores(t *testing.T) map[string]func(t *testing.T) userevents.Store {
	return map[string]func(t *testing.T) userevents.Store{
		"memory": func(*testing.T) userevents.Store { return memstore.New() },
		"postgres": func(t *testing.T) userevents.Store {
			st, err := openStore(context.Background(), pgSchema(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(st.close)
			return st.store
		},
	}
}

// applyLines writes lines to a file of dir and applies it to store at Strict with one
// worker; it returns the exit code, the summary and the report.
func applyLines(ctx context.Context, t *testing.T, store userevents.Store, name string, lines []string) (int, string, []refusal) {
	t.Helper()
	dir := t.TempDir()
	file, report := filepath.Join(dir, name), filepath.Join(dir, "refused.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr strings.Builder
	code := applyTo(ctx, env{stdout: &out, stderr: &stderr}, store,
		applyOptions{files: []string{file}, report: report, level: userevents.Strict, workers: 1})
	refused := readReport(t, report)
	for i := range refused {
		refused[i].File = filepath.Base(refused[i].File)
	}
	return code, out.String(), refused
}

// TestApplyUserTaken: a user line whose id is taken is "already present" when the stored
// user was created from that line, events applied since or not (a resumed run), and
// refused with USER_ID_TAKEN when it is a different user (it was counted as present,
// and dropped).
func TestApplyUserTaken(t *testing.T) {
	const (
		first   = `{"userId":"u1","createdTimestamp":1600000000000,"occupation":"first"}`
		another = `{"userId":"u1","createdTimestamp":1650000000000,"occupation":"another person"}`
		// U+0308 after "e": stored as "ë" (NFC) under Strict.
		decomposed = `{"userId":"u1","createdTimestamp":1600000000000,"userDetails":{"name":{"firstName":"Zoe\u0308"}}}`
		business   = `{"userId":"b1","createdTimestamp":1600000000000,"legalEntity":{"companyGeneralDetails":{"legalName":"ACME"}}}`
		event      = `{"timestamp":1700000000000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"changed"}}`
	)
	taken := []refusal{{File: "second.ndjson", Line: 1, ID: "u1", ReasonCode: userevents.ReasonUserExists}}
	tests := []struct {
		name          string
		first, second []string
		convert       string // a business user to convert to a consumer between the runs
		code          int    // of the second run
		users         string // the users line of its summary
		refused       []refusal
	}{
		// The same lines again, an event applied since: present, the event a duplicate.
		{name: "resumed", first: []string{first, event}, second: []string{first, event},
			users: "users: 0 created, 1 already present"},
		// A user whose names the library normalised when it stored it: still the same.
		{name: "resumed, names normalised", first: []string{decomposed}, second: []string{decomposed},
			users: "users: 0 created, 1 already present"},
		// A business user converted since: its record at version 1 is the business user.
		{name: "resumed, converted since", first: []string{business}, second: []string{business}, convert: "b1",
			users: "users: 0 created, 1 already present"},
		// Another user under a stored id, events applied to the stored one or not.
		{name: "different user", first: []string{first}, second: []string{another},
			code: exitProblems, users: "users: 0 created, 0 already present", refused: taken},
		{name: "different user, events since", first: []string{first, event}, second: []string{another},
			code: exitProblems, users: "users: 0 created, 0 already present", refused: taken},
		// A consumer line for a stored business user.
		{name: "business user under the id", first: []string{strings.Replace(business, "b1", "u1", 1)}, second: []string{first},
			code: exitProblems, users: "users: 0 created, 0 already present", refused: taken},
		// Two users with one id in one input (the auditor's case): the second refused.
		{name: "two users in one input", second: []string{first, another},
			code: exitProblems, users: "users: 1 created, 0 already present", refused: []refusal{
				{File: "second.ndjson", Line: 2, ID: "u1", ReasonCode: userevents.ReasonUserExists}}},
		// One user twice in one input: created, then present.
		{name: "one user twice in one input", second: []string{first, first},
			users: "users: 1 created, 1 already present"},
	}
	for storeName, newStore := range testStores(t) {
		for _, tt := range tests {
			t.Run(storeName+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				store := newStore(t)
				if code, out, _ := applyLines(ctx, t, store, "first.ndjson", tt.first); code != exitOK {
					t.Fatalf("first run: exit code %d\n%s", code, out)
				}
				if tt.convert != "" {
					convert(t, store, tt.convert)
				}
				code, out, refused := applyLines(ctx, t, store, "second.ndjson", tt.second)
				if code != tt.code {
					t.Errorf("exit code %d, want %d\n%s", code, tt.code, out)
				}
				if users, _, _ := strings.Cut(out, "\n"); users != tt.users {
					t.Errorf("summary %q, want %q", users, tt.users)
				}
				if diff := cmp.Diff(tt.refused, refused); diff != "" {
					t.Errorf("report (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// convert converts business user id to a consumer user with an event.
func convert(t *testing.T, store userevents.Store, id string) {
	t.Helper()
	ev, err := userevents.DecodeEvent([]byte(`{"timestamp":1700000000000,"userId":"` + id + `","eventId":"conv"}`))
	if err != nil {
		t.Fatal(err)
	}
	p := userevents.NewProcessor(store, userevents.Config{})
	if _, err := p.Apply(context.Background(), ev, userevents.Options{AllowUserTypeConversion: true}); err != nil {
		t.Fatal(err)
	}
	if rec, err := p.User(context.Background(), id); err != nil || rec.Consumer == nil {
		t.Fatalf("not converted: %v", err)
	}
}
