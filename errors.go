package userevents

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Functions wrap them with %w; test for them with errors.Is. A
// *ValidationError (test with errors.As) reports bad input.
var (
	// ErrUserNotFound: no user is stored under the id.
	ErrUserNotFound = errors.New("userevents: user not found")
	// ErrEventNotFound: no event is stored under the id.
	ErrEventNotFound = errors.New("userevents: event not found")
	// ErrUserTypeMismatch: a consumer user event names a business user and
	// Options.AllowUserTypeConversion is false.
	ErrUserTypeMismatch = errors.New("userevents: converting a BUSINESS user to a CONSUMER user is not allowed")
	// ErrEventIDConflict: the event id is already stored with a different event or flags.
	ErrEventIDConflict = errors.New("userevents: event id already used by a different event")
	// ErrVersionConflict: the stored record changed since it was loaded.
	ErrVersionConflict = errors.New("userevents: record version conflict")
	// ErrUserExists: a user is already stored under the id being created or re-keyed to.
	ErrUserExists = errors.New("userevents: user already exists")
	// ErrTransitionNotAllowed: Config.Transitions refused a state or KYC status change.
	ErrTransitionNotAllowed = errors.New("userevents: transition not allowed")
	// ErrStaleEvent: with Config.StaleEvents = RejectStale, the event is older than the
	// newest event already applied to the user.
	ErrStaleEvent = errors.New("userevents: event older than the newest applied event")
	// ErrStoredData: a Store could not read data it holds (a stored user or event that
	// does not decode, a corrupt row). It is the server's fault, never the client's:
	// HTTPStatus maps it to 500 even when the error also wraps the *ValidationError of
	// the decoder, which errors.As still finds for the logs. Processor wraps with it any
	// *ValidationError that comes out of Store.LoadUser or Store.LoadEvent.
	ErrStoredData = errors.New("userevents: stored data cannot be read")
)

// The FieldError codes.
const (
	CodeRequired       = "required"
	CodeUnknownField   = "unknown_field"
	CodeDuplicateField = "duplicate_field"
	CodeInvalidJSON    = "invalid_json"
	CodeInvalidType    = "invalid_type"
	CodeInvalidEnum    = "invalid_enum"
	CodeInvalidFormat  = "invalid_format"
	CodeOutOfRange     = "out_of_range"
	CodeTooLong        = "too_long"
	CodeTooLarge       = "too_large"
	CodeInconsistent   = "inconsistent"
	CodeNotAllowed     = "not_allowed"
)

// FieldError is one problem with one place of a document. Path is rooted at the decoded
// document, dotted, with indexes ("updatedConsumerUserAttributes.legalDocuments[0].documentType");
// it is empty for the document as a whole. Code is one of the Code constants. Message
// says what was expected; it never contains the value found.
type FieldError struct {
	Path    string
	Code    string
	Message string
}

// Error returns "path: message (code)".
func (e FieldError) Error() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	return p + ": " + e.Message + " (" + e.Code + ")"
}

// ValidationError reports every problem found in a document, not only the first.
type ValidationError struct {
	Fields []FieldError
}

// Error lists the problems, separated by semicolons.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("userevents: invalid input: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Has reports whether e holds a problem with the given path and code.
func (e *ValidationError) Has(path, code string) bool {
	for _, f := range e.Fields {
		if f.Path == path && f.Code == code {
			return true
		}
	}
	return false
}

// HTTPStatus maps an error of this package to the HTTP status Flagright's API answers
// with: 200 for nil; 400 for a *ValidationError, ErrUserTypeMismatch and
// ErrTransitionNotAllowed; 404 for ErrUserNotFound and ErrEventNotFound; 409 for
// ErrEventIDConflict, ErrUserExists, ErrVersionConflict and ErrStaleEvent (a stale event
// conflicts with the stored user: the specification's list would make it 500, and 409
// tells the client not to retry the same body, see Decisions in the package
// documentation); 500 for ErrStoredData, whatever else it wraps, and for anything else.
func HTTPStatus(err error) int {
	var ve *ValidationError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrStoredData):
		return http.StatusInternalServerError
	case errors.As(err, &ve), errors.Is(err, ErrUserTypeMismatch), errors.Is(err, ErrTransitionNotAllowed):
		return http.StatusBadRequest
	case errors.Is(err, ErrUserNotFound), errors.Is(err, ErrEventNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrEventIDConflict), errors.Is(err, ErrUserExists),
		errors.Is(err, ErrVersionConflict), errors.Is(err, ErrStaleEvent):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// sortFieldErrors orders problems by path, then code, for reports that do not depend on
// map order.
func sortFieldErrors(errs []FieldError) {
	sort.Slice(errs, func(i, j int) bool {
		if errs[i].Path != errs[j].Path {
			return errs[i].Path < errs[j].Path
		}
		return errs[i].Code < errs[j].Code
	})
}

// maxEchoedName bounds, in bytes, a member or parameter name that an error path repeats
// (an unknown member, an unknown query parameter), so that a 64 KiB name cannot flood a
// log.
const maxEchoedName = 64

// cutMarker ends a name that echoName cut short.
const cutMarker = "…"

// echoName returns name as an error path repeats it: whole when it is at most
// maxEchoedName bytes of printable characters without backslashes; otherwise with
// backslashes doubled, characters that are not printable (controls, format characters
// such as U+202E, spaces other than ' ') written as \uXXXX or \UXXXXXXXX, bytes that are
// not UTF-8 as \xXX, and cut after at most maxEchoedName bytes, "…" included, at a
// character boundary. The result is valid UTF-8.
func echoName(name string) string {
	if len(name) <= maxEchoedName && plainName(name) {
		return name
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, maxEchoedName+12)
	fit := 0 // the length of b up to the last piece that leaves room for the marker
	i := 0
	for i < len(name) && len(b) <= maxEchoedName {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hex[name[i]>>4], hex[name[i]&0xf])
		case r == '\\':
			b = append(b, '\\', '\\')
		case unicode.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xffff:
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = append(b, '\\', 'U')
			for shift := 28; shift >= 0; shift -= 4 {
				b = append(b, hex[r>>shift&0xf])
			}
		}
		i += size
		if len(b) <= maxEchoedName-len(cutMarker) {
			fit = len(b)
		}
	}
	if i == len(name) && len(b) <= maxEchoedName {
		return string(b)
	}
	return string(b[:fit]) + cutMarker
}

// plainName reports whether name is printable ASCII without backslashes.
func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c > '~' || c == '\\' {
			return false
		}
	}
	return true
}
