package storetest

import (
	"context"
	"iter"

	"github.com/compliancekit/userevents"
)

// The operations FaultyStore reports to its hooks.
const (
	OpLoadUser    = "LoadUser"
	OpLoadEvent   = "LoadEvent"
	OpLoadHistory = "LoadHistory"
	OpCommit      = "Commit"
)

// FaultyStore wraps a Store and injects faults, for testing code that uses a Store (such
// as userevents.Processor): failed calls, calls that outlive their context, and commits
// that happen but report an error.
type FaultyStore struct {
	// Store does the real work.
	Store userevents.Store
	// Before, when set, runs before each call with the operation's name; a non-nil
	// error is returned instead of calling Store. It may block (for example until
	// ctx is done, to simulate a deadline).
	Before func(ctx context.Context, op string) error
	// AfterCommit, when set, runs after each successful Commit; a non-nil error is
	// returned although the commit happened: an ambiguous failure, like a lost
	// network reply.
	AfterCommit func(ctx context.Context, c userevents.Commit) error
}

var _ userevents.Store = (*FaultyStore)(nil)

// SnapshotRatio is the snapshot ratio of f.Store (userevents.SnapshotRatio).
func (f *FaultyStore) SnapshotRatio() int { return userevents.SnapshotRatio(f.Store) }

func (f *FaultyStore) before(ctx context.Context, op string) error {
	if f.Before == nil {
		return nil
	}
	return f.Before(ctx, op)
}

// LoadUser calls Before, then Store.LoadUser.
func (f *FaultyStore) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	if err := f.before(ctx, OpLoadUser); err != nil {
		return userevents.Record{}, err
	}
	return f.Store.LoadUser(ctx, userID)
}

// LoadEvent calls Before, then Store.LoadEvent.
func (f *FaultyStore) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	if err := f.before(ctx, OpLoadEvent); err != nil {
		return nil, err
	}
	return f.Store.LoadEvent(ctx, eventID)
}

// LoadHistory calls Before, then Store.LoadHistory.
func (f *FaultyStore) LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(yield func(*userevents.StoredEvent, error) bool) {
		if err := f.before(ctx, OpLoadHistory); err != nil {
			yield(nil, err)
			return
		}
		f.Store.LoadHistory(ctx, historyID, at)(yield)
	}
}

// Commit calls Before, then Store.Commit, then AfterCommit if the commit succeeded.
func (f *FaultyStore) Commit(ctx context.Context, c userevents.Commit) error {
	if err := f.before(ctx, OpCommit); err != nil {
		return err
	}
	if err := f.Store.Commit(ctx, c); err != nil {
		return err
	}
	if f.AfterCommit != nil {
		return f.AfterCommit(ctx, c)
	}
	return nil
}
