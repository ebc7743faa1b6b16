package userevents

import "fmt"

// The field names a TransitionRule is called with.
const (
	StateField     = "userStateDetails.state"
	KYCStatusField = "kycStatusDetails.status"
)

// Transition is a change of a user's state or KYC status. From is empty when the user had
// none; To is empty when the event removes it.
type Transition struct {
	From string
	To   string
}

// A TransitionRule decides whether a user's state (field StateField) or KYC status (field
// KYCStatusField) may change as t says. It returns nil to allow the change; Apply wraps
// any other error with ErrTransitionNotAllowed. A rule is called only for real changes
// (From != To).
type TransitionRule func(field string, t Transition) error

// AllowAllTransitions allows every change, as Flagright does. It is the rule a Config
// without Transitions uses.
func AllowAllTransitions(string, Transition) error { return nil }

// StrictLifecycle is a transition rule for teams that want the record to follow a
// lifecycle. Any state or status may be the first one (From empty); none may be
// removed (To empty). After that:
//
// User states:
//
//	CREATED      -> ACTIVE, SUSPENDED, BLOCKED, UNACCEPTABLE, TERMINATED
//	ACTIVE       -> DORMANT, SUSPENDED, BLOCKED, UNACCEPTABLE, TERMINATED
//	DORMANT      -> ACTIVE, SUSPENDED, BLOCKED, TERMINATED
//	SUSPENDED    -> ACTIVE, DORMANT, BLOCKED, TERMINATED
//	BLOCKED      -> ACTIVE, SUSPENDED, TERMINATED
//	UNACCEPTABLE -> TERMINATED
//	TERMINATED   -> nothing: a terminated relationship is never reopened
//
// CREATED is only ever the first state.
//
// KYC statuses:
//
//	NEW             -> NOT_STARTED, IN_PROGRESS, CANCELLED
//	NOT_STARTED     -> IN_PROGRESS, CANCELLED
//	IN_PROGRESS     -> SUCCESSFUL, FAILED, MANUAL_REVIEW, EDD_IN_PROGRESS, CANCELLED
//	MANUAL_REVIEW   -> SUCCESSFUL, FAILED, EDD_IN_PROGRESS, CANCELLED
//	EDD_IN_PROGRESS -> SUCCESSFUL, FAILED, MANUAL_REVIEW, CANCELLED
//	SUCCESSFUL      -> EXPIRED, MANUAL_REVIEW, EDD_IN_PROGRESS (periodic review)
//	EXPIRED         -> IN_PROGRESS (re-verification)
//	FAILED          -> IN_PROGRESS, MANUAL_REVIEW
//	CANCELLED       -> NEW, IN_PROGRESS (a new attempt)
func StrictLifecycle(field string, t Transition) error {
	var table map[string][]string
	switch field {
	case StateField:
		table = stateLifecycle
	case KYCStatusField:
		table = kycLifecycle
	default:
		return fmt.Errorf("unknown field %q", field)
	}
	switch {
	case t.From == t.To:
		return nil
	case t.To == "":
		return fmt.Errorf("%s cannot be removed", field)
	case t.From == "":
		return nil
	}
	for _, to := range table[t.From] {
		if to == t.To {
			return nil
		}
	}
	return fmt.Errorf("%s cannot change from %s to %s", field, t.From, t.To)
}

var stateLifecycle = map[string][]string{
	string(UserStateCreated):      {string(UserStateActive), string(UserStateSuspended), string(UserStateBlocked), string(UserStateUnacceptable), string(UserStateTerminated)},
	string(UserStateActive):       {string(UserStateDormant), string(UserStateSuspended), string(UserStateBlocked), string(UserStateUnacceptable), string(UserStateTerminated)},
	string(UserStateDormant):      {string(UserStateActive), string(UserStateSuspended), string(UserStateBlocked), string(UserStateTerminated)},
	string(UserStateSuspended):    {string(UserStateActive), string(UserStateDormant), string(UserStateBlocked), string(UserStateTerminated)},
	string(UserStateBlocked):      {string(UserStateActive), string(UserStateSuspended), string(UserStateTerminated)},
	string(UserStateUnacceptable): {string(UserStateTerminated)},
	string(UserStateTerminated):   nil,
}

var kycLifecycle = map[string][]string{
	string(KYCStatusNew):           {string(KYCStatusNotStarted), string(KYCStatusInProgress), string(KYCStatusCancelled)},
	string(KYCStatusNotStarted):    {string(KYCStatusInProgress), string(KYCStatusCancelled)},
	string(KYCStatusInProgress):    {string(KYCStatusSuccessful), string(KYCStatusFailed), string(KYCStatusManualReview), string(KYCStatusEddInProgress), string(KYCStatusCancelled)},
	string(KYCStatusManualReview):  {string(KYCStatusSuccessful), string(KYCStatusFailed), string(KYCStatusEddInProgress), string(KYCStatusCancelled)},
	string(KYCStatusEddInProgress): {string(KYCStatusSuccessful), string(KYCStatusFailed), string(KYCStatusManualReview), string(KYCStatusCancelled)},
	string(KYCStatusSuccessful):    {string(KYCStatusExpired), string(KYCStatusManualReview), string(KYCStatusEddInProgress)},
	string(KYCStatusExpired):       {string(KYCStatusInProgress)},
	string(KYCStatusFailed):        {string(KYCStatusInProgress), string(KYCStatusManualReview)},
	string(KYCStatusCancelled):     {string(KYCStatusNew), string(KYCStatusInProgress)},
}
