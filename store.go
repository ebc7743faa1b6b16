package userevents

import (
	"context"
	"iter"
)

// Store keeps users and events for a Processor. The caller implements it over its own
// database; memstore is the in-memory implementation, and storetest.Run is the
// conformance suite every implementation must pass (under go test -race).
//
// A Store must be safe for concurrent use. Records and entries are shared, read-only
// values: Commit takes ownership of what it is given (the caller never changes it
// afterwards), and what a Store returns the caller never changes (it Clones what it
// wants to change). So an in-memory Store keeps and returns what it was given, without
// copies; a Store must itself never change a value once given or returned.
//
// A Store keeps each user's history: one entry (a StoredEvent) per commit, found by
// Record.HistoryID and version. The library decides what an entry holds (compact
// effects, now and then a whole record as a Snapshot) and builds every history query on
// LoadHistory: Processor.History, UserAt, UserAsOf, and the replays of duplicates. Of
// every commit it makes, the user of c.Record is the replay (Replay) of c.Event on the
// user at c.ExpectedVersion, or c.Event's Snapshot: so a Store may keep a record's
// columns and its history instead of its user, and rebuild the user on load (pgstore
// does, so that a commit writes the event, not the user). A Store may have a method
// SnapshotRatio() int to choose how often a history keeps a snapshot (see History in
// the package documentation; memstore.Store.SnapshotRatio); a Store that wraps another
// forwards it (the function SnapshotRatio).
//
// What a Store accepted it must read back. The decoding limits (Limits) guard input from
// outside and do not bound stored data: a user outgrows them event by event, and values
// built in Go never met them. A Store that keeps JSON decodes it with Unlimited (events
// with DecodeStoredEvent). And it must store every string the library accepts, U+0000
// included (pgstore keeps json, not jsonb, for that). When it cannot read what it holds
// it returns an error wrapping ErrStoredData (HTTP 500), never a bare *ValidationError,
// which would blame the client.
//
// Ids (user, event and history ids) are compared byte for byte: "u1", "U1", "u1 " and
// the NFC and NFD forms of a name are different ids (in SQL: a binary, NO PAD
// comparison, such as PostgreSQL's text with a deterministic collation, or bytea). A
// Store honours its context: under a done ctx, Commit returns an error wrapping
// ctx.Err() and writes nothing, and LoadHistory ends with an error unless it has
// yielded the whole history.
type Store interface {
	// LoadUser returns the record stored under userID, or ErrUserNotFound.
	LoadUser(ctx context.Context, userID string) (Record, error)
	// LoadEvent returns the entry stored under the event id eventID, or
	// ErrEventNotFound. Entries without an event id (creations) are not found by it.
	LoadEvent(ctx context.Context, eventID string) (*StoredEvent, error)
	// LoadHistory yields the entries of the history historyID in version order,
	// starting with the newest entry at or before version at that holds a Snapshot
	// (with at <= 1, from the first entry), and going on to the newest entry; the
	// caller may stop early. It yields nothing for an unknown history, and an error as
	// its last value when it fails.
	LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*StoredEvent, error]
	// Commit stores c.Record and appends c.Event to the history c.Record.HistoryID,
	// in one atomic step, or nothing. It returns
	// ErrUserExists when c.ExpectedVersion is 0 and a user is stored under c.UserID, or
	// when the record is re-keyed to an id that is taken; ErrVersionConflict when
	// c.ExpectedVersion is not 0 and the stored version of c.UserID differs (or no
	// user is stored); ErrEventIDConflict when c.Event.EventID is not empty and an
	// event is already stored under it, for any user.
	Commit(ctx context.Context, c Commit) error
}

// Commit is one atomic write to a Store.
type Commit struct {
	// UserID is the id the record is stored under before the commit.
	UserID string
	// ExpectedVersion is the version the stored record must still have; 0 means that
	// no user may be stored under UserID (the commit creates it).
	ExpectedVersion int64
	// Record is the record to store, with Version = ExpectedVersion + 1. It is stored
	// under Record.UserID(); when that differs from UserID the user is re-keyed and
	// UserID is free afterwards.
	Record Record
	// Event is the history entry of the commit, with Version = Record.Version and
	// HistoryID = Record.HistoryID: an applied event, found afterwards by
	// LoadEvent(Event.EventID) as well; or, when the commit creates the user, its
	// creation (EventID empty, Snapshot set), which starts a new history.
	Event *StoredEvent
}
