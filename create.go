package userevents

import "context"

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
	var o CreateOptions
	p := &flagParser{set: func(name string, v bool) bool {
		switch name {
		case QueryLockKYCRiskLevel:
			o.LockKYCRiskLevel = v
		case QueryLockCRARiskLevel:
			o.LockCRARiskLevel = v
		case QueryValidateUserID, QueryKRSOnly: // read and checked, without effect
		default:
			return false
		}
		return true
	}}
	p.parseRaw(rawQuery)
	if err := p.result(); err != nil {
		return CreateOptions{}, err
	}
	return o, nil
}
