package userevents

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
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
	var o Options
	p := eventFlags(&o)
	for name, values := range q {
		for _, v := range values {
			p.add(name, v, true)
		}
	}
	if err := p.result(); err != nil {
		return Options{}, err
	}
	return o, nil
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
	var o Options
	p := eventFlags(&o)
	p.parseRaw(rawQuery)
	if err := p.result(); err != nil {
		return Options{}, err
	}
	return o, nil
}

// eventFlags returns the parser of the event flags into o.
func eventFlags(o *Options) *flagParser {
	return &flagParser{set: func(name string, v bool) bool {
		switch name {
		case QueryAllowUserTypeConversion:
			o.AllowUserTypeConversion = v
		case QueryChangeUserID:
			o.ChangeUserID = v
		case QueryLockKYCRiskLevel:
			o.LockKYCRiskLevel = &v
		case QueryLockCRARiskLevel:
			o.LockCRARiskLevel = &v
		default:
			return false
		}
		return true
	}}
}

// QueryPage and QueryPageSize are the query parameters that ParsePageQuery reads.
const (
	QueryPage     = "page"
	QueryPageSize = "pageSize"
)

// maxPage is the largest page ParsePageQuery takes: an int on every platform.
const maxPage = math.MaxInt32

// ParsePageQuery reads the query of a paged route, GET /batch/events/consumer/user/{batchId},
// from a raw query string with the rules of ParseQuery, but for whole numbers: page (from
// 1 to 2^31-1; absent, 1) and pageSize (from 1 to maxSize; absent, defaultSize), each at
// most once, as decimal integers (invalid_format otherwise, a '+' sign, a ';' or a bad
// %-escape included), out_of_range past their bounds; any other parameter is refused
// (unknown_field). Problems are reported together in a *ValidationError whose paths are
// the parameter names. The bounds are the caller's: ParsePageQuery panics unless
// 1 ≤ defaultSize ≤ maxSize.
func ParsePageQuery(rawQuery string, defaultSize, maxSize int) (page, size int, err error) {
	if defaultSize < 1 || defaultSize > maxSize {
		panic(fmt.Sprintf("userevents: ParsePageQuery with default size %d and max size %d, want 1 ≤ default ≤ max", defaultSize, maxSize))
	}
	page, size = 1, defaultSize
	var p queryParser
	p.parseRaw(rawQuery, func(name, value string, ok bool) {
		dst, hi := &page, maxPage
		if name == QueryPageSize {
			dst, hi = &size, maxSize
		}
		if !p.param(name, name == QueryPage || name == QueryPageSize) {
			return
		}
		// 64 bits on every platform, so that a number past an int32 is out of range,
		// not badly formed, on 32-bit ones too.
		n, err := strconv.ParseInt(value, 10, 64)
		switch {
		case !ok || strings.HasPrefix(value, "+") || err != nil && !errors.Is(err, strconv.ErrRange):
			p.fail(name, CodeInvalidFormat, "must be a whole number")
		case err != nil || n < 1 || n > int64(hi):
			p.fail(name, CodeOutOfRange, "must be from 1 to "+strconv.Itoa(hi))
		default:
			*dst = int(n)
		}
	})
	if err := p.result(); err != nil {
		return 0, 0, err
	}
	return page, size, nil
}

// flagParser reads boolean query flags (Flagright's BooleanString): each known flag at
// most once, as exactly "true" or "false"; any other parameter is refused.
type flagParser struct {
	// set gives flag name the value v, and reports false, with no effect, for a name that
	// is no flag (the empty name too: add calls it with every name).
	set func(name string, v bool) bool
	queryParser
}

// parseRaw reads the flags of a raw query string.
func (p *flagParser) parseRaw(rawQuery string) { p.queryParser.parseRaw(rawQuery, p.add) }

// add reads one flag; ok is false when its value could not be decoded.
func (p *flagParser) add(name, value string, ok bool) {
	var v bool
	code, message := "", ""
	switch {
	case !ok:
		code, message = CodeInvalidFormat, `must be "true" or "false", without ';' or a bad %-escape`
	case value == "true":
		v = true
	case value == "false":
	default:
		code, message = CodeInvalidEnum, `must be "true" or "false"`
	}
	// A flag given a bad value is set to false: the result is the problems then.
	if p.param(name, p.set(name, v)) && code != "" {
		p.fail(name, code, message)
	}
}

// queryParser reads the parameters of a query, each known one at most once, and collects
// every problem, each once, up to maxErrors.
type queryParser struct {
	seen map[string]int
	errs []FieldError
}

// parseRaw splits a raw query string into its parameters and hands each to add, with ok
// false when its value could not be decoded (a ';' or a bad %-escape). A part whose name
// cannot be read is a problem.
func (p *queryParser) parseRaw(rawQuery string, add func(name, value string, ok bool)) {
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
		add(name, value, err == nil && !strings.Contains(rawValue, ";"))
	}
}

// param checks the name of a parameter, known when the route takes it, and reports
// whether its value is to be checked: an empty or unknown name, or a name given again, is
// a problem instead.
func (p *queryParser) param(name string, known bool) bool {
	switch {
	case name == "":
		p.fail("query", CodeUnknownField, "query parameter without a name")
		return false
	case !known:
		p.fail(echoName(name), CodeUnknownField, "unknown query parameter")
		return false
	}
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	if p.seen[name]++; p.seen[name] == 2 {
		p.fail(name, CodeDuplicateField, "query parameter must be given once")
	}
	return true
}

// fail records a problem once: a parameter repeated with the same fault is one problem.
func (p *queryParser) fail(path, code, msg string) {
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
func (p *queryParser) full() bool { return len(p.errs) > maxErrors }

// result returns the problems found, or nil.
func (p *queryParser) result() error {
	if p.errs == nil {
		return nil
	}
	sortFieldErrors(p.errs)
	return &ValidationError{Fields: p.errs}
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
