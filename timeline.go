package userevents

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// A user's timeline is its events in the order of their timestamps, ties in commit order
// (Version). Under TimestampOrder the current record is always the fold of the user's
// creation and its timeline: an event no older than the newest one applied goes on top
// (as under ArrivalOrder), and a late one takes effect at its place, the events after it
// applied again on top of it.

// Fold applies the events of a timeline to the record start, in timeline order (by
// Timestamp, ties by Version), each as Apply does with cfg and its own flags (Options),
// and returns the record at the end and each event's result, in timeline order. It is
// the pure core of TimestampOrder: no I/O, and it never changes its inputs.
//
// The events are one user's: an event's userId need not be the record's at its place
// (a user's id changes at its re-keys; an event names the user by the id it had when the
// event was sent). Events are not validated again (they were when accepted), but every
// transition is asked of cfg.Transitions in timeline order, and the merged user of each
// step must be valid: the first refusal is returned, with no record (a nil entry is a
// *ValidationError). The versions of the results count from start.Version; their stored
// events keep the events' ids.
func Fold(start Record, timeline []*StoredEvent, cfg Config) (Record, []*Result, error) {
	if slices.Contains(timeline, nil) {
		// As Apply refuses a nil event, rather than panic in the sort.
		return Record{}, nil, &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "a timeline entry is missing"}}}
	}
	events := slices.Clone(timeline)
	sortTimeline(events)
	cfg.StaleEvents = ApplyStale
	rec := start
	results := make([]*Result, 0, len(events))
	for _, e := range events {
		res, err := applyTo(rec, &e.ConsumerUserEvent, e.Options, cfg, false)
		if err != nil {
			return Record{}, nil, fmt.Errorf("event %q at %s in the timeline: %w", e.EventID, formatTimestamp(e.Timestamp), err)
		}
		rec = res.Record
		results = append(results, res)
	}
	return rec, results, nil
}

// sortTimeline sorts events in timeline order.
func sortTimeline(events []*StoredEvent) {
	slices.SortStableFunc(events, func(a, b *StoredEvent) int {
		if c := cmp.Compare(a.Timestamp, b.Timestamp); c != 0 {
			return c
		}
		return cmp.Compare(a.Version, b.Version)
	})
}

// applyLate applies ev, older than the newest event applied to current, at its place in
// the user's timeline: it finds the newest committed version whose events all come
// before ev in the timeline (landing), folds ev and the events committed after that
// version on top of its record, and returns the outcome, to be committed as version
// current.Version+1 with a snapshot (the new record is no replay of ev on the version
// before it).
func (p *Processor) applyLate(ctx context.Context, current Record, ev *ConsumerUserEvent, opts Options) (*Result, error) {
	base, after, err := p.landing(ctx, current, ev.Timestamp)
	if err != nil {
		return nil, err
	}
	late := &StoredEvent{ConsumerUserEvent: *ev, Options: opts, Version: current.Version + 1}
	final, steps, err := Fold(base, append(after, late), p.cfg)
	if err != nil {
		return nil, err
	}
	if err := p.checkLateRekey(ctx, current, final, ev, opts); err != nil {
		return nil, err
	}
	var own *Result
	replayed := []string{} // late, even when no event comes after it once placed
	for _, r := range steps {
		switch {
		case r.Event.EventID == ev.EventID:
			own = r
		case own != nil:
			replayed = append(replayed, r.Event.EventID)
		}
	}
	final.Version = current.Version + 1
	final.HistoryID = current.HistoryID
	final.SnapshotDue = snapshotDue(&final, p.cfg.ratio())
	snap := final
	changes := recordChanges(current, final)
	if len(changes) == 0 {
		changes = nil
	}
	stored := &StoredEvent{
		ConsumerUserEvent: *ev,
		Options:           opts,
		Version:           final.Version,
		HistoryID:         final.HistoryID,
		Level:             p.cfg.Level,
		Snapshot:          &snap,
		Changes:           changes,
		StateTransition:   own.StateTransition,
		KYCTransition:     own.KYCTransition,
		Converted:         own.Converted,
		Replayed:          replayed,
	}
	if p.cfg.Scorer != nil && own.User != nil {
		// The scores after the event at its place in the timeline, as an in-order
		// event's are (UserAsOf folds them); the current record has the final ones.
		stored.RiskScoreDetails = own.User.RiskScoreDetails
	}
	return &Result{User: final.Consumer, Previous: current, Record: final, Changes: changes, StateTransition: own.StateTransition,
		KYCTransition: own.KYCTransition, Converted: own.Converted, Replayed: replayed, Event: stored}, nil
}

// checkLateRekey refuses (ErrUserExists) a late event that re-keys the user to an id
// that another user holds, as the Store refuses it for an event on top. When a later
// re-key of the timeline takes the user on to another id, the commit moves the user only
// to that one, and the Store would not see the late event's target: without this, the
// user's history would hold, for a while, the id of another user, and whether the event
// is accepted would depend on its arrival order. The check reads the id before the
// commit, under the lock of the user's own id: it is not a uniqueness guarantee against
// another process that takes the id in between (the commit moves the user only to the
// final id, which the Store does check).
func (p *Processor) checkLateRekey(ctx context.Context, current, final Record, ev *ConsumerUserEvent, opts Options) error {
	if !opts.ChangeUserID || ev.NewUserID == "" || final.UserID() == ev.NewUserID {
		return nil // no re-key, or the commit's own (the Store checks it)
	}
	other, err := p.loadUser(ctx, ev.NewUserID)
	switch {
	case errors.Is(err, ErrUserNotFound):
		return nil
	case err != nil:
		return err
	case other.HistoryID != current.HistoryID:
		return fmt.Errorf("%w: %q", ErrUserExists, ev.NewUserID)
	}
	return nil
}

// landing returns where an event of timestamp ts lands in the history of current: the
// record of the newest version whose events all come before it in the timeline, and the
// entries committed after that version (which come after it, or before it but were
// committed later). It reads the history back from the newest version, a snapshot window
// at a time, only as far as that version and the snapshot before it.
func (p *Processor) landing(ctx context.Context, current Record, ts float64) (Record, []*StoredEvent, error) {
	var after []*StoredEvent
	floor := ts // the earliest timestamp among the event and the entries after the candidate
	for at := current.Version; ; {
		window, err := p.window(ctx, current.HistoryID, at)
		if err != nil {
			return Record{}, nil, err
		}
		// newest[i]: the newest timestamp applied at window[i].Version.
		newest := make([]float64, len(window))
		for i, e := range window {
			if i == 0 {
				newest[i] = e.Snapshot.LastEventTimestamp
			} else {
				newest[i] = max(newest[i-1], e.Timestamp)
			}
		}
		i := len(window) - 1
		for ; i >= 0 && newest[i] > floor; i-- {
			if window[i].EventID == "" {
				return Record{}, nil, fmt.Errorf("%w: history %q: a creation at version %d after events", ErrStoredData, current.HistoryID, window[i].Version)
			}
			after = append(after, window[i])
			floor = min(floor, window[i].Timestamp)
		}
		if i < 0 {
			if at = window[0].Version - 1; at < 1 {
				return Record{}, nil, fmt.Errorf("%w: history %q has no version before an event of %s", ErrStoredData, current.HistoryID, formatTimestamp(ts))
			}
			continue
		}
		// The record at window[i].Version: the snapshot, and the entries to i replayed.
		rec, err := Replay(Record{}, window[:i+1])
		return rec, after, err
	}
}

// window returns the entries of history historyID from the newest snapshot at or before
// version at, through at.
func (p *Processor) window(ctx context.Context, historyID string, at int64) ([]*StoredEvent, error) {
	window := make([]*StoredEvent, 0, 16)
	for e, err := range p.loadHistory(ctx, historyID, at) {
		if err != nil {
			return nil, err
		}
		if e.Version > at {
			break
		}
		window = append(window, e)
		if e.Version == at {
			break // asking for the entry after at would cost pgstore a query of its next page
		}
	}
	if len(window) == 0 || window[0].Snapshot == nil || window[len(window)-1].Version != at {
		return nil, fmt.Errorf("%w: history %q has no version %d, or no snapshot before it", ErrStoredData, historyID, at)
	}
	return window, nil
}

// recordUserJSON returns the JSON of the record's user.
func recordUserJSON(r Record) []byte {
	switch {
	case r.Consumer != nil:
		return r.Consumer.appendJSON(nil)
	case r.Business != nil:
		return r.Business.appendJSON(nil)
	}
	return []byte("null")
}

// userAsOfTimeline is UserAsOf under TimestampOrder: the fold of the user's first entry
// (its creation, or where a migrated history starts) and every event with a timestamp
// at most T, in timeline order. Each event is merged as a replay is (replayer.merge): at
// the level it was applied at, with the risk scores it stored, and without the rules that
// can only refuse (every event of the fold was accepted once); but the stored scores of
// an event that a later commit landed before (a late event) are those of a place it no
// longer has, and such an event is scored again by the Processor's Scorer, as the fold
// that committed the late event did.
func (p *Processor) userAsOfTimeline(ctx context.Context, rec Record, timestamp float64) (Record, error) {
	var start *Record
	var events []*StoredEvent
	for e, err := range p.loadHistory(ctx, rec.HistoryID, 1) {
		if err != nil {
			return Record{}, err
		}
		if e.Version > rec.Version {
			break
		}
		switch {
		case start == nil:
			if e.Snapshot == nil {
				return Record{}, fmt.Errorf("%w: history %q starts without a snapshot", ErrStoredData, rec.HistoryID)
			}
			start = e.Snapshot
		case e.EventID != "" && e.Timestamp <= timestamp:
			events = append(events, e)
		}
	}
	if start == nil {
		return Record{}, fmt.Errorf("%w: history %q is empty", ErrStoredData, rec.HistoryID)
	}
	sortTimeline(events)
	replay := p.replayer()
	r := *start
	newest := int64(0) // the newest version among the events folded so far
	for _, e := range events {
		// An event's stored scores are those of its place in the timeline when it was
		// committed; an event committed after it that landed before it changed that
		// place, and then the Processor's Scorer scores it again (if it has none, the
		// stored scores stand).
		replay.scorer = nil
		if newest > e.Version {
			replay.scorer = p.cfg.Scorer
		}
		newest = max(newest, e.Version)
		var err error
		if r, err = replay.merge(r, e); err != nil {
			return Record{}, err
		}
	}
	return r, nil
}
