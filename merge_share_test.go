package userevents

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMergeShares checks that the merge shares, rather than copies, what an event leaves
// exactly as it was (records are immutable), copies what it changes, and always returns a
// user of its own at the top: the rest of Apply writes into it.
func TestMergeShares(t *testing.T) {
	limits := func(u *ConsumerUser) any { return u.TransactionLimits }
	daily := func(u *ConsumerUser) any { return u.TransactionLimits.MaximumDailyTransactionLimit }
	methods := func(u *ConsumerUser) any { return u.TransactionLimits.PaymentMethodLimits }
	contact := func(u *ConsumerUser) any { return u.ContactDetails }
	docs := func(u *ConsumerUser) any { return &u.LegalDocuments[0] }
	tests := []struct {
		name    string
		event   string
		shared  []func(*ConsumerUser) any // the same object in the stored and the new user
		copied  []func(*ConsumerUser) any // a new object
		changes []string
	}{
		// The limits sent again as stored: the whole object is the stored one.
		{"same limits", attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000,"amountCurrency":"GBP"},"paymentMethodLimits":{"CARD":{"transactionCountLimit":{"day":5,"week":20}}}}}`),
			[]func(*ConsumerUser) any{limits, daily, methods, contact, docs}, nil, nil},
		// One amount changes: its ancestors are copied, its untouched sibling is shared.
		{"one amount changes", attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1500,"amountCurrency":"GBP"}}}`),
			[]func(*ConsumerUser) any{methods, contact}, []func(*ConsumerUser) any{limits, daily},
			[]string{"transactionLimits.maximumDailyTransactionLimit.amountValue"}},
		// 1000.00 is the stored number (no change) written otherwise: the event's value is
		// kept, so the amount is a copy.
		{"same number written otherwise", attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000.00,"amountCurrency":"GBP"}}}`),
			[]func(*ConsumerUser) any{methods}, []func(*ConsumerUser) any{limits, daily}, nil},
		// The legal documents sent again: the stored array is kept.
		{"same documents", attrs(`{"legalDocuments":[{"documentType":"passport","documentNumber":"P1","documentIssuedCountry":"GB"},{"documentType":"id","documentNumber":"I2"}]}`),
			[]func(*ConsumerUser) any{docs, limits}, nil, nil},
		// No attributes at all: every object is shared.
		{"no attributes", event(""), []func(*ConsumerUser) any{limits, contact, docs}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := applyRow{}.storedRecord(t)
			ev, err := DecodeEvent([]byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Apply(rec, ev, Options{}, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if r.User == rec.Consumer {
				t.Fatal("the new user is the stored one")
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
