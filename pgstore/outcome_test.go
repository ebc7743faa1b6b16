package pgstore

import (
	"encoding/json"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/google/go-cmp/cmp"
)

// TestAppendOutcomeIsMarshal: appendOutcome writes the bytes that json.Marshal writes for
// the entry's outcomeJSON (the column's format, which earlier rows hold), and
// decodeOutcome reads them back.
func TestAppendOutcomeIsMarshal(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		e    userevents.StoredEvent
	}{
		// Nothing but the level: an event that changed nothing.
		{"empty", userevents.StoredEvent{}},
		// Every member, at the compatible level.
		{"all", userevents.StoredEvent{
			Options: userevents.Options{AllowUserTypeConversion: true, LockKYCRiskLevel: &yes, LockCRARiskLevel: &no, ChangeUserID: true},
			Level:   userevents.Compatible, Changes: []string{"userStateDetails.state", "tags"},
			StateTransition: &userevents.Transition{From: "CREATED", To: "ACTIVE"},
			KYCTransition:   &userevents.Transition{To: "SUCCESSFUL"},
			Converted:       true, Replayed: []string{"e2", "e3"}}},
		// A late event with no event after it: Replayed empty, not nil, and late.
		{"late, nothing after", userevents.StoredEvent{Replayed: []string{}}},
		// A lock flag sent as false is kept (it unlocks).
		{"unlock", userevents.StoredEvent{Options: userevents.Options{LockKYCRiskLevel: &no}}},
		// Strings that encoding/json escapes: quotes, backslash, controls, HTML, the
		// JavaScript line separators, invalid UTF-8, and plain non-ASCII.
		{"escapes", userevents.StoredEvent{Changes: []string{
			`tags[key="a\b"]`, "tab\there\nnew\r\x00\x1f\b\f", "<script>&</script>", "\u2028\u2029", "bad\xffutf8\xc3", "Zoë 東京 🙂"},
			Replayed: []string{"\x7f"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendOutcome([]byte("prefix"), &tt.e)
			if err != nil {
				t.Fatal(err)
			}
			e := tt.e
			want, err := json.Marshal(outcomeJSON{optionsJSON: optionsOf(e.Options), Level: levels[e.Level], Changes: e.Changes,
				StateTransition: e.StateTransition, KYCTransition: e.KYCTransition, Converted: e.Converted, Replayed: e.Replayed, Late: e.Replayed != nil})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got[len("prefix"):])); diff != "" {
				t.Errorf("appendOutcome (-json.Marshal +got):\n%s", diff)
			}
			var back userevents.StoredEvent
			if err := decodeOutcome(got[len("prefix"):], &back); err != nil {
				t.Fatal(err)
			}
			if tt.name != "escapes" { // invalid UTF-8 reads back as U+FFFD
				if diff := cmp.Diff(tt.e, back); diff != "" {
					t.Errorf("decodeOutcome (-want +got):\n%s", diff)
				}
			}
		})
	}
	if _, err := appendOutcome(nil, &userevents.StoredEvent{Level: 7}); err == nil {
		t.Error("an unknown level was written")
	}
}

// BenchmarkOutcome: the outcome column of a state change, written by appendOutcome into
// a reused buffer and by json.Marshal of its outcomeJSON (what pgstore did before).
func BenchmarkOutcome(b *testing.B) {
	e := &userevents.StoredEvent{Changes: []string{"userStateDetails.state"}, StateTransition: &userevents.Transition{From: "CREATED", To: "ACTIVE"}}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendOutcome(buf[:0], e)
		}
	})
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(outcomeJSON{optionsJSON: optionsOf(e.Options), Level: levels[e.Level], Changes: e.Changes,
				StateTransition: e.StateTransition, KYCTransition: e.KYCTransition, Converted: e.Converted, Replayed: e.Replayed, Late: e.Replayed != nil})
		}
	})
}
