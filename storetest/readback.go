package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/compliancekit/userevents"
)

// What a store accepted, it must read back: the decoding limits (userevents.Limits)
// bound input from outside, not what a store holds. A user grows event by event past
// them, and values built in Go never met them, so a store that decodes what it reads
// must do so without limits (userevents.Unlimited). And whatever the library accepts a
// store must store, such as U+0000 in a string.

// sameJSON records a violation unless got and want are the same text; it reports where
// they first differ rather than the whole of (possibly megabytes of) both.
func (c *collector) sameJSON(what, got, want string) {
	if got == want {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(s string) string { return s[max(0, i-40):min(len(s), i+40)] }
	c.errorf("%s: differs at byte %d (got %d bytes, want %d):\n got …%s…\nwant …%s…", what, i, len(got), len(want), excerpt(got), excerpt(want))
}

// loaded returns the record of id, or records a violation.
func (c *collector) loaded(ctx context.Context, s userevents.Store, id string) (userevents.Record, bool) {
	got, err := s.LoadUser(ctx, id)
	if err != nil {
		c.errorf("LoadUser(%.40q): %v", id, err)
	}
	return got, err == nil
}

// loadSame records a violation unless the record of id is want (compared as sameJSON).
func (c *collector) loadSame(ctx context.Context, s userevents.Store, id string, want userevents.Record) {
	if got, ok := c.loaded(ctx, s, id); ok {
		c.sameJSON(fmt.Sprintf("LoadUser(%.40q)", id), recordJSON(got), recordJSON(want))
	}
}

// loadUserSame records a violation unless the user of id is want's (the rest of the
// record is not compared).
func (c *collector) loadUserSame(ctx context.Context, s userevents.Store, id string, want userevents.Record) {
	if got, ok := c.loaded(ctx, s, id); ok {
		users := func(r userevents.Record) string {
			return recordJSON(userevents.Record{Consumer: r.Consumer, Business: r.Business})
		}
		c.sameJSON(fmt.Sprintf("LoadUser(%.40q)", id), users(got), users(want))
	}
}

// loadEventSame records a violation unless the event of id is want, outcome included.
func (c *collector) loadEventSame(ctx context.Context, s userevents.Store, id string, want *userevents.StoredEvent) {
	got, err := s.LoadEvent(ctx, id)
	if err != nil {
		c.errorf("LoadEvent(%.40q): %v", id, err)
		return
	}
	c.sameJSON(fmt.Sprintf("LoadEvent(%.40q)", id), eventJSON(got), eventJSON(want))
}

// limitCase is a record, and an event on it, at or beyond one of the default limits.
type limitCase struct {
	name string
	// record returns the record to create under id (version 1); nil: user(id).
	record func(id string) userevents.Record
	// id is the user id; "" for one made from the case's index.
	id string
	// eventID is the id of the event; "" for one made from the case's index.
	eventID string
	// event changes the event before it is committed; nil: no change.
	event func(e *userevents.StoredEvent)
}

// nested returns n JSON arrays, one in the other, around 1.
func nested(n int) json.RawMessage {
	return json.RawMessage(strings.Repeat("[", n) + "1" + strings.Repeat("]", n))
}

// consumerWith returns user(id) changed by f.
func consumerWith(f func(u *userevents.ConsumerUser)) func(id string) userevents.Record {
	return func(id string) userevents.Record {
		u := user(id)
		f(u)
		return userevents.Record{Consumer: u, Version: 1}
	}
}

// manyTags returns n tags with distinct keys.
func manyTags(prefix string, n int, value string) []userevents.UserTag {
	t := make([]userevents.UserTag, n)
	for i := range t {
		t[i] = userevents.UserTag{Key: prefix + strconv.Itoa(i), Value: value}
	}
	return t
}

// deepUser nests the user depth levels deep (the user itself is level 1): its
// executedRules[0].vars[0].value starts at level 6.
func deepUser(depth int) func(id string) userevents.Record {
	return consumerWith(func(u *userevents.ConsumerUser) {
		u.ExecutedRules = []userevents.ExecutedRulesResult{{RuleInstanceID: "r1", RuleName: "n", RuleDescription: "d",
			RuleAction: userevents.RuleActionFlag, Vars: []userevents.ExecutedLogicVars{{Value: nested(depth - 5)}}}}
	})
}

// sizedUser makes the user's JSON exactly n bytes long, with tags of 60,000 bytes.
func sizedUser(n int) func(id string) userevents.Record {
	return func(id string) userevents.Record {
		u := user(id)
		for i := 0; i <= n/60000; i++ {
			u.Tags = append(u.Tags, userevents.UserTag{Key: "pad" + strconv.Itoa(i), Value: strings.Repeat("x", 60000)})
		}
		b, _ := json.Marshal(u)
		last := &u.Tags[len(u.Tags)-1]
		last.Value = last.Value[:len(last.Value)-(len(b)-n)]
		return userevents.Record{Consumer: u, Version: 1}
	}
}

// limitCases returns records and events at and beyond each default limit.
func limitCases() []limitCase {
	lim := userevents.DefaultLimits()
	str := func(n int) string { return strings.Repeat("s", n) }
	return []limitCase{
		// The size of a document: the user, and so the event's outcome (the user after
		// and before).
		{name: "user of exactly the document limit", record: sizedUser(lim.MaxBytes)},
		{name: "user one byte over the document limit", record: sizedUser(lim.MaxBytes + 1)},
		{name: "user of three times the document limit", record: sizedUser(3 * lim.MaxBytes)},
		// Nesting depth, in a rule variable's arbitrary JSON and in a business user's.
		{name: "user at the depth limit", record: deepUser(lim.MaxDepth)},
		{name: "user one level over the depth limit", record: deepUser(lim.MaxDepth + 1)},
		{name: "user 500 levels deep", record: deepUser(500)},
		{name: "business user 500 levels deep", record: func(id string) userevents.Record {
			b := business(id)
			b.LegalEntity = nested(500)
			return userevents.Record{Business: b, Version: 1}
		}},
		// Past encoding/json's nesting limit (10,000), which a store must not read with.
		{name: "user 10,050 levels deep", record: deepUser(10050)},
		{name: "business user 10,050 levels deep", record: func(id string) userevents.Record {
			b := business(id)
			b.LegalEntity = nested(10050)
			return userevents.Record{Business: b, Version: 1}
		}},
		{name: "event 500 levels deep", event: func(e *userevents.StoredEvent) {
			e.ExecutedRules = []userevents.ExecutedRulesResult{{RuleInstanceID: "r1", RuleName: "n", RuleDescription: "d",
				RuleAction: userevents.RuleActionFlag, Vars: []userevents.ExecutedLogicVars{{Value: nested(500)}}}}
		}},
		// Array elements: the tags a user gathers event by event, the event's links.
		{name: "tags at the array limit", record: consumerWith(func(u *userevents.ConsumerUser) {
			u.Tags = manyTags("k", lim.MaxArrayLength, "v")
		})},
		{name: "tags one over the array limit", record: consumerWith(func(u *userevents.ConsumerUser) {
			u.Tags = manyTags("k", lim.MaxArrayLength+1, "v")
		})},
		{name: "event links one over the array limit", event: func(e *userevents.StoredEvent) {
			for i := 0; i <= lim.MaxArrayLength; i++ {
				e.ExternalLinks = append(e.ExternalLinks, "https://example.com/"+strconv.Itoa(i))
			}
		}},
		// String length.
		{name: "string at the length limit", record: consumerWith(func(u *userevents.ConsumerUser) {
			u.Occupation = userevents.Ptr(str(lim.MaxStringBytes))
		})},
		{name: "string one byte over the length limit", record: consumerWith(func(u *userevents.ConsumerUser) {
			u.Occupation = userevents.Ptr(str(lim.MaxStringBytes + 1))
		})},
		{name: "string of 1 MiB", record: consumerWith(func(u *userevents.ConsumerUser) {
			u.Occupation = userevents.Ptr(str(1 << 20))
		})},
		{name: "event reason one byte over the length limit", event: func(e *userevents.StoredEvent) {
			e.Reason = userevents.Ptr(str(lim.MaxStringBytes + 1))
		}},
		// Id lengths.
		{name: "user id at the id limit", id: "u" + str(lim.MaxIDBytes-1)},
		{name: "user id one byte over the id limit", id: "u" + str(lim.MaxIDBytes)},
		{name: "event id at the id limit", eventID: "e" + str(lim.MaxIDBytes-1)},
		{name: "event id one byte over the id limit", eventID: "e" + str(lim.MaxIDBytes)},
	}
}

// readBackLimits creates, for each limit case, a record at or beyond a default limit
// (its creation entry holds it as a snapshot) and commits an event on it whose entry
// holds the record after the event as a snapshot: every load, and the history, must
// give back exactly what was committed.
func readBackLimits(ctx context.Context, s userevents.Store) []error {
	var c collector
	for i, lc := range limitCases() {
		id, eventID := lc.id, lc.eventID
		if id == "" {
			id = "lim-u" + strconv.Itoa(i)
		}
		if eventID == "" {
			eventID = "lim-e" + strconv.Itoa(i)
		}
		record := lc.record
		if record == nil {
			record = func(id string) userevents.Record { return userevents.Record{Consumer: user(id), Version: 1} }
		}
		created, first := creation(record(id))
		err := s.Commit(ctx, userevents.Commit{UserID: id, Record: created, Event: first})
		c.expect(lc.name+": create", err, nil)
		if err != nil {
			continue
		}
		c.loadSame(ctx, s, id, created)

		ev := event(eventID, id, 2)
		next := userevents.Record{Version: 2, LastEventTimestamp: ev.Timestamp, HistoryID: created.HistoryID}
		if prev := record(id); prev.Consumer != nil {
			next.Consumer = prev.Consumer
			next.Consumer.Occupation = userevents.Ptr("engineer")
		} else {
			next.Consumer = &userevents.ConsumerUser{UserID: id, CreatedTimestamp: prev.Business.CreatedTimestamp}
			ev.Converted = true
		}
		if lc.event != nil {
			lc.event(ev)
		}
		snap := next
		ev.Snapshot = &snap
		err = s.Commit(ctx, userevents.Commit{UserID: id, ExpectedVersion: 1, Record: next, Event: ev})
		c.expect(lc.name+": commit an event", err, nil)
		if err != nil {
			continue
		}
		c.loadSame(ctx, s, id, next)
		c.loadEventSame(ctx, s, eventID, ev)
		c.historySame(ctx, s, created.HistoryID, 1, []*userevents.StoredEvent{first, ev})
	}
	return c
}

// accepted returns ev as the default decoder reads it from its JSON: the event a server
// accepts. It records a violation of the test itself if the decoder refuses it.
func (c *collector) accepted(ev *userevents.ConsumerUserEvent) *userevents.ConsumerUserEvent {
	b, err := json.Marshal(ev)
	if err != nil {
		c.errorf("encode event %q: %v", ev.EventID, err)
		return ev
	}
	d, err := userevents.DecodeEvent(b)
	if err != nil {
		c.errorf("the test's event %q is not accepted by DecodeEvent: %v", ev.EventID, err)
		return ev
	}
	return d
}

// applied applies ev through p and checks that the store then gives back the user and
// the event the Processor reported, and that a retry of ev is a duplicate.
func (c *collector) applied(ctx context.Context, s userevents.Store, p *userevents.Processor, ev *userevents.ConsumerUserEvent, opts userevents.Options) {
	res, err := p.Apply(ctx, ev, opts)
	if err != nil {
		c.errorf("Apply(%q): %v (HTTP %d)", ev.EventID, err, userevents.HTTPStatus(err))
		return
	}
	c.loadSame(ctx, s, res.Record.UserID(), res.Record)
	c.loadEventSame(ctx, s, ev.EventID, res.Event)
	again, err := p.Apply(ctx, ev, opts)
	switch {
	case err != nil:
		c.errorf("retry of %q: %v (HTTP %d)", ev.EventID, err, userevents.HTTPStatus(err))
	case !again.Duplicate:
		c.errorf("retry of %q: not reported as a duplicate", ev.EventID)
	}
}

// readBackAccepted applies, through a Processor, events that the default decoder
// accepts and that make the stored user and outcome outgrow the default limits: two
// events of 6,000 tags each (12,000 tags), and three events of about 900 KB each (a user
// and an outcome of megabytes). Each must be read back, retried as a duplicate, and
// followed by further events.
func readBackAccepted(ctx context.Context, s userevents.Store) []error {
	var c collector
	// Compatible: Strict refuses to grow the tags past the array limit.
	p := userevents.NewProcessor(s, userevents.Config{Level: userevents.Compatible})
	c.expect("create tags-u", p.CreateConsumerUser(ctx, user("tags-u")), nil)
	for i := 0; i < 3; i++ {
		ev := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "tags-u", EventID: "tags-e" + strconv.Itoa(i),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Tags: userevents.Set(manyTags("e"+strconv.Itoa(i)+"-", 6000, "v"))}}
		c.applied(ctx, s, p, c.accepted(ev), userevents.Options{})
	}

	p = userevents.NewProcessor(s, userevents.Config{})
	c.expect("create big-u", p.CreateConsumerUser(ctx, user("big-u")), nil)
	for i := 0; i < 4; i++ {
		ev := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "big-u", EventID: "big-e" + strconv.Itoa(i),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Tags: userevents.Set(manyTags("e"+strconv.Itoa(i)+"-", 15, strings.Repeat("x", 60000)))}}
		c.applied(ctx, s, p, c.accepted(ev), userevents.Options{})
	}
	return c
}

// readBackNUL stores U+0000 where the library accepts it: at Compatible in any string
// of a user and of an event, at Strict inside a business user's raw JSON (legalEntity),
// which a conversion then keeps in the event's previous record.
func readBackNUL(ctx context.Context, s userevents.Store) []error {
	var c collector
	p := userevents.NewProcessor(s, userevents.Config{Level: userevents.Compatible})
	u := user("nul-u")
	u.Occupation = userevents.Ptr("a\x00b")
	u.Tags = append(u.Tags, userevents.UserTag{Key: "k\x00", Value: "\x00"})
	c.expect("create a consumer user with NUL", p.CreateConsumerUser(ctx, u), nil)
	c.loadUserSame(ctx, s, "nul-u", userevents.Record{Consumer: u})
	ev := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "nul-u", EventID: "nul-e1", Reason: userevents.Ptr("r\x00"),
		EventDescription: userevents.Ptr("\x00"),
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{Occupation: userevents.Set("x\x00y"),
			Tags: userevents.Set([]userevents.UserTag{{Key: "t", Value: "v\x00"}})}}
	c.applied(ctx, s, p, c.accepted(ev), userevents.Options{})

	p = userevents.NewProcessor(s, userevents.Config{})
	b := business("nul-b")
	b.LegalEntity = json.RawMessage(`{"companyGeneralDetails":{"legalName":"ACME\u0000Ltd"}}`)
	c.expect("create a business user with NUL in legalEntity", p.CreateBusinessUser(ctx, b), nil)
	c.loadUserSame(ctx, s, "nul-b", userevents.Record{Business: b})
	conv := &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "nul-b", EventID: "nul-e2"}
	c.applied(ctx, s, p, c.accepted(conv), userevents.Options{AllowUserTypeConversion: true})
	return c
}
