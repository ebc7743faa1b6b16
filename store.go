package userevents

import "context"

// Store keeps users and events for a Processor. The caller implements it over its own
// database; memstore is the in-memory implementation, and storetest.Run is the
// conformance suite every implementation must pass (under go test -race).
//
// A Store must be safe for concurrent use, and must copy: the values it returns and
// the values it is given must not alias what it keeps (Record.Clone; an in-memory store
// that keeps every version can use Record.CloneReusing, as memstore does).
//
// What a Store accepted it must read back. The decoding limits (Limits) guard input from
// outside and do not bound stored data: a user outgrows them event by event, and values
// built in Go never met them. A Store that keeps JSON decodes it with Unlimited (events
// with DecodeStoredEvent). And it must store every string the library accepts, U+0000
// included (pgstore keeps json, not jsonb, for that). When it cannot read what it holds
// it returns an error wrapping ErrStoredData (HTTP 500), never a bare *ValidationError,
// which would blame the client.
type Store interface {
	// LoadUser returns a copy of the record stored under userID, or ErrUserNotFound.
	LoadUser(ctx context.Context, userID string) (Record, error)
	// LoadEvent returns a copy of the event stored under eventID, or ErrEventNotFound.
	LoadEvent(ctx context.Context, eventID string) (*StoredEvent, error)
	// Commit stores c.Record and c.Event in one atomic step, or nothing. It returns
	// ErrUserExists when c.ExpectedVersion is 0 and a user is stored under c.UserID, or
	// when the record is re-keyed to an id that is taken; ErrVersionConflict when
	// c.ExpectedVersion is not 0 and the stored version of c.UserID differs (or no
	// user is stored); ErrEventIDConflict when an event is already stored under
	// c.Event.EventID, for any user.
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
	// Event is the event to store under Event.EventID, or nil (a user's creation).
	// Its Previous is the record stored at ExpectedVersion: a store may keep its own
	// copy of that record rather than copy Event.Previous again.
	Event *StoredEvent
}
