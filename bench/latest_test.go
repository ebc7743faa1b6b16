package bench

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/compliancekit/userevents"
)

// latestStore keeps the current record of each user and nothing else: no history, no
// event index. It is not a Store the library would accept in production (it forgets
// every event, so it cannot answer a replay), only the control that measures the
// library's work apart from what a store keeps.
type latestStore struct {
	mu    sync.Mutex
	users map[string]userevents.Record
}

func (s *latestStore) LoadUser(_ context.Context, id string) (userevents.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.users[id]
	if !ok {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	return r, nil
}

func (s *latestStore) LoadEvent(context.Context, string) (*userevents.StoredEvent, error) {
	return nil, userevents.ErrEventNotFound
}

func (s *latestStore) LoadHistory(context.Context, string, int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(func(*userevents.StoredEvent, error) bool) {}
}

func (s *latestStore) Commit(_ context.Context, c userevents.Commit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.users[c.UserID]; ok && r.Version != c.ExpectedVersion || !ok && c.ExpectedVersion != 0 {
		return fmt.Errorf("%w: %q", userevents.ErrVersionConflict, c.UserID)
	}
	delete(s.users, c.UserID)
	s.users[c.Record.UserID()] = c.Record
	return nil
}

// BenchmarkLibraryLatest is BenchmarkLibrary over latestStore: the Processor and the
// pure Apply without a store that keeps every event, so without the growing heap
// (docs/BENCHMARKS.md, sixth pass).
func BenchmarkLibraryLatest(b *testing.B) {
	benchLibrary(b, appendJSON, func() userevents.Store { return &latestStore{users: map[string]userevents.Record{}} })
}
