package userevents

import (
	"net/url"
	"strings"
)

// Options are the query flags of POST /events/consumer/user.
type Options struct {
	// AllowUserTypeConversion lets the event convert a stored business user into a
	// consumer user (query allowUserTypeConversion).
	AllowUserTypeConversion bool
	// LockKYCRiskLevel sets (true) or clears (false) the lock on the user's KYC risk
	// level; nil leaves the lock as it is (query lockKycRiskLevel).
	LockKYCRiskLevel *bool
	// LockCRARiskLevel sets or clears the lock on the user's CRA risk level; nil leaves
	// it as it is (query lockCraRiskLevel).
	LockCRARiskLevel *bool
	// ChangeUserID re-keys the user to the event's newUserId (query changeUserId).
	ChangeUserID bool
}

// The query parameter names that ParseOptions and ParseQuery read.
const (
	QueryAllowUserTypeConversion = "allowUserTypeConversion"
	QueryLockKYCRiskLevel        = "lockKycRiskLevel"
	QueryLockCRARiskLevel        = "lockCraRiskLevel"
	QueryChangeUserID            = "changeUserId"
)

// ParseOptions reads the query flags of POST /events/consumer/user from q. Each flag,
// when present, must be given once, as exactly "true" or "false" (Flagright's
// BooleanString); an absent flag is false (nil for the locks). Any other parameter is
// refused, so that a misspelt flag is not silently ignored. Problems are reported
// together in a *ValidationError whose paths are the parameter names.
//
// url.Values has already lost what url.ParseQuery could not parse (a ';' separator, a
// bad %-escape, the parameters past its cap): a server should call ParseQuery with the
// raw query instead, which refuses those.
func ParseOptions(q url.Values) (Options, error) {
	var p optionsParser
	for name, values := range q {
		for _, v := range values {
			p.add(name, v, true)
		}
	}
	return p.result()
}

// ParseQuery reads the query flags of POST /events/consumer/user from a raw query
// string (url.URL.RawQuery, without the '?'), as ParseOptions does, and also refuses
// what url.ParseQuery drops: a parameter whose value holds a ';' or a bad %-escape
// (invalid_format, with the parameter's name as path), and a part whose name cannot be
// read (invalid_format, path "query"). It has no cap on the number of parameters, so
// no flag is ever lost; past 100 problems it reports one more, too_large at "query",
// and stops. Parameters are separated by '&'; empty parts ("a=1&&b=2") are skipped, as
// url.ParseQuery does; '+' is a space.
func ParseQuery(rawQuery string) (Options, error) {
	var p optionsParser
	for rest := rawQuery; rest != "" && !p.full(); {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if part == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil || strings.Contains(rawName, ";") {
			p.fail("query", CodeInvalidFormat, "query part with a name that is not a valid query parameter name")
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		p.add(name, value, err == nil && !strings.Contains(rawValue, ";"))
	}
	return p.result()
}

// optionsParser collects query parameters into Options, and their problems.
type optionsParser struct {
	o    Options
	seen [4]int // how often each flag was given, in the order of flagIndex
	errs []FieldError
}

// flagIndex returns the index of a flag in optionsParser.seen, or -1.
func flagIndex(name string) int {
	switch name {
	case QueryAllowUserTypeConversion:
		return 0
	case QueryChangeUserID:
		return 1
	case QueryLockKYCRiskLevel:
		return 2
	case QueryLockCRARiskLevel:
		return 3
	}
	return -1
}

// add reads one parameter; ok is false when its value could not be decoded.
func (p *optionsParser) add(name, value string, ok bool) {
	i := flagIndex(name)
	if name == "" {
		p.fail("query", CodeUnknownField, "query parameter without a name")
		return
	}
	if i < 0 {
		p.fail(echoName(name), CodeUnknownField, "unknown query parameter")
		return
	}
	if p.seen[i]++; p.seen[i] == 2 {
		p.fail(name, CodeDuplicateField, "query parameter must be given once")
	}
	var v bool
	switch {
	case !ok:
		p.fail(name, CodeInvalidFormat, `must be "true" or "false", without ';' or a bad %-escape`)
		return
	case value == "true":
		v = true
	case value == "false":
	default:
		p.fail(name, CodeInvalidEnum, `must be "true" or "false"`)
		return
	}
	switch i {
	case 0:
		p.o.AllowUserTypeConversion = v
	case 1:
		p.o.ChangeUserID = v
	case 2:
		p.o.LockKYCRiskLevel = &v
	case 3:
		p.o.LockCRARiskLevel = &v
	}
}

// fail records a problem once: a parameter repeated with the same fault is one problem.
func (p *optionsParser) fail(path, code, msg string) {
	if p.full() {
		return
	}
	for _, f := range p.errs {
		if f.Path == path && f.Code == code {
			return
		}
	}
	p.errs = append(p.errs, FieldError{Path: path, Code: code, Message: msg})
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, FieldError{Path: "query", Code: CodeTooLarge, Message: "too many problems; parsing stopped"})
	}
}

// full reports whether the problems reached the cap.
func (p *optionsParser) full() bool { return len(p.errs) > maxErrors }

func (p *optionsParser) result() (Options, error) {
	if p.errs != nil {
		sortFieldErrors(p.errs)
		return Options{}, &ValidationError{Fields: p.errs}
	}
	return p.o, nil
}

// Query returns o as query parameters that ParseOptions reads back to o.
func (o Options) Query() url.Values {
	q := url.Values{}
	if o.AllowUserTypeConversion {
		q.Set(QueryAllowUserTypeConversion, "true")
	}
	if o.ChangeUserID {
		q.Set(QueryChangeUserID, "true")
	}
	for name, p := range map[string]*bool{QueryLockKYCRiskLevel: o.LockKYCRiskLevel, QueryLockCRARiskLevel: o.LockCRARiskLevel} {
		if p != nil {
			if *p {
				q.Set(name, "true")
			} else {
				q.Set(name, "false")
			}
		}
	}
	return q
}

// equal reports whether o and p are the same flags.
func (o Options) equal(p Options) bool {
	return o.AllowUserTypeConversion == p.AllowUserTypeConversion && o.ChangeUserID == p.ChangeUserID &&
		equalPtr(o.LockKYCRiskLevel, p.LockKYCRiskLevel) && equalPtr(o.LockCRARiskLevel, p.LockCRARiskLevel)
}
