package userevents

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// A user's history is the list of its history entries (StoredEvents), one per commit, in
// version order: the creation (version 1, no event, its Snapshot the created record),
// then one entry per applied event. Entries are compact: the event as sent, the flags,
// the level it was applied at and the risk scores it produced (the effects that depend
// on the Config of the day), its changes and transitions; every so often an entry also
// holds the whole record after it (Snapshot). The record at any version is the newest
// snapshot at or before it, with the entries after the snapshot replayed on it (replayEntry):
// a replay is the pure merge of the stored event, so it never depends on today's Config.
//
// The library decides when to keep a snapshot: when the events logged since the last one
// add up (in bytes of JSON) to snapshotRatio-th of the size of the record at that
// snapshot. So snapshots cost at most snapshotRatio times the bytes of the events
// (memory grows with the events, not with the users they change), and a past state is
// rebuilt from at most a user's worth of events.

// snapshotRatio is the share of the record's size, in bytes of events, after which the
// library keeps the next snapshot.
const snapshotRatio = 4

// snapshotDue returns the bytes of events to log before the snapshot after rec.
func snapshotDue(rec *Record) int64 {
	var n int
	switch {
	case rec.Consumer != nil:
		n = jsonSize(rec.Consumer.appendJSON)
	case rec.Business != nil:
		n = jsonSize(rec.Business.appendJSON)
	}
	return int64(n/snapshotRatio) + 1
}

// sizeBuffers are the buffers jsonSize writes into: every commit measures its event,
// and replays too, so the JSON written only to be counted is not allocated each time.
var sizeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// jsonSize returns the length of what appendJSON writes.
func jsonSize(appendJSON func([]byte) []byte) int {
	bp := sizeBuffers.Get().(*[]byte)
	b := appendJSON((*bp)[:0])
	if cap(b) <= 256<<10 { // a buffer grown for a huge user is left to the collector
		*bp = b[:0]
	}
	sizeBuffers.Put(bp)
	return len(b)
}

// logEntry sets the snapshot bookkeeping of a new commit: it charges the event ev to
// next.SnapshotDue, and when that is spent it returns next whole, the snapshot for the
// commit's entry (else nil). A record of no history (HistoryID empty: one built by the
// caller for the pure Apply, not loaded from a Store) has no snapshots to keep: without
// this, every Apply to such a record (whose SnapshotDue is 0) would encode the whole user
// to size its next snapshot.
func logEntry(next *Record, ev *ConsumerUserEvent) *Record {
	if next.HistoryID == "" {
		return nil
	}
	next.SnapshotDue -= int64(jsonSize(ev.appendJSON))
	if next.SnapshotDue > 0 {
		return nil
	}
	next.SnapshotDue = snapshotDue(next)
	snap := *next
	return &snap
}

// creationEntry returns the history entry of a new record: version 1, a snapshot.
func creationEntry(rec *Record) *StoredEvent {
	rec.SnapshotDue = snapshotDue(rec)
	snap := *rec
	return &StoredEvent{Version: rec.Version, HistoryID: rec.HistoryID, Snapshot: &snap}
}

// replayEntry returns the record after entry e, given the record prev at the version
// before it. It is the fold step of a history: the snapshot when e holds one, else
// replayMerge.
func replayEntry(prev Record, e *StoredEvent) (Record, error) {
	if e.Snapshot != nil {
		return *e.Snapshot, nil
	}
	if e.EventID == "" && e.Version == 1 {
		return Record{}, fmt.Errorf("%w: the creation of history %q holds no snapshot", ErrStoredData, e.HistoryID)
	}
	return replayMerge(prev, e)
}

// replayMerge applies the event of entry e to prev as a replay: the pure merge of e's
// event with e's flags at e's level, with e's risk scores; the rules that can only
// refuse (transitions, user-id changes, stale events, the clock) are not asked again,
// and no scorer runs. So it never depends on today's Config.
func replayMerge(prev Record, e *StoredEvent) (Record, error) {
	cfg := Config{Level: e.Level}
	if e.RiskScoreDetails != nil {
		d := e.RiskScoreDetails
		cfg.Scorer = func(*ConsumerUser) (*UserRiskScoreDetails, error) { return d, nil }
	}
	a := applied{m: merger{quiet: true}}
	if err := a.apply(prev, &e.ConsumerUserEvent, e.Options, cfg, false); err != nil {
		return Record{}, fmt.Errorf("%w: replaying event %q at version %d: %w", ErrStoredData, e.EventID, e.Version, err)
	}
	// The outcome (changes, transitions, the entry) is not assembled again; only the
	// bookkeeping is, so that the record is the one committed.
	logEntry(&a.next, &e.ConsumerUserEvent)
	return a.next, nil
}

// User returns the current record of userID (ErrUserNotFound): a shared, read-only
// value.
func (p *Processor) User(ctx context.Context, userID string) (Record, error) {
	return p.loadUser(ctx, userID)
}

// History yields the events of userID in commit order, oldest first, including those
// committed under an earlier id (before a re-key) and before a conversion; the user's
// creation, which is no event, is not among them. It yields ErrUserNotFound when no user
// has the id. The events are shared, read-only values.
func (p *Processor) History(ctx context.Context, userID string) iter.Seq2[*StoredEvent, error] {
	return func(yield func(*StoredEvent, error) bool) {
		rec, err := p.loadUser(ctx, userID)
		if err != nil {
			yield(nil, err)
			return
		}
		for e, err := range p.store.LoadHistory(ctx, rec.HistoryID, 1) {
			if err != nil {
				yield(nil, err)
				return
			}
			if e.Version > rec.Version {
				return
			}
			if e.EventID == "" {
				continue
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// UserAt returns the record of userID exactly as committed at version: the user (a
// business user before a conversion), the locks, the newest event timestamp. The user is
// found by its current id; versions count its commits across re-keys. It returns
// ErrUserNotFound when no user has the id, or it has no such version.
func (p *Processor) UserAt(ctx context.Context, userID string, version int64) (Record, error) {
	rec, err := p.loadUser(ctx, userID)
	if err != nil {
		return Record{}, err
	}
	switch {
	case version == rec.Version:
		return rec, nil
	case version < 1 || version > rec.Version:
		return Record{}, fmt.Errorf("%w: %q has no version %d (versions 1 to %d)", ErrUserNotFound, userID, version, rec.Version)
	}
	return p.rebuild(ctx, rec.HistoryID, version)
}

// rebuild returns the record of history id at version: the newest snapshot at or before
// it, with the entries after it replayed.
func (p *Processor) rebuild(ctx context.Context, historyID string, version int64) (Record, error) {
	window, err := p.window(ctx, historyID, version)
	if err != nil {
		return Record{}, err
	}
	return replayWindow(window)
}

// replayWindow returns the record after the last entry of window, which starts with a
// snapshot (Processor.window).
func replayWindow(window []*StoredEvent) (Record, error) {
	var rec Record
	for _, e := range window {
		var err error
		if rec, err = replayEntry(rec, e); err != nil {
			return Record{}, err
		}
	}
	return rec, nil
}

// UserAsOf returns the record of userID as of event time timestamp (milliseconds since
// the Unix epoch). Under ArrivalOrder it is the record at the last version whose newest
// applied event timestamp (Record.LastEventTimestamp) is at most timestamp. Under
// TimestampOrder it is the fold (Fold) of the user's creation and every event of its
// timeline with a timestamp at most timestamp, with the rules that can only refuse left
// out (each event was accepted once): a record that may never have been committed, whose
// Version counts the creation and the events folded. In both, the created record, which no event dated, counts from
// the user's createdTimestamp: UserAsOf returns ErrUserNotFound when no user has the id,
// or when timestamp is before its createdTimestamp. It reads the user's history from its
// creation.
func (p *Processor) UserAsOf(ctx context.Context, userID string, timestamp float64) (Record, error) {
	rec, err := p.loadUser(ctx, userID)
	if err != nil {
		return Record{}, err
	}
	if timestamp < createdAt(rec) {
		return Record{}, fmt.Errorf("%w: %q as of %.0f, before its creation", ErrUserNotFound, userID, timestamp)
	}
	if rec.LastEventTimestamp <= timestamp {
		return rec, nil
	}
	if p.cfg.Order == TimestampOrder {
		return p.userAsOfTimeline(ctx, rec, timestamp)
	}
	// The newest applied timestamp never decreases with the version: the record wanted
	// is the one before the first event dated after timestamp.
	last := int64(0)
	for e, err := range p.store.LoadHistory(ctx, rec.HistoryID, 1) {
		if err != nil {
			return Record{}, err
		}
		if e.EventID != "" && e.Timestamp > timestamp {
			break
		}
		last = e.Version
	}
	if last == 0 {
		return Record{}, fmt.Errorf("%w: history %q of %q is empty", ErrStoredData, rec.HistoryID, userID)
	}
	return p.rebuild(ctx, rec.HistoryID, last)
}

// createdAt returns the createdTimestamp of the record's user.
func createdAt(r Record) float64 {
	switch {
	case r.Consumer != nil:
		return r.Consumer.CreatedTimestamp
	case r.Business != nil:
		return r.Business.CreatedTimestamp
	}
	return 0
}

// loadUser is Store.LoadUser, with what the store cannot read marked ErrStoredData.
func (p *Processor) loadUser(ctx context.Context, userID string) (Record, error) {
	rec, err := p.store.LoadUser(ctx, userID)
	if err != nil {
		return Record{}, storeReadError(err)
	}
	return rec, nil
}
