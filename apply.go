package userevents

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record is what a Store keeps under one user id: either a consumer or a business user,
// its version, the risk-level locks, and the timestamp of the newest event applied.
type Record struct {
	// Consumer is the user when it is a consumer user; Business when it is a business
	// user. At most one is set; neither, with Version 0, means no user.
	Consumer *ConsumerUser
	Business *BusinessUser
	// Version counts the commits of the record: 0 means none, 1 the created user.
	Version int64
	// KYCRiskLevelLocked and CRARiskLevelLocked are the locks set by the
	// lockKycRiskLevel and lockCraRiskLevel flags: a Config.Scorer never changes a
	// locked level.
	KYCRiskLevelLocked bool
	CRARiskLevelLocked bool
	// LastEventTimestamp is the newest event timestamp applied to the user (0: none).
	LastEventTimestamp float64
	// HistoryID names the user's history (its StoredEvents, see Store.LoadHistory): set
	// by the Processor when the user is created, and kept across re-keys and
	// conversions.
	HistoryID string
	// SnapshotDue is the library's bookkeeping of the snapshots in the history: the
	// bytes of events (as the library estimates them) still to be logged before the
	// next entry keeps the whole record. A Store keeps it with the record. A record
	// rebuilt from a history committed by an earlier release, which counted the bytes
	// otherwise, may differ from the committed one in this field alone.
	SnapshotDue int64
}

// UserID returns the id of the record's user, or "" when it holds none.
func (r Record) UserID() string {
	switch {
	case r.Consumer != nil:
		return r.Consumer.UserID
	case r.Business != nil:
		return r.Business.UserID
	}
	return ""
}

// Clone returns a deep copy of r: changing one never changes the other.
func (r Record) Clone() Record {
	r.Consumer = r.Consumer.clone()
	r.Business = r.Business.clone()
	return r
}

// Clone returns a deep copy of u.
func (u *ConsumerUser) Clone() *ConsumerUser { return u.clone() }

// Clone returns a deep copy of u.
func (u *BusinessUser) Clone() *BusinessUser { return u.clone() }

// Clone returns a deep copy of e.
func (e *ConsumerUserEvent) Clone() *ConsumerUserEvent { return e.clone() }

// Clone returns a deep copy of e, its outcome and snapshot included.
func (e *StoredEvent) Clone() *StoredEvent {
	if e == nil {
		return nil
	}
	c := e.clone()
	c.Options.LockKYCRiskLevel = clonePtr(e.Options.LockKYCRiskLevel)
	c.Options.LockCRARiskLevel = clonePtr(e.Options.LockCRARiskLevel)
	if e.Snapshot != nil {
		r := e.Snapshot.Clone()
		c.Snapshot = &r
	}
	c.Changes = cloneSlice(e.Changes)
	c.Replayed = cloneSlice(e.Replayed)
	c.StateTransition = clonePtr(e.StateTransition)
	c.KYCTransition = clonePtr(e.KYCTransition)
	return c
}

// Order says in which order events take effect.
type Order int

const (
	// ArrivalOrder applies each event to the current record, whatever its timestamp,
	// as Flagright does. It is the zero Order.
	ArrivalOrder Order = iota
	// TimestampOrder makes events take effect in the order of their timestamps (ties
	// in commit order), whatever their arrival order: an event older than the newest
	// one applied takes effect at its place in the user's timeline, and the events after
	// it are applied again on top of it (see Processor.Apply and Fold).
	TimestampOrder
)

// StalePolicy says what Apply does with an event older than the newest one applied.
type StalePolicy int

const (
	// ApplyStale applies events in arrival order, whatever their timestamps (as
	// Flagright does). It is the zero StalePolicy.
	ApplyStale StalePolicy = iota
	// RejectStale refuses an event whose timestamp is before the record's
	// LastEventTimestamp with ErrStaleEvent.
	RejectStale
)

// Config holds the policies of Apply and Processor. The zero Config is the default:
// Strict validation, every transition allowed, arrival order, version conflicts retried
// until the context ends, no scorer, every user-id change allowed.
type Config struct {
	// Level is the validation level of events and merged users.
	Level Level
	// Transitions decides state and KYC status changes; nil allows all
	// (AllowAllTransitions). StrictLifecycle is the shipped alternative.
	Transitions TransitionRule
	// Order says in which order a Processor's events take effect: ArrivalOrder (the
	// default, as Flagright) or TimestampOrder.
	Order Order
	// StaleEvents says what to do with an event older than the newest applied one.
	// RejectStale refuses it in either Order (so under TimestampOrder no event is late).
	StaleEvents StalePolicy
	// MaxRetries bounds the retries of Processor.Apply after a version conflict with
	// another writer of the Store (events for one user within a Processor never
	// conflict: they wait for each other). 0, the default, retries until the context
	// of Apply ends, with a jittered backoff capped at MaxBackoff; a positive number
	// retries that many times and then returns ErrVersionConflict; a negative number
	// never retries.
	MaxRetries int
	// Scorer, when set, computes the user's riskScoreDetails after each event. A
	// locked level (Record.KYCRiskLevelLocked, CRARiskLevelLocked) keeps its previous
	// value, and its score with it, whatever the scorer says. An error from the scorer
	// fails the event. The stored event carries the resulting riskScoreDetails.
	Scorer func(u *ConsumerUser) (*UserRiskScoreDetails, error)
	// CanChangeUserID, when set, may refuse to re-key user u to newUserID (for example
	// because the user has transactions): its error fails the event with a
	// *ValidationError on newUserId (code not_allowed) that wraps it.
	CanChangeUserID func(u *ConsumerUser, newUserID string) error
	// NewEventID, when set, generates the ids of events that come without one;
	// nil means random (version 4) UUIDs.
	NewEventID func() string
	// Clock, when set, gives the time against which FutureSkew is judged; nil means
	// time.Now. Set it for a deterministic Apply (tests, replays of old traffic).
	Clock func() time.Time
	// FutureSkew bounds, under Strict, how far an event's timestamp may lie ahead of
	// Clock: a later one is refused on "timestamp" (out_of_range). 0 means
	// DefaultFutureSkew (24 hours); a negative duration turns the check off. Compatible
	// never checks it, as Flagright does not.
	FutureSkew time.Duration

	// snapshotRatio is the snapshot ratio of the Processor's Store (SnapshotRatio), set
	// by NewProcessor; 0 elsewhere (snapshotRatio).
	snapshotRatio int
}

// retry reports whether Processor.Apply retries after the version conflict of the
// given attempt (0 for the first).
func (c Config) retry(attempt int) bool {
	return c.MaxRetries == 0 || attempt < c.MaxRetries
}

// Result is the outcome of applying one event.
type Result struct {
	// User is the consumer user after the event.
	User *ConsumerUser
	// Previous is the record before the event: a business user when the event
	// converted one. For a late event (Replayed set) it is the current record the
	// outcome was committed on (Record's version follows it): the record before the
	// event's own place in the timeline is in the history (UserAt, UserAsOf), a
	// converted business user in the entry of the conversion.
	Previous Record
	// Record is the record after the event, as it is committed: User, the version
	// after Previous.Version, the locks and the newest event timestamp.
	Record Record
	// Changes are the changed field paths of the user, sorted
	// ("userDetails.name.firstName", "userStateDetails.state", "legalDocuments").
	Changes []string
	// StateTransition is nil when userStateDetails.state did not change.
	StateTransition *Transition
	// KYCTransition is nil when kycStatusDetails.status did not change.
	KYCTransition *Transition
	// Converted reports whether a business user became this consumer user.
	Converted bool
	// Duplicate reports that the event id was already applied with this same event and
	// flags: the result is the stored outcome, and nothing changed.
	Duplicate bool
	// Replayed, under TimestampOrder, lists the ids of the events after this one in the
	// user's timeline, in timeline order, when it was late (older than the newest event
	// applied): it took effect before them, and they were applied again on top of it.
	// Changes and Record are then those of the current record; StateTransition and
	// KYCTransition are the event's own, at its place in the timeline. Nil for an event
	// that was not late.
	Replayed []string
	// Event is the event as stored, its EventID set.
	Event *StoredEvent
}

// Apply applies the consumer user event ev, with the query flags opts, to the stored
// record current, and returns the outcome. It is pure: no I/O, deterministic (given
// cfg.Clock, which only the Strict bound on future timestamps reads), and it
// never changes current or ev. The returned user shares the parts that the event did
// not change with current.Consumer (and the values it sets with ev); when the event
// changes nothing of the user, it is current.Consumer itself: copy before
// changing them (Record.Clone, ConsumerUser.Clone): records are shared, read-only
// values, which a Store keeps as given.
//
// Apply validates ev at cfg.Level, including the rules that need opts (under Strict,
// newUserId exactly with ChangeUserID). It returns ErrUserNotFound when current holds
// no user, ErrUserTypeMismatch for a business user without
// opts.AllowUserTypeConversion, ErrStaleEvent under RejectStale, ErrTransitionNotAllowed
// (wrapped with the field and from/to) when cfg.Transitions refuses, and a
// *ValidationError for bad input or an update that would make the user invalid. On any
// error nothing is returned but the error. An event without EventID keeps none here:
// Processor.Apply fills it in first.
func Apply(current Record, ev *ConsumerUserEvent, opts Options, cfg Config) (*Result, error) {
	if err := checkClock(checkEvent(ev, opts, cfg.Level), ev, cfg); err != nil {
		return nil, err
	}
	return apply(current, ev, opts, cfg)
}

// checkEvent validates ev and the flags that go with it.
func checkEvent(ev *ConsumerUserEvent, opts Options, level Level) error {
	if ev == nil {
		return &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "event is missing"}}}
	}
	c := newVctx(level, ev.Timestamp)
	ev.validate(c)
	if level == Strict {
		switch {
		case ev.NewUserID != "" && !opts.ChangeUserID:
			c.fail("newUserId", CodeNotAllowed, "newUserId requires the changeUserId flag")
		case ev.NewUserID == "" && opts.ChangeUserID:
			c.fail("newUserId", CodeRequired, "the changeUserId flag requires newUserId")
		}
	}
	if opts.ChangeUserID && ev.NewUserID != "" && ev.NewUserID == ev.UserID {
		c.fail("newUserId", CodeInconsistent, "must differ from userId")
	}
	return c.result()
}

// apply is Apply after validation of ev.
func apply(current Record, ev *ConsumerUserEvent, opts Options, cfg Config) (*Result, error) {
	return applyTo(current, ev, opts, cfg, true)
}

// applyTo is apply; with sameID false it does not require the event's userId to be the
// record's (a user's timeline, whose id changes at its re-keys, is one user). Its steps
// are those of the package documentation.
func applyTo(current Record, ev *ConsumerUserEvent, opts Options, cfg Config, sameID bool) (*Result, error) {
	var a applied
	if err := a.apply(current, ev, opts, cfg, sameID); err != nil {
		return nil, err
	}
	return result(current, a.next, ev, opts, cfg, &a.m, a.transitions, a.converted), nil // step 8
}

// applied is an event applied to a record, before its outcome is assembled (step 8):
// all that a replay needs.
type applied struct {
	next        Record
	m           merger
	transitions [2]*Transition
	converted   bool
}

// apply runs steps 1 to 7 of ev on current into a (whose merger may be quiet).
func (a *applied) apply(current Record, ev *ConsumerUserEvent, opts Options, cfg Config, sameID bool) error {
	base, from, err := startingUser(current, ev, opts, sameID) // steps 1 and 2
	if err != nil {
		return err
	}
	if cfg.StaleEvents == RejectStale && ev.Timestamp < current.LastEventTimestamp {
		return fmt.Errorf("%w: timestamp %s is before %s", ErrStaleEvent, formatTimestamp(ev.Timestamp), formatTimestamp(current.LastEventTimestamp))
	}
	a.m.level = cfg.Level
	writes := writesUser(ev, opts, cfg, from != base)
	u := mergeAttributes(&a.m, base, ev.UpdatedConsumerUserAttributes, writes) // step 3
	// Step 4.
	for i, f := range statusFields {
		if a.transitions[i], err = f.apply(cfg, &a.m, from, base, u, ev); err != nil {
			return err
		}
	}
	appendEventLinks(&a.m, base, u, ev) // step 7
	if !sameID && ev.UserID != base.UserID {
		u = legacyIDsAt(&a.m, base, u, writes)
	}
	if cfg.Level == Strict {
		if err := checkGrowth(base, u, ev); err != nil {
			return err
		}
	}
	if err := rekeyTo(cfg, &a.m, u, ev, opts); err != nil { // step 6
		return err
	}
	a.next = nextRecord(current, u, ev, opts) // step 5: the locks, then the scorer
	if cfg.Scorer != nil {
		// The scores before the event: for a conversion, the business record's, whose
		// locked levels the record keeps (nextRecord).
		if err := score(cfg, &a.next, from.RiskScoreDetails, &a.m); err != nil {
			return err
		}
	}
	a.converted = from != base
	return nil
}

// checkGrowth refuses, under Strict, an event that takes one of the lists a user gathers
// event by event (tags, merged by key; externalLinks, appended) past the decoder's array
// limit (DefaultLimits().MaxArrayLength), so that a stored user can always be sent
// back through the decoder with the default limits. A list already past the limit (a
// user written at Compatible, or built in Go) may stay so, but not grow. The check
// costs nothing: the lengths are known.
func checkGrowth(base, u *ConsumerUser, ev *ConsumerUserEvent) error {
	limit := DefaultLimits().MaxArrayLength
	msg := func() string { return "the user's list would exceed the limit of " + strconv.Itoa(limit) + " elements" }
	var errs []FieldError
	if len(u.Tags) > limit && len(u.Tags) > len(base.Tags) {
		errs = append(errs, FieldError{Path: "updatedConsumerUserAttributes.tags", Code: CodeTooLarge, Message: msg()})
	}
	if len(u.ExternalLinks) > limit && len(u.ExternalLinks) > len(base.ExternalLinks) {
		path := "externalLinks"
		if len(ev.ExternalLinks) == 0 {
			path = "updatedConsumerUserAttributes.externalLinks"
		}
		errs = append(errs, FieldError{Path: path, Code: CodeTooLarge, Message: msg()})
	}
	if errs != nil {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// startingUser returns the consumer user the event applies to (steps 1 and 2): the
// stored one, or a converted business user cut down to its id and creation time, as
// Flagright does; and the user whose state and KYC status are the From of the event's
// transitions, and whose risk scores the Scorer's locked levels keep (for a conversion,
// the business record's; otherwise the same user).
func startingUser(current Record, ev *ConsumerUserEvent, opts Options, sameID bool) (base, from *ConsumerUser, err error) {
	switch {
	case current.Consumer != nil:
		base, from = current.Consumer, current.Consumer
	case current.Business != nil:
		if !opts.AllowUserTypeConversion {
			return nil, nil, fmt.Errorf("%w (user %q)", ErrUserTypeMismatch, ev.UserID)
		}
		b := current.Business
		base = &ConsumerUser{UserID: b.UserID, CreatedTimestamp: b.CreatedTimestamp}
		from = &ConsumerUser{UserStateDetails: b.UserStateDetails, KYCStatusDetails: b.KYCStatusDetails, RiskScoreDetails: b.RiskScoreDetails}
	default:
		return nil, nil, fmt.Errorf("%w: %q", ErrUserNotFound, ev.UserID)
	}
	if sameID && base.UserID != ev.UserID {
		return nil, nil, &ValidationError{Fields: []FieldError{{Path: "userId", Code: CodeInconsistent, Message: "the record given is not the event's user"}}}
	}
	return base, from, nil
}

// mergeAttributes merges the update into base (step 3). The merge shares what the update
// leaves unchanged, base itself when that is everything; with write, the steps after it
// will write into the top-level user, which is then always a copy.
func mergeAttributes(m *merger, base *ConsumerUser, attrs *ConsumerUserAttributes, write bool) *ConsumerUser {
	u := base
	if attrs != nil {
		u = m.mergeConsumerUser(base, attrs)
	}
	if u == base && write {
		c := *base
		return &c
	}
	return u
}

// writesUser reports whether the steps after the merge may write into the top-level user:
// the event's externalLinks (step 7), a re-key (step 6), the scorer's risk scores, or,
// after a conversion, a changed status's reason (step 4). Otherwise an event that
// changes nothing of the user (the same state sent again) leaves the stored user shared
// as it was, with no copy.
func writesUser(ev *ConsumerUserEvent, opts Options, cfg Config, converted bool) bool {
	return len(ev.ExternalLinks) > 0 || opts.ChangeUserID && ev.NewUserID != "" || cfg.Scorer != nil || converted
}

// statusField is one of the two statuses of step 4: the user's state, or its KYC status.
type statusField struct {
	name   string // the TransitionRule's field: StateField or KYCStatusField
	path   string // the changed path of its reason
	status func(u *ConsumerUser) string
	reason func(u *ConsumerUser) *string // the reason of u's status object, or nil
	// ownReason reports whether the update gives the status object a reason of its own.
	ownReason func(a *ConsumerUserAttributes) bool
	// setReason gives u's status object (which it has) the reason r, in a copy.
	setReason func(u *ConsumerUser, r *string)
}

var statusFields = [2]statusField{
	{StateField, "userStateDetails.reason", stateOf,
		func(u *ConsumerUser) *string {
			if u.UserStateDetails == nil {
				return nil
			}
			return u.UserStateDetails.Reason
		},
		func(a *ConsumerUserAttributes) bool {
			p, _ := a.UserStateDetails.Get()
			return p != nil && !p.Reason.IsAbsent()
		},
		func(u *ConsumerUser, r *string) {
			d := *u.UserStateDetails
			d.Reason = r
			u.UserStateDetails = &d
		}},
	{KYCStatusField, "kycStatusDetails.reason", kycOf,
		func(u *ConsumerUser) *string {
			if u.KYCStatusDetails == nil {
				return nil
			}
			return u.KYCStatusDetails.Reason
		},
		func(a *ConsumerUserAttributes) bool {
			p, _ := a.KYCStatusDetails.Get()
			return p != nil && !p.Reason.IsAbsent()
		},
		func(u *ConsumerUser, r *string) {
			d := *u.KYCStatusDetails
			d.Reason = r
			u.KYCStatusDetails = &d
		}},
}

// apply is step 4 for one status: the transition from its value in from to its value in
// u, asked of the rule; when it changed and the update gives no reason, the reason
// becomes the event's (or none), never the stale one of base.
func (f statusField) apply(cfg Config, m *merger, from, base, u *ConsumerUser, ev *ConsumerUserEvent) (*Transition, error) {
	t, err := transition(cfg, f.name, f.status(from), f.status(u))
	if err != nil || t == nil || t.To == "" || ev.UpdatedConsumerUserAttributes == nil || f.ownReason(ev.UpdatedConsumerUserAttributes) {
		return t, err
	}
	f.setReason(u, ev.Reason)
	if !equalPtr(ev.Reason, f.reason(base)) {
		m.changes = append(m.changes, f.path)
	}
	return t, nil
}

// appendEventLinks appends the event's externalLinks to u's, without duplicates, after
// the attributes' links (step 7); the change is judged on the final list.
func appendEventLinks(m *merger, base, u *ConsumerUser, ev *ConsumerUserEvent) {
	if len(ev.ExternalLinks) == 0 {
		return
	}
	if links, added := appendLinks(u.ExternalLinks, ev.ExternalLinks); added {
		u.ExternalLinks = links
	}
	m.changes = removeString(m.changes, "externalLinks")
	if !equalSlice(base.ExternalLinks, u.ExternalLinks) {
		m.changes = append(m.changes, "externalLinks")
	}
}

// rekeyTo gives u the event's newUserId when the flag asks for it (step 6), unless
// cfg.CanChangeUserID refuses.
func rekeyTo(cfg Config, m *merger, u *ConsumerUser, ev *ConsumerUserEvent, opts Options) error {
	if !opts.ChangeUserID || ev.NewUserID == "" {
		return nil
	}
	if cfg.CanChangeUserID != nil {
		if err := cfg.CanChangeUserID(u, ev.NewUserID); err != nil {
			ve := &ValidationError{Fields: []FieldError{{Path: "newUserId", Code: CodeNotAllowed, Message: "the user id may not be changed"}}}
			return fmt.Errorf("%w: %w", ve, err)
		}
	}
	rekey(u, ev.NewUserID)
	m.changes = append(m.changes, "userId")
	return nil
}

// nextRecord returns the record after the event: u, the next version, the locks as the
// flags leave them (step 5), the newest timestamp, the history's bookkeeping.
func nextRecord(current Record, u *ConsumerUser, ev *ConsumerUserEvent, opts Options) Record {
	next := Record{
		Consumer:           u,
		Version:            current.Version + 1,
		KYCRiskLevelLocked: current.KYCRiskLevelLocked,
		CRARiskLevelLocked: current.CRARiskLevelLocked,
		LastEventTimestamp: max(current.LastEventTimestamp, ev.Timestamp),
		HistoryID:          current.HistoryID,
		SnapshotDue:        current.SnapshotDue,
	}
	if opts.LockKYCRiskLevel != nil {
		next.KYCRiskLevelLocked = *opts.LockKYCRiskLevel
	}
	if opts.LockCRARiskLevel != nil {
		next.CRARiskLevelLocked = *opts.LockCRARiskLevel
	}
	return next
}

// result assembles the outcome (step 8) and the history entry of the event.
func result(current, next Record, ev *ConsumerUserEvent, opts Options, cfg Config, m *merger, t [2]*Transition, converted bool) *Result {
	changes := sortedChanges(m.changes)
	if converted {
		// The changes of a conversion are judged against the business record: what
		// the conversion dropped or changed, and what the event set.
		changes = changedPaths(current.Business.appendJSON(nil), next.Consumer.appendJSON(nil))
	}
	stored := &StoredEvent{
		ConsumerUserEvent: *ev,
		Options:           opts,
		Version:           next.Version,
		HistoryID:         next.HistoryID,
		Level:             cfg.Level,
		Changes:           changes,
		StateTransition:   t[0],
		KYCTransition:     t[1],
		Converted:         converted,
	}
	if cfg.Scorer != nil {
		// As Flagright's ConsumerUserEventWithRulesResult: the user's risk scores
		// after the event.
		stored.RiskScoreDetails = next.Consumer.RiskScoreDetails
	}
	stored.Snapshot = logEntry(&next, ev, cfg.ratio())
	return &Result{
		User:            next.Consumer,
		Previous:        current,
		Record:          next,
		Changes:         changes,
		StateTransition: t[0],
		KYCTransition:   t[1],
		Converted:       converted,
		Event:           stored,
	}
}

func stateOf(u *ConsumerUser) string {
	if u.UserStateDetails == nil {
		return ""
	}
	return string(u.UserStateDetails.State)
}

func kycOf(u *ConsumerUser) string {
	if u.KYCStatusDetails == nil {
		return ""
	}
	return string(u.KYCStatusDetails.Status)
}

// transition returns the transition from -> to of field, or nil for none, after asking
// the rule of cfg.
func transition(cfg Config, field, from, to string) (*Transition, error) {
	if from == to {
		return nil, nil
	}
	t := Transition{From: from, To: to}
	if cfg.Transitions != nil {
		if err := cfg.Transitions(field, t); err != nil {
			return nil, fmt.Errorf("%w: %s from %q to %q: %w", ErrTransitionNotAllowed, field, from, to, err)
		}
	}
	return &t, nil
}

// appendLinks appends the links of add that links lacks, keeping order; it copies links
// and reports whether it added any.
func appendLinks(links, add []string) ([]string, bool) {
	// What this allocates follows the event (a set of its links when it brings many),
	// never the stored list, which is only read.
	var found map[string]bool // add's links: whether stored or added already
	if len(add) > 8 {
		found = make(map[string]bool, len(add))
		for _, l := range add {
			found[l] = false
		}
		for _, l := range links {
			if _, ok := found[l]; ok {
				found[l] = true
			}
		}
	}
	var out []string
	for i, l := range add {
		if found != nil {
			if found[l] {
				continue
			}
			found[l] = true
		} else if slices.Contains(links, l) || slices.Contains(add[:i], l) {
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(links)+len(add)), links...)
		}
		out = append(out, l)
	}
	return out, out != nil
}

// removeString returns s without the elements equal to x.
func removeString(s []string, x string) []string {
	out := s[:0]
	for _, v := range s {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// legacyIDsAt gives the legacy userId members that the event set in u (those that are not
// base's) the id of the user at the event's place in a timeline (u.UserID). The event
// names the user by the id it had when the event was sent, and validation held the
// members to that id; at an earlier place, before a re-key, the user had another id, and
// the merged user must be valid (the legacy members equal its id). The objects are
// copied before they are written, as rekey does. When the rewrite gives back base's
// member, the change goes, and base's object with it; when nothing is left changed and
// no later step writes into the user (writes, writesUser), the result is base itself,
// as for any event that changes nothing.
func legacyIDsAt(m *merger, base, u *ConsumerUser, writes bool) *ConsumerUser {
	// u is written only where it is not base (the merge made it anew): base is shared.
	if d := legacyIDAt(m, u.UserStateDetails, base.UserStateDetails, u.UserID, "userStateDetails.",
		func(d *UserStateDetails) **string { return &d.UserID }); d != u.UserStateDetails {
		u.UserStateDetails = d
	}
	if d := legacyIDAt(m, u.KYCStatusDetails, base.KYCStatusDetails, u.UserID, "kycStatusDetails.",
		func(d *KYCStatusDetails) **string { return &d.UserID }); d != u.KYCStatusDetails {
		u.KYCStatusDetails = d
	}
	if !writes && !m.quiet && len(m.changes) == 0 {
		return base
	}
	return u
}

// legacyIDAt is legacyIDsAt for one status object: d, the merged one, and b, base's; the
// object's legacy member is userID's, its changes are under prefix.
func legacyIDAt[T any](m *merger, d, b *T, id, prefix string, userID func(*T) **string) *T {
	if d == nil || d == b || *userID(d) == nil || **userID(d) == id {
		return d
	}
	c := *d
	*userID(&c) = new(id)
	if b != nil && equalPtr(*userID(b), *userID(&c)) && unchangedBut(m, prefix, "userId") {
		return b
	}
	return &c
}

// unchangedBut removes the change prefix+leaf, which a rewrite undid, and reports
// whether no other change under prefix is left (the object is then the stored one). A
// quiet merger does not spell its changes: it reports false.
func unchangedBut(m *merger, prefix, leaf string) bool {
	if m.quiet {
		return false
	}
	m.changes = removeString(m.changes, prefix+leaf)
	for _, c := range m.changes {
		if strings.HasPrefix(c, prefix) {
			return false
		}
	}
	return true
}

// rekey gives u the id newID, in the legacy userId fields too.
func rekey(u *ConsumerUser, newID string) {
	u.UserID = newID
	if d := u.UserStateDetails; d != nil && d.UserID != nil {
		c := *d
		c.UserID = &newID
		u.UserStateDetails = &c
	}
	if d := u.KYCStatusDetails; d != nil && d.UserID != nil {
		c := *d
		c.UserID = &newID
		u.KYCStatusDetails = &c
	}
}

// scorerError is an error of the Scorer, or a refusal of the scores it gave.
type scorerError struct{ err error }

func (e scorerError) Error() string { return "userevents: scorer: " + e.err.Error() }
func (e scorerError) Unwrap() error { return e.err }

// score runs cfg.Scorer on the new user and stores its riskScoreDetails, keeping locked
// levels as they were in prev.
func score(cfg Config, next *Record, prev *UserRiskScoreDetails, m *merger) error {
	u := next.Consumer
	d, err := cfg.Scorer(u)
	if err != nil {
		return scorerError{err}
	}
	if d == nil {
		return nil
	}
	s := *d
	var old UserRiskScoreDetails
	if prev != nil {
		old = *prev
	}
	// A locked level keeps the score it was set with: the stored score and level
	// never contradict each other.
	if next.KYCRiskLevelLocked {
		s.KYCRiskLevel, s.KYCRiskScore = old.KYCRiskLevel, old.KYCRiskScore
	}
	if next.CRARiskLevelLocked {
		s.CRARiskLevel, s.CRARiskScore = old.CRARiskLevel, old.CRARiskScore
	}
	c := newVctx(cfg.Level, 0)
	c.push("riskScoreDetails")
	s.validate(c)
	if err := c.result(); err != nil {
		return scorerError{err}
	}
	// The changed members, as a late event's are found (recordChanges: diffPtr), so that
	// the paths are the same whichever order the event arrived in: each member whose JSON
	// changed, or, for scores where there were none, the members given (the object
	// itself when it is empty).
	m.push("riskScoreDetails")
	n := len(m.changes)
	if !sameNumberPtr(old.KYCRiskScore, s.KYCRiskScore) {
		m.changed("kycRiskScore")
	}
	if !sameNumberPtr(old.CRARiskScore, s.CRARiskScore) {
		m.changed("craRiskScore")
	}
	if !sameText(old.KYCRiskLevel, s.KYCRiskLevel) {
		m.changed("kycRiskLevel")
	}
	if !sameText(old.CRARiskLevel, s.CRARiskLevel) {
		m.changed("craRiskLevel")
	}
	if prev == nil && len(m.changes) == n {
		m.changed("")
	}
	m.pop()
	u.RiskScoreDetails = &s
	return nil
}

// sameEvent reports whether ev with opts is the event stored as s, compared by value.
func sameEvent(s *StoredEvent, ev *ConsumerUserEvent, opts Options) bool {
	return s.Options.equal(opts) && bytes.Equal(s.ConsumerUserEvent.appendJSON(nil), ev.appendJSON(nil))
}

// resultOf returns the stored outcome of s as a Result marked Duplicate, given the
// records before and after it.
func resultOf(s *StoredEvent, prev, next Record) *Result {
	return &Result{
		User:            next.Consumer,
		Previous:        prev,
		Record:          next,
		Changes:         s.Changes,
		StateTransition: s.StateTransition,
		KYCTransition:   s.KYCTransition,
		Converted:       s.Converted,
		Replayed:        s.Replayed,
		Duplicate:       true,
		Event:           s,
	}
}
