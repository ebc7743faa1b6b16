package userevents

import "net/url"

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

// The query parameter names that ParseOptions reads.
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
func ParseOptions(q url.Values) (Options, error) {
	var o Options
	var errs []FieldError
	for name, values := range q {
		var dst *bool
		var lock **bool
		switch name {
		case QueryAllowUserTypeConversion:
			dst = &o.AllowUserTypeConversion
		case QueryChangeUserID:
			dst = &o.ChangeUserID
		case QueryLockKYCRiskLevel:
			lock = &o.LockKYCRiskLevel
		case QueryLockCRARiskLevel:
			lock = &o.LockCRARiskLevel
		default:
			errs = append(errs, FieldError{Path: echoName(name), Code: CodeUnknownField, Message: "unknown query parameter"})
			continue
		}
		if len(values) != 1 {
			errs = append(errs, FieldError{Path: name, Code: CodeDuplicateField, Message: "query parameter must be given once"})
			continue
		}
		var v bool
		switch values[0] {
		case "true":
			v = true
		case "false":
		default:
			errs = append(errs, FieldError{Path: name, Code: CodeInvalidEnum, Message: `must be "true" or "false"`})
			continue
		}
		if dst != nil {
			*dst = v
		} else {
			*lock = &v
		}
	}
	if errs != nil {
		sortFieldErrors(errs)
		return Options{}, &ValidationError{Fields: errs}
	}
	return o, nil
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
		equalBoolPtr(o.LockKYCRiskLevel, p.LockKYCRiskLevel) && equalBoolPtr(o.LockCRARiskLevel, p.LockCRARiskLevel)
}

func equalBoolPtr(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
