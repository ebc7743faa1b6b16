package userevents

import (
	"encoding/json"
	"maps"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// diffAgrees checks that recordChanges of two records (the generated diff, for users of
// one type) gives exactly changedPaths of their users' JSON documents.
func diffAgrees(t *testing.T, name string, a, b Record) {
	t.Helper()
	want := changedPaths(recordUserJSON(a), recordUserJSON(b))
	got := recordChanges(a, b)
	if !slices.Equal(got, want) {
		t.Errorf("%s: diff %q, changedPaths %q", name, got, want)
	}
}

// TestDiffLeaves compares the generated diff with changedPaths on the full users and
// copies of them with leaves changed: one leaf alone (about one in eight of them, at
// random places: every pair costs changedPaths two decodings of a 30 KB document, and
// the test runs under -race), and random sets of leaves together.
func TestDiffLeaves(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, u := range []Record{{Consumer: fullUser()}, {Business: fullBusiness()}} {
		user := func(r Record) reflect.Value {
			if r.Consumer != nil {
				return reflect.ValueOf(r.Consumer)
			}
			return reflect.ValueOf(r.Business)
		}
		clone := func() Record {
			if u.Consumer != nil {
				return Record{Consumer: u.Consumer.clone()}
			}
			return Record{Business: u.Business.clone()}
		}
		n := mutateLeaf(user(u), -1)
		for k := r.Intn(4); k < n; k += 1 + r.Intn(16) {
			c := clone()
			mutateLeaf(user(c), k)
			diffAgrees(t, "leaf "+itoa(k), u, c)
		}
		for i := 0; i < 20; i++ {
			c := clone()
			for j := r.Intn(6); j >= 0; j-- {
				mutateLeaf(user(c), r.Intn(n))
			}
			diffAgrees(t, "random leaves #"+itoa(i), u, c)
			diffAgrees(t, "random leaves, reversed #"+itoa(i), c, u)
		}
	}
}

// TestDiffEvents compares the generated diff with changedPaths on every pair of the
// property tests' users, and on each of them before and after random events, and the
// changes the merge reports with the diff's.
func TestDiffEvents(t *testing.T) {
	users := storedUsers(t)
	names := slices.Sorted(maps.Keys(users))
	for _, a := range names {
		for _, b := range names {
			diffAgrees(t, a+" against "+b, Record{Consumer: users[a]}, Record{Consumer: users[b]})
		}
	}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 40; i++ {
		for _, name := range names {
			u := users[name]
			res, err := Apply(Record{Consumer: u, Version: 3}, randomEvent(r), Options{}, Config{})
			if err != nil {
				continue
			}
			diffAgrees(t, name+" after a random event", Record{Consumer: u}, res.Record)
			diffAgrees(t, name+" before a random event", res.Record, Record{Consumer: u})
			// The merge reports the paths the diff finds: an event's changes do not
			// depend on whether it was merged (in order) or folded (late).
			if got := recordChanges(Record{Consumer: u}, res.Record); !slices.Equal(res.Changes, got) {
				t.Errorf("%s after a random event: the merge's changes %q, the diff's %q", name, res.Changes, got)
			}
		}
	}
}

// TestDiffSameJSON checks the values whose JSON is the same although they differ in Go
// (no change), or differ although they are close, on users that differ in one member.
func TestDiffSameJSON(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	consumer := []struct {
		name string
		set  func(a, b *ConsumerUser)
	}{
		// nil and [] of omitempty members: omitted, and written [].
		{"nil and empty arrays", func(a, b *ConsumerUser) {
			a.Tags, b.Tags = nil, []UserTag{}
			a.ExternalLinks, b.ExternalLinks = nil, []string{}
		}},
		// The same inside an array element, compared whole.
		{"nil and empty arrays in an element", func(a, b *ConsumerUser) {
			a.LegalDocuments = []LegalDocument{{DocumentType: "passport", DocumentNumber: "1", DocumentIssuedCountry: "DE"}}
			b.LegalDocuments = []LegalDocument{{DocumentType: "passport", DocumentNumber: "1", DocumentIssuedCountry: "DE", Tags: []Tag{}}}
		}},
		// Arrays of the same length, one element changed: the array is the change.
		{"one element of a shared array", func(a, b *ConsumerUser) {
			a.Tags = []UserTag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}
			b.Tags = slices.Clone(a.Tags)
			b.Tags[1].Value = "3"
		}},
		// Two invalid bytes, both written U+FFFD: no change.
		{"invalid UTF-8", func(a, b *ConsumerUser) { a.Occupation, b.Occupation = Ptr("x\xff"), Ptr("x\xfe") }},
		// An invalid byte and U+FFFD itself: the same text.
		{"invalid UTF-8 and U+FFFD", func(a, b *ConsumerUser) { a.Occupation, b.Occupation = Ptr("x\xff"), Ptr("x\uFFFD") }},
		// Invalid bytes around text that differs: a change.
		{"invalid UTF-8 that differs", func(a, b *ConsumerUser) { a.Occupation, b.Occupation = Ptr("x\xff"), Ptr("y\xff") }},
		// -0 and 0 are written apart.
		{"-0 and 0", func(a, b *ConsumerUser) { a.ActivatedTimestamp, b.ActivatedTimestamp = Ptr(negZero), Ptr(0.0) }},
		// NaN and infinity are both written null.
		{"NaN and infinity", func(a, b *ConsumerUser) { a.CreatedTimestamp, b.CreatedTimestamp = nan, inf }},
		// Amounts compared as numbers: 1.50 is 1.5.
		{"1.50 and 1.5", func(a, b *ConsumerUser) {
			a.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.50"), Currency: "EUR"}}
			b.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.5"), Currency: "EUR"}}
		}},
		// An amount that differs: the path goes down to its value.
		{"an amount's value", func(a, b *ConsumerUser) {
			a.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.50"), Currency: "EUR"}}
			b.ExpectedIncome = &ExpectedIncome{DailyExpectedIncome: &Amount{Value: decimal.RequireFromString("1.51"), Currency: "EUR"}}
		}},
		// An object on one side only: the member is the change.
		{"an object and none", func(a, b *ConsumerUser) {
			a.UserStateDetails, b.UserStateDetails = &UserStateDetails{State: "ACTIVE"}, nil
		}},
	}
	for _, tt := range consumer {
		a, b := &ConsumerUser{UserID: "u1"}, &ConsumerUser{UserID: "u1"}
		tt.set(a, b)
		diffAgrees(t, tt.name, Record{Consumer: a}, Record{Consumer: b})
		diffAgrees(t, tt.name+", reversed", Record{Consumer: b}, Record{Consumer: a})
	}
	raws := []struct{ name, a, b string }{
		// Raw JSON objects are gone into, down to the member that differs.
		{"a member of a raw object", `{"x":1,"y":{"z":[1]}}`, `{"x":1,"y":{"z":[2]}}`},
		// White space around a raw value is not part of it.
		{"white space around a raw value", ` {"x":1} `, `{"x":1}`},
		// White space inside an object: its members are the same, no change.
		{"white space within a raw value", `{"x": 1}`, `{"x":1}`},
		// An object against an array: the member is the change.
		{"a raw object and an array", `{"x":1}`, `[1]`},
		// An empty raw value is written null.
		{"empty and null", ``, `null`},
	}
	for _, tt := range raws {
		a, b := fullBusiness(), fullBusiness()
		a.LegalEntity, b.LegalEntity = json.RawMessage(tt.a), json.RawMessage(tt.b)
		a.ShareHolders, b.ShareHolders = json.RawMessage(tt.a), json.RawMessage(tt.b)
		diffAgrees(t, tt.name, Record{Business: a}, Record{Business: b})
	}
	a, b := fullBusiness(), fullBusiness()
	a.ShareHolders, b.ShareHolders = nil, json.RawMessage{}
	diffAgrees(t, "an omitted raw member and an empty one", Record{Business: a}, Record{Business: b})
}

// deepJSON returns an object nested deeper than encoding/json goes, with leaf inside.
func deepJSON(leaf string) json.RawMessage {
	return json.RawMessage(strings.Repeat(`{"a":`, 10001) + leaf + strings.Repeat(`}`, 10001))
}

// TestDiffDeepRaw checks that a raw member nested deeper than encoding/json goes is
// reported changed at its path, the other changes as well, instead of "" for the whole
// user.
func TestDiffDeepRaw(t *testing.T) {
	a, b := fullBusiness(), fullBusiness()
	a.LegalEntity, b.LegalEntity = deepJSON("1"), deepJSON("2")
	b.UserID = "other"
	got := recordChanges(Record{Business: a}, Record{Business: b})
	if want := []string{"legalEntity", "userId"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestDiffAddedRawMember: a raw member that appears lists the members it holds, as
// changedPaths does (and an object of the model does); one that goes, itself.
func TestDiffAddedRawMember(t *testing.T) {
	without := fullBusiness()
	without.Directors = nil
	with := fullBusiness()
	with.Directors = json.RawMessage(`{"name":{"first":"W","last":"C"},"since":0}`)
	diffAgrees(t, "an object added", Record{Business: without}, Record{Business: with})
	diffAgrees(t, "an object removed", Record{Business: with}, Record{Business: without})
	with.Directors = json.RawMessage(`[1,2]`)
	diffAgrees(t, "an array added", Record{Business: without}, Record{Business: with})
}
