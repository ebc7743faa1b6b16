package userevents

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMergeShares checks that Apply shares, rather than copies, what an event leaves
// exactly as it was (records are immutable), copies what it changes, and gives the new
// record a top-level user of its own exactly when something changes or will be written
// into it (step 4's reasons, the event's externalLinks, a re-key, the scorer): an event
// that changes nothing keeps the stored user itself. The stored record never changes.
func TestMergeShares(t *testing.T) {
	limits := func(u *ConsumerUser) any { return u.TransactionLimits }
	daily := func(u *ConsumerUser) any { return u.TransactionLimits.MaximumDailyTransactionLimit }
	methods := func(u *ConsumerUser) any { return u.TransactionLimits.PaymentMethodLimits }
	contact := func(u *ConsumerUser) any { return u.ContactDetails }
	docs := func(u *ConsumerUser) any { return &u.LegalDocuments[0] }
	scorer := Config{Scorer: func(*ConsumerUser) (*UserRiskScoreDetails, error) {
		return &UserRiskScoreDetails{CRARiskScore: Ptr(10.0)}, nil
	}}
	tests := []struct {
		name    string
		event   string
		opts    Options
		cfg     Config
		top     bool                      // the new user is the stored one
		shared  []func(*ConsumerUser) any // the same object in the stored and the new user
		copied  []func(*ConsumerUser) any // a new object
		changes []string
	}{
		// The limits sent again as stored: nothing changes, the user is the stored one.
		{name: "same limits", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000,"amountCurrency":"GBP"},"paymentMethodLimits":{"CARD":{"transactionCountLimit":{"day":5,"week":20}}}}}`),
			top: true, shared: []func(*ConsumerUser) any{limits, daily, methods, contact, docs}},
		// One amount changes: its ancestors are copied, its untouched sibling is shared.
		{name: "one amount changes", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1500,"amountCurrency":"GBP"}}}`),
			shared: []func(*ConsumerUser) any{methods, contact}, copied: []func(*ConsumerUser) any{limits, daily},
			changes: []string{"transactionLimits.maximumDailyTransactionLimit.amountValue"}},
		// 1000.00 is the stored number (no change) written otherwise: the event's value is
		// kept, so the amount is a copy.
		{name: "same number written otherwise", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000.00,"amountCurrency":"GBP"}}}`),
			shared: []func(*ConsumerUser) any{methods}, copied: []func(*ConsumerUser) any{limits, daily}},
		// The legal documents sent again: the stored user is kept.
		{name: "same documents", event: attrs(`{"legalDocuments":[{"documentType":"passport","documentNumber":"P1","documentIssuedCountry":"GB"},{"documentType":"id","documentNumber":"I2"}]}`),
			top: true, shared: []func(*ConsumerUser) any{docs, limits}},
		// No attributes at all: every object is shared.
		{name: "no attributes", event: event(""), top: true, shared: []func(*ConsumerUser) any{limits, contact, docs}},
		// Nothing in the attributes changes, but the event's externalLinks are appended
		// to a copy of the user.
		{name: "event links", event: event(`"externalLinks":["https://example.com/u1"]`),
			shared: []func(*ConsumerUser) any{limits, contact, docs}, changes: []string{"externalLinks"}},
		// A re-key writes the id into a copy.
		{name: "re-key", event: event(`"newUserId":"u9"`), opts: Options{ChangeUserID: true},
			shared: []func(*ConsumerUser) any{limits, contact, docs}, changes: []string{"userId"}},
		// The scorer's scores go into a copy.
		{name: "scorer", event: event(""), cfg: scorer,
			shared: []func(*ConsumerUser) any{limits, contact, docs}, changes: []string{"riskScoreDetails.craRiskScore"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := applyRow{}.storedRecord(t)
			before := string(rec.Consumer.appendJSON(nil))
			ev, err := DecodeEvent([]byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Apply(rec, ev, tt.opts, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if after := string(rec.Consumer.appendJSON(nil)); after != before {
				t.Errorf("Apply changed the stored user:\n%s\nwas\n%s", after, before)
			}
			if got := r.User == rec.Consumer; got != tt.top {
				t.Errorf("the new user is the stored one: %v, want %v", got, tt.top)
			}
			for i, f := range tt.shared {
				if f(r.User) != f(rec.Consumer) {
					t.Errorf("shared[%d] was copied", i)
				}
			}
			for i, f := range tt.copied {
				if f(r.User) == f(rec.Consumer) {
					t.Errorf("copied[%d] is the stored object", i)
				}
			}
			if diff := cmp.Diff(tt.changes, r.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}
