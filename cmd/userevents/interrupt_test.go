package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/compliancekit/userevents"
)

// interruptingStore is a Store whose commit named at is interrupted: the context of the
// run is cancelled during it, and the commit returns the context's error, stored or not.
type interruptingStore struct {
	userevents.Store
	at     string // an eventId, or "user ID" for the creation of user ID
	stored bool   // whether that commit is stored all the same
	cancel context.CancelFunc
	fail   error // what the cut commit returns; nil: the context's error
}

func (s *interruptingStore) Commit(ctx context.Context, c userevents.Commit) error {
	what := c.Event.EventID
	if what == "" {
		what = "user " + c.Record.UserID()
	}
	if what != s.at {
		return s.Store.Commit(ctx, c)
	}
	s.cancel()
	if s.stored {
		if err := s.Store.Commit(context.WithoutCancel(ctx), c); err != nil {
			return err
		}
	}
	if s.fail != nil {
		return s.fail
	}
	return ctx.Err()
}

// TestApplyInterruptedCommit: the lines whose commit an interruption cut are not
// refusals (they were reported CANCELLED, and some were stored): they are counted as not
// confirmed, not in the report, and running again resumes the run, whether their commit
// was stored or not.
func TestApplyInterruptedCommit(t *testing.T) {
	lines := []string{
		`{"userId":"u1","createdTimestamp":1700000000000}`,
		`{"userId":"u2","createdTimestamp":1700000000000}`,
		`{"timestamp":1700000001000,"userId":"u1","eventId":"e1"}`,
		`{"timestamp":1700000002000,"userId":"u1","eventId":"e2"}`,
		`{"timestamp":1700000003000,"userId":"u2","eventId":"e3"}`,
	}
	tests := []struct {
		name          string
		at            string
		stored        bool
		first, second string // the summaries of the interrupted run and of the next one
		fail          error  // the cut commit's error; nil: the context's
	}{
		// The first event, stored: not confirmed, then a duplicate.
		{"event stored", "e1", true,
			"users: 2 created, 0 already present\nevents: 0 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 0 created, 2 already present\nevents: 2 applied, 1 duplicates\nrefused: 0\n", nil},
		// ... not stored: not confirmed, then applied.
		{"event not stored", "e1", false,
			"users: 2 created, 0 already present\nevents: 0 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 0 created, 2 already present\nevents: 3 applied, 0 duplicates\nrefused: 0\n", nil},
		// After an event applied.
		{"second event stored", "e2", true,
			"users: 2 created, 0 already present\nevents: 1 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 0 created, 2 already present\nevents: 1 applied, 2 duplicates\nrefused: 0\n", nil},
		// A user's creation, stored: not confirmed, then present; no event reached.
		{"user stored", "user u2", true,
			"users: 1 created, 0 already present\nevents: 0 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 0 created, 2 already present\nevents: 3 applied, 0 duplicates\nrefused: 0\n", nil},
		// ... not stored: then created.
		{"user not stored", "user u2", false,
			"users: 1 created, 0 already present\nevents: 0 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 1 created, 1 already present\nevents: 3 applied, 0 duplicates\nrefused: 0\n", nil},
		// The store's own failure after the interruption (a connection cut with it), not
		// the context's error: still not confirmed, not a refusal.
		{"event stored, the store failing", "e1", true,
			"users: 2 created, 0 already present\nevents: 0 applied, 0 duplicates\nrefused: 0\ninterrupted: 1 not confirmed",
			"users: 0 created, 2 already present\nevents: 2 applied, 1 duplicates\nrefused: 0\n", errors.New("conn closed")},
	}
	for storeName, newStore := range testStores(t) {
		for _, tt := range tests {
			t.Run(storeName+"/"+tt.name, func(t *testing.T) {
				store := newStore(t)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				cut := &interruptingStore{Store: store, at: tt.at, stored: tt.stored, cancel: cancel, fail: tt.fail}
				code, out, refused := applyLines(ctx, t, cut, "data.ndjson", lines)
				if code != exitUsage || !strings.HasPrefix(out, tt.first+" (") || len(refused) != 0 {
					t.Errorf("interrupted run: exit code %d, summary\n%s\nreport %+v\nwant %d, summary\n%s (...)\nand no report",
						code, out, refused, exitUsage, tt.first)
				}
				code, out, refused = applyLines(context.Background(), t, store, "data.ndjson", lines)
				if code != exitOK || out != tt.second || len(refused) != 0 {
					t.Errorf("next run: exit code %d, summary\n%s\nreport %+v\nwant %d, summary\n%s", code, out, refused, exitOK, tt.second)
				}
			})
		}
	}
}
