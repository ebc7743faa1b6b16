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
	var c collector
	r := rand.New(rand.NewPCG(13, 1))
	scores := []float64{5, 30, 55, 70, 95}
	p := userevents.NewProcessor(s, userevents.Config{Scorer: func(u *userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		// A scorer that depends on the user, so that replays must keep its effects.
		k := scores[len(u.Tags)%len(scores)]
		level, _ := userevents.LevelForScore(k)
		return &userevents.UserRiskScoreDetails{KYCRiskScore: &k, KYCRiskLevel: level}, nil
	}})

	// One lineage per created user: its current id, its records by version, its
	// committed events in order.
	type lineage struct {
		id       string
		versions []userevents.Record // versions[v-1]
		events   []*userevents.Result
		business bool // still a business user
	}
	var lineages []*lineage
	ids := 0
	newID := func() string { ids++; return fmt.Sprintf("hp-u%d", ids) }
	// The users are large (200 links) so that most entries keep no snapshot: UserAt
	// then replays the entries after the newest snapshot.
	links := make([]string, 200)
	for i := range links {
		links[i] = fmt.Sprintf("https://crm.example.com/customers/%d", i)
	}
	create := func(business bool) {
		l := &lineage{id: newID(), business: business}
		var err error
		if business {
			err = p.CreateBusinessUser(ctx, &userevents.BusinessUser{UserID: l.id, CreatedTimestamp: 1600000000000,
				LegalEntity:      json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME"}}`),
				UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateActive}})
		} else {
			err = p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: l.id, CreatedTimestamp: 1600000000000,
				UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateCreated}, ExternalLinks: links})
		}
		c.expect("create "+l.id, err, nil)
		rec, err := p.User(ctx, l.id)
		c.expect("User("+l.id+")", err, nil)
		l.versions = append(l.versions, rec)
		lineages = append(lineages, l)
	}
	for range 4 {
		create(false)
	}
	create(true)

	states := []userevents.UserState{userevents.UserStateActive, userevents.UserStateSuspended, userevents.UserStateBlocked, userevents.UserStateDormant}
	kycs := []userevents.KYCStatus{userevents.KYCStatusInProgress, userevents.KYCStatusSuccessful, userevents.KYCStatusFailed}
	levels := []userevents.RiskLevel{userevents.RiskLevelLow, userevents.RiskLevelHigh}
	ts := 1700000000000.0
	events := 0
	for step := 0; step < 160; step++ {
		l := lineages[r.IntN(len(lineages))]
		switch k := r.IntN(20); {
		case k == 0:
			create(r.IntN(3) == 0)
			continue
		case k == 1 && len(l.events) > 0: // a duplicate: the same outcome, nothing new
			first := l.events[r.IntN(len(l.events))]
			again, err := p.Apply(ctx, &first.Event.ConsumerUserEvent, first.Event.Options)
			c.expect("duplicate "+first.Event.EventID, err, nil)
			if err == nil {
				if !again.Duplicate || recordJSON(again.Record) != recordJSON(first.Record) || recordJSON(again.Previous) != recordJSON(first.Previous) {
					c.errorf("the retry of %s is not the first outcome", first.Event.EventID)
				}
			}
			continue
		}
		// An event, mostly in time order, sometimes late.
		ts += float64(r.IntN(5000)) - 500
		events++
		ev := &userevents.ConsumerUserEvent{Timestamp: ts, UserID: l.id, EventID: fmt.Sprintf("hp-e%d", events)}
		var opts userevents.Options
		a := &userevents.ConsumerUserAttributes{}
		switch r.IntN(4) {
		case 0:
			a.UserStateDetails = userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(states[r.IntN(len(states))])})
			if r.IntN(2) == 0 {
				ev.Reason = userevents.Ptr("review")
			}
		case 1:
			a.KYCStatusDetails = userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(kycs[r.IntN(len(kycs))])})
		case 2:
			a.Tags = userevents.Set([]userevents.UserTag{{Key: fmt.Sprintf("k%d", r.IntN(6)), Value: fmt.Sprintf("v%d", events)}})
		case 3:
			if r.IntN(2) == 0 {
				a.Occupation = userevents.Null[string]()
				a.RiskLevel = userevents.Set(levels[r.IntN(len(levels))])
			} else {
				a.Occupation = userevents.Set(fmt.Sprintf("job %d", events))
			}
		}
		ev.UpdatedConsumerUserAttributes = a
		switch r.IntN(8) {
		case 0:
			opts.LockKYCRiskLevel = userevents.Ptr(r.IntN(2) == 0)
		case 1:
			opts.LockCRARiskLevel = userevents.Ptr(r.IntN(2) == 0)
		case 2: // a re-key
			if !l.business {
				ev.NewUserID = newID()
				opts.ChangeUserID = true
			}
		case 3: // a refused event: nothing changes
			ev.UpdatedConsumerUserAttributes = &userevents.ConsumerUserAttributes{RiskLevel: userevents.Set(userevents.RiskLevel("EXTREME"))}
		}
		if l.business {
			opts.AllowUserTypeConversion = r.IntN(3) != 0
		}
		res, err := p.Apply(ctx, ev, opts)
		var ve *userevents.ValidationError
		switch {
		case err == nil:
			if res.Record.Version != int64(len(l.versions))+1 {
				c.errorf("event %s committed version %d, want %d", ev.EventID, res.Record.Version, len(l.versions)+1)
			}
			l.versions = append(l.versions, res.Record)
			l.events = append(l.events, res)
			l.id = res.Record.UserID()
			l.business = false
		case errors.As(err, &ve), errors.Is(err, userevents.ErrUserTypeMismatch):
		default:
			c.errorf("event %s: %v", ev.EventID, err)
		}
	}

	converted, replayed := 0, 0
	for _, l := range lineages {
		for e, err := range p.History(ctx, l.id) {
			if err == nil && e.Snapshot == nil {
				replayed++
			}
		}
		for v, want := range l.versions {
			got, err := p.UserAt(ctx, l.id, int64(v+1))
			if err != nil {
				c.errorf("UserAt(%s, %d): %v", l.id, v+1, err)
				continue
			}
			c.sameJSON(fmt.Sprintf("UserAt(%s, %d)", l.id, v+1), recordJSON(got), recordJSON(want))
		}
		if _, err := p.UserAt(ctx, l.id, int64(len(l.versions))+1); !errors.Is(err, userevents.ErrUserNotFound) {
			c.errorf("UserAt(%s) of a version to come: got %v, want ErrUserNotFound", l.id, err)
		}
		var got, want []string
		for e, err := range p.History(ctx, l.id) {
			if err != nil {
				c.errorf("History(%s): %v", l.id, err)
				break
			}
			got = append(got, e.EventID)
		}
		for _, res := range l.events {
			want = append(want, res.Event.EventID)
			if res.Converted {
				converted++
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			c.errorf("History(%s):\n got %v\nwant %v", l.id, got, want)
		}
		// UserAsOf at every event time, just before it, and before the creation.
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
			got, err := p.UserAsOf(ctx, l.id, t)
			switch {
			case want < 0:
				if !errors.Is(err, userevents.ErrUserNotFound) {
					c.errorf("UserAsOf(%s, %.0f) before the user: got %v, want ErrUserNotFound", l.id, t, err)
				}
			case err != nil:
				c.errorf("UserAsOf(%s, %.0f): %v", l.id, t, err)
			default:
				c.sameJSON(fmt.Sprintf("UserAsOf(%s, %.0f)", l.id, t), recordJSON(got), recordJSON(l.versions[want]))
			}
		}
	}
	if events < 100 || converted == 0 || len(lineages) < 6 || replayed < 50 {
		c.errorf("the sequence is too tame: %d events, %d conversions, %d users, %d entries without a snapshot",
			events, converted, len(lineages), replayed)
	}
	return c
}
