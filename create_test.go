package userevents_test

import (
	"context"
	"errors"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	"github.com/google/go-cmp/cmp"
)

func TestParseCreateQuery(t *testing.T) {
	type fe = userevents.FE
	tests := []struct {
		name  string
		query string
		want  userevents.CreateOptions
		errs  []fe
	}{
		// No flags: no locks.
		{name: "empty", query: ""},
		// Both locks on.
		{name: "locks", query: "lockKycRiskLevel=true&lockCraRiskLevel=true",
			want: userevents.CreateOptions{LockKYCRiskLevel: true, LockCRARiskLevel: true}},
		// One lock, the other off explicitly.
		{name: "one lock", query: "lockKycRiskLevel=false&lockCraRiskLevel=true",
			want: userevents.CreateOptions{LockCRARiskLevel: true}},
		// Flagright's validateUserId and _krsOnly are accepted and change nothing.
		{name: "no-op flags", query: "validateUserId=true&_krsOnly=false&lockKycRiskLevel=true",
			want: userevents.CreateOptions{LockKYCRiskLevel: true}},
		// A no-op flag is still a BooleanString.
		{name: "no-op flag checked", query: "validateUserId=yes", errs: []fe{{"validateUserId", userevents.CodeInvalidEnum}}},
		// The event-only flags are not flags of creation.
		{name: "event flag", query: "changeUserId=true", errs: []fe{{"changeUserId", userevents.CodeUnknownField}}},
		// A misspelt lock is refused, not ignored.
		{name: "case variant", query: "lockKYCRiskLevel=true", errs: []fe{{"lockKYCRiskLevel", userevents.CodeUnknownField}}},
		// Given twice: ambiguous.
		{name: "repeated", query: "lockCraRiskLevel=true&lockCraRiskLevel=true", errs: []fe{{"lockCraRiskLevel", userevents.CodeDuplicateField}}},
		// A ';' that url.ParseQuery would drop the flag for.
		{name: "semicolon", query: "lockCraRiskLevel=true;", errs: []fe{{"lockCraRiskLevel", userevents.CodeInvalidFormat}}},
		// A bad %-escape in a value.
		{name: "bad escape", query: "lockKycRiskLevel=%zz", errs: []fe{{"lockKycRiskLevel", userevents.CodeInvalidFormat}}},
		// A name that cannot be read.
		{name: "bad name", query: "%zz=true", errs: []fe{{"query", userevents.CodeInvalidFormat}}},
		// Empty parts are skipped, as url.ParseQuery does.
		{name: "empty parts", query: "&&lockKycRiskLevel=true&", want: userevents.CreateOptions{LockKYCRiskLevel: true}},
		// Every problem at once, sorted by path.
		{name: "several", query: "x=1&lockKycRiskLevel=1", errs: []fe{{"lockKycRiskLevel", userevents.CodeInvalidEnum}, {"x", userevents.CodeUnknownField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := userevents.ParseCreateQuery(tt.query)
			if userevents.ExpectProblems(t, err, tt.errs) {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateWith checks that a user created with locks keeps them: the stored record
// has them, and, for a consumer user (events apply to consumer users only), the risk
// levels a Scorer computes after an event do not move a locked level (nor its score),
// while an unlocked one takes the Scorer's.
func TestCreateWith(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	p := userevents.NewProcessor(store, userevents.Config{})
	score := func(v float64) *float64 { return &v }
	// The levels the users are created with, and those the Scorer gives after an event.
	created := userevents.UserRiskScoreDetails{KYCRiskScore: score(10), KYCRiskLevel: userevents.RiskLevelLow,
		CRARiskScore: score(20), CRARiskLevel: userevents.RiskLevelLow}
	scored := userevents.UserRiskScoreDetails{KYCRiskScore: score(90), KYCRiskLevel: userevents.RiskLevelHigh,
		CRARiskScore: score(80), CRARiskLevel: userevents.RiskLevelHigh}
	scoring := userevents.NewProcessor(store, userevents.Config{Scorer: func(*userevents.ConsumerUser) (*userevents.UserRiskScoreDetails, error) {
		d := scored
		return &d, nil
	}})
	tests := []struct {
		name   string
		create func(id string, o userevents.CreateOptions) error
		opts   userevents.CreateOptions
	}{
		// A consumer user with its KYC level locked.
		{"consumer kyc", func(id string, o userevents.CreateOptions) error {
			return p.CreateConsumerUserWith(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1700000000000, RiskScoreDetails: new(created)}, o)
		}, userevents.CreateOptions{LockKYCRiskLevel: true}},
		// A consumer user with both levels locked.
		{"consumer both", func(id string, o userevents.CreateOptions) error {
			return p.CreateConsumerUserWith(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1700000000000, RiskScoreDetails: new(created)}, o)
		}, userevents.CreateOptions{LockKYCRiskLevel: true, LockCRARiskLevel: true}},
		// A business user with its CRA level locked.
		{"business cra", func(id string, o userevents.CreateOptions) error {
			return p.CreateBusinessUserWith(ctx, &userevents.BusinessUser{UserID: id, CreatedTimestamp: 1700000000000,
				LegalEntity: []byte(`{"companyGeneralDetails":{"legalName":"ACME"}}`)}, o)
		}, userevents.CreateOptions{LockCRARiskLevel: true}},
		// No flags: no locks, as CreateConsumerUser.
		{"consumer none", func(id string, o userevents.CreateOptions) error {
			return p.CreateConsumerUserWith(ctx, &userevents.ConsumerUser{UserID: id, CreatedTimestamp: 1700000000000, RiskScoreDetails: new(created)}, o)
		}, userevents.CreateOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "u-" + tt.name
			if err := tt.create(id, tt.opts); err != nil {
				t.Fatal(err)
			}
			rec, err := store.LoadUser(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got := userevents.CreateOptions{LockKYCRiskLevel: rec.KYCRiskLevelLocked, LockCRARiskLevel: rec.CRARiskLevelLocked}
			if diff := cmp.Diff(tt.opts, got); diff != "" {
				t.Errorf("locks (-want +got):\n%s", diff)
			}
			if err := tt.create(id, tt.opts); !errors.Is(err, userevents.ErrUserExists) {
				t.Errorf("second creation: got %v, want ErrUserExists", err)
			}
			if rec.Consumer == nil {
				return // events apply to consumer users (a business user's is a type mismatch)
			}
			res, err := scoring.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000001000, UserID: id, EventID: "e-" + tt.name}, userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := scored
			if tt.opts.LockKYCRiskLevel {
				want.KYCRiskScore, want.KYCRiskLevel = created.KYCRiskScore, created.KYCRiskLevel
			}
			if tt.opts.LockCRARiskLevel {
				want.CRARiskScore, want.CRARiskLevel = created.CRARiskScore, created.CRARiskLevel
			}
			if diff := cmp.Diff(&want, res.User.RiskScoreDetails); diff != "" {
				t.Errorf("risk scores after a scored event (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateWithInvalid: an invalid user is refused with its field errors, locks asked
// or not, and nothing is stored.
func TestCreateWithInvalid(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	p := userevents.NewProcessor(store, userevents.Config{})
	err := p.CreateConsumerUserWith(ctx, &userevents.ConsumerUser{UserID: "bad"}, userevents.CreateOptions{LockKYCRiskLevel: true})
	var ve *userevents.ValidationError
	if !errors.As(err, &ve) || !ve.Has("createdTimestamp", userevents.CodeOutOfRange) {
		t.Errorf("invalid user: got %v, want createdTimestamp out_of_range", err)
	}
	if _, err := store.LoadUser(ctx, "bad"); !errors.Is(err, userevents.ErrUserNotFound) {
		t.Errorf("invalid user stored: %v", err)
	}
}
