package userevents

import (
	"errors"
	"net/http"
	"strings"
)

// The response bodies of Flagright's API, for servers built on the library.

// APIErrorResponse is the body of Flagright's error responses (ApiErrorResponse).
// ValidationErrors lists the problems of a *ValidationError, "path: message (code)",
// separated by "; ".
type APIErrorResponse struct {
	Message          string `json:"message"`
	ValidationErrors string `json:"validationErrors,omitempty"`
}

// ErrorResponse returns the HTTP status (HTTPStatus) and the body to answer err with.
// The message of an internal error (status 500) is generic: its details are for the
// server's log, not the client.
func ErrorResponse(err error) (int, APIErrorResponse) {
	status := HTTPStatus(err)
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		var b strings.Builder
		for i, f := range ve.Fields {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(f.Error())
		}
		return status, APIErrorResponse{Message: "invalid input", ValidationErrors: b.String()}
	case status == http.StatusInternalServerError:
		return status, APIErrorResponse{Message: "internal error"}
	}
	return status, APIErrorResponse{Message: strings.TrimPrefix(err.Error(), "userevents: ")}
}

// CreateUserResponse is the body of Flagright's response to POST /consumer/users and
// POST /business/users (ConsumerUsersCreateResponse): the user's id and its rules
// results.
type CreateUserResponse struct {
	UserID           string                `json:"userId"`
	RiskScoreDetails *UserRiskScoreDetails `json:"riskScoreDetails,omitempty"`
	Message          string                `json:"message,omitempty"`
}

// EventList is the body of Flagright's GET /batch/events/consumer/user/{batchId}
// (BatchConsumerUserEventsRulesResult): the events of a batch.
type EventList struct {
	ConsumerUserEvents []*StoredEvent `json:"consumerUserEvents"`
	TotalCount         int            `json:"totalCount"`
}
