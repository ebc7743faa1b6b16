package userevents

// The JSON wire of the decoder, as encoding/json/v2 splits jsontext from the typed
// readers: white space, literals, strings and their escapes, numbers (scanNumber, the one
// number scanner), the structure of objects and arrays with the nesting limit, and
// skipping a value. The typed readers and the Decode functions are in decode.go.

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// mismatch reports a value of the wrong JSON type and skips it. A value that is not
// well-formed ("nope", an unterminated string) is reported by its syntax error alone,
// which says more than its type.
func (d *decoder) mismatch(want string) {
	n := len(d.errs)
	defer func() {
		if len(d.errs) >= n+2 && d.errs[n].Code == CodeInvalidType && d.errs[len(d.errs)-1].Code == CodeInvalidJSON {
			d.errs = append(d.errs[:n], d.errs[n+1:]...)
		}
	}()
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

// open starts reading an object or array, which opens with c, and enters seg; it reports
// a value of another type (want) and returns false.
func (d *decoder) open(c byte, want string, seg segment) bool {
	if d.fatal {
		return false
	}
	if d.peek() != c {
		d.mismatch(want)
		return false
	}
	d.i++
	if !d.enter() {
		return false
	}
	d.path = append(d.path, seg)
	return true
}

// objStart starts reading an object; it reports a value of another type and returns false.
func (d *decoder) objStart() bool { return d.open('{', "an object", segment{}) }

// arrStart starts reading an array; it reports a value of another type and returns false.
func (d *decoder) arrStart() bool { return d.open('[', "an array", segment{array: true}) }

// next moves to the next member or element of the innermost object or array, which
// closes with end: it consumes the ',' before any but the first and returns the
// container's segment. It returns nil at the end of the container (which it consumes) or
// on an error.
func (d *decoder) next(end byte) *segment {
	if d.fatal {
		return nil
	}
	top := &d.path[len(d.path)-1]
	switch c := d.peek(); {
	case c == end:
		d.i++
		d.leave()
		return nil
	case top.n == 0:
	case c == ',':
		d.i++
	default:
		d.syntax("expected ',' or '" + string(end) + "'")
		return nil
	}
	return top
}

// objNext reads the next member name into d.key, up to its colon, and returns true; it
// returns false at the end of the object (which it consumes) or on an error.
func (d *decoder) objNext() bool {
	top := d.next('}')
	if top == nil {
		return false
	}
	if d.peek() != '"' {
		if top.n == 0 {
			d.syntax("expected a member name or '}'")
		} else {
			d.syntax("expected a member name")
		}
		return false
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

// arrNext returns true when another element follows, false at the end of the array
// (which it consumes) or on an error.
func (d *decoder) arrNext() bool {
	top := d.next(']')
	if top == nil {
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
			return d.readEscaped(start, i, high)
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

// readEscaped finishes readString for a string with escapes, from data[i] == '\\';
// high reports a byte of 0x80 or more in data[start:i]. It stops growing the result one
// byte past the string limit (the caller reports the string as too long), which may cut
// a character, but reads the rest, to check its syntax. The UTF-8 check is of the
// string as written: an escape stands for a whole character (a lone surrogate is
// refused), so the result is valid exactly when the bytes between the escapes are.
func (d *decoder) readEscaped(start, i int, high bool) ([]byte, bool) {
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
			if high && !utf8.Valid(d.data[start:i]) {
				d.syntax("invalid UTF-8 in string")
				return nil, false
			}
			return b, true
		case c < 0x20:
			d.i = i
			d.syntax("control character in string")
			return nil, false
		case c != '\\':
			high = high || c >= 0x80
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		if e := simpleEscapes[d.data[i+1]]; e != 0 {
			b = append(b, e)
			i += 2
			continue
		}
		if d.data[i+1] != 'u' {
			d.i = i
			d.syntax("invalid escape in string")
			return nil, false
		}
		r, next, msg := unicodeEscape(d.data, i)
		if msg != "" {
			d.i = next
			d.syntax(msg)
			return nil, false
		}
		b = utf8.AppendRune(b, r)
		i = next
	}
	d.i = len(d.data)
	d.buf = b
	d.syntax("unterminated string")
	return nil, false
}

// simpleEscapes maps the character after a backslash to the byte it stands for (0: not
// a one-character escape).
var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// unicodeEscape reads the \u escape at data[i] (and the low surrogate's escape after a
// high one) and returns the rune and the index after the escape; on a fault it returns
// the problem and the index the decoder reports it at.
func unicodeEscape(data []byte, i int) (r rune, next int, problem string) {
	r, ok := hex4(data, i+2)
	if !ok {
		return 0, i, "invalid \\u escape"
	}
	i += 6
	switch {
	case r >= 0xD800 && r < 0xDC00:
		r2, ok := rune(0), false
		if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
			r2, ok = hex4(data, i+2)
		}
		if !ok || r2 < 0xDC00 || r2 >= 0xE000 {
			return 0, i, "unpaired surrogate in \\u escape"
		}
		return 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00), i + 6, ""
	case r >= 0xDC00 && r < 0xE000:
		return 0, i, "unpaired surrogate in \\u escape"
	}
	return r, i, ""
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

// readNumber reads a JSON number at d.i and returns its parts and its text.
func (d *decoder) readNumber() (numberParts, []byte, bool) {
	p, n, ok := scanNumber(d.data[d.i:])
	start := d.i
	d.i += n
	if !ok {
		d.syntax("invalid number")
		return p, nil, false
	}
	return p, d.data[start:d.i], true
}

// atNumber reports whether a number starts at the next non-space byte; if not, it
// reports a value of another type (want) and returns false.
func (d *decoder) atNumber(want string) bool {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.mismatch(want)
		return false
	}
	return true
}

// numberParts is a JSON number split into its parts.
type numberParts struct {
	neg     bool
	intPart []byte // the digits before the point
	frac    []byte // the digits after it
	exp     int    // the exponent, saturated at ±maxScanExponent
}

// nonZero reports whether p has a digit other than 0.
func (p numberParts) nonZero() bool {
	for _, part := range [2][]byte{p.intPart, p.frac} {
		for _, c := range part {
			if c != '0' {
				return true
			}
		}
	}
	return false
}

// maxScanExponent bounds the exponent scanNumber keeps: far beyond any amount or
// timestamp, and far from overflowing an int.
const maxScanExponent = 100000

// scanNumber lexes the JSON number (RFC 8259's grammar) at the start of s and returns
// its parts and its length. When s does not start with a number it returns ok false and
// the length read up to the fault. It is the one number scanner of the package: the
// decoder's, and the splitting of decimal text for numberParts.small and amountInRange.
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
			if _, _, ok := d.readNumber(); !ok {
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
