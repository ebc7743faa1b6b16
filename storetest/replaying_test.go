package storetest

import (
	"context"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// replayingStore keeps a user as its history, as pgstore does: LoadUser rebuilds the
// user from the newest snapshot and the entries after it (userevents.Replay), without
// any cache. The suite's claim that its commits are replays of their entries is checked
// here without PostgreSQL.
type replayingStore struct{ *memstore.Store }

func (s replayingStore) LoadUser(ctx context.Context, id string) (userevents.Record, error) {
	rec, err := s.Store.LoadUser(ctx, id)
	if err != nil {
		return rec, err
	}
	var window []*userevents.StoredEvent
	for e, err := range s.Store.LoadHistory(ctx, rec.HistoryID, rec.Version) {
		if err != nil {
			return userevents.Record{}, err
		}
		if e.Version > rec.Version {
			break
		}
		window = append(window, e)
	}
	got, err := userevents.Replay(userevents.Record{}, window)
	if err != nil {
		return userevents.Record{}, err
	}
	rec.Consumer, rec.Business = got.Consumer, got.Business
	return rec, nil
}

// TestSuiteOnReplayingStore runs the suite on a Store that keeps users as their history:
// the suite's commits are replays of their entries, as the library's are (store.go).
func TestSuiteOnReplayingStore(t *testing.T) {
	Run(t, func(t *testing.T) userevents.Store { return replayingStore{memstore.New()} })
}
