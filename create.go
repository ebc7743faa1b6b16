package userevents

import (
	"context"
	"net/url"
	"strings"
)

// CreateConsumerUserWith is CreateConsumerUser with flags: the new record starts with the
// risk-level locks of o (Flagright's POST /consumer/users?lockKycRiskLevel=true). It
// returns a *ValidationError for an invalid user and ErrUserExists when a user has its id.
func (p *Processor) CreateConsumerUserWith(ctx context.Context, u *ConsumerUser, o CreateOptions) error {
	return p.createConsumer(ctx, u, o)
}

// CreateBusinessUserWith is CreateBusinessUser with flags: the new record starts with the
// risk-level locks of o (POST /business/users?lockCraRiskLevel=true).
func (p *Processor) CreateBusinessUserWith(ctx context.Context, u *BusinessUser, o CreateOptions) error {
	return p.createBusiness(ctx, u, o)
}

// The query parameters of Flagright's POST /consumer/users and POST /business/users that
// ParseCreateQuery accepts besides QueryLockKYCRiskLevel and QueryLockCRARiskLevel. Both
// are read (a BooleanString, given once) and have no effect: the library validates every
// userId at every level (QueryValidateUserID), and it computes no risk scores of its own
// (QueryKRSOnly, Flagright's "KYC risk score only" switch).
const (
	QueryValidateUserID = "validateUserId"
	QueryKRSOnly        = "_krsOnly"
)

// ParseCreateQuery reads the query flags of POST /consumer/users and POST /business/users
// from a raw query string (url.URL.RawQuery, without the '?'), with the rules of
// ParseQuery: each flag given at most once, as exactly "true" or "false"; a ';' or a bad
// %-escape is invalid_format; any other parameter is refused (unknown_field), so that a
// misspelt lock is not silently dropped. It accepts lockKycRiskLevel and lockCraRiskLevel
// (absent: false), and QueryValidateUserID and QueryKRSOnly as no-ops. Problems are
// reported together in a *ValidationError whose paths are the parameter names.
func ParseCreateQuery(rawQuery string) (CreateOptions, error) {
	var (
		o    CreateOptions
		seen = map[string]int{}
		errs []FieldError
	)
	fail := func(path, code, msg string) {
		if len(errs) > maxErrors {
			return
		}
		for _, f := range errs {
			if f.Path == path && f.Code == code {
				return
			}
		}
		errs = append(errs, FieldError{Path: path, Code: code, Message: msg})
		if len(errs) == maxErrors {
			errs = append(errs, FieldError{Path: "query", Code: CodeTooLarge, Message: "too many problems; parsing stopped"})
		}
	}
	for rest := rawQuery; rest != "" && len(errs) <= maxErrors; {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if part == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(rawName)
		switch {
		case err != nil || strings.Contains(rawName, ";"):
			fail("query", CodeInvalidFormat, "query part with a name that is not a valid query parameter name")
			continue
		case name == "":
			fail("query", CodeUnknownField, "query parameter without a name")
			continue
		}
		var flag *bool
		switch name {
		case QueryLockKYCRiskLevel:
			flag = &o.LockKYCRiskLevel
		case QueryLockCRARiskLevel:
			flag = &o.LockCRARiskLevel
		case QueryValidateUserID, QueryKRSOnly:
			flag = new(bool) // read and checked, without effect
		default:
			fail(echoName(name), CodeUnknownField, "unknown query parameter")
			continue
		}
		if seen[name]++; seen[name] == 2 {
			fail(name, CodeDuplicateField, "query parameter must be given once")
		}
		value, err := url.QueryUnescape(rawValue)
		switch {
		case err != nil || strings.Contains(rawValue, ";"):
			fail(name, CodeInvalidFormat, `must be "true" or "false", without ';' or a bad %-escape`)
		case value == "true":
			*flag = true
		case value == "false":
			*flag = false
		default:
			fail(name, CodeInvalidEnum, `must be "true" or "false"`)
		}
	}
	if errs != nil {
		sortFieldErrors(errs)
		return CreateOptions{}, &ValidationError{Fields: errs}
	}
	return o, nil
}
