package userevents

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
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
		// An unknown name is repeated bounded (see TestEchoedNamesBounded).
		{name: "long unknown name", query: strings.Repeat("x", 100) + "=true", errs: []fe{{strings.Repeat("x", 61) + "…", CodeUnknownField}}},
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
			if expectProblems(t, err, tt.errs) {
				_, err := ParseQuery(tt.query)
				expectProblems(t, err, tt.errs)
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if raw, err := ParseQuery(tt.query); err != nil || !raw.equal(got) {
				t.Errorf("ParseQuery: got %+v, %v, want what ParseOptions gives", raw, err)
			}
			back, err := ParseOptions(got.Query())
			if err != nil || !back.equal(got) {
				t.Errorf("Query round trip: got %+v, %v", back, err)
			}
		})
	}
}

// TestParseQuery checks what only the raw query shows: the parts url.ParseQuery drops.
func TestParseQuery(t *testing.T) {
	yes := true
	manyUnknown := strings.Repeat("x=1&", 50) + "changeUserId=true"
	for i := 0; i < 200; i++ {
		manyUnknown += "&u" + strconv.Itoa(i) + "=1"
	}
	tests := []struct {
		name  string
		query string
		want  Options
		errs  []fe
	}{
		// A trailing ';' is refused, not a reason to drop the flag.
		{name: "semicolon after value", query: "changeUserId=true;", errs: []fe{{"changeUserId", CodeInvalidFormat}}},
		// ';' as a separator: the part is one parameter whose value holds the ';'.
		{name: "semicolon separator", query: "changeUserId=true;lockKycRiskLevel=true", errs: []fe{{"changeUserId", CodeInvalidFormat}}},
		// A bad %-escape in a value is the parameter's problem.
		{name: "bad escape in value", query: "lockKycRiskLevel=%zz", errs: []fe{{"lockKycRiskLevel", CodeInvalidFormat}}},
		// A bad %-escape in a name cannot be named: the path is "query".
		{name: "bad escape in name", query: "%zz=true&changeUserId=true", errs: []fe{{"query", CodeInvalidFormat}}},
		// A ';' in a name likewise.
		{name: "semicolon in name", query: "a;b=true", errs: []fe{{"query", CodeInvalidFormat}}},
		// A nameless parameter is unknown, at "query".
		{name: "no name", query: "=true", errs: []fe{{"query", CodeUnknownField}}},
		// A bad and a good value of one flag: both problems.
		{name: "bad then good", query: "lockKycRiskLevel=%zz&lockKycRiskLevel=true",
			errs: []fe{{"lockKycRiskLevel", CodeDuplicateField}, {"lockKycRiskLevel", CodeInvalidFormat}}},
		// An escaped name and value are read: %61 is 'a'.
		{name: "escaped", query: "%61llowUserTypeConversion=%74rue", want: Options{AllowUserTypeConversion: true}},
		// Empty parts are skipped, as url.ParseQuery does.
		{name: "empty parts", query: "&&lockCraRiskLevel=true&", want: Options{LockCRARiskLevel: &yes}},
		// Past url.ParseQuery's cap of 10,000 parameters (where url.Values is empty) the
		// flag is still read.
		{name: "past the parameter cap", query: "changeUserId=true" + strings.Repeat("&", 10000), want: Options{ChangeUserID: true}},
		// Many problems stop at the cap, with one too_large problem more.
		{name: "problems capped", query: manyUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuery(tt.query)
			if tt.name == "problems capped" {
				var ve *ValidationError
				if !errors.As(err, &ve) || len(ve.Fields) != maxErrors+1 || !ve.Has("query", CodeTooLarge) {
					t.Fatalf("got %v, want %d problems and query/too_large", err, maxErrors+1)
				}
				return
			}
			if expectProblems(t, err, tt.errs) {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParsePageQuery checks the page and pageSize rules, with a default size of 20 and a
// maximum of 100.
func TestParsePageQuery(t *testing.T) {
	tests := []struct {
		name       string
		query      string
		page, size int
		errs       []fe
	}{
		// Absent: the first page at the default size.
		{name: "empty", query: "", page: 1, size: 20},
		// Both given.
		{name: "both", query: "page=3&pageSize=50", page: 3, size: 50},
		// The bounds are included.
		{name: "largest", query: "page=2147483647&pageSize=100", page: 2147483647, size: 100},
		// Page 0 and a size of 0 are out of range.
		{name: "zeros", query: "page=0&pageSize=0", errs: []fe{{"page", CodeOutOfRange}, {"pageSize", CodeOutOfRange}}},
		// Past the maximum size, and past an int32 page.
		{name: "too large", query: "page=2147483648&pageSize=101", errs: []fe{{"page", CodeOutOfRange}, {"pageSize", CodeOutOfRange}}},
		// Past 64 bits: out of range too, not badly formed.
		{name: "huge", query: "page=99999999999999999999", errs: []fe{{"page", CodeOutOfRange}}},
		// A negative page.
		{name: "negative", query: "page=-1", errs: []fe{{"page", CodeOutOfRange}}},
		// Only plain decimal integers: no sign, no fraction, no exponent, no spaces.
		{name: "plus sign", query: "page=%2B2", errs: []fe{{"page", CodeInvalidFormat}}},
		{name: "fraction", query: "pageSize=2.0", errs: []fe{{"pageSize", CodeInvalidFormat}}},
		{name: "exponent", query: "pageSize=1e1", errs: []fe{{"pageSize", CodeInvalidFormat}}},
		{name: "empty value", query: "page=", errs: []fe{{"page", CodeInvalidFormat}}},
		// A bad %-escape is a bad value.
		{name: "bad escape", query: "page=%zz", errs: []fe{{"page", CodeInvalidFormat}}},
		// Given twice is ambiguous.
		{name: "repeated", query: "page=1&page=2", errs: []fe{{"page", CodeDuplicateField}}},
		// Names are exact: other parameters are refused, not ignored.
		{name: "unknown", query: "Page=1&limit=5", errs: []fe{{"Page", CodeUnknownField}, {"limit", CodeUnknownField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, size, err := ParsePageQuery(tt.query, 20, 100)
			if expectProblems(t, err, tt.errs) {
				return
			}
			if page != tt.page || size != tt.size {
				t.Errorf("got page %d size %d, want %d and %d", page, size, tt.page, tt.size)
			}
		})
	}
}

// TestParsePageQueryBounds checks that bounds the caller got wrong are not taken silently.
func TestParsePageQueryBounds(t *testing.T) {
	for _, b := range [][2]int{{0, 10}, {11, 10}, {-1, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ParsePageQuery with default %d, max %d: no panic", b[0], b[1])
				}
			}()
			ParsePageQuery("", b[0], b[1])
		}()
	}
}
