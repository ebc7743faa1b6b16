package userevents_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/compliancekit/userevents/storetest"
	"github.com/google/go-cmp/cmp"
)

// TestMemstoreHistoryMatchesApply applies random events through a Processor with
// memstore and through the pure Apply side by side. The events set, remove and repeat
// members at random, so successive records share some members and replace others.
// After every event the stored user must be the pure Apply's, and at the end UserAt of
// every event's version must still give the user as it was right after it (no shared
// record changed when a later one was made from it), and History lists the events.
func TestMemstoreHistoryMatchesApply(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(2))
	users := userevents.StoredUsers(t)
	names := make([]string, 0, len(users))
	for name := range users {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		u := users[name]
		t.Run(name, func(t *testing.T) {
			p := userevents.NewProcessor(memstore.New(), userevents.Config{})
			if err := p.CreateConsumerUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			pure := userevents.Record{Consumer: u, Version: 1}
			after := map[int64]string{} // version -> the user right after its event
			var ids []string            // the applied events, in order
			for i := 0; i < 200; i++ {
				ev := userevents.RandomEvent(r)
				ev.EventID = name + "-" + strconv.Itoa(i)
				want, err := userevents.Apply(pure, ev, userevents.Options{}, userevents.Config{})
				res, perr := p.Apply(ctx, ev, userevents.Options{})
				var ve *userevents.ValidationError
				if err != nil {
					if !errors.As(err, &ve) || !errors.As(perr, &ve) {
						t.Fatalf("#%d: Apply: %v; Processor.Apply: %v", i, err, perr)
					}
					continue
				}
				if perr != nil {
					t.Fatalf("#%d: Processor.Apply: %v", i, perr)
				}
				pure = want.Record
				got := mustJSON(t, res.User)
				if w := mustJSON(t, want.User); got != w {
					t.Fatalf("#%d: the processor's user differs from Apply's:\n%s\n%s", i, got, w)
				}
				after[res.Record.Version] = got
				ids = append(ids, ev.EventID)
			}
			if len(after) < 50 {
				t.Fatalf("only %d of 200 random events applied", len(after))
			}
			for v, want := range after {
				rec, err := p.UserAt(ctx, u.UserID, v)
				if err != nil {
					t.Fatal(err)
				}
				if got := mustJSON(t, rec.Consumer); got != want {
					t.Errorf("version %d: UserAt gives another user than the event's result", v)
				}
			}
			var listed []string
			for e, err := range p.History(ctx, u.UserID) {
				if err != nil {
					t.Fatal(err)
				}
				listed = append(listed, e.EventID)
			}
			if diff := cmp.Diff(ids, listed); diff != "" {
				t.Errorf("History (-want +got):\n%s", diff)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestApplyWithoutHistoryKeepsNoSnapshot: the pure Apply to a record of no history (one
// the caller built, HistoryID empty) keeps no snapshot and no bookkeeping: sizing the
// next snapshot encodes the whole user, which made every such Apply cost a json encoding
// of the user (BenchmarkApply/state/full-user 1.3 → 34 µs).
func TestApplyWithoutHistoryKeepsNoSnapshot(t *testing.T) {
	rec := userevents.Record{Consumer: &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}, Version: 1}
	res, err := userevents.Apply(rec, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "e1"}, userevents.Options{}, userevents.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Event.Snapshot != nil || res.Record.SnapshotDue != 0 {
		t.Errorf("Apply to a record of no history: snapshot %v, SnapshotDue %d; want none, 0", res.Event.Snapshot != nil, res.Record.SnapshotDue)
	}
}

// ratioStore is a memstore whose SnapshotRatio is r.
type ratioStore struct {
	*memstore.Store
	r int
}

func (s ratioStore) SnapshotRatio() int { return s.r }

// plainStore hides memstore's SnapshotRatio: a Store that chooses none.
type plainStore struct{ userevents.Store }

// TestStoreSnapshotRatio checks that the library keeps snapshots at the ratio its Store
// chooses, clamped to 1 to 64, and at 4 for a Store that chooses none: the snapshots of
// a user given the same 300 small events, counted; and that every version rebuilds to
// the record committed with it, whatever the ratio.
func TestStoreSnapshotRatio(t *testing.T) {
	ctx := context.Background()
	snapshots := func(s userevents.Store) int {
		t.Helper()
		p := userevents.NewProcessor(s, userevents.Config{})
		u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
		for i := range 200 {
			u.Tags = append(u.Tags, userevents.UserTag{Key: "k" + strconv.Itoa(i), Value: strings.Repeat("v", 100)})
		}
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		var committed []userevents.Record
		for i := range 300 {
			state := []userevents.UserState{userevents.UserStateActive, userevents.UserStateBlocked}[i%2]
			res, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000 + float64(i), UserID: "u1",
				EventID: "e" + strconv.Itoa(i), UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
					UserStateDetails: userevents.Set(&userevents.UserStateDetailsUpdate{State: userevents.Set(state)})}}, userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			committed = append(committed, res.Record)
		}
		n := 0
		for e, err := range s.LoadHistory(ctx, committed[0].HistoryID, 1) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Snapshot != nil {
				n++
			}
		}
		for _, want := range committed {
			got, err := p.UserAt(ctx, "u1", want.Version)
			if diff := cmp.Diff(want, got); err != nil || diff != "" {
				t.Fatalf("UserAt(%d): %v (-committed +rebuilt):\n%s", want.Version, err, diff)
			}
		}
		return n
	}
	count := map[string]int{}
	for _, c := range []struct {
		name string
		s    userevents.Store
	}{
		{"plain", plainStore{memstore.New()}},                               // chooses none: 4
		{"memstore", memstore.New()},                                        // 16
		{"checked", storetest.Checked(t, memstore.New())},                   // forwards memstore's
		{"faulty", &storetest.FaultyStore{Store: memstore.New()}},           // the same
		{"checked plain", storetest.Checked(t, plainStore{memstore.New()})}, // forwards the default
		{"1", ratioStore{memstore.New(), 1}},                                // the fewest snapshots
		{"0", ratioStore{memstore.New(), 0}},                                // clamped to 1
		{"4", ratioStore{memstore.New(), 4}},                                // the default, chosen
		{"16", ratioStore{memstore.New(), 16}},                              // memstore's
		{"64", ratioStore{memstore.New(), 64}},                              // the most
		{"1000", ratioStore{memstore.New(), 1000}},                          // clamped to 64
	} {
		count[c.name] = snapshots(c.s)
	}
	t.Log(count)
	// The user is about 24 KB and each event about 100 bytes: at ratio r a snapshot
	// every 240/r events or so, plus the creation (at 1000, unclamped, at every event).
	for _, same := range [][2]string{{"plain", "4"}, {"memstore", "16"}, {"0", "1"}, {"1000", "64"},
		{"checked", "16"}, {"faulty", "16"}, {"checked plain", "4"}} {
		if count[same[0]] != count[same[1]] {
			t.Errorf("%s: %d snapshots, want as many as %s (%d)", same[0], count[same[0]], same[1], count[same[1]])
		}
	}
	if !(count["1"] < count["4"] && count["4"] < count["16"] && count["16"] < count["64"]) {
		t.Errorf("snapshots by ratio %v: want more at a higher ratio", count)
	}
	if count["1"] > 5 || count["64"] < 40 || count["64"] > 150 {
		t.Errorf("snapshots by ratio %v: want at most 5 at ratio 1 and 40 to 150 at 64", count)
	}
}

// textKeyStore is a memstore that fails, as a database keeping ids as text does, when it
// is asked for an id with NUL or invalid UTF-8.
type textKeyStore struct{ *memstore.Store }

func (s textKeyStore) check(id string) error {
	if !utf8.ValidString(id) || strings.Contains(id, "\x00") {
		return errors.New("invalid byte sequence for encoding UTF8")
	}
	return nil
}

func (s textKeyStore) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	if err := s.check(userID); err != nil {
		return userevents.Record{}, err
	}
	return s.Store.LoadUser(ctx, userID)
}

func (s textKeyStore) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	if err := s.check(eventID); err != nil {
		return nil, err
	}
	return s.Store.LoadEvent(ctx, eventID)
}

// TestQueriesOfUnstorableIDs checks that every query answers not found for an id that no
// commit can have stored (NUL, invalid UTF-8: the id rule at both levels), without asking
// the Store, whose database may fail on it (an HTTP server would answer 500).
func TestQueriesOfUnstorableIDs(t *testing.T) {
	ctx := context.Background()
	p := userevents.NewProcessor(textKeyStore{memstore.New()}, userevents.Config{})
	queries := []struct {
		name string
		run  func(id string) error
		want error
	}{
		{"User", func(id string) error { _, err := p.User(ctx, id); return err }, userevents.ErrUserNotFound},
		{"UserAt", func(id string) error { _, err := p.UserAt(ctx, id, 1); return err }, userevents.ErrUserNotFound},
		{"UserAsOf", func(id string) error { _, err := p.UserAsOf(ctx, id, 1e12); return err }, userevents.ErrUserNotFound},
		{"History", func(id string) error {
			for _, err := range p.History(ctx, id) {
				return err
			}
			return nil
		}, userevents.ErrUserNotFound},
		{"Event", func(id string) error { _, err := p.Event(ctx, id); return err }, userevents.ErrEventNotFound},
	}
	ids := []struct {
		name, id string
	}{
		{"NUL", "a\x00b"},           // %00 in a path
		{"invalid UTF-8", "a\xffb"}, // %FF in a path
	}
	for _, q := range queries {
		for _, id := range ids {
			t.Run(q.name+"/"+id.name, func(t *testing.T) {
				if err := q.run(id.id); !errors.Is(err, q.want) {
					t.Errorf("got %v, want %v", err, q.want)
				}
			})
		}
	}
}

// TestReplay checks Replay against UserAt on a history with snapshots, late events (under
// TimestampOrder: random timestamps) and lock flags: for every version, the window from
// the newest snapshot at or before it, and the entries since a record a few versions
// older, both give the record committed at that version.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(3))
	s := memstore.New()
	p := userevents.NewProcessor(s, userevents.Config{Order: userevents.TimestampOrder})
	u := userevents.StoredUsers(t)["full"]
	if u == nil {
		t.Fatal("no stored user named full")
	}
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		ev := userevents.RandomEvent(r)
		ev.EventID, ev.Timestamp = "e"+strconv.Itoa(i), 1700000000000+float64(r.Intn(1000000))
		var opts userevents.Options
		if r.Intn(8) == 0 {
			opts.LockKYCRiskLevel = new(r.Intn(2) == 0)
		}
		if _, err := p.Apply(ctx, ev, opts); err != nil && !errors.As(err, new(*userevents.ValidationError)) {
			t.Fatalf("#%d: %v", i, err)
		}
	}
	cur, err := p.User(ctx, u.UserID)
	if err != nil {
		t.Fatal(err)
	}
	var entries []*userevents.StoredEvent // entries[v-1] is version v
	late, snapshots := 0, 0
	for e, err := range s.LoadHistory(ctx, cur.HistoryID, 1) {
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
		if len(e.Replayed) > 0 {
			late++
		}
		if e.Snapshot != nil {
			snapshots++
		}
	}
	if int64(len(entries)) != cur.Version || late < 20 || snapshots < late+2 {
		t.Fatalf("%d entries for version %d, %d late, %d snapshots: want every version, late events and other snapshots",
			len(entries), cur.Version, late, snapshots)
	}
	for v := int64(1); v <= cur.Version; v++ {
		want, err := p.UserAt(ctx, u.UserID, v)
		if err != nil {
			t.Fatal(err)
		}
		from := v - 1
		for entries[from].Snapshot == nil {
			from--
		}
		got, err := userevents.Replay(userevents.Record{}, entries[from:v])
		if err != nil {
			t.Fatalf("version %d from the snapshot at %d: %v", v, from+1, err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Fatalf("version %d from the snapshot at %d:\n got %s\nwant %s", v, from+1, g, w)
		}
		older := max(1, v-5)
		start, err := p.UserAt(ctx, u.UserID, older)
		if err != nil {
			t.Fatal(err)
		}
		got, err = userevents.Replay(start, entries[older:v])
		if err != nil {
			t.Fatalf("version %d from version %d: %v", v, older, err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Fatalf("version %d from version %d:\n got %s\nwant %s", v, older, g, w)
		}
	}
}

// TestReplayRefusesWhatDoesNotFit: entries that do not follow one another, or with
// nothing to start from, are stored data gone wrong (ErrStoredData), never a record.
func TestReplayRefusesWhatDoesNotFit(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := userevents.NewProcessor(s, userevents.Config{})
	u := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
	for i := 0; i < 1000; i++ { // a user large enough that three small events keep no snapshot
		u.ExternalLinks = append(u.ExternalLinks, "https://example.com/"+strconv.Itoa(i))
	}
	if err := p.CreateConsumerUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for i, state := range []string{"ACTIVE", "BLOCKED", "ACTIVE"} {
		ev := mustDecode(t, userevents.DecodeEvent, `{"timestamp":`+strconv.FormatInt(1700000000000+int64(i), 10)+`,"userId":"u1","eventId":"e`+strconv.Itoa(i)+`","updatedConsumerUserAttributes":{"userStateDetails":{"state":"`+state+`"}}}`)
		if _, err := p.Apply(ctx, ev, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := p.User(ctx, "u1")
	var h []*userevents.StoredEvent // h[v-1] is version v; only the creation has a snapshot
	for e, err := range s.LoadHistory(ctx, cur.HistoryID, 1) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Snapshot != nil && e.Version > 1 {
			t.Fatalf("version %d keeps a snapshot", e.Version)
		}
		h = append(h, e)
	}
	v1, _ := p.UserAt(ctx, "u1", 1)
	noHistory := func(r userevents.Record) userevents.Record { r.HistoryID = ""; return r }
	other := *h[2]
	other.HistoryID = "another"
	tests := []struct {
		name    string
		start   userevents.Record
		entries []*userevents.StoredEvent
	}{
		// No snapshot first, and no record to start from.
		{"nothing to start from", userevents.Record{}, h[1:]},
		// Version 3 after version 1: a gap.
		{"a gap", userevents.Record{}, []*userevents.StoredEvent{h[0], h[2]}},
		// The record at version 1, then the entry of version 3.
		{"a gap after start", v1, h[2:]},
		// The same with a start record of no history id (one built in Go).
		{"a gap after a start of no history", noHistory(v1), h[2:]},
		// An entry of another history.
		{"another history", userevents.Record{}, []*userevents.StoredEvent{h[0], h[1], &other}},
		// A nil entry.
		{"nil entry", userevents.Record{}, []*userevents.StoredEvent{h[0], nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec, err := userevents.Replay(tt.start, tt.entries); !errors.Is(err, userevents.ErrStoredData) {
				t.Errorf("got version %d, %v; want ErrStoredData", rec.Version, err)
			}
		})
	}
	// The whole history does fit, and so do the entries after a start of no history id.
	if rec, err := userevents.Replay(userevents.Record{}, h); err != nil || rec.Version != cur.Version {
		t.Errorf("the whole history: version %d, %v; want version %d", rec.Version, err, cur.Version)
	}
	if rec, err := userevents.Replay(noHistory(v1), h[1:]); err != nil || rec.Version != cur.Version {
		t.Errorf("the history after a start of no history id: version %d, %v; want version %d", rec.Version, err, cur.Version)
	}
}
