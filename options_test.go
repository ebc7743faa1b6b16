package userevents

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOptions(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name  string
		query string
		want  Options
		errs  []fe
	}{
		// No flags: everything off, locks untouched.
		{name: "empty", query: ""},
		// Every flag on.
		{name: "all true", query: "allowUserTypeConversion=true&lockKycRiskLevel=true&lockCraRiskLevel=true&changeUserId=true",
			want: Options{AllowUserTypeConversion: true, LockKYCRiskLevel: &yes, LockCRARiskLevel: &yes, ChangeUserID: true}},
		// "false" clears a lock (a non-nil false), unlike an absent flag.
		{name: "locks false", query: "lockKycRiskLevel=false&lockCraRiskLevel=false",
			want: Options{LockKYCRiskLevel: &no, LockCRARiskLevel: &no}},
		// Only the exact strings are booleans.
		{name: "TRUE in capitals", query: "allowUserTypeConversion=TRUE",
			errs: []fe{{"allowUserTypeConversion", CodeInvalidEnum}}},
		// 1 is not a BooleanString.
		{name: "one", query: "changeUserId=1", errs: []fe{{"changeUserId", CodeInvalidEnum}}},
		// An empty value is not false.
		{name: "empty value", query: "lockCraRiskLevel=", errs: []fe{{"lockCraRiskLevel", CodeInvalidEnum}}},
		// A flag given twice is ambiguous.
		{name: "repeated", query: "lockKycRiskLevel=true&lockKycRiskLevel=false", errs: []fe{{"lockKycRiskLevel", CodeDuplicateField}}},
		// A misspelt flag is refused, not ignored.
		{name: "case variant", query: "AllowUserTypeConversion=true", errs: []fe{{"AllowUserTypeConversion", CodeUnknownField}}},
		// Every problem at once, sorted by path.
		{name: "several problems", query: "x=1&changeUserId=yes",
			errs: []fe{{"changeUserId", CodeInvalidEnum}, {"x", CodeUnknownField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseOptions(q)
			var ve *ValidationError
			switch {
			case tt.errs == nil && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.errs != nil && !errors.As(err, &ve):
				t.Fatalf("got %v, want a *ValidationError", err)
			case tt.errs != nil:
				var gotErrs []fe
				for _, f := range ve.Fields {
					gotErrs = append(gotErrs, fe{f.Path, f.Code})
				}
				if diff := cmp.Diff(tt.errs, gotErrs); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			back, err := ParseOptions(got.Query())
			if err != nil || !back.equal(got) {
				t.Errorf("Query round trip: got %+v, %v", back, err)
			}
		})
	}
}
