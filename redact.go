package userevents

import (
	"cmp"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/shopspring/decimal"
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

// appendEnumList appends a list of enums, as a redacted form prints it.
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

// The redacted form of a model value is written by one walk over its struct tags, the
// same tags the generator reads: appendSafeStruct. Each model type's appendSafe, Format
// and LogValue (redact_gen.go) call it.
//
//	TypeName{member: value, ...}
//
// Members are named by their JSON name (an embedded struct or a union member by its Go
// name); an absent optional member is left out. Strings are [redacted], except ids
// (check:"id"), which are quoted as in JSON, and enums and codes, which are printed as
// they are; a list of strings is [N redacted]; raw JSON is [redacted]; numbers, booleans
// and decimals print as in JSON; lists print as [a b c]. A member of a partial update is
// left out when absent, null when null, and its value when set.

// safeMember is how the redacted form shows one member of a model struct.
type safeMember struct {
	index    int
	key      string
	id       bool // check:"id": printed, quoted
	omit     bool // a string or enum printed only when not empty (omitempty)
	optional bool // an Optional (a member of a partial update)
	state    int  // for an Optional: the index of its state field
}

// safePlans holds the members of each model struct type, as safeMembers reads them once.
var safePlans sync.Map // reflect.Type -> []safeMember

// optionalParts is implemented by every Optional: its state and value.
type optionalParts interface{ parts() (optionalState, any) }

var optionalPartsType = reflect.TypeFor[optionalParts]()

// safeMembers returns the members of the redacted form of struct type t.
func safeMembers(t reflect.Type) []safeMember {
	if p, ok := safePlans.Load(t); ok {
		return p.([]safeMember)
	}
	var members []safeMember
	for i := range t.NumField() {
		sf := t.Field(i)
		m := safeMember{index: i, key: sf.Name}
		switch {
		case !sf.IsExported():
			continue
		case sf.Anonymous, sf.Tag.Get("method") != "":
		default:
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			m.key = name
			m.omit = slices.Contains(strings.Split(opts, ","), "omitempty")
		}
		m.id = slices.Contains(strings.Split(sf.Tag.Get("check"), ","), "id")
		if sf.Type.Implements(optionalPartsType) {
			m.optional = true
			st, _ := sf.Type.FieldByName("state")
			m.state = st.Index[0]
		}
		members = append(members, m)
	}
	safePlans.Store(t, members)
	return members
}

// appendSafeStruct appends the redacted form of v, a model struct.
func appendSafeStruct(b []byte, v reflect.Value) []byte {
	b = append(b, v.Type().Name()...)
	b = append(b, '{')
	n := 0
	for _, m := range safeMembers(v.Type()) {
		x := v.Field(m.index)
		if m.optional {
			switch optionalState(x.Field(m.state).Uint()) {
			case optionalNull:
				b, n = safeKey(b, n, m.key)
				b = append(b, "null"...)
			case optionalSet:
				b, n = safeKey(b, n, m.key)
				_, val := x.Interface().(optionalParts).parts()
				if y := reflect.ValueOf(val); y.Kind() != reflect.Pointer || !y.IsNil() {
					b = appendSafeMember(b, y, m.id)
				}
			}
			continue
		}
		switch x.Kind() {
		case reflect.Pointer, reflect.Slice:
			if x.IsNil() {
				continue // required references may be nil in a value built by hand
			}
		case reflect.String:
			if m.omit && x.Len() == 0 {
				continue
			}
		}
		b, n = safeKey(b, n, m.key)
		b = appendSafeMember(b, x, m.id)
	}
	return append(b, '}')
}

var stringReflectType = reflect.TypeFor[string]()

// appendSafeMember appends the redacted form of x, the value of a member (id: an id).
func appendSafeMember(b []byte, x reflect.Value, id bool) []byte {
	switch x.Kind() {
	case reflect.String:
		switch {
		case x.Type() != stringReflectType: // an enum or a code
			return appendEnum(b, x)
		case id:
			return appendString(b, x.String())
		}
		return append(b, redacted...)
	case reflect.Pointer:
		if x.Elem().Kind() == reflect.Struct {
			return appendSafeStruct(b, x.Elem())
		}
		return appendSafeMember(b, x.Elem(), id)
	case reflect.Float64:
		return appendFloat(b, x.Float())
	case reflect.Int:
		return appendInt(b, int(x.Int()))
	case reflect.Bool:
		return appendBool(b, x.Bool())
	case reflect.Struct:
		if x.Type() == decimalReflectType {
			if x.CanAddr() { // no copy to the heap
				return appendDecimal(b, *x.Addr().Interface().(*decimal.Decimal))
			}
			return appendDecimal(b, x.Interface().(decimal.Decimal))
		}
		return appendSafeStruct(b, x) // embedded
	case reflect.Slice:
		switch et := x.Type().Elem(); {
		case et.Kind() == reflect.Uint8: // raw JSON
			return append(b, redacted...)
		case et == stringReflectType:
			return appendCount(b, x.Len())
		}
		b = append(b, '[')
		for i := range x.Len() {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendSafeMember(b, x.Index(i), false)
		}
		return append(b, ']')
	}
	return append(b, redacted...)
}

// appendEnum appends x, a value of an enum or code type, when it is one of the type's
// values, else [redacted]: the decoders take any string there (Validate refuses it
// later), and a sender's misplaced data (a document number as a country) must not
// reach a log.
func appendEnum(b []byte, x reflect.Value) []byte {
	// A pointer to the value, whose method set has Valid: to x itself when it is
	// addressable (reflect.NewAt, since x may come from an unexported field, such as an
	// Optional's, which Addr would not give), else to a copy. Either way nothing of the
	// value is boxed: an enum of every member of a user cost an allocation or two each.
	var p reflect.Value
	if x.CanAddr() {
		p = reflect.NewAt(x.Type(), unsafe.Pointer(x.UnsafeAddr()))
	} else {
		p = reflect.New(x.Type())
		p.Elem().SetString(x.String())
	}
	if e, ok := p.Interface().(validator); ok && e.Valid() {
		return append(b, x.String()...)
	}
	return append(b, redacted...)
}

// Format prints an Optional as absent, null, or its value, redacted when it holds
// strings, and an enum or code only when it is one of its type's values.
func (o Optional[T]) Format(f fmt.State, verb rune) {
	switch o.state {
	case optionalAbsent:
		f.Write([]byte("absent"))
	case optionalNull:
		f.Write([]byte("null"))
	default:
		switch x := reflect.ValueOf(o.v); {
		case x.Kind() == reflect.String, x.Kind() == reflect.Slice && x.Type().Elem().Kind() == reflect.String:
			f.Write(appendSafeMember(nil, x, false))
		default:
			fmt.Fprintf(f, "%v", o.v)
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

// Redact returns v for log/slog in the redacted form that fmt prints, whatever v holds:
// a model value (ConsumerUser, ConsumerUserEvent, LegalDocument, ...), a pointer to one,
// or a slice, array or map of them, at any depth. Use it for anything but a single model
// value:
//
//	logger.Info("documents", "docs", userevents.Redact(u.LegalDocuments))
//
// log/slog resolves LogValue only on the value it is given: a slice or map of model
// values reaches the JSON handler whole, which encodes it with json.Marshal, the wire
// format, personal data included. Redact's result resolves to one string, built as
// Format builds it: structure, enums, numbers, booleans and user and event ids, and
// [redacted] for every other string. Anything it does not know as a model type is
// [redacted] (a string, []byte or json.RawMessage, a struct of another package), except
// numbers, booleans and decimals; map keys are printed the same way, and map entries in
// sorted order. The result also prints redacted through fmt.
func Redact(v any) slog.LogValuer { return redactedValue{v} }

// redactedValue is what Redact returns.
type redactedValue struct{ v any }

// LogValue returns the redacted form as one string.
func (r redactedValue) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String returns the redacted form.
func (r redactedValue) String() string {
	return string(appendRedacted(nil, reflect.ValueOf(r.v), 0))
}

// Format prints the redacted form, whatever the verb.
func (r redactedValue) Format(f fmt.State, verb rune) { f.Write([]byte(r.String())) }

// safeAppender is a model type (or Record, Result): its appendSafe writes it redacted.
type safeAppender interface{ appendSafe([]byte) []byte }

// validator is an enum or code type of the package.
type validator interface{ Valid() bool }

// maxRedactDepth bounds the nesting Redact follows (a value that refers to itself).
const maxRedactDepth = 32

var (
	packagePath        = reflect.TypeFor[Record]().PkgPath()
	decimalReflectType = reflect.TypeFor[decimal.Decimal]()
)

// appendModelRedacted appends the redacted form that a value of a model type prints
// itself, and reports false for a model type that has none.
func appendModelRedacted(b []byte, v reflect.Value) ([]byte, bool) {
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	switch x := p.Interface().(type) {
	case safeAppender:
		return x.appendSafe(b), true
	case error: // *ValidationError: messages never hold values
		return append(b, x.Error()...), true
	}
	switch x := v.Interface().(type) {
	case validator:
		if x.Valid() {
			return append(b, v.String()...), true
		}
		return append(b, redacted...), true
	case slog.LogValuer: // BatchItem
		return append(b, x.LogValue().Resolve().String()...), true
	case fmt.Formatter: // Optional
		return fmt.Append(b, x), true
	}
	return b, false
}

// appendRedacted appends the redacted form of v.
func appendRedacted(b []byte, v reflect.Value, depth int) []byte {
	if !v.IsValid() {
		return append(b, "nil"...)
	}
	if depth > maxRedactDepth {
		return append(b, redacted...)
	}
	t := v.Type()
	if t.PkgPath() == packagePath && v.CanInterface() {
		if out, ok := appendModelRedacted(b, v); ok {
			return out
		}
	}
	if t == decimalReflectType {
		return append(b, v.Interface().(decimal.Decimal).String()...)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "nil"...)
		}
		return appendRedacted(b, v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // []byte, json.RawMessage: any bytes at all
			return append(b, redacted...)
		}
		if v.Kind() == reflect.Slice && v.IsNil() {
			return append(b, "nil"...)
		}
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendRedacted(b, v.Index(i), depth+1)
		}
		return append(b, ']')
	case reflect.Map:
		if v.IsNil() {
			return append(b, "nil"...)
		}
		var entries []string
		for it := v.MapRange(); it.Next(); {
			e := appendRedacted(nil, it.Key(), depth+1)
			e = append(e, ':')
			entries = append(entries, string(appendRedacted(e, it.Value(), depth+1)))
		}
		slices.SortFunc(entries, cmp.Compare)
		b = append(b, "map["...)
		for i, e := range entries {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, e...)
		}
		return append(b, ']')
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	}
	return append(b, redacted...)
}
