package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/compliancekit/userevents"
)

// timestampOrder checks TimestampOrder on the store: for random sets of events with
// distinct timestamps (states, KYC statuses, tags by key, nulls, locks, a re-key, a
// conversion of a business user), every arrival order gives the same final record, and
// UserAsOf(T) equals applying, in timestamp order, the events up to T (the oracle is the
// pure Apply, event after event), risk scores included: a Scorer (tagScorer) scores each
// step, so an event that a late event lands before is scored again at its new place.
func timestampOrder(ctx context.Context, s userevents.Store) []error {
	var c collector
	r := rand.New(rand.NewPCG(14, 2))
	cfg := userevents.Config{Order: userevents.TimestampOrder, Scorer: tagScorer}
	p := userevents.NewProcessor(s, cfg)
	runs := 0
	for set := 0; set < 6; set++ {
		business := set%3 == 2
		events := randomTimeline(r, 7+r.IntN(4), business)
		// The orders: timestamp order, its reverse, and random permutations.
		orders := [][]int{r.Perm(len(events)), r.Perm(len(events)), r.Perm(len(events))}
		sorted := make([]int, len(events))
		reversed := make([]int, len(events))
		for i := range sorted {
			sorted[i], reversed[i] = i, len(events)-1-i
		}
		orders = append(orders, sorted, reversed)
		for _, order := range orders {
			runs++
			prefix := fmt.Sprintf("to%d-", runs)
			// The user, under ids of the run's own.
			id := prefix + "u"
			var err error
			if business {
				err = p.CreateBusinessUser(ctx, &userevents.BusinessUser{UserID: id, CreatedTimestamp: 1600000000000,
					LegalEntity:      json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME"}}`),
					UserStateDetails: &userevents.UserStateDetails{State: userevents.UserStateActive}})
			} else {
				err = p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1600000000000})
			}
			c.expect("create "+id, err, nil)
			created, err := p.User(ctx, id)
			c.expect("User "+id, err, nil)
			run := make([]timelineEvent, len(events))
			for i, e := range events {
				run[i] = e.in(prefix)
			}
			// Arrival: each event is sent to the user's id of the moment.
			current := id
			for _, i := range order {
				ev := run[i].ev.Clone()
				ev.UserID = current
				res, err := p.Apply(ctx, ev, run[i].opts)
				if err != nil {
					c.errorf("run %d, event %s: %v", runs, ev.EventID, err)
					continue
				}
				current = res.Record.UserID()
			}
			final, err := p.User(ctx, current)
			if err != nil {
				c.errorf("run %d: %v", runs, err)
				continue
			}
			want, err := applyInOrder(created, run, 1e18, cfg)
			if err != nil {
				c.errorf("run %d: the oracle: %v", runs, err)
				continue
			}
			c.sameJSON(fmt.Sprintf("run %d (order %v): the final record", runs, order), asOfJSON(final, prefix), asOfJSON(want, prefix))
			// UserAsOf at, and just before, each event's time.
			for _, e := range run {
				for _, t := range []float64{e.ev.Timestamp - 1, e.ev.Timestamp} {
					got, err := p.UserAsOf(ctx, current, t)
					if err != nil {
						c.errorf("run %d: UserAsOf(%.0f): %v", runs, t, err)
						continue
					}
					want, err := applyInOrder(created, run, t, cfg)
					if err != nil {
						c.errorf("run %d: the oracle at %.0f: %v", runs, t, err)
						continue
					}
					c.sameJSON(fmt.Sprintf("run %d: UserAsOf(%.0f)", runs, t), asOfJSON(got, prefix), asOfJSON(want, prefix))
				}
			}
		}
	}
	return c
}

// timelineEvent is an event of a random timeline and its flags.
type timelineEvent struct {
	ev   *userevents.ConsumerUserEvent
	opts userevents.Options
}

// in returns e with the ids of a run: its event id and its re-key target prefixed.
func (e timelineEvent) in(prefix string) timelineEvent {
	ev := e.ev.Clone()
	ev.EventID = prefix + ev.EventID
	if ev.NewUserID != "" {
		ev.NewUserID = prefix + ev.NewUserID
	}
	return timelineEvent{ev, e.opts}
}

// randomTimeline returns n events with distinct timestamps, in timestamp order; at most
// one re-keys the user. For a business user every event allows the conversion, so the
// first in the timeline converts it, whatever the arrival order.
func randomTimeline(r *rand.Rand, n int, business bool) []timelineEvent {
	states := []userevents.UserState{userevents.UserStateActive, userevents.UserStateSuspended, userevents.UserStateBlocked}
	kycs := []userevents.KYCStatus{userevents.KYCStatusInProgress, userevents.KYCStatusSuccessful, userevents.KYCStatusFailed}
	var out []timelineEvent
	ts := 1700000000000.0
	rekeyed := false
	for i := 0; i < n; i++ {
		ts += float64(1 + r.IntN(100000))
		ev := &userevents.ConsumerUserEvent{Timestamp: ts, EventID: fmt.Sprintf("e%d", i)}
		var opts userevents.Options
		a := &userevents.ConsumerUserAttributes{}
		switch r.IntN(7) {
		case 0:
			a.UserStateDetails = userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(states[r.IntN(len(states))])})
			ev.Reason = userevents.Ptr(fmt.Sprintf("reason %d", i))
		case 1:
			a.KYCStatusDetails = userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(kycs[r.IntN(len(kycs))])})
		case 2:
			a.Tags = userevents.Set([]userevents.UserTag{{Key: fmt.Sprintf("k%d", r.IntN(3)), Value: fmt.Sprintf("v%d", i)}})
		case 3:
			a.Occupation = userevents.Null[string]()
			a.Tags = userevents.Null[[]userevents.UserTag]()
		case 4:
			a.Occupation = userevents.Set(fmt.Sprintf("job %d", i))
			a.RiskLevel = userevents.Set(userevents.RiskLevelHigh)
		case 5:
			opts.LockKYCRiskLevel = userevents.Ptr(r.IntN(2) == 0)
			opts.LockCRARiskLevel = userevents.Ptr(r.IntN(2) == 0)
		case 6:
			if !rekeyed {
				rekeyed = true
				ev.NewUserID = fmt.Sprintf("rekeyed-%d", i)
				opts.ChangeUserID = true
			} else {
				a.Occupation = userevents.Set("after the re-key")
			}
		}
		ev.UpdatedConsumerUserAttributes = a
		opts.AllowUserTypeConversion = business
		out = append(out, timelineEvent{ev, opts})
	}
	return out
}

// applyInOrder is the oracle of TimestampOrder: the pure Apply of the events with a
// timestamp at most t to the created record, in timestamp order, each addressed to the
// user's id of the moment.
func applyInOrder(created userevents.Record, events []timelineEvent, t float64, cfg userevents.Config) (userevents.Record, error) {
	rec := created
	for _, e := range events { // in timestamp order already
		if e.ev.Timestamp > t {
			break
		}
		ev := e.ev.Clone()
		ev.UserID = rec.UserID()
		res, err := userevents.Apply(rec, ev, e.opts, userevents.Config{Scorer: cfg.Scorer})
		if err != nil {
			return userevents.Record{}, fmt.Errorf("%s: %w", ev.EventID, err)
		}
		rec = res.Record
	}
	return rec, nil
}

// asOfJSON is the comparable form of a record as of a time: the user, the locks and the
// newest timestamp (not the version or the history's bookkeeping, which count commits),
// with the run's prefix taken out of the ids.
func asOfJSON(r userevents.Record, prefix string) string {
	b, _ := json.Marshal(struct {
		Consumer             *userevents.ConsumerUser
		Business             *userevents.BusinessUser
		KYCLocked, CRALocked bool
		LastEventTimestamp   float64
	}{r.Consumer, r.Business, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp})
	return strings.ReplaceAll(string(b), prefix, "")
}

// tagScorer scores a user by its tags: its KYC and CRA scores are 10 per tag (at most
// 100), so the scores of a step depend on the events before it in the timeline.
func tagScorer(u *userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
	score := float64(min(10*len(u.Tags), 100))
	return &userevents.UserRiskScoreDetails{KYCRiskScore: &score, CRARiskScore: &score}, nil
}
