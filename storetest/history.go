package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/compliancekit/userevents"
)

// historyOfProcessor drives a userevents.Processor on the store with a random sequence
// of creations, events (states, KYC statuses, tags by key, nulls, locks, risk levels,
// scores), re-keys, conversions of business users, duplicates and refused events, and
// then checks the history features the library builds on the store: for every user and
// every version v, UserAt(v) is the record committed at v (a business record before a
// conversion); History lists exactly the committed events, in order, across re-keys;
// UserAsOf(T) is the record at the last version whose newest event timestamp is at most
// T; and the retry of any committed event returns the same outcome as the first time.
func historyOfProcessor(ctx context.Context, s userevents.Store) []error {
	h := &historyRun{ctx: ctx, r: rand.New(rand.NewPCG(13, 1)), ts: 1700000000000}
	scores := []float64{5, 30, 55, 70, 95}
	h.p = userevents.NewProcessor(s, userevents.Config{Scorer: func(u *userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		// A scorer that depends on the user, so that replays must keep its effects.
		k := scores[len(u.Tags)%len(scores)]
		level, _ := userevents.LevelForScore(k)
		return &userevents.UserRiskScoreDetails{KYCRiskScore: &k, KYCRiskLevel: level}, nil
	}})
	for range 4 {
		h.create(false)
	}
	h.create(true)
	for step := 0; step < 160; step++ {
		l := h.lineages[h.r.IntN(len(h.lineages))]
		switch k := h.r.IntN(20); {
		case k == 0:
			h.create(h.r.IntN(3) == 0)
		case k == 1 && len(l.events) > 0:
			h.duplicate(l)
		default:
			h.event(l)
		}
	}
	converted, replayed := 0, 0
	for _, l := range h.lineages {
		h.checkVersions(l)
		h.checkHistory(l)
		h.checkAsOf(l)
		for e, err := range h.p.History(ctx, l.id) {
			if err == nil && e.Snapshot == nil {
				replayed++
			}
		}
		for _, res := range l.events {
			if res.Converted {
				converted++
			}
		}
	}
	if h.events < 100 || converted == 0 || len(h.lineages) < 6 || replayed < 50 {
		h.c.errorf("the sequence is too tame: %d events, %d conversions, %d users, %d entries without a snapshot",
			h.events, converted, len(h.lineages), replayed)
	}
	return h.c
}

// historyRun is the state of historyOfProcessor: the Processor, the random source, and
// one lineage per created user.
type historyRun struct {
	ctx      context.Context
	c        collector
	r        *rand.Rand
	p        *userevents.Processor
	lineages []*lineage
	ids      int     // user ids made
	events   int     // events sent
	ts       float64 // the time of the last event sent
}

// lineage is a created user: its current id, its records by version, its committed
// events in order.
type lineage struct {
	id       string
	versions []userevents.Record // versions[v-1]
	events   []*userevents.Result
	business bool // still a business user
}

func (h *historyRun) newID() string { h.ids++; return fmt.Sprintf("hp-u%d", h.ids) }

// historyLinks are the links of the created consumer users: large users (200 links), so
// that most entries keep no snapshot and UserAt replays the entries after the newest.
var historyLinks = func() []string {
	links := make([]string, 200)
	for i := range links {
		links[i] = fmt.Sprintf("https://crm.example.com/customers/%d", i)
	}
	return links
}()

// create creates a consumer or a business user, and its lineage.
func (h *historyRun) create(business bool) {
	l := &lineage{id: h.newID(), business: business}
	var err error
	if business {
		err = h.p.CreateBusinessUser(h.ctx, &userevents.BusinessUser{UserID: l.id, CreatedTimestamp: 1600000000000,
			LegalEntity:      json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME"}}`),
			UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateActive}})
	} else {
		err = h.p.CreateConsumerUser(h.ctx, &userevents.ConsumerUser{UserID: l.id, CreatedTimestamp: 1600000000000,
			UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateCreated}, ExternalLinks: historyLinks})
	}
	h.c.expect("create "+l.id, err, nil)
	rec, err := h.p.User(h.ctx, l.id)
	h.c.expect("User("+l.id+")", err, nil)
	l.versions = append(l.versions, rec)
	h.lineages = append(h.lineages, l)
}

// duplicate sends one of l's events again: the same outcome, nothing new.
func (h *historyRun) duplicate(l *lineage) {
	first := l.events[h.r.IntN(len(l.events))]
	again, err := h.p.Apply(h.ctx, &first.Event.ConsumerUserEvent, first.Event.Options)
	h.c.expect("duplicate "+first.Event.EventID, err, nil)
	if err == nil && (!again.Duplicate || recordJSON(again.Record) != recordJSON(first.Record) || recordJSON(again.Previous) != recordJSON(first.Previous)) {
		h.c.errorf("the retry of %s is not the first outcome", first.Event.EventID)
	}
}

// event sends l a random event, mostly in time order, sometimes late, and records what
// it committed.
func (h *historyRun) event(l *lineage) {
	h.ts += float64(h.r.IntN(5000)) - 500
	h.events++
	ev := &userevents.ConsumerUserEvent{Timestamp: h.ts, UserID: l.id, EventID: fmt.Sprintf("hp-e%d", h.events),
		UpdatedConsumerUserAttributes: h.attributes()}
	if ev.UpdatedConsumerUserAttributes.UserStateDetails.IsSet() && h.r.IntN(2) == 0 {
		ev.Reason = userevents.Ptr("review")
	}
	var opts userevents.Options
	switch h.r.IntN(8) {
	case 0:
		opts.LockKYCRiskLevel = userevents.Ptr(h.r.IntN(2) == 0)
	case 1:
		opts.LockCRARiskLevel = userevents.Ptr(h.r.IntN(2) == 0)
	case 2: // a re-key
		if !l.business {
			ev.NewUserID = h.newID()
			opts.ChangeUserID = true
		}
	case 3: // a refused event: nothing changes
		ev.UpdatedConsumerUserAttributes = &userevents.ConsumerUserAttributes{RiskLevel: userevents.Set(userevents.RiskLevel("EXTREME"))}
	}
	if l.business {
		opts.AllowUserTypeConversion = h.r.IntN(3) != 0
	}
	res, err := h.p.Apply(h.ctx, ev, opts)
	var ve *userevents.ValidationError
	switch {
	case err == nil:
		if res.Record.Version != int64(len(l.versions))+1 {
			h.c.errorf("event %s committed version %d, want %d", ev.EventID, res.Record.Version, len(l.versions)+1)
		}
		l.versions = append(l.versions, res.Record)
		l.events = append(l.events, res)
		l.id = res.Record.UserID()
		l.business = false
	case errors.As(err, &ve), errors.Is(err, userevents.ErrUserTypeMismatch):
	default:
		h.c.errorf("event %s: %v", ev.EventID, err)
	}
}

// attributes returns a random update: a state, a KYC status, a tag by key, or an
// occupation set or removed with a risk level; values carry the number of the event.
func (h *historyRun) attributes() *userevents.ConsumerUserAttributes {
	states := []userevents.UserState{userevents.UserStateActive, userevents.UserStateSuspended, userevents.UserStateBlocked, userevents.UserStateDormant}
	kycs := []userevents.KYCStatus{userevents.KYCStatusInProgress, userevents.KYCStatusSuccessful, userevents.KYCStatusFailed}
	levels := []userevents.RiskLevel{userevents.RiskLevelLow, userevents.RiskLevelHigh}
	a := &userevents.ConsumerUserAttributes{}
	switch h.r.IntN(4) {
	case 0:
		a.UserStateDetails = userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(states[h.r.IntN(len(states))])})
	case 1:
		a.KYCStatusDetails = userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(kycs[h.r.IntN(len(kycs))])})
	case 2:
		a.Tags = userevents.Set([]userevents.UserTag{{Key: fmt.Sprintf("k%d", h.r.IntN(6)), Value: fmt.Sprintf("v%d", h.events)}})
	case 3:
		if h.r.IntN(2) == 0 {
			a.Occupation = userevents.Null[string]()
			a.RiskLevel = userevents.Set(levels[h.r.IntN(len(levels))])
		} else {
			a.Occupation = userevents.Set(fmt.Sprintf("job %d", h.events))
		}
	}
	return a
}

// checkVersions checks UserAt of every version of l, and of the version to come.
func (h *historyRun) checkVersions(l *lineage) {
	for v, want := range l.versions {
		got, err := h.p.UserAt(h.ctx, l.id, int64(v+1))
		if err != nil {
			h.c.errorf("UserAt(%s, %d): %v", l.id, v+1, err)
			continue
		}
		h.c.sameJSON(fmt.Sprintf("UserAt(%s, %d)", l.id, v+1), recordJSON(got), recordJSON(want))
	}
	if _, err := h.p.UserAt(h.ctx, l.id, int64(len(l.versions))+1); !errors.Is(err, userevents.ErrUserNotFound) {
		h.c.errorf("UserAt(%s) of a version to come: got %v, want ErrUserNotFound", l.id, err)
	}
}

// checkHistory checks that History lists l's committed events, in order.
func (h *historyRun) checkHistory(l *lineage) {
	var got, want []string
	for e, err := range h.p.History(h.ctx, l.id) {
		if err != nil {
			h.c.errorf("History(%s): %v", l.id, err)
			break
		}
		got = append(got, e.EventID)
	}
	for _, res := range l.events {
		want = append(want, res.Event.EventID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		h.c.errorf("History(%s):\n got %v\nwant %v", l.id, got, want)
	}
}

// checkAsOf checks UserAsOf at every event time of l, just before it, and before the
// creation.
func (h *historyRun) checkAsOf(l *lineage) {
	times := []float64{1599999999999, 1600000000000}
	for _, res := range l.events {
		times = append(times, res.Event.Timestamp, res.Event.Timestamp-1)
	}
	sort.Float64s(times)
	for _, t := range times {
		want := -1
		for v, rec := range l.versions {
			if t >= 1600000000000 && rec.LastEventTimestamp <= t {
				want = v
			}
		}
		got, err := h.p.UserAsOf(h.ctx, l.id, t)
		switch {
		case want < 0:
			if !errors.Is(err, userevents.ErrUserNotFound) {
				h.c.errorf("UserAsOf(%s, %.0f) before the user: got %v, want ErrUserNotFound", l.id, t, err)
			}
		case err != nil:
			h.c.errorf("UserAsOf(%s, %.0f): %v", l.id, t, err)
		default:
			h.c.sameJSON(fmt.Sprintf("UserAsOf(%s, %.0f)", l.id, t), recordJSON(got), recordJSON(l.versions[want]))
		}
	}
}
