package userevents

import (
	"context"
	"errors"
)

// Batch statuses, as in Flagright's BatchResponse.
const (
	BatchSuccess        = "SUCCESS"
	BatchPartialFailure = "PARTIAL_FAILURE"
	BatchFailure        = "FAILURE"
)

// Reason codes of failed batch records: ReasonCode maps an error to one of them.
const (
	ReasonIDNotFound           = "ID_NOT_FOUND"           // ErrUserNotFound
	ReasonInvalid              = "INVALID_EVENT"          // *ValidationError
	ReasonUserTypeMismatch     = "USER_TYPE_MISMATCH"     // ErrUserTypeMismatch
	ReasonTransitionNotAllowed = "TRANSITION_NOT_ALLOWED" // ErrTransitionNotAllowed
	ReasonStaleEvent           = "STALE_EVENT"            // ErrStaleEvent
	ReasonEventIDConflict      = "EVENT_ID_CONFLICT"      // ErrEventIDConflict
	ReasonUserExists           = "USER_ID_TAKEN"          // ErrUserExists
	ReasonVersionConflict      = "VERSION_CONFLICT"       // ErrVersionConflict after the retries
	ReasonCancelled            = "CANCELLED"              // the context ended first
	ReasonInternal             = "INTERNAL_ERROR"         // anything else
)

// ReasonCode returns the batch reason code of an error of this package, and "" for a
// nil error (no failure, no reason).
func ReasonCode(err error) string {
	var ve *ValidationError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrStoredData):
		return ReasonInternal // as HTTPStatus: what it wraps is the server's data, not the event
	case errors.As(err, &ve):
		return ReasonInvalid
	}
	for _, r := range sentinelReasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ReasonInternal
}

// sentinelReasons are the reason codes of the sentinel errors, the first that matches
// an error being its reason.
var sentinelReasons = [...]struct {
	err    error
	reason string
}{
	{ErrUserNotFound, ReasonIDNotFound},
	{ErrUserTypeMismatch, ReasonUserTypeMismatch},
	{ErrTransitionNotAllowed, ReasonTransitionNotAllowed},
	{ErrStaleEvent, ReasonStaleEvent},
	{ErrEventIDConflict, ReasonEventIDConflict},
	{ErrUserExists, ReasonUserExists},
	{ErrVersionConflict, ReasonVersionConflict},
	{context.Canceled, ReasonCancelled},
	{context.DeadlineExceeded, ReasonCancelled},
}

// FailedRecord names an event of a batch that failed, and why.
type FailedRecord struct {
	ID         string `json:"id"`
	ReasonCode string `json:"reasonCode"`
}

// BatchItem is the outcome of one event of a batch: a result, or an error.
type BatchItem struct {
	Result *Result
	Err    error
}

// BatchResult reports a batch as Flagright's BatchResponse does (json.Marshal gives
// that body), plus each event's own outcome in Results.
type BatchResult struct {
	BatchID       string         `json:"batchId"`
	Status        string         `json:"status"`
	Successful    int            `json:"successful"`
	Failed        int            `json:"failed"`
	FailedRecords []FailedRecord `json:"failedRecords,omitempty"`
	Message       string         `json:"message,omitempty"`
	// Results has one item per input event, in input order.
	Results []BatchItem `json:"-"`
}

// ApplyBatch applies events in input order, each as Apply does (so the events of one
// user apply in the order given, and ApplyBatch takes ownership of them), and reports
// every outcome. Events without an id get
// a generated one first, so that every failed record has an id. A failure does not stop
// the batch; the end of ctx does: the events not yet applied fail with ReasonCancelled,
// and ApplyBatch returns the report with ctx's error. The status is SUCCESS when no event
// failed (an empty batch included: nothing failed), FAILURE when none succeeded, else
// PARTIAL_FAILURE.
func (p *Processor) ApplyBatch(ctx context.Context, events []*ConsumerUserEvent, opts Options) (*BatchResult, error) {
	return p.applyBatch(ctx, events, nil, opts)
}

// ApplyEventBatch applies a batch as DecodeEventBatch returned it, as ApplyBatch does,
// except that a record that failed to decode (b.RecordErrors[i] is not nil) is not
// applied: it fails with its *ValidationError (reason INVALID_EVENT), under its eventId
// when that decoded cleanly and "" otherwise, in its place in input order. The
// result's BatchID is b.BatchID. A nil b is refused with a *ValidationError (code
// required) and no result, and so is a batchId that breaks the id rule of the package
// doc (code invalid_format on batchId; nothing is applied): at both levels an id with
// NUL or invalid UTF-8 (a batch built in Go: the decoder refuses those), and under
// Strict also ".", "..", white space only, control or format characters, which GET
// /batch/events/consumer/user/{batchId} could not name.
func (p *Processor) ApplyEventBatch(ctx context.Context, b *EventBatch, opts Options) (*BatchResult, error) {
	if b == nil {
		return nil, &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "batch is missing"}}}
	}
	c := newVctx(p.cfg.Level, 0)
	c.str("batchId", b.BatchID, rId)
	if err := c.result(); err != nil {
		return nil, err
	}
	events := make([]*ConsumerUserEvent, len(b.Data))
	for i := range b.Data {
		events[i] = &b.Data[i]
	}
	res, err := p.applyBatch(ctx, events, b.RecordErrors, opts)
	res.BatchID = b.BatchID
	return res, err
}

// applyBatch is ApplyBatch; failed[i], when there is such an element and it is not nil,
// is the error event i already failed with.
func (p *Processor) applyBatch(ctx context.Context, events []*ConsumerUserEvent, failed []error, opts Options) (*BatchResult, error) {
	b := &BatchResult{Results: make([]BatchItem, len(events))}
	var ctxErr error
	for i, ev := range events {
		var res *Result
		var err error
		switch {
		case i < len(failed) && failed[i] != nil:
			err = failed[i]
		case ctxErr != nil:
			err = ctxErr
		case ev == nil:
			err = &ValidationError{Fields: []FieldError{{Code: CodeRequired, Message: "event is missing"}}}
		default:
			if ev.EventID == "" {
				c := *ev
				c.EventID = p.newEventID()
				ev = &c
			}
			if ctxErr = ctx.Err(); ctxErr != nil {
				err = ctxErr
			} else {
				res, err = p.Apply(ctx, ev, opts)
			}
		}
		b.Results[i] = BatchItem{Result: res, Err: err}
		if err != nil {
			b.Failed++
			id := ""
			if ev != nil {
				id = ev.EventID
			}
			b.FailedRecords = append(b.FailedRecords, FailedRecord{ID: id, ReasonCode: ReasonCode(err)})
		} else {
			b.Successful++
		}
	}
	switch {
	case b.Failed == 0:
		b.Status = BatchSuccess
	case b.Successful == 0:
		b.Status = BatchFailure
	default:
		b.Status = BatchPartialFailure
	}
	return b, ctxErr
}
