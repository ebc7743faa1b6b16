package userevents

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// Limits bound what the decoders accept; input beyond them is refused with code too_large
// (document, depth, arrays) or too_long (strings, ids) before it costs more. A zero field
// takes its default.
type Limits struct {
	MaxBytes       int // the whole document; default 1 MiB
	MaxDepth       int // nesting of objects and arrays; default 64
	MaxArrayLength int // elements of any one array; default 10,000
	MaxStringBytes int // any one string, keys included, in bytes; default 64 KiB
	MaxIDBytes     int // userId, eventId, newUserId and other user ids; default 256
}

// DefaultLimits returns the limits the decoders use unless told otherwise.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxArrayLength: 10000, MaxStringBytes: 64 << 10, MaxIDBytes: 256}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxArrayLength > 0 {
		d.MaxArrayLength = l.MaxArrayLength
	}
	if l.MaxStringBytes > 0 {
		d.MaxStringBytes = l.MaxStringBytes
	}
	if l.MaxIDBytes > 0 {
		d.MaxIDBytes = l.MaxIDBytes
	}
	return d
}

// A DecodeOption changes how a Decode function reads its input.
type DecodeOption func(*Limits)

// WithLimits makes a Decode function use l (its zero fields take their defaults).
func WithLimits(l Limits) DecodeOption {
	return func(dst *Limits) { *dst = l.withDefaults() }
}

// noLimit is the value Unlimited gives every limit: larger than any document, and small
// enough that the decoder's arithmetic on limits cannot overflow.
const noLimit = math.MaxInt >> 1

// Unlimited makes a Decode function read without limits (document size, nesting depth,
// array elements, string and id lengths). It is for data the program itself wrote, such
// as a Store reading back what it stored: the limits protect against hostile input, and
// what the library accepted may exceed them (a user grows event by event; values built
// in Go are not bounded by the decoder). Never use it for input from outside. The other
// checks (syntax, UTF-8, types, unknown and duplicate members) still apply.
func Unlimited() DecodeOption {
	return func(dst *Limits) {
		*dst = Limits{MaxBytes: noLimit, MaxDepth: noLimit, MaxArrayLength: noLimit, MaxStringBytes: noLimit, MaxIDBytes: noLimit}
	}
}

// maxErrors bounds the problems reported for one document; past it decoding stops.
const maxErrors = 100

// Amount values must have at most this many digits before and after the decimal point.
const maxAmountDigits = 30

// amountDigitsMessage is the problem of an amount with too many digits.
var amountDigitsMessage = "amount must have at most " + strconv.Itoa(maxAmountDigits) + " digits before and " +
	strconv.Itoa(maxAmountDigits) + " after the decimal point"

// decoder is a strict JSON reader that decodes straight into the model types. It reports
// every structural problem it can with its path, and stops at the first syntax error.
type decoder struct {
	data  []byte
	i     int
	lim   Limits
	depth int
	key   []byte // the member name objNext last read (valid until the next read)
	path  []segment
	errs  []FieldError
	// errBase is where the problems of the batch record being read start in errs: the
	// cap on problems applies per record.
	errBase int
	// perRecord (DecodeEventBatch): the problems of a batch record fail that record
	// alone (decodeRecords).
	perRecord bool
	fatal     bool
	buf       []byte // scratch space for unescaping strings
	// amounts are the last amounts of the document with a coefficient that fits in an
	// int64: an equal amount read again shares its decimal (a decimal.Decimal is an
	// immutable value), so a document that repeats a limit allocates it once.
	amounts    [4]amount
	nextAmount int
}

// amount is a decimal read by the decoder, by its coefficient and exponent.
type amount struct {
	set  bool
	coef int64
	exp  int32
	v    decimal.Decimal
}

// segment is one level of the path being decoded: an object (key gives the member being
// read) or an array (idx is the element being read).
type segment struct {
	array    bool
	hasKey   bool // an object segment whose member name has been read
	n        int  // members or elements read so far
	keyStart int  // offsets in data of the quoted member name
	keyEnd   int
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// decodeDocument runs decode on data with the options' limits and returns the problems
// found as a *ValidationError.
func decodeDocument(data []byte, opts []DecodeOption, decode func(*decoder)) error {
	lim := DefaultLimits()
	for _, o := range opts {
		o(&lim)
	}
	if len(data) > lim.MaxBytes {
		return &ValidationError{Fields: []FieldError{{Code: CodeTooLarge, Message: "document exceeds the size limit of " + strconv.Itoa(lim.MaxBytes) + " bytes"}}}
	}
	d := decoderPool.Get().(*decoder)
	*d = decoder{data: data, lim: lim, path: d.path[:0], errs: d.errs[:0], buf: d.buf[:0]}
	decode(d)
	if !d.fatal {
		d.ws()
		if d.i < len(d.data) {
			d.syntax("unexpected data after the top-level value")
		}
	}
	var err error
	if len(d.errs) > 0 {
		err = &ValidationError{Fields: append([]FieldError(nil), d.errs...)}
	}
	d.data = nil
	if cap(d.buf) <= 64<<10 {
		decoderPool.Put(d)
	}
	return err
}

// pathString renders the current path, with extra appended as a member name. Member
// names are bounded and escaped (echoName), so that a hostile name cannot flood a log.
func (d *decoder) pathString(extra string) string {
	var b []byte
	for _, s := range d.path {
		switch {
		case s.array:
			if s.n > 0 {
				b = append(b, '[')
				b = strconv.AppendInt(b, int64(s.n-1), 10)
				b = append(b, ']')
			}
		case s.hasKey:
			if len(b) > 0 {
				b = append(b, '.')
			}
			b = append(b, echoName(d.keyAt(s.keyStart, s.keyEnd))...)
		}
	}
	if extra != "" {
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, extra...)
	}
	return string(b)
}

// keyAt returns the unescaped member name quoted at data[start:end].
func (d *decoder) keyAt(start, end int) string {
	saved, savedBuf := d.i, d.buf
	d.i = start
	d.buf = nil
	k, _ := d.readString()
	d.i, d.buf = saved, savedBuf
	return string(k)
}

func (d *decoder) failAt(extra, code, msg string) {
	if d.fatal {
		return
	}
	d.errs = append(d.errs, FieldError{Path: d.pathString(extra), Code: code, Message: msg})
	if len(d.errs)-d.errBase >= maxErrors {
		d.errs = append(d.errs, FieldError{Code: CodeTooLarge, Message: "too many problems; decoding stopped"})
		d.fatal = true
	}
}

func (d *decoder) fail(code, msg string) { d.failAt("", code, msg) }

// syntax reports a syntax error and stops decoding.
func (d *decoder) syntax(msg string) {
	if d.fatal {
		return
	}
	d.fail(CodeInvalidJSON, msg+" at byte "+strconv.Itoa(d.i))
	d.fatal = true
}

// limit reports a resource limit and stops decoding.
func (d *decoder) limit(code, msg string) {
	if d.fatal {
		return
	}
	d.fail(code, msg)
	d.fatal = true
}

// Typed readers. Each reports a value of the wrong type, skips it and returns the zero
// value.

func (d *decoder) str() string {
	if d.fatal {
		return ""
	}
	if d.peek() != '"' {
		d.mismatch("a string")
		return ""
	}
	s, ok := d.readString()
	if !ok {
		return ""
	}
	if len(s) > d.lim.MaxStringBytes {
		d.fail(CodeTooLong, "string exceeds the length limit of "+strconv.Itoa(d.lim.MaxStringBytes)+" bytes")
		return ""
	}
	return string(s)
}

// ptrStr reads a string, or with id a user or event id (idStr), into a new pointer.
func (d *decoder) ptrStr(id bool) *string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return nil
	}
	s := d.strOrID(id)
	return &s
}

// strOrID reads a string, or with id a user or event id.
func (d *decoder) strOrID(id bool) string {
	if id {
		return d.idStr()
	}
	return d.str()
}

// idStr reads a user or event id, which the id limit bounds.
func (d *decoder) idStr() string {
	s := d.str()
	if len(s) > d.lim.MaxIDBytes {
		d.fail(CodeTooLong, "id exceeds the length limit of "+strconv.Itoa(d.lim.MaxIDBytes)+" bytes")
	} else if strings.IndexByte(s, 0) >= 0 {
		// As validation does, at both levels: an id is a key, which a store keeps as text.
		d.fail(CodeInvalidFormat, "an id must not contain NUL (U+0000)")
	}
	return s
}

// optStr reads an optional string (with id, an id) whose empty value stands for absent,
// so that an explicit "" is refused.
func (d *decoder) optStr(id bool) string {
	return d.nonEmpty(id, CodeOutOfRange, "must not be empty when present")
}

// optEnum reads an optional enum, whose empty value stands for absent.
func (d *decoder) optEnum() string {
	return d.nonEmpty(false, CodeInvalidEnum, "must be one of the listed values, not empty")
}

// nonEmpty reads a string (with id, an id) that must not be empty, and reports an empty
// one that has no other problem with code and msg.
func (d *decoder) nonEmpty(id bool, code, msg string) string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return ""
	}
	n := len(d.errs)
	s := d.strOrID(id)
	if s == "" && !d.fatal && len(d.errs) == n {
		d.fail(code, msg)
	}
	return s
}

func (d *decoder) num() float64 {
	if d.fatal || !d.atNumber("a number") {
		return 0
	}
	return d.numAt()
}

// numAt reads the number at d.i, where atNumber found one starting, as a double.
func (d *decoder) numAt() float64 {
	if d.fatal {
		return 0
	}
	p, s, ok := d.readNumber()
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(s), 64)
	switch {
	case err != nil:
		d.fail(CodeOutOfRange, "number is beyond the range of a double")
		return 0
	case f == 0 && p.nonZero():
		// ParseFloat rounds what is below the smallest double to 0 without an error:
		// stored, the number would read back as 0.
		d.fail(CodeOutOfRange, "number is too close to 0 for a double")
		return 0
	}
	return f
}

func (d *decoder) ptrNum() *float64 {
	if !d.atNumber("a number") {
		return nil
	}
	f := d.numAt()
	return &f
}

// maxSafeInt is the largest integer a double holds exactly.
const maxSafeInt = 1<<53 - 1

func (d *decoder) integer() int {
	if !d.atNumber("an integer") {
		return 0
	}
	return d.integerAt()
}

// integerAt reads the number at d.i, where atNumber found one starting, as an integer.
func (d *decoder) integerAt() int {
	f := d.numAt()
	if f != float64(int64(f)) || f > maxSafeInt || f < -maxSafeInt {
		d.fail(CodeInvalidType, "expected an integer")
		return 0
	}
	return int(f)
}

func (d *decoder) ptrInt() *int {
	if !d.atNumber("an integer") {
		return nil
	}
	n := d.integerAt()
	return &n
}

func (d *decoder) boolean() bool {
	switch d.peek() {
	case 't':
		return d.literal("true")
	case 'f':
		d.literal("false")
		return false
	}
	if !d.fatal {
		d.mismatch("a boolean")
	}
	return false
}

func (d *decoder) ptrBool() *bool {
	if c := d.peek(); c != 't' && c != 'f' {
		d.mismatch("a boolean")
		return nil
	}
	b := d.boolean()
	return &b
}

// decimal reads a number as an exact decimal, refusing more than maxAmountDigits digits
// before or after the decimal point. An amount equal to one of the last four read in the
// document (same coefficient and exponent) gets that one's decimal, shared.
func (d *decoder) decimal() decimal.Decimal {
	if d.fatal {
		return decimal.Decimal{}
	}
	if !d.atNumber("a number") {
		return decimal.Decimal{}
	}
	p, s, ok := d.readNumber()
	if !ok {
		return decimal.Decimal{}
	}
	if !p.amountInRange() {
		d.fail(CodeOutOfRange, amountDigitsMessage)
		return decimal.Decimal{}
	}
	if coef, exp, ok := p.small(); ok {
		for _, a := range d.amounts {
			if a.set && a.coef == coef && a.exp == exp {
				return a.v
			}
		}
		v := decimal.New(coef, exp)
		d.amounts[d.nextAmount] = amount{true, coef, exp, v}
		d.nextAmount = (d.nextAmount + 1) % len(d.amounts)
		return v
	}
	v, err := decimal.NewFromString(string(s))
	if err != nil {
		d.fail(CodeOutOfRange, "amount is not a decimal number")
		return decimal.Decimal{}
	}
	return v
}

// small returns the coefficient and exponent of the decimal that decimal.NewFromString
// gives for p (1.50 is 150e-2), when its digits fit in an int64; with decimal.New, it
// saves the string and the second big.Int that NewFromString allocates.
func (p numberParts) small() (coef int64, exp int32, ok bool) {
	if len(p.intPart)+len(p.frac) > 18 || p.exp > 1000 || p.exp < -1000 {
		return 0, 0, false
	}
	for _, c := range p.intPart {
		coef = coef*10 + int64(c-'0')
	}
	for _, c := range p.frac {
		coef = coef*10 + int64(c-'0')
	}
	if p.neg {
		coef = -coef
	}
	return coef, int32(p.exp - len(p.frac)), true
}

// amountInRange reports whether the JSON number s has at most maxAmountDigits
// significant digits before and after the decimal point, without converting it.
func amountInRange(s []byte) bool {
	p, _, ok := scanNumber(s)
	return ok && p.amountInRange()
}

func (p numberParts) amountInRange() bool {
	intPart, frac := p.intPart, p.frac
	// Significant digits: drop leading zeros of the integer part and trailing zeros of
	// the fraction.
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	// The digits are intPart then frac; only frac can have leading zeros now.
	n := len(intPart) + len(frac)
	point := len(intPart) + p.exp // position of the decimal point within the digits
	lead := 0
	if len(intPart) == 0 {
		for lead < len(frac) && frac[lead] == '0' {
			lead++
		}
	}
	if lead == n {
		return true // zero
	}
	intDigits := point - lead
	fracDigits := n - point
	return intDigits <= maxAmountDigits && fracDigits <= maxAmountDigits
}

// raw reads any JSON value, refusing duplicate member names within it, and returns it
// compacted.
func (d *decoder) raw() json.RawMessage {
	if d.fatal {
		return nil
	}
	d.ws()
	start := d.i
	nerr := len(d.errs)
	d.skip(true)
	if d.fatal || len(d.errs) > nerr {
		return nil
	}
	return compact(d.data[start:d.i])
}

// decodeSlice reads an array of T; it returns a non-nil slice for an empty array.
func decodeSlice[T any](d *decoder, dec func(*decoder, *T)) []T {
	if !d.arrStart() {
		return nil
	}
	s := []T{}
	for d.arrNext() {
		var zero T
		s = append(s, zero)
		dec(d, &s[len(s)-1])
	}
	return s
}

func decodeStrings(d *decoder) []string {
	return decodeSlice(d, func(d *decoder, p *string) { *p = d.str() })
}

func decodeEnums[E ~string](d *decoder) []E {
	return decodeSlice(d, func(d *decoder, p *E) { *p = E(d.str()) })
}

// decodeNew decodes data into a new T with the decoder method decode.
func decodeNew[T any](data []byte, opts []DecodeOption, decode func(*decoder, *T)) (*T, error) {
	v := new(T)
	if err := decodeDocument(data, opts, func(d *decoder) { decode(d, v) }); err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeEvent decodes a consumer user event (the body of POST /events/consumer/user)
// strictly: the JSON must be well-formed UTF-8 with one top-level value, and have only the
// model's members, each once, spelt exactly, with the right JSON types, within the limits
// (DefaultLimits unless WithLimits says otherwise). It returns every problem it finds
// in one *ValidationError (a syntax error ends the search). It does not validate the
// values: call Validate, or let Processor.Apply do it.
func DecodeEvent(data []byte, opts ...DecodeOption) (*ConsumerUserEvent, error) {
	return decodeNew(data, opts, (*decoder).decodeConsumerUserEvent)
}

// DecodeConsumerUser decodes a consumer user (Flagright's UserWithRulesResult, the body of
// POST /consumer/users) as strictly as DecodeEvent.
func DecodeConsumerUser(data []byte, opts ...DecodeOption) (*ConsumerUser, error) {
	return decodeNew(data, opts, (*decoder).decodeConsumerUser)
}

// DecodeBusinessUser decodes a business user (the body of POST /business/users) as
// strictly as DecodeEvent; its business-only members are kept as JSON, checked for
// syntax, duplicate names and limits.
func DecodeBusinessUser(data []byte, opts ...DecodeOption) (*BusinessUser, error) {
	return decodeNew(data, opts, (*decoder).decodeBusinessUser)
}

// DecodeEventBatch decodes the body of POST /batch/events/consumer/user as strictly as
// DecodeEvent. Paths of problems in events start with data[i].
//
// A record fails alone: when the batch is well-formed JSON and only some records break
// the rules of decoding (an unknown member, a wrong type, a 257-byte eventId, a record
// nested too deep), DecodeEventBatch returns the batch with no error, and
// RecordErrors[i] holds the *ValidationError of record i (nil for a record that
// decoded); such a record's Data[i] holds nothing but its eventId, when that decoded
// cleanly, so that it cannot be applied by mistake (it fails validation: no userId).
// Processor.ApplyEventBatch reports those records as failed, in input order. The whole
// batch fails, with an error, when it is not well-formed JSON, breaks a limit of its
// own (its size, more than Limits.MaxArrayLength records), or when batchId or data
// themselves are wrong. EventBatch.UnmarshalJSON is strict throughout: any problem
// fails the whole batch.
func DecodeEventBatch(data []byte, opts ...DecodeOption) (*EventBatch, error) {
	return decodeNew(data, opts, func(d *decoder, v *EventBatch) {
		d.perRecord = true
		d.decodeEventBatch(v)
	})
}

// decodeEventBatchData reads the data member of a batch, for the generated
// decodeEventBatch (the member's decode:"hook" tag): strictly, where any problem fails
// the whole batch (EventBatch.UnmarshalJSON), or with d.perRecord record by record.
func (d *decoder) decodeEventBatchData(v *EventBatch) {
	if d.perRecord {
		d.decodeRecords(v)
		return
	}
	v.Data = decodeSlice(d, (*decoder).decodeConsumerUserEvent)
}

// decodeRecords reads the records of a batch into v.Data, and the problems of each
// into v.RecordErrors. A record that breaks a limit is skipped to its end; a syntax
// error anywhere stops decoding, and fails the whole batch.
func (d *decoder) decodeRecords(v *EventBatch) {
	if !d.arrStart() {
		return
	}
	v.Data = []ConsumerUserEvent{}
	var recErrs []error
	for d.arrNext() {
		i := len(v.Data)
		v.Data = append(v.Data, ConsumerUserEvent{})
		ev := &v.Data[i]
		d.ws()
		start, n0, depth, plen := d.i, len(d.errs), d.depth, len(d.path)
		d.errBase = n0
		d.decodeConsumerUserEvent(ev)
		d.errBase = 0
		if d.fatal {
			if d.errs[len(d.errs)-1].Code == CodeInvalidJSON {
				return // not well-formed: the whole batch fails
			}
			// A limit: the record fails alone, if the rest of it is well-formed.
			d.fatal = false
			d.depth, d.path, d.i = depth, d.path[:plen], start
			last := len(d.errs)
			if !d.skipWellFormed() {
				d.errs = append(d.errs[:n0], d.errs[last:]...) // the syntax error alone
				return
			}
		}
		if len(d.errs) == n0 {
			if recErrs != nil {
				recErrs = append(recErrs, nil)
			}
			continue
		}
		fields := append([]FieldError(nil), d.errs[n0:]...)
		d.errs = d.errs[:n0]
		if recErrs == nil {
			recErrs = make([]error, i, i+1)
		}
		recErrs = append(recErrs, &ValidationError{Fields: fields})
		id, idPath := ev.EventID, "data["+strconv.Itoa(i)+"].eventId"
		for _, f := range fields {
			if f.Path == idPath {
				id = ""
			}
		}
		*ev = ConsumerUserEvent{EventID: id}
	}
	v.RecordErrors = recErrs
}

// DecodeStoredEvent decodes an event as Processor.Event returns it (Flagright's
// ConsumerUserEventWithRulesResult, the wire format of a *StoredEvent) as strictly as
// DecodeEvent. Only the wire members are read: the outcome (Options, Version,
// Changes, the transitions, ...) is not part of it. A Store that keeps events in this form reads them
// back with DecodeStoredEvent(data, Unlimited()).
func DecodeStoredEvent(data []byte, opts ...DecodeOption) (*StoredEvent, error) {
	return decodeNew(data, opts, (*decoder).decodeStoredEvent)
}
