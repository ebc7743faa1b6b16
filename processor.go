package userevents

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"sync"
	"time"
)

// Processor applies events to the users of a Store: it validates, loads, applies,
// commits, and retries when another writer got there first. It is safe for concurrent
// use.
type Processor struct {
	store Store
	cfg   Config
	locks *userLocks
}

// NewProcessor returns a Processor that keeps its users and events in s, with the
// policies of cfg (the zero Config is the documented default).
func NewProcessor(s Store, cfg Config) *Processor {
	cfg.snapshotRatio = SnapshotRatio(s)
	return &Processor{store: s, cfg: cfg, locks: newUserLocks()}
}

// Apply applies ev with the flags opts and commits the outcome.
//
// It validates ev at Config.Level (a *ValidationError; nothing is loaded), gives an event
// without EventID a generated one, and then:
//   - when an event with that id is stored: with the same event and flags (compared by
//     value), it returns the stored outcome with Duplicate set and changes nothing (no
//     Config hook is called); otherwise ErrEventIDConflict;
//   - otherwise it loads the user (ErrUserNotFound), applies the event as Apply does, and
//     commits the new record and the event together.
//
// The id of an event that came without one is not looked up first: it is new. Should it
// be taken all the same (a Config.NewEventID that repeats itself), the Store refuses the
// commit, and the id is looked up then.
//
// Events for the same user id wait for each other within a Processor (a lock per user
// id, held from the replay check to the commit), so they never conflict among
// themselves; events for different users run in parallel. A version conflict can then
// only come from another writer of the Store (another process): Apply then waits a
// random time (full jitter, growing from 100µs and capped at MaxBackoff), reloads and
// applies again, until ctx ends or, when Config.MaxRetries is positive, after that many
// retries (ErrVersionConflict).
//
// It returns a result only for an event that was committed (or was already). An error
// from the Store may be ambiguous (the commit may have happened): retrying the same event,
// with its id, is then safe, and gives Duplicate if the first attempt did commit. So
// give events ids when retries matter. Apply stops with the context's error when ctx is
// done.
//
// Apply takes ownership of ev: the stored history keeps it (its attributes, its links)
// as given, so a caller that changes ev afterwards changes what is stored. Clone an
// event before changing it, or decode a new one.
func (p *Processor) Apply(ctx context.Context, ev *ConsumerUserEvent, opts Options) (*Result, error) {
	if err := checkClock(checkEvent(ev, opts, p.cfg.Level), ev, p.cfg); err != nil {
		return nil, err
	}
	generated := ev.EventID == ""
	if generated {
		c := *ev
		c.EventID = p.newEventID()
		ev = &c
	}
	return p.apply(ctx, ev, opts, !generated)
}

// apply is Apply after validation; with lookup, it looks for an event stored under ev's
// id before anything else.
func (p *Processor) apply(ctx context.Context, ev *ConsumerUserEvent, opts Options, lookup bool) (*Result, error) {
	ul, err := p.locks.lock(ctx, ev.UserID)
	if err != nil {
		return nil, err
	}
	defer p.locks.unlock(ev.UserID, ul)
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if lookup {
			if res, err := p.replay(ctx, ev, opts); res != nil || err != nil {
				return res, err
			}
		}
		res, current, err := p.applyTo(ctx, ev, opts)
		if err != nil {
			if lookup && ctx.Err() == nil {
				// Another process may have committed this very event since replay looked
				// (a client's retry sent elsewhere), and what it did is why the event is
				// refused now (the user re-keyed away, a list it filled): the stored
				// outcome, when there is one, is the answer.
				if res, rerr := p.replay(ctx, ev, opts); res != nil || rerr != nil {
					return res, rerr
				}
			}
			return nil, err
		}
		err = p.store.Commit(ctx, Commit{UserID: ev.UserID, ExpectedVersion: current.Version, Record: res.Record, Event: res.Event})
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, ErrVersionConflict) && p.cfg.retry(attempt):
			if err := backoff(ctx, attempt); err != nil {
				return nil, err
			}
			continue
		case errors.Is(err, ErrEventIDConflict):
			// Another writer committed an event with this id since replay looked (or the
			// id generated for the event was taken).
			if res, rerr := p.replay(ctx, ev, opts); res != nil || rerr != nil {
				return res, rerr
			}
		}
		return nil, err
	}
}

// applyTo loads the user of ev and applies ev to it, at its place in the timeline when
// it is late under TimestampOrder, and returns the outcome and the record it applied to.
func (p *Processor) applyTo(ctx context.Context, ev *ConsumerUserEvent, opts Options) (*Result, Record, error) {
	current, err := p.loadUser(ctx, ev.UserID)
	if err != nil {
		return nil, Record{}, err
	}
	var res *Result
	if p.cfg.Order == TimestampOrder && p.cfg.StaleEvents != RejectStale && ev.Timestamp < current.LastEventTimestamp {
		res, err = p.applyLate(ctx, current, ev, opts)
	} else {
		res, err = apply(current, ev, opts, p.cfg)
	}
	return res, current, err
}

// MaxBackoff is the longest wait of Processor.Apply before it retries after a version
// conflict.
const MaxBackoff = 10 * time.Millisecond

// backoff waits before retry attempt+1 after a version conflict: a random time up to
// 100µs doubled per attempt, at most MaxBackoff, so that writers racing for one user
// spread out instead of colliding again. It returns early with the context's error.
func backoff(ctx context.Context, attempt int) error {
	ceiling := min(100*time.Microsecond<<min(attempt, 10), MaxBackoff)
	t := time.NewTimer(time.Duration(mathrand.Int64N(int64(ceiling))))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// replay returns the stored outcome of an event already stored with ev's id and the same
// flags, ErrEventIDConflict when the stored event differs, and nil, nil when no event
// is stored under the id.
func (p *Processor) replay(ctx context.Context, ev *ConsumerUserEvent, opts Options) (*Result, error) {
	stored, err := p.store.LoadEvent(ctx, ev.EventID)
	switch {
	case errors.Is(err, ErrEventNotFound):
		return nil, nil
	case err != nil:
		return nil, storeReadError(err)
	case !sameEvent(stored, ev, opts):
		return nil, fmt.Errorf("%w: %q", ErrEventIDConflict, ev.EventID)
	}
	// The same outcome as the first time: the records before and after the event,
	// rebuilt from the user's history.
	prev, err := p.rebuild(ctx, stored.HistoryID, stored.Version-1)
	if err != nil {
		return nil, err
	}
	next, err := p.replayer().entry(prev, stored)
	if err != nil {
		return nil, err
	}
	return resultOf(stored, prev, next), nil
}

func (p *Processor) newEventID() string {
	if p.cfg.NewEventID != nil {
		return p.cfg.NewEventID()
	}
	return newUUID()
}

// uuidSources are the generators of event ids: ChaCha8, a cryptographically strong
// generator, each seeded from crypto/rand, so that an id costs no system call.
var uuidSources = sync.Pool{New: func() any {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		panic("userevents: crypto/rand failed: " + err.Error())
	}
	return mathrand.NewChaCha8(seed)
}}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	g := uuidSources.Get().(*mathrand.ChaCha8)
	g.Read(b[:])
	uuidSources.Put(g)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// Event returns the event stored under eventID, or ErrEventNotFound.
func (p *Processor) Event(ctx context.Context, eventID string) (*StoredEvent, error) {
	if !storableID(eventID) {
		return nil, fmt.Errorf("%w: %q cannot be an event id (NUL or invalid UTF-8)", ErrEventNotFound, eventID)
	}
	e, err := p.store.LoadEvent(ctx, eventID)
	if err != nil {
		return nil, storeReadError(err)
	}
	return e, nil
}

// storeReadError returns err, an error of a Store read, wrapped with ErrStoredData when it
// holds a *ValidationError: what a store cannot read back is the server's fault, not the
// client's, so it must not look like bad input to HTTPStatus.
func storeReadError(err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) && !errors.Is(err, ErrStoredData) {
		return fmt.Errorf("%w: %w", ErrStoredData, err)
	}
	return err
}

// CreateConsumerUser validates u at Config.Level and stores it as a new user (version 1),
// with its person names in NFC under Strict. It returns a *ValidationError for an invalid
// user and ErrUserExists when a user (consumer or business) has its id. The Store keeps a
// copy: u is not retained or changed.
func (p *Processor) CreateConsumerUser(ctx context.Context, u *ConsumerUser) error {
	return p.createConsumer(ctx, u, CreateOptions{})
}

// CreateBusinessUser validates u at Config.Level and stores it as a new user (version 1).
// It returns a *ValidationError for an invalid user and ErrUserExists when a user has its
// id.
func (p *Processor) CreateBusinessUser(ctx context.Context, u *BusinessUser) error {
	return p.createBusiness(ctx, u, CreateOptions{})
}

// CreateOptions are the flags a user is created with: the risk-level locks its record
// starts with (the query flags lockKycRiskLevel and lockCraRiskLevel of Flagright's
// POST /consumer/users and POST /business/users).
type CreateOptions struct {
	LockKYCRiskLevel bool
	LockCRARiskLevel bool
}

func (p *Processor) createConsumer(ctx context.Context, u *ConsumerUser, o CreateOptions) error {
	if u == nil {
		return &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "user is missing"}}}
	}
	if err := u.Validate(p.cfg.Level); err != nil {
		return err
	}
	c := u.clone()
	if p.cfg.Level == Strict {
		c.normNames()
	}
	return p.create(ctx, Record{Consumer: c}, o)
}

func (p *Processor) createBusiness(ctx context.Context, u *BusinessUser, o CreateOptions) error {
	if u == nil {
		return &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "user is missing"}}}
	}
	if err := u.Validate(p.cfg.Level); err != nil {
		return err
	}
	return p.create(ctx, Record{Business: u.clone()}, o)
}

// create commits rec, a validated user the Processor owns, as a new user (version 1)
// with the locks of o.
func (p *Processor) create(ctx context.Context, rec Record, o CreateOptions) error {
	rec.Version = 1
	rec.KYCRiskLevelLocked, rec.CRARiskLevelLocked = o.LockKYCRiskLevel, o.LockCRARiskLevel
	rec.HistoryID = newUUID()
	entry := creationEntry(&rec, p.cfg.ratio())
	return p.store.Commit(ctx, Commit{UserID: rec.UserID(), Record: rec, Event: entry})
}
