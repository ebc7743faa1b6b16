package userevents

// ConsumerUserEvent is a timestamped event that changes a stored consumer user: Flagright's
// ConsumerUserEvent, the body of POST /events/consumer/user.
type ConsumerUserEvent struct {
	// Timestamp is when the event happened, in milliseconds since the Unix epoch.
	Timestamp float64 `json:"timestamp" check:"required,ts"`
	// UserID is the id of the user the event changes.
	UserID string `json:"userId" check:"required,id"`
	// EventID identifies the event; empty means none was given, and Processor.Apply then
	// generates one.
	EventID string `json:"eventId,omitempty" check:"id"`
	// Reason is why the event happened. It becomes the reason of a state or KYC status
	// change that carries none of its own.
	Reason           *string `json:"reason,omitempty" check:"text"`
	EventDescription *string `json:"eventDescription,omitempty" check:"text"`
	// UpdatedConsumerUserAttributes is the partial update merged into the user
	// (Flagright's UserOptional).
	UpdatedConsumerUserAttributes *ConsumerUserAttributes `json:"updatedConsumerUserAttributes,omitempty" patch:"ConsumerUser"`
	// NewUserID is the user's new id; it is applied only with Options.ChangeUserID.
	NewUserID string `json:"newUserId,omitempty" check:"id"`
	// ExternalLinks are appended to the user's external links, without duplicates.
	ExternalLinks []string `json:"externalLinks,omitempty"`
}

// StoredEvent is an entry of a user's history as a Store keeps it, one per commit: an
// applied event as sent (its EventID filled in), the flags and the level it was applied
// with, and its outcome; or, with no event (EventID ""), the creation of the user. It is
// compact: the record after it is rebuilt from the newest Snapshot before it by replaying
// the entries in between, with the effects they stored (see Processor.UserAt).
// json.Marshal of a *StoredEvent gives Flagright's ConsumerUserEventWithRulesResult; the
// fields tagged `json:"-"` are the outcome, which a Store must keep too. A stored entry
// is a shared, read-only value: Clone it to change it.
type StoredEvent struct {
	ConsumerUserEvent
	ExecutedRules    []ExecutedRulesResult `json:"executedRules,omitempty"`
	HitRules         []HitRulesDetails     `json:"hitRules,omitempty"`
	RiskScoreDetails *UserRiskScoreDetails `json:"riskScoreDetails,omitempty"`

	// Options are the query flags the event was applied with.
	Options Options `json:"-"`
	// Version is the version of the user record that the event produced.
	Version int64 `json:"-"`
	// HistoryID is the history the entry belongs to (Record.HistoryID).
	HistoryID string `json:"-"`
	// Level is the validation level the event was applied at (under Strict, the names
	// it set were normalised to NFC).
	Level Level `json:"-"`
	// Snapshot, when set, is the whole record after the entry (the creation's always
	// has one). The library decides which entries keep one.
	Snapshot *Record `json:"-"`
	// Changes are the changed field paths, sorted.
	Changes []string `json:"-"`
	// StateTransition and KYCTransition are the transitions the event made, or nil.
	StateTransition *Transition `json:"-"`
	KYCTransition   *Transition `json:"-"`
	// Converted reports whether the event converted a business user.
	Converted bool `json:"-"`
	// Replayed lists the events that took effect after this late one (Result.Replayed).
	Replayed []string `json:"-"`
}

// EventBatch is the body of POST /batch/events/consumer/user (Flagright's
// ConsumerUserEventBatchRequest).
type EventBatch struct {
	BatchID string              `json:"batchId,omitempty" check:"id"`
	Data    []ConsumerUserEvent `json:"data" check:"required" decode:"hook"` // decodeEventBatchData
	// RecordErrors, when DecodeEventBatch found problems in some records, has one entry
	// per record of Data: nil for a record that decoded, its *ValidationError for one
	// that did not (and whose Data entry then holds only its eventId). It is nil when
	// every record decoded. Processor.ApplyEventBatch reports those records as failed.
	RecordErrors []error `json:"-"`
}

// EventResponse is the body of Flagright's response to POST /events/consumer/user: the
// user after the event (UserWithRulesResult), with an optional message.
type EventResponse struct {
	ConsumerUser
	Message *string `json:"message,omitempty"`
}
