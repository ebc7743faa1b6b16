package userevents

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
)

// A user's history is the list of its history entries (StoredEvents), one per commit, in
// version order: the creation (version 1, no event, its Snapshot the created record),
// then one entry per applied event. Entries are compact: the event as sent, the flags,
// the level it was applied at and the risk scores it produced (the effects that depend
// on the Config of the day), its changes and transitions; every so often an entry also
// holds the whole record after it (Snapshot). The record at any version is the newest
// snapshot at or before it, with the entries after the snapshot replayed on it (replayer):
// a replay is the pure merge of the stored event, so it never depends on today's Config.
//
// The library decides when to keep a snapshot: when the events logged since the last one
// add up (in bytes of JSON, as their weights estimate it) to the ratio-th part of the
// size of the record at that snapshot, the ratio being the Store's (snapshotRatioStore)
// or snapshotRatio. So snapshots cost at most about ratio times the bytes of the events
// (memory grows with the events, not with the users they change), and a past state is
// rebuilt from at most a ratio-th of a user's worth of events.

// snapshotRatio is the ratio of a Store that does not choose one: a snapshot, which a
// Store that writes records keeps whole, costs at most 4 times the events' bytes.
const snapshotRatio = 4

// maxSnapshotRatio bounds the ratio a Store chooses.
const maxSnapshotRatio = 64

// snapshotRatioStore is a Store that chooses how often the library keeps a snapshot
// in its histories (memstore.Store, whose snapshots are shared records: a pointer, and
// the members the events since the last one replaced).
type snapshotRatioStore interface {
	SnapshotRatio() int
}

// SnapshotRatio returns the snapshot ratio of the histories the library keeps in s: it
// keeps a snapshot when the events since the last one add up, in bytes, to the
// ratio-th part of the user's size (see History in the package documentation). It is
// what s's method SnapshotRatio() int returns, clamped to 1 to 64, or 4 when s has
// none. A Processor reads it once, when it is made. A Store that wraps another forwards
// it:
//
//	func (w *Wrapper) SnapshotRatio() int { return userevents.SnapshotRatio(w.inner) }
func SnapshotRatio(s Store) int {
	if rs, ok := s.(snapshotRatioStore); ok {
		return min(max(rs.SnapshotRatio(), 1), maxSnapshotRatio)
	}
	return snapshotRatio
}

// ratio returns the snapshot ratio of cfg: its Processor's Store's (SnapshotRatio), or
// snapshotRatio for a Config not given to a Processor (the pure Apply and Fold).
func (cfg *Config) ratio() int {
	if cfg.snapshotRatio == 0 {
		return snapshotRatio
	}
	return cfg.snapshotRatio
}

// snapshotDue returns the weight of events to log before the snapshot after rec, at
// snapshot ratio ratio.
func snapshotDue(rec *Record, ratio int) int64 {
	var n int
	switch {
	case rec.Consumer != nil:
		n = rec.Consumer.weight()
	case rec.Business != nil:
		n = rec.Business.weight()
	}
	return int64(n/ratio) + 1
}

// A value's weight (its generated weight method, weight_gen.go) estimates the length of
// its JSON: its keys and strings as they are (escapes are not counted), numberWeight
// bytes for a number and boolWeight for a boolean, plus the punctuation. It is what the
// snapshot policy counts, not the exact length, because it costs a walk over the value
// and no writing: measuring the user at every snapshot by encoding it cost memstore's
// apply path up to a fifth of its time.
const (
	numberWeight = 8
	boolWeight   = 5
)

// optionalWeight is the weight of a member of a partial update in the given state, with
// its key and, when set, its value: nothing when absent, the key and null when null.
func optionalWeight(state optionalState, key, value int) int {
	if state == optionalSet {
		return key + value
	}
	if state == optionalNull {
		return key + 4
	}
	return 0
}

// weightStrings is the weight of a list of strings.
func weightStrings[S ~string](s []S) int {
	n := 2
	for _, v := range s {
		n += len(v) + 3
	}
	return n
}

// weightSlice is the weight of a list of objects whose weight is w.
func weightSlice[T any](s []T, w func(*T) int) int {
	n := 2
	for i := range s {
		n += w(&s[i]) + 1
	}
	return n
}

// logEntry sets the snapshot bookkeeping of a new commit: it charges the event ev to
// next.SnapshotDue, and when that is spent it returns next whole, the snapshot for the
// commit's entry (else nil). A record of no history (HistoryID empty: one built by the
// caller for the pure Apply, not loaded from a Store) has no snapshots to keep: without
// this, every Apply to such a record (whose SnapshotDue is 0) would weigh the whole user
// to size its next snapshot.
func logEntry(next *Record, ev *ConsumerUserEvent, ratio int) *Record {
	if next.HistoryID == "" {
		return nil
	}
	next.SnapshotDue -= int64(ev.weight())
	if next.SnapshotDue > 0 {
		return nil
	}
	next.SnapshotDue = snapshotDue(next, ratio)
	snap := *next
	return &snap
}

// creationEntry returns the history entry of a new record: version 1, a snapshot.
func creationEntry(rec *Record, ratio int) *StoredEvent {
	rec.SnapshotDue = snapshotDue(rec, ratio)
	snap := *rec
	return &StoredEvent{Version: rec.Version, HistoryID: rec.HistoryID, Snapshot: &snap}
}

// A replayer replays the entries of a history at a snapshot ratio; it keeps its
// merger's buffers from one replay to the next.
type replayer struct {
	ratio int
	// scorer, when set, gives the risk scores of each replay instead of the ones its
	// entry stored (UserAsOf under TimestampOrder).
	scorer        func(*ConsumerUser) (*UserRiskScoreDetails, error)
	path, changes []string
}

// entry returns the record after entry e, given the record prev at the version before
// it. It is the fold step of a history: the snapshot when e holds one, else merge.
func (r *replayer) entry(prev Record, e *StoredEvent) (Record, error) {
	if e.Snapshot != nil {
		return *e.Snapshot, nil
	}
	if e.EventID == "" && e.Version == 1 {
		return Record{}, fmt.Errorf("%w: the creation of history %q holds no snapshot", ErrStoredData, e.HistoryID)
	}
	return r.merge(prev, e)
}

// merge applies the event of entry e to prev as a replay: the pure merge of e's event
// with e's flags at e's level, with e's risk scores (or r.scorer's); the rules that can
// only refuse (transitions, user-id changes, stale events, the clock) are not asked
// again. The checks of the merged user that Apply made at e's level run again and pass
// (they passed then, on the same record); an error is ErrStoredData. So, without
// r.scorer, a replay never depends on today's Config.
func (r *replayer) merge(prev Record, e *StoredEvent) (Record, error) {
	cfg := Config{Level: e.Level, Scorer: r.scorer}
	if d := e.RiskScoreDetails; d != nil && r.scorer == nil {
		cfg.Scorer = func(*ConsumerUser) (*UserRiskScoreDetails, error) { return d, nil }
	}
	a := applied{m: merger{quiet: true, path: r.path[:0], changes: r.changes[:0]}}
	err := a.apply(prev, &e.ConsumerUserEvent, e.Options, cfg, false)
	r.path, r.changes = a.m.path, a.m.changes
	if se := (scorerError{}); r.scorer != nil && errors.As(err, &se) {
		return Record{}, err // today's Scorer failed, or gave scores out of range: no stored data is wrong
	}
	if err != nil {
		return Record{}, fmt.Errorf("%w: replaying event %q at version %d: %w", ErrStoredData, e.EventID, e.Version, err)
	}
	// The outcome (changes, transitions, the entry) is not assembled again; only the
	// bookkeeping is, so that the record is the one committed.
	logEntry(&a.next, &e.ConsumerUserEvent, r.ratio)
	return a.next, nil
}

// Replay returns the record after the last of entries, replayed on start: the replay
// Processor.UserAt makes. An entry that holds a Snapshot is that snapshot; any other is
// its event merged as it was applied, at its level, with its flags and the risk scores
// it stored, and no rule asked again, so that a replay never depends on today's Config.
// start is the record at the version before the first entry, or the zero Record when
// the first entry holds a snapshot; the entries follow one another in one history
// (versions without a gap). The record is the one committed at the last entry,
// bookkeeping (SnapshotDue) included. Entries that do not fit (a gap, another history,
// nothing to start from) or no longer apply give an error wrapping ErrStoredData.
//
// It is for a Store that keeps a user's current record as its history and rebuilds it
// on load, from the newest snapshot or from a record it cached and the entries
// committed since (pgstore), so that a commit writes the event, not the user.
func Replay(start Record, entries []*StoredEvent) (Record, error) {
	rec := start
	r := replayer{ratio: snapshotRatio}
	for i, e := range entries {
		before := rec.Consumer != nil || rec.Business != nil
		switch {
		case e == nil:
			return Record{}, fmt.Errorf("%w: replay: entry %d is nil", ErrStoredData, i)
		case e.Snapshot == nil && !before:
			return Record{}, fmt.Errorf("%w: replay: entry %d (version %d of %q) holds no snapshot, and there is no record before it", ErrStoredData, i, e.Version, e.HistoryID)
		case before && (e.Version != rec.Version+1 || rec.HistoryID != "" && e.HistoryID != rec.HistoryID):
			return Record{}, fmt.Errorf("%w: replay: entry %d is version %d of %q, after version %d of %q", ErrStoredData, i, e.Version, e.HistoryID, rec.Version, rec.HistoryID)
		}
		var err error
		if rec, err = r.entry(rec, e); err != nil {
			return Record{}, err
		}
	}
	return rec, nil
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
		for e, err := range p.loadHistory(ctx, rec.HistoryID, 1) {
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
	return Replay(Record{}, window)
}

// replayer returns a replayer at the Processor's snapshot ratio.
func (p *Processor) replayer() *replayer { return &replayer{ratio: p.cfg.ratio()} }

// UserAsOf returns the record of userID as of event time timestamp (milliseconds since
// the Unix epoch). Under ArrivalOrder it is the record at the last version whose newest
// applied event timestamp (Record.LastEventTimestamp) is at most timestamp. Under
// TimestampOrder it is the fold of the user's creation and every event of its timeline
// with a timestamp at most timestamp, each at the level it was applied at, with the risk
// scores it stored, and with the rules that can only refuse left out (each event was
// accepted once): a record that may never have been committed, whose Version counts the
// creation and the events folded. An event that a later commit landed before (a late
// event, committed after it, earlier in the timeline) stored the scores of a place it no
// longer has: the Processor's Scorer scores it again, as the fold that committed the late
// event did, and an error of the Scorer is returned as it is (so UserAsOf assumes the
// Processor's Scorer is the one that committed the late events: one added or removed
// since scores the displaced events otherwise). In both orders, the created
// record, which no event dated, counts from the user's createdTimestamp: UserAsOf returns
// ErrUserNotFound when no user has the id, or when timestamp is before its
// createdTimestamp. A NaN timestamp is refused (a *ValidationError on "timestamp"). It
// reads the user's history from its creation.
func (p *Processor) UserAsOf(ctx context.Context, userID string, timestamp float64) (Record, error) {
	if math.IsNaN(timestamp) {
		return Record{}, &ValidationError{Fields: []FieldError{{Path: "timestamp", Code: CodeOutOfRange, Message: "must be a number, not NaN"}}}
	}
	rec, err := p.loadUser(ctx, userID)
	if err != nil {
		return Record{}, err
	}
	if timestamp < createdAt(rec) {
		return Record{}, fmt.Errorf("%w: %q as of %s, before its creation", ErrUserNotFound, userID, formatTimestamp(timestamp))
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
	for e, err := range p.loadHistory(ctx, rec.HistoryID, 1) {
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

// formatTimestamp writes a timestamp for an error message as it is, not rounded (an
// event of 1689999999999.9 is not one of 1690000000000).
func formatTimestamp(ts float64) string { return strconv.FormatFloat(ts, 'f', -1, 64) }

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

// loadHistory is Store.LoadHistory, with what the store cannot read marked
// ErrStoredData (as loadUser).
func (p *Processor) loadHistory(ctx context.Context, historyID string, from int64) iter.Seq2[*StoredEvent, error] {
	return func(yield func(*StoredEvent, error) bool) {
		for e, err := range p.store.LoadHistory(ctx, historyID, from) {
			if err != nil {
				yield(nil, storeReadError(err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// loadUser is Store.LoadUser, with what the store cannot read marked ErrStoredData; an id
// no commit can have stored is not found, without asking the store.
func (p *Processor) loadUser(ctx context.Context, userID string) (Record, error) {
	if !storableID(userID) {
		return Record{}, fmt.Errorf("%w: %q cannot be a user id (NUL or invalid UTF-8)", ErrUserNotFound, userID)
	}
	rec, err := p.store.LoadUser(ctx, userID)
	if err != nil {
		return Record{}, storeReadError(err)
	}
	return rec, nil
}
