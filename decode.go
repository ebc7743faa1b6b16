package userevents

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	fatal   bool
	buf     []byte // scratch space for unescaping strings
}

// segment is one level of the path being decoded: an object (key gives the member being
// read) or an array (idx is the element being read).
type segment struct {
	array    bool
	hasKey   bool // an object segment whose member name has been read
	n        int  // members or elements read so far
	keyStart int  // offsets in data of the quoted member name
	keyEnd   int
	name     string // a fixed member name, used by validation and merge paths
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

func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end of the input.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

// mismatch reports a value of the wrong JSON type and skips it.
func (d *decoder) mismatch(want string) {
	switch c := d.peek(); {
	case c == 0:
		d.syntax("unexpected end of input")
		return
	case !valueStart(c):
		d.syntax("expected a value")
		return
	case c == 'n':
		d.fail(CodeInvalidType, "expected "+want+", not null")
	default:
		d.fail(CodeInvalidType, "expected "+want)
	}
	d.skip(false)
}

// valueStart reports whether c can begin a JSON value.
func valueStart(c byte) bool {
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-':
		return true
	}
	return c >= '0' && c <= '9'
}

func (d *decoder) enter() bool {
	d.depth++
	if d.depth > d.lim.MaxDepth {
		d.limit(CodeTooLarge, "nesting exceeds the depth limit of "+strconv.Itoa(d.lim.MaxDepth))
		return false
	}
	return true
}

func (d *decoder) leave() {
	d.depth--
	d.path = d.path[:len(d.path)-1]
}

// objStart starts reading an object; it reports a value of another type and returns false.
func (d *decoder) objStart() bool {
	if d.fatal {
		return false
	}
	if d.peek() != '{' {
		d.mismatch("an object")
		return false
	}
	d.i++
	if !d.enter() {
		return false
	}
	d.path = append(d.path, segment{})
	return true
}

// objNext reads the next member name into d.key, up to its colon, and returns true; it
// returns false at the end of the object (which it consumes) or on an error.
func (d *decoder) objNext() bool {
	if d.fatal {
		return false
	}
	top := &d.path[len(d.path)-1]
	c := d.peek()
	if top.n > 0 {
		switch c {
		case ',':
			d.i++
			c = d.peek()
			if c != '"' {
				d.syntax("expected a member name")
				return false
			}
		case '}':
			d.i++
			d.leave()
			return false
		default:
			d.syntax("expected ',' or '}'")
			return false
		}
	} else {
		switch c {
		case '}':
			d.i++
			d.leave()
			return false
		case '"':
		default:
			d.syntax("expected a member name or '}'")
			return false
		}
	}
	start := d.i
	top.hasKey = false
	k, ok := d.readString()
	if !ok {
		return false
	}
	top.n++
	top.hasKey = true
	top.keyStart, top.keyEnd = start, d.i
	if len(k) > d.lim.MaxStringBytes {
		d.limit(CodeTooLong, "member name exceeds the string limit")
		return false
	}
	d.key = k
	if d.peek() != ':' {
		d.syntax("expected ':'")
		return false
	}
	d.i++
	return true
}

// arrStart starts reading an array; it reports a value of another type and returns false.
func (d *decoder) arrStart() bool {
	if d.fatal {
		return false
	}
	if d.peek() != '[' {
		d.mismatch("an array")
		return false
	}
	d.i++
	if !d.enter() {
		return false
	}
	d.path = append(d.path, segment{array: true})
	return true
}

// arrNext returns true when another element follows, false at the end of the array
// (which it consumes) or on an error.
func (d *decoder) arrNext() bool {
	if d.fatal {
		return false
	}
	top := &d.path[len(d.path)-1]
	c := d.peek()
	if top.n > 0 {
		switch c {
		case ',':
			d.i++
		case ']':
			d.i++
			d.leave()
			return false
		default:
			d.syntax("expected ',' or ']'")
			return false
		}
	} else if c == ']' {
		d.i++
		d.leave()
		return false
	}
	top.n++
	if top.n > d.lim.MaxArrayLength {
		d.limit(CodeTooLarge, "array exceeds the length limit of "+strconv.Itoa(d.lim.MaxArrayLength))
		return false
	}
	return true
}

// dup reports a member seen twice in one object and skips its value.
func (d *decoder) dup(seen *uint64, bit uint64) bool {
	if *seen&bit != 0 {
		d.fail(CodeDuplicateField, "member appears more than once")
		d.skip(false)
		return true
	}
	*seen |= bit
	return false
}

// unknown reports a member the type does not have and skips its value.
func (d *decoder) unknown(known []string) {
	msg := "unknown field"
	for _, k := range known {
		if strings.EqualFold(k, string(d.key)) {
			msg = "unknown field: member names are case-sensitive, expected " + k
			break
		}
	}
	d.fail(CodeUnknownField, msg)
	d.skip(false)
}

// required reports the members of names (indexed by bit) that mask requires and seen lacks.
func (d *decoder) required(seen, mask uint64, names []string) {
	if d.fatal || seen&mask == mask {
		return
	}
	for i, n := range names {
		if mask&(1<<i) != 0 && seen&(1<<i) == 0 {
			d.failAt(n, CodeRequired, "required field is missing")
		}
	}
}

// isNull consumes a null and reports whether there was one.
func (d *decoder) isNull() bool {
	if d.fatal || d.peek() != 'n' {
		return false
	}
	return d.literal("null")
}

// nullRequired consumes a null given for a required member and reports it.
func (d *decoder) nullRequired() bool {
	if d.isNull() {
		d.fail(CodeRequired, "required field must not be null")
		return true
	}
	return false
}

func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.i >= len(lit) && string(d.data[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	d.syntax("invalid literal")
	return false
}

// readString reads the string at d.i (which is a quote) and returns its unescaped bytes,
// valid until the next read. It stops decoding on invalid UTF-8, raw control characters,
// bad escapes and unpaired surrogates.
func (d *decoder) readString() ([]byte, bool) {
	start := d.i + 1
	i := start
	high := false
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			s := d.data[start:i]
			if high && !utf8.Valid(s) {
				d.i = start
				d.syntax("invalid UTF-8 in string")
				return nil, false
			}
			d.i = i + 1
			return s, true
		case c == '\\':
			return d.readEscaped(start, i)
		case c < 0x20:
			d.i = i
			d.syntax("control character in string")
			return nil, false
		case c >= 0x80:
			high = true
		}
		i++
	}
	d.i = i
	d.syntax("unterminated string")
	return nil, false
}

// readEscaped finishes readString for a string with escapes, from data[i] == '\\'.
// It stops growing the result one byte past the string limit (the caller reports the
// string as too long) but reads the rest, to check its syntax.
func (d *decoder) readEscaped(start, i int) ([]byte, bool) {
	b := append(d.buf[:0], d.data[start:i]...)
	for i < len(d.data) {
		if len(b) > d.lim.MaxStringBytes+utf8.UTFMax {
			b = b[:d.lim.MaxStringBytes+1]
		}
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			d.buf = b
			if !utf8.Valid(b) {
				d.syntax("invalid UTF-8 in string")
				return nil, false
			}
			return b, true
		case c < 0x20:
			d.i = i
			d.syntax("control character in string")
			return nil, false
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		switch e := d.data[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
			i += 2
		case 'b':
			b = append(b, '\b')
			i += 2
		case 'f':
			b = append(b, '\f')
			i += 2
		case 'n':
			b = append(b, '\n')
			i += 2
		case 'r':
			b = append(b, '\r')
			i += 2
		case 't':
			b = append(b, '\t')
			i += 2
		case 'u':
			r, ok := hex4(d.data, i+2)
			if !ok {
				d.i = i
				d.syntax("invalid \\u escape")
				return nil, false
			}
			i += 6
			if r >= 0xD800 && r < 0xDC00 {
				r2, ok := rune(0), false
				if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
					r2, ok = hex4(d.data, i+2)
				}
				if !ok || r2 < 0xDC00 || r2 >= 0xE000 {
					d.i = i
					d.syntax("unpaired surrogate in \\u escape")
					return nil, false
				}
				r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
				i += 6
			} else if r >= 0xDC00 && r < 0xE000 {
				d.i = i
				d.syntax("unpaired surrogate in \\u escape")
				return nil, false
			}
			b = utf8.AppendRune(b, r)
		default:
			d.i = i
			d.syntax("invalid escape in string")
			return nil, false
		}
	}
	d.i = len(d.data)
	d.buf = b
	d.syntax("unterminated string")
	return nil, false
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// readNumber reads a JSON number at d.i and returns its text.
func (d *decoder) readNumber() ([]byte, bool) {
	_, n, ok := scanNumber(d.data[d.i:])
	start := d.i
	d.i += n
	if !ok {
		d.syntax("invalid number")
		return nil, false
	}
	return d.data[start:d.i], true
}

// numberParts is a JSON number split into its parts.
type numberParts struct {
	neg     bool
	intPart []byte // the digits before the point
	frac    []byte // the digits after it
	exp     int    // the exponent, saturated at ±maxScanExponent
}

// maxScanExponent bounds the exponent scanNumber keeps: far beyond any amount or
// timestamp, and far from overflowing an int.
const maxScanExponent = 100000

// scanNumber lexes the JSON number (RFC 8259's grammar) at the start of s and returns
// its parts and its length. When s does not start with a number it returns ok false and
// the length read up to the fault. It is the one number scanner of the package: the
// decoder's, and the splitting of decimal text for smallDecimal and amountInRange.
func scanNumber(s []byte) (p numberParts, n int, ok bool) {
	i := 0
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '-' {
		p.neg, i = true, i+1
	}
	start := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		digits()
	default:
		return p, i, false
	}
	p.intPart = s[start:i]
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		if digits() == 0 {
			return p, i, false
		}
		p.frac = s[j:i]
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg, i = s[i] == '-', i+1
		}
		j := i
		if digits() == 0 {
			return p, i, false
		}
		for _, c := range s[j:i] {
			if p.exp < maxScanExponent {
				p.exp = p.exp*10 + int(c-'0')
			}
		}
		p.exp = min(p.exp, maxScanExponent)
		if neg {
			p.exp = -p.exp
		}
	}
	return p, i, true
}

// skip reads and discards one value, checking its syntax and the limits; with dups it
// also refuses duplicate member names.
func (d *decoder) skip(dups bool) {
	if d.fatal {
		return
	}
	switch c := d.peek(); {
	case c == '{':
		d.objStart()
		var keys []string
		var set map[string]struct{}
		for d.objNext() {
			if dups {
				if seenKey(&keys, &set, string(d.key)) {
					d.fail(CodeDuplicateField, "member appears more than once")
				}
			}
			d.skip(dups)
		}
	case c == '[':
		d.arrStart()
		for d.arrNext() {
			d.skip(dups)
		}
	case c == '"':
		if s, ok := d.readString(); ok && len(s) > d.lim.MaxStringBytes {
			d.fail(CodeTooLong, "string exceeds the length limit of "+strconv.Itoa(d.lim.MaxStringBytes)+" bytes")
		}
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		d.readNumber()
	case c == 0:
		d.syntax("unexpected end of input")
	default:
		d.syntax("invalid character")
	}
}

// seenKey records k and reports whether it was recorded before; small objects use a
// slice, large ones a map.
func seenKey(keys *[]string, set *map[string]struct{}, k string) bool {
	if *set != nil {
		if _, ok := (*set)[k]; ok {
			return true
		}
		(*set)[k] = struct{}{}
		return false
	}
	for _, x := range *keys {
		if x == k {
			return true
		}
	}
	*keys = append(*keys, k)
	if len(*keys) > 16 {
		*set = make(map[string]struct{}, 32)
		for _, x := range *keys {
			(*set)[x] = struct{}{}
		}
	}
	return false
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

func (d *decoder) ptrStr() *string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return nil
	}
	s := d.str()
	return &s
}

// idStr reads a user or event id, which the id limit bounds.
func (d *decoder) idStr() string {
	s := d.str()
	if len(s) > d.lim.MaxIDBytes {
		d.fail(CodeTooLong, "id exceeds the length limit of "+strconv.Itoa(d.lim.MaxIDBytes)+" bytes")
	}
	return s
}

func (d *decoder) ptrIDStr() *string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return nil
	}
	s := d.idStr()
	return &s
}

// optStr reads an optional string whose empty value stands for absent, so that an
// explicit "" is refused.
func (d *decoder) optStr(id bool) string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return ""
	}
	n := len(d.errs)
	var s string
	if id {
		s = d.idStr()
	} else {
		s = d.str()
	}
	if s == "" && !d.fatal && len(d.errs) == n {
		d.fail(CodeOutOfRange, "must not be empty when present")
	}
	return s
}

// optEnum reads an optional enum, whose empty value stands for absent.
func (d *decoder) optEnum() string {
	if d.peek() != '"' {
		d.mismatch("a string")
		return ""
	}
	n := len(d.errs)
	s := d.str()
	if s == "" && !d.fatal && len(d.errs) == n {
		d.fail(CodeInvalidEnum, "must be one of the listed values, not empty")
	}
	return s
}

func (d *decoder) num() float64 {
	if d.fatal {
		return 0
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch("a number")
		return 0
	}
	s, ok := d.readNumber()
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		d.fail(CodeOutOfRange, "number is beyond the range of a double")
		return 0
	}
	return f
}

func (d *decoder) ptrNum() *float64 {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch("a number")
		return nil
	}
	f := d.num()
	return &f
}

// maxSafeInt is the largest integer a double holds exactly.
const maxSafeInt = 1<<53 - 1

func (d *decoder) integer() int {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch("an integer")
		return 0
	}
	f := d.num()
	if f != float64(int64(f)) || f > maxSafeInt || f < -maxSafeInt {
		d.fail(CodeInvalidType, "expected an integer")
		return 0
	}
	return int(f)
}

func (d *decoder) ptrInt() *int {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch("an integer")
		return nil
	}
	n := d.integer()
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
// before or after the decimal point.
func (d *decoder) decimal() decimal.Decimal {
	if d.fatal {
		return decimal.Decimal{}
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch("a number")
		return decimal.Decimal{}
	}
	p, n, ok := scanNumber(d.data[d.i:])
	s := d.data[d.i : d.i+n]
	d.i += n
	if !ok {
		d.syntax("invalid number")
		return decimal.Decimal{}
	}
	if !p.amountInRange() {
		d.fail(CodeOutOfRange, amountDigitsMessage)
		return decimal.Decimal{}
	}
	if v, ok := p.smallDecimal(); ok {
		return v
	}
	v, err := decimal.NewFromString(string(s))
	if err != nil {
		d.fail(CodeOutOfRange, "amount is not a decimal number")
		return decimal.Decimal{}
	}
	return v
}

// smallDecimal converts the JSON number s to the decimal that decimal.NewFromString
// gives (the same coefficient and exponent: 1.50 is 150e-2), when its digits fit in an
// int64; it reports false otherwise. It saves the string and the second big.Int that
// NewFromString allocates.
func smallDecimal(s []byte) (decimal.Decimal, bool) {
	p, _, ok := scanNumber(s)
	if !ok {
		return decimal.Decimal{}, false
	}
	return p.smallDecimal()
}

func (p numberParts) smallDecimal() (decimal.Decimal, bool) {
	if len(p.intPart)+len(p.frac) > 18 || p.exp > 1000 || p.exp < -1000 {
		return decimal.Decimal{}, false
	}
	var coef int64
	for _, c := range p.intPart {
		coef = coef*10 + int64(c-'0')
	}
	for _, c := range p.frac {
		coef = coef*10 + int64(c-'0')
	}
	if p.neg {
		coef = -coef
	}
	return decimal.New(coef, int32(p.exp-len(p.frac))), true
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

// compact returns a copy of the valid JSON text s without insignificant white space.
func compact(s []byte) json.RawMessage {
	out := make([]byte, 0, len(s))
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if in {
			out = append(out, c)
			switch c {
			case '\\':
				i++
				out = append(out, s[i])
			case '"':
				in = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			in = true
		}
		out = append(out, c)
	}
	return out
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
	return decodeNew(data, opts, (*decoder).decodeEventBatchRecords)
}

// decodeEventBatchRecords is decodeEventBatch with the problems of each record set
// apart in v.RecordErrors.
func (d *decoder) decodeEventBatchRecords(v *EventBatch) {
	if !d.objStart() {
		return
	}
	var seen uint64
	for d.objNext() {
		switch string(d.key) {
		case "batchId":
			if d.dup(&seen, 1<<0) {
				continue
			}
			v.BatchID = d.optStr(false)
		case "data":
			if d.dup(&seen, 1<<1) {
				continue
			}
			if d.nullRequired() {
				continue
			}
			d.decodeRecords(v)
		default:
			d.unknown(eventBatchKeys[:])
		}
	}
	d.required(seen, 0x2, eventBatchKeys[:])
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

// skipWellFormed reads one JSON value at d.i, checking its syntax only, without
// recursion and without the limits (the value broke one already and is refused). It
// reports a syntax error, stops decoding and returns false when the value is not
// well-formed.
func (d *decoder) skipWellFormed() bool {
	var open []byte // the enclosing '{' and '[', innermost last
	for {
		// A value.
		switch c := d.peek(); {
		case c == '{' || c == '[':
			d.i++
			if d.peek() == c+2 { // '}' is '{'+2, ']' is '['+2
				d.i++
				break
			}
			open = append(open, c)
			if c == '{' && !d.skipMemberName() {
				return false
			}
			continue
		case c == '"':
			if _, ok := d.readString(); !ok {
				return false
			}
		case c == 't':
			if !d.literal("true") {
				return false
			}
		case c == 'f':
			if !d.literal("false") {
				return false
			}
		case c == 'n':
			if !d.literal("null") {
				return false
			}
		case c == '-' || c >= '0' && c <= '9':
			if _, ok := d.readNumber(); !ok {
				return false
			}
		case c == 0:
			d.syntax("unexpected end of input")
			return false
		default:
			d.syntax("invalid character")
			return false
		}
		// After a value: close what ends here, up to a ',' or the end of the value.
		for {
			if len(open) == 0 {
				return true
			}
			top := open[len(open)-1]
			c := d.peek()
			if c == top+2 {
				d.i++
				open = open[:len(open)-1]
				continue
			}
			if c != ',' {
				d.syntax("expected ',' or the end of an object or array")
				return false
			}
			d.i++
			if top == '{' && !d.skipMemberName() {
				return false
			}
			break
		}
	}
}

// skipMemberName reads a member name and its colon, for skipWellFormed.
func (d *decoder) skipMemberName() bool {
	if d.peek() != '"' {
		d.syntax("expected a member name")
		return false
	}
	if _, ok := d.readString(); !ok {
		return false
	}
	if d.peek() != ':' {
		d.syntax("expected ':'")
		return false
	}
	d.i++
	return true
}

// DecodeStoredEvent decodes an event as Processor.Event returns it (Flagright's
// ConsumerUserEventWithRulesResult, the wire format of a *StoredEvent) as strictly as
// DecodeEvent. Only the wire members are read: the outcome (Options, Version, User,
// Previous, ...) is not part of it. A Store that keeps events in this form reads them
// back with DecodeStoredEvent(data, Unlimited()).
func DecodeStoredEvent(data []byte, opts ...DecodeOption) (*StoredEvent, error) {
	return decodeNew(data, opts, (*decoder).decodeStoredEvent)
}
