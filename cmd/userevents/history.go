package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/compliancekit/userevents"
)

const historyUsage = `usage: userevents history --store memory|postgres://... USERID [--at VERSION | --as-of TIMESTAMP]

Without --at or --as-of, prints the user's events in commit order, oldest first, with
those from before a re-key or a conversion, one JSON line each: {"version" (the version
the event made), "flags" (the query flags it was applied with, as sent: true or false),
"level" (Strict or Compatible), "converted" (it converted a business user), "changes"
(the changed field paths), "stateTransition" and "kycTransition" ({"from", "to"}),
"replayed" (under timestamp order, the events that took effect after this late one),
"event" (Flagright's ConsumerUserEventWithRulesResult)}. With --at, prints the record as
committed at that version; with --as-of, the record as of that event time (milliseconds
since the Unix epoch): one JSON line
{"version", "userType", "kycRiskLevelLocked", "craRiskLevelLocked", "lastEventTimestamp",
"user"}. Exit code 1 when the user, or that version, does not exist (or the time is
before the user's creation: the message gives the time exactly as given, unrounded).

`

// historyRecord is the line history prints for a record.
type historyRecord struct {
	Version            int64           `json:"version"`
	UserType           string          `json:"userType"`
	KYCRiskLevelLocked bool            `json:"kycRiskLevelLocked"`
	CRARiskLevelLocked bool            `json:"craRiskLevelLocked"`
	LastEventTimestamp float64         `json:"lastEventTimestamp,omitempty"`
	User               json.RawMessage `json:"user"`
}

// historyEvent is the line history prints for an event: the event and its outcome.
type historyEvent struct {
	Version         int64           `json:"version"`
	Flags           map[string]bool `json:"flags,omitempty"`
	Level           string          `json:"level"`
	Converted       bool            `json:"converted,omitempty"`
	Changes         []string        `json:"changes"`
	StateTransition *transition     `json:"stateTransition,omitempty"`
	KYCTransition   *transition     `json:"kycTransition,omitempty"`
	Replayed        []string        `json:"replayed,omitempty"`
	Event           json.RawMessage `json:"event"`
}

// transition is a userevents.Transition as history prints it.
type transition struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func newTransition(t *userevents.Transition) *transition {
	if t == nil {
		return nil
	}
	return &transition{From: t.From, To: t.To}
}

// newHistoryEvent returns the line of e.
func newHistoryEvent(e *userevents.StoredEvent) (historyEvent, error) {
	out := historyEvent{Version: e.Version, Level: e.Level.String(), Converted: e.Converted,
		Changes: e.Changes, StateTransition: newTransition(e.StateTransition),
		KYCTransition: newTransition(e.KYCTransition), Replayed: e.Replayed}
	if out.Changes == nil {
		out.Changes = []string{}
	}
	for name, v := range e.Options.Query() {
		if out.Flags == nil {
			out.Flags = map[string]bool{}
		}
		out.Flags[name] = v[0] == "true"
	}
	var err error
	out.Event, err = e.AppendJSON(nil)
	return out, err
}

func history(ctx context.Context, args []string, e env) int {
	fs := newFlags("history", e)
	storeSpec := fs.String("store", "", `"memory" or a postgres:// URL (required)`)
	at := fs.Int64("at", 0, "print the record at this version (from 1)")
	asOf := fs.Float64("as-of", 0, "print the record as of this event time (milliseconds since the Unix epoch)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), historyUsage)
		fs.PrintDefaults()
	}
	// Flags may come before or after USERID.
	ids, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *storeSpec == "":
		return e.fail("history", "--store is required")
	case len(ids) != 1 || ids[0] == "":
		return e.fail("history", "want one USERID")
	case set["at"] && set["as-of"]:
		return e.fail("history", "--at or --as-of, not both")
	case set["at"] && *at < 1:
		return e.fail("history", "--at must be a version from 1")
	}
	userID := ids[0]
	st, err := openStore(ctx, *storeSpec)
	if err != nil {
		return e.fail("history", err)
	}
	defer st.close()
	p := userevents.NewProcessor(st.store, userevents.Config{})
	switch {
	case set["at"]:
		rec, err := p.UserAt(ctx, userID, *at)
		return printRecord(e, rec, err)
	case set["as-of"]:
		rec, err := p.UserAsOf(ctx, userID, *asOf)
		return printRecord(e, rec, err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false) // the event as AppendJSON wrote it
	for ev, err := range p.History(ctx, userID) {
		var line historyEvent
		if err == nil {
			line, err = newHistoryEvent(ev)
		}
		if err == nil {
			err = enc.Encode(line)
		}
		if err != nil {
			return historyError(e, err)
		}
	}
	return exitOK
}

func printRecord(e env, rec userevents.Record, err error) int {
	if err != nil {
		return historyError(e, err)
	}
	out := historyRecord{Version: rec.Version, KYCRiskLevelLocked: rec.KYCRiskLevelLocked,
		CRARiskLevelLocked: rec.CRARiskLevelLocked, LastEventTimestamp: rec.LastEventTimestamp}
	out.UserType, out.User, err = "CONSUMER", nil, nil
	if rec.Business != nil {
		out.UserType = "BUSINESS"
		out.User, err = rec.Business.AppendJSON(nil)
	} else {
		out.User, err = rec.Consumer.AppendJSON(nil)
	}
	if err == nil {
		err = json.NewEncoder(e.stdout).Encode(out)
	}
	if err != nil {
		return historyError(e, err)
	}
	return exitOK
}

// historyError reports err: exit 1 for a user or version that does not exist, 2 else.
func historyError(e env, err error) int {
	fmt.Fprintf(e.stderr, "userevents history: %v\n", err)
	if errors.Is(err, userevents.ErrUserNotFound) {
		return exitProblems
	}
	return exitUsage
}
