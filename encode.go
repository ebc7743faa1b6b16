package userevents

import (
	"encoding/json"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/compliancekit/userevents/internal/jsonstring"
	"github.com/shopspring/decimal"
)

// The encoders append Flagright's wire format to a byte slice. Generated appendJSON
// methods write each member as `,"name":value` and turn the first comma into the opening
// brace (see closeObject), so that no member needs to know whether it is the first.

// sizeHint remembers the length of the last encoding of a type, so that MarshalJSON
// allocates its buffer once instead of growing it from nothing.
type sizeHint struct{ n atomic.Int64 }

func (h *sizeHint) get() int { return int(h.n.Load()) + 64 }

func (h *sizeHint) set(n int) {
	if n <= 1<<20 { // a rare huge value must not make every later buffer huge
		h.n.Store(int64(n))
	}
}

// closeObject finishes an object whose members were appended from start on.
func closeObject(b []byte, start int) []byte {
	if len(b) == start {
		return append(b, '{', '}')
	}
	b[start] = '{'
	return append(b, '}')
}

// appendString appends s as a JSON string, escaped as encoding/json does (HTML
// characters, U+2028 and U+2029 included); invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte { return jsonstring.Append(b, s) }

// appendFloat appends f as encoding/json does (ES6 number formatting). NaN and
// infinities, which JSON cannot hold and Validate refuses, are written as null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// appendDecimal appends v as a JSON number in plain notation with no trailing fraction
// zeros. It reads v's coefficient and exponent, so decimal's package settings
// (MarshalJSONWithoutQuotes, TrimTrailingZeros, ...) do not change it.
func appendDecimal(b []byte, v decimal.Decimal) []byte {
	exp := int(v.Exponent())
	var digits []byte
	var scratch [40]byte
	if v.NumDigits() <= 18 {
		// The coefficient fits in an int64: no copy of the big.Int.
		digits = strconv.AppendInt(scratch[:0], v.CoefficientInt64(), 10)
	} else {
		digits = v.Coefficient().Append(scratch[:0], 10)
	}
	neg := len(digits) > 0 && digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	// Trim trailing zeros into the exponent.
	for exp < 0 && len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 1 && digits[0] == '0' {
		return append(b, '0')
	}
	if neg {
		b = append(b, '-')
	}
	switch {
	case exp >= 0:
		b = append(b, digits...)
		for i := 0; i < exp; i++ {
			b = append(b, '0')
		}
	case -exp < len(digits):
		p := len(digits) + exp
		b = append(b, digits[:p]...)
		b = append(b, '.')
		b = append(b, digits[p:]...)
	default:
		b = append(b, '0', '.')
		for i := 0; i < -exp-len(digits); i++ {
			b = append(b, '0')
		}
		b = append(b, digits...)
	}
	return b
}

func appendRaw(b []byte, r json.RawMessage) []byte {
	if len(r) == 0 {
		return append(b, "null"...)
	}
	return append(b, r...)
}

func appendStrings(b []byte, s []string) []byte {
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

func appendEnums[E ~string](b []byte, s []E) []byte {
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, string(v))
	}
	return append(b, ']')
}

func appendSlice[T any](b []byte, s []T, enc func(*T, []byte) []byte) []byte {
	b = append(b, '[')
	for i := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = enc(&s[i], b)
	}
	return append(b, ']')
}

// AppendJSON appends u in Flagright's wire format (as json.Marshal writes it) to dst and
// returns the extended buffer. It is the way to write a user: no reflection, and none of
// the re-scan and copy that encoding/json does with a MarshalJSON method's output; with
// a reused dst it allocates nothing. The error is always nil: every model value has a
// JSON form. The bytes are json.Marshal's but for the members of arbitrary JSON
// (json.RawMessage: a rule's logic variables, a business user's raw objects), written as
// stored, where json.Marshal escapes <, >, &, U+2028 and U+2029 in them: the same JSON
// values.
func (u *ConsumerUser) AppendJSON(dst []byte) ([]byte, error) { return u.appendJSON(dst), nil }

// AppendJSON appends u in Flagright's wire format to dst, as ConsumerUser.AppendJSON does.
func (u *BusinessUser) AppendJSON(dst []byte) ([]byte, error) { return u.appendJSON(dst), nil }

// AppendJSON appends e in Flagright's wire format to dst, as ConsumerUser.AppendJSON does.
func (e *ConsumerUserEvent) AppendJSON(dst []byte) ([]byte, error) { return e.appendJSON(dst), nil }

// AppendJSON appends e as Flagright's ConsumerUserEventWithRulesResult (its wire fields,
// not its outcome) to dst, as ConsumerUser.AppendJSON does.
func (e *StoredEvent) AppendJSON(dst []byte) ([]byte, error) { return e.appendJSON(dst), nil }

// AppendJSON appends r, the body of Flagright's answer to POST /events/consumer/user, to
// dst, as ConsumerUser.AppendJSON does.
func (r *EventResponse) AppendJSON(dst []byte) ([]byte, error) { return r.appendJSON(dst), nil }

// AppendJSON appends l, the body of Flagright's answer to GET
// /batch/events/consumer/user/{batchId}, to dst, as ConsumerUser.AppendJSON does: each
// event as StoredEvent.AppendJSON writes it.
func (l *EventList) AppendJSON(dst []byte) ([]byte, error) { return l.appendJSON(dst), nil }

// appendJSON writes l as json.Marshal does (see ConsumerUser.AppendJSON for the raw
// members), a nil list or event as null. It is written
// by hand: EventList, a list around a generated type, is in response.go, which is not
// among the generator's inputs.
func (l *EventList) appendJSON(b []byte) []byte {
	b = append(b, `{"consumerUserEvents":`...)
	if l.ConsumerUserEvents == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, e := range l.ConsumerUserEvents {
			if i > 0 {
				b = append(b, ',')
			}
			if e == nil {
				b = append(b, "null"...)
			} else {
				b = e.appendJSON(b)
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"totalCount":`...)
	b = appendInt(b, l.TotalCount)
	return append(b, '}')
}
