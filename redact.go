package userevents

import (
	"fmt"
	"log/slog"
	"strconv"
)

// Personal data never leaves the library by accident: the model types print through fmt
// (Format) and log/slog (LogValue) in a redacted form that keeps the structure, enums,
// numbers, booleans and user and event ids, and replaces every other string with
// [redacted]; error messages never hold values. json.Marshal still gives the whole
// wire format.

const redacted = "[redacted]"

// safeKey appends the separator and the name of the n-th member of a redacted form.
func safeKey(b []byte, n int, name string) ([]byte, int) {
	if n > 0 {
		b = append(b, ", "...)
	}
	b = append(b, name...)
	return append(b, ": "...), n + 1
}

// appendCount appends the length of a redacted list of strings.
func appendCount(b []byte, n int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, " redacted]"...)
}

func appendEnumList[E ~string](b []byte, s []E) []byte {
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, e...)
	}
	return append(b, ']')
}

func appendSafeSlice[T any, P interface {
	*T
	appendSafe([]byte) []byte
}](b []byte, s []T) []byte {
	b = append(b, '[')
	for i := range s {
		if i > 0 {
			b = append(b, ' ')
		}
		b = P(&s[i]).appendSafe(b)
	}
	return append(b, ']')
}

// Format prints an Optional as absent, null, or its value, redacted when it holds
// strings.
func (o Optional[T]) Format(f fmt.State, verb rune) {
	switch o.state {
	case optionalAbsent:
		f.Write([]byte("absent"))
	case optionalNull:
		f.Write([]byte("null"))
	default:
		switch x := any(o.v).(type) {
		case string, []string:
			f.Write([]byte(redacted))
		default:
			fmt.Fprintf(f, "%v", x)
		}
	}
}

// LogValue gives log/slog the redacted form of o, as Format prints it.
func (o Optional[T]) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(o)) }

func (r *Record) appendSafe(b []byte) []byte {
	b = append(b, "Record{version: "...)
	b = strconv.AppendInt(b, r.Version, 10)
	if r.Consumer != nil {
		b = append(b, ", consumer: "...)
		b = r.Consumer.appendSafe(b)
	}
	if r.Business != nil {
		b = append(b, ", business: "...)
		b = r.Business.appendSafe(b)
	}
	b = append(b, ", kycRiskLevelLocked: "...)
	b = appendBool(b, r.KYCRiskLevelLocked)
	b = append(b, ", craRiskLevelLocked: "...)
	b = appendBool(b, r.CRARiskLevelLocked)
	b = append(b, ", lastEventTimestamp: "...)
	b = appendFloat(b, r.LastEventTimestamp)
	return append(b, '}')
}

// Format prints r with its users redacted (see ConsumerUser.Format).
func (r Record) Format(f fmt.State, verb rune) { f.Write(r.appendSafe(nil)) }

// LogValue gives log/slog the redacted form of r.
func (r Record) LogValue() slog.Value { return slog.StringValue(string(r.appendSafe(nil))) }

func (r *Result) appendSafe(b []byte) []byte {
	b = append(b, "Result{"...)
	if r.Event != nil {
		b = append(b, "eventId: "...)
		b = appendString(b, r.Event.EventID)
		b = append(b, ", "...)
	}
	b = append(b, "duplicate: "...)
	b = appendBool(b, r.Duplicate)
	b = append(b, ", converted: "...)
	b = appendBool(b, r.Converted)
	b = append(b, ", changes: "...)
	b = appendEnumList(b, r.Changes)
	for _, t := range []struct {
		name string
		t    *Transition
	}{{"stateTransition", r.StateTransition}, {"kycTransition", r.KYCTransition}} {
		if t.t != nil {
			b = append(b, ", "+t.name+": "...)
			b = append(b, t.t.From+" -> "+t.t.To...)
		}
	}
	b = append(b, ", record: "...)
	b = r.Record.appendSafe(b)
	b = append(b, ", previous: "...)
	b = r.Previous.appendSafe(b)
	return append(b, '}')
}

// Format prints r with its users redacted (see ConsumerUser.Format).
func (r Result) Format(f fmt.State, verb rune) { f.Write(r.appendSafe(nil)) }

// LogValue gives log/slog the redacted form of r.
func (r Result) LogValue() slog.Value { return slog.StringValue(string(r.appendSafe(nil))) }

// LogValue gives log/slog the redacted form of an item.
func (i BatchItem) LogValue() slog.Value {
	if i.Err != nil {
		return slog.StringValue("error: " + i.Err.Error())
	}
	if i.Result == nil {
		return slog.StringValue("nil")
	}
	return i.Result.LogValue()
}

// Format prints an item with its result redacted.
func (i BatchItem) Format(f fmt.State, verb rune) { f.Write([]byte(i.LogValue().String())) }
