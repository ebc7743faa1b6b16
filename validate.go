package userevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Level is how strictly Validate checks: Strict (the zero Level, the default everywhere)
// or Compatible.
type Level int

const (
	// Strict is Compatible plus the rules a compliance record needs: real calendar dates
	// of birth, documents not issued after they expire, bare email addresses, no negative
	// limits or income, no more fraction digits than the currency has, no control
	// characters, ids that a REST path carries (not "." or "..", not only white space,
	// no format characters such as U+202E), risk scores in [0, 100], and newUserId
	// exactly with ChangeUserID. Names are normalised to Unicode NFC when applied.
	Strict Level = iota
	// Compatible is Flagright's published schema: required fields, JSON types, enums,
	// country and currency codes, and the OpenAPI constraints (minLength,
	// minimum/maximum, pattern).
	Compatible
)

// String returns "Strict" or "Compatible".
func (l Level) String() string {
	switch l {
	case Strict:
		return "Strict"
	case Compatible:
		return "Compatible"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// Timestamps (milliseconds since the Unix epoch) must lie in this range, as in
// Flagright's OpenAPI document: 1979-12-31T23:00:00Z to 2100-12-30T23:00:01Z (midnight, and a second past it,
// in Central European Time).
const (
	minTimestamp = 315529200000
	maxTimestamp = 4133890801000
)

// The messages of the timestamp rules, written from the limits.
var (
	timestampRangeMessage = "must be a timestamp in milliseconds since the Unix epoch, from " +
		timestampLimit(minTimestamp) + " to " + timestampLimit(maxTimestamp)
	timestampMaxMessage = "must be a timestamp in milliseconds since the Unix epoch, at most " +
		timestampLimit(maxTimestamp)
)

// timestampLimit writes a limit of the timestamp rules with its date, as
// "315529200000 (1979-12-31)".
func timestampLimit(ms int64) string {
	return strconv.FormatInt(ms, 10) + " (" + time.UnixMilli(ms).UTC().Format(time.DateOnly) + ")"
}

// Validate checks e against the rules of level and returns a *ValidationError listing
// every problem, or nil. Paths are rooted at the event document. The rules that need the
// query flags (newUserId with ChangeUserID) are checked by Apply.
func (e *ConsumerUserEvent) Validate(level Level) error {
	c := newVctx(level, e.Timestamp)
	e.validate(c)
	return c.result()
}

// Validate checks u against the rules of level and returns a *ValidationError listing
// every problem, or nil. A user alone has no event whose day bounds its date of birth:
// under Strict the date of birth is a real date from 1900-01-01 on.
func (u *ConsumerUser) Validate(level Level) error {
	c := newVctx(level, 0)
	u.validate(c)
	return c.result()
}

// Validate checks the typed fields of u against the rules of level and returns a
// *ValidationError listing every problem, or nil. The business-only fields, kept as
// JSON, are checked for syntax only, when decoded.
func (u *BusinessUser) Validate(level Level) error {
	c := newVctx(level, 0)
	u.validate(c)
	return c.result()
}

// rule is a set of the check tags of one field.
type rule uint32

const (
	rRequired rule = 1 << iota
	rNonempty
	rMin4
	rTs
	rTsmax
	rDob
	rEmail
	rScore
	rText
	rName
	rNonneg
	rId
)

// vctx collects the problems of one validation.
type vctx struct {
	level  Level
	refTS  float64 // the timestamp whose day is the last a date of birth may be; 0 for none
	refDay string  // refTS as YYYY-MM-DD, computed when first needed
	// The path of the value being checked: its first segments in segs, which keeps a
	// valid event's validation free of allocations (a slice here would be on the heap,
	// and the vctx too if it pointed into an array of its own), the rest in deeper.
	segs   [8]vseg
	deeper []vseg
	depth  int
	errs   []FieldError
}

type vseg struct {
	name string
	idx  int // >= 0: an index into the array name
}

func newVctx(level Level, ts float64) *vctx {
	return &vctx{level: level, refTS: ts}
}

// lastBirthDay returns the last day a date of birth may be, or "" for no bound.
func (c *vctx) lastBirthDay() string {
	if c.refDay == "" && c.refTS != 0 {
		c.refDay = dayOf(c.refTS)
	}
	return c.refDay
}

// dayOf returns the UTC day of a millisecond timestamp, or "" for one out of range.
func dayOf(ts float64) string {
	if !(ts >= minTimestamp && ts <= maxTimestamp) {
		return ""
	}
	return time.UnixMilli(int64(ts)).UTC().Format(time.DateOnly)
}

func (c *vctx) strict() bool { return c.level == Strict }

func (c *vctx) push(name string) { c.pushIndex(name, -1) }
func (c *vctx) pushIndex(name string, i int) {
	if c.depth < len(c.segs) {
		c.segs[c.depth] = vseg{name: name, idx: i}
	} else {
		c.deeper = append(c.deeper, vseg{name: name, idx: i})
	}
	c.depth++
}

func (c *vctx) pop() {
	c.depth--
	if c.depth >= len(c.segs) {
		c.deeper = c.deeper[:len(c.deeper)-1]
	}
}

func (c *vctx) pathString(leaf string) string {
	var b []byte
	add := func(name string) {
		if name == "" {
			return
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, name...)
	}
	n := min(c.depth, len(c.segs))
	for _, s := range append(c.segs[:n:n], c.deeper...) {
		add(s.name)
		if s.idx >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.idx), 10)
			b = append(b, ']')
		}
	}
	add(leaf)
	return string(b)
}

func (c *vctx) fail(leaf, code, msg string) {
	c.errs = append(c.errs, FieldError{Path: c.pathString(leaf), Code: code, Message: msg})
}

func (c *vctx) result() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.errs}
}

// str checks a present string.
func (c *vctx) str(name, s string, r rule) {
	switch {
	case s == "" && r&rRequired != 0:
		c.fail(name, CodeRequired, "required field is missing or empty")
		return
	case s == "" && r&rNonempty != 0:
		c.fail(name, CodeOutOfRange, "must not be empty")
		return
	}
	// Invalid UTF-8 first, and alone, at both levels, as the decoder: a value built in
	// Go may hold any bytes, and a store that writes JSON or text would read back
	// something else (U+FFFD). Strict looks for control characters in the same pass,
	// and in an id pathSafeID looks for both.
	f := faultNone
	switch {
	case !c.strict():
		if !utf8.ValidString(s) {
			f = faultUTF8
		}
	case r&rId == 0:
		f = textFault(s, r&rText != 0)
	}
	switch {
	case f == faultUTF8:
		c.fail(name, CodeInvalidFormat, "must be valid UTF-8")
		return
	case r&rMin4 != 0 && utf8.RuneCountInString(s) < 4:
		c.fail(name, CodeOutOfRange, "must be at least 4 characters")
	case r&rId != 0 && strings.IndexByte(s, 0) >= 0:
		// At both levels: an id is a key, and a key must be storable as text by any
		// database (PostgreSQL's text cannot hold U+0000).
		c.fail(name, CodeInvalidFormat, "an id must not contain NUL (U+0000)")
		return
	}
	if r&rDob != 0 {
		c.dateOfBirth(name, s)
	}
	if !c.strict() {
		return
	}
	if r&rEmail != 0 {
		if a, err := mail.ParseAddress(s); err != nil || a.Name != "" || a.Address != s {
			c.fail(name, CodeInvalidFormat, "must be a bare email address such as name@example.com")
		}
	}
	switch {
	case r&rId != 0 && s != "" && !pathSafeID(s):
		c.fail(name, CodeInvalidFormat, `must be an id a REST path can carry: not "." or "..", not only white space, valid UTF-8, no control, format or line-separator characters`)
	case f == faultControl && r&rText != 0:
		c.fail(name, CodeInvalidFormat, "must not contain control characters other than tab and newline")
	case f == faultControl:
		c.fail(name, CodeInvalidFormat, "must not contain control characters")
	}
}

func (c *vctx) strs(name string, s []string, r rule) {
	if s == nil && r&rRequired != 0 {
		c.fail(name, CodeRequired, "required field is missing")
		return
	}
	for i, v := range s {
		c.pushIndex(name, i)
		c.str("", v, r&^rRequired)
		c.pop()
	}
}

// raw checks a raw JSON member: nil is absent (a problem when required); otherwise it
// must be one JSON value that the decoder reads back, as a Store reads (syntax, UTF-8,
// each member of an object once; no limits), and not null when required. A value
// decoded from JSON always is; one built in Go may not be, and a store would then keep a
// user that no read can return.
func (c *vctx) raw(name string, raw json.RawMessage, required bool) {
	switch {
	case raw == nil:
		if required {
			c.fail(name, CodeRequired, "required field is missing")
		}
	case required && string(bytes.TrimSpace(raw)) == "null":
		c.fail(name, CodeRequired, "required field must not be null")
	default:
		err := decodeDocument(raw, []DecodeOption{Unlimited()}, func(d *decoder) { d.skip(true) })
		var ve *ValidationError
		if errors.As(err, &ve) && len(ve.Fields) > 0 {
			c.fail(name, ve.Fields[0].Code, "must be one well-formed JSON value, each member of an object once")
		}
	}
}

// printableASCII tells the bytes from space to tilde, which textFault passes over.
var printableASCII = func() (t [256]bool) {
	for b := ' '; b <= '~'; b++ {
		t[b] = true
	}
	return t
}()

// fault is what textFault finds wrong with a string.
type fault uint8

const (
	faultNone    fault = iota
	faultControl       // a control character (C0, DEL or C1)
	faultUTF8          // invalid UTF-8
)

// textFault reports what is wrong with s: faultUTF8 when it is not valid UTF-8, else
// faultControl when it holds a control character (tab and newline do not count when text
// is true), else faultNone. Printable ASCII, most of any string, costs one table lookup a
// byte; the rest of the string from the first other byte on is looked at by textRest.
func textFault(s string, text bool) fault {
	i := 0
	for i < len(s) && printableASCII[s[i]] {
		i++
	}
	if i == len(s) {
		return faultNone
	}
	return textRest(s[i:], text)
}

// textRest is textFault of s from its first byte that is not printable ASCII on.
func textRest(s string, text bool) fault {
	if !utf8.ValidString(s) {
		return faultUTF8
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(text && (r == '\t' || r == '\n')) {
			return faultControl
		}
	}
	return faultNone
}

// storableID reports whether id is one a commit can have stored: valid UTF-8 without NUL
// (the rule of every id at both levels). The queries answer not found for any other
// without asking the Store, where a database keeping ids as text would fail on it.
func storableID(id string) bool {
	return utf8.ValidString(id) && strings.IndexByte(id, 0) < 0
}

// pathSafeID reports whether id is one that a REST path (GET /events/consumer/user/{eventId})
// and a log line can carry as it is: not "." or ".." (which a URL path resolves away),
// not only white space, valid UTF-8, and no control characters (C0, DEL, C1), format
// characters (Unicode Cf: bidirectional overrides such as U+202E, zero-width spaces,
// the BOM) or line and paragraph separators (U+2028, U+2029).
func pathSafeID(id string) bool {
	if id == "." || id == ".." {
		return false
	}
	space := true
	for i := 0; i < len(id); {
		if b := id[i]; b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				return false
			}
			space = space && b == ' '
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(id[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) ||
			unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return false
		}
		space = space && unicode.IsSpace(r)
		i += size
	}
	return !space
}

// dateOfBirth checks a date of birth: Flagright's pattern ^(\d{4}-\d{2}-\d{2})*$ under
// Compatible; under Strict a real calendar date from 1900-01-01 to the reference day.
func (c *vctx) dateOfBirth(name, s string) {
	if !c.strict() {
		if len(s)%10 != 0 {
			c.fail(name, CodeInvalidFormat, "must be a date as YYYY-MM-DD")
			return
		}
		for i := 0; i < len(s); i += 10 {
			if !datePattern(s[i : i+10]) {
				c.fail(name, CodeInvalidFormat, "must be a date as YYYY-MM-DD")
				return
			}
		}
		return
	}
	if len(s) != 10 || !datePattern(s) {
		c.fail(name, CodeInvalidFormat, "must be a date as YYYY-MM-DD")
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		c.fail(name, CodeInvalidFormat, "must be a real calendar date")
		return
	}
	if s < "1900-01-01" {
		c.fail(name, CodeOutOfRange, "must not be before 1900-01-01")
	} else if last := c.lastBirthDay(); last != "" && s > last {
		c.fail(name, CodeOutOfRange, "must not be after the day of the event")
	}
}

// datePattern reports whether s is \d{4}-\d{2}-\d{2}.
func datePattern(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		default:
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

// num checks a number.
func (c *vctx) num(name string, f float64, r rule) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		c.fail(name, CodeOutOfRange, "must be a finite number")
	case r&rTs != 0 && (f < minTimestamp || f > maxTimestamp):
		c.fail(name, CodeOutOfRange, timestampRangeMessage)
	case r&rTsmax != 0 && f > maxTimestamp:
		c.fail(name, CodeOutOfRange, timestampMaxMessage)
	case r&rScore != 0 && c.strict() && (f < 0 || f > 100):
		c.fail(name, CodeOutOfRange, "must be a risk score from 0 to 100")
	}
}

// enum checks an enum value.
func (c *vctx) enum(name string, present, valid, required bool, typ string) {
	switch {
	case !present && required:
		c.fail(name, CodeRequired, "required field is missing or empty")
	case present && !valid:
		c.fail(name, CodeInvalidEnum, "must be one of the "+typ+" values")
	}
}

// decimal checks that an amount value stays within the digits the decoder accepts.
func (c *vctx) decimal(name string, d decimal.Decimal) {
	if !decimalInRange(d) {
		c.fail(name, CodeOutOfRange, amountDigitsMessage)
	}
}

// decimalInRange reports whether d has at most maxAmountDigits significant digits
// before and after the decimal point, as amountInRange does for its JSON form.
func decimalInRange(d decimal.Decimal) bool {
	if d.NumDigits() > 18 {
		var buf [96]byte
		return amountInRange(appendDecimal(buf[:0], d))
	}
	c, exp := d.CoefficientInt64(), int(d.Exponent())
	if c == 0 {
		return true
	}
	for exp < 0 && c%10 == 0 {
		c /= 10
		exp++
	}
	n := 1 // digits of c
	for x := c / 10; x != 0; x /= 10 {
		n++
	}
	if exp >= 0 {
		return n+exp <= maxAmountDigits
	}
	return -exp <= maxAmountDigits && n+exp <= maxAmountDigits
}

// amount checks a whole Amount: its members, and under Strict its sign (nonneg) and
// scale.
func (c *vctx) amount(name string, a *Amount, r rule) {
	c.push(name)
	a.validate(c)
	c.amountRules(a, r)
	c.pop()
}

// amountUpdate checks an amount in an update: its members (both required), and the
// Strict rules.
func (c *vctx) amountUpdate(name string, p *AmountUpdate, r rule) {
	c.push(name)
	p.validate(c)
	v, okV := p.Value.Get()
	cur, okC := p.Currency.Get()
	if okV && okC {
		c.amountRules(&Amount{Value: v, Currency: cur}, r)
	}
	c.pop()
}

// amountRules checks the Strict rules of an amount: not negative where nonneg, and no
// more fraction digits than the currency's minor unit.
func (c *vctx) amountRules(a *Amount, r rule) {
	if !c.strict() {
		return
	}
	if r&rNonneg != 0 && a.Value.Sign() < 0 {
		c.fail("amountValue", CodeOutOfRange, "must not be negative")
	}
	if scale, ok := listedScale(a.Currency); ok {
		if fractionDigits(a.Value) > scale {
			c.fail("amountValue", CodeInvalidFormat, "has more fraction digits than the currency's minor unit ("+strconv.Itoa(scale)+")")
		}
	}
}

// union checks that exactly one member of a payment details union is set.
func (c *vctx) union(n int) {
	if n != 1 {
		c.fail("method", CodeRequired, "exactly one payment method must be set")
	}
}

// check is ConsumerUser's cross-field rule: the legacy userId fields equal the user's id.
func (v *ConsumerUser) check(c *vctx) {
	checkLegacyIDs(c, v.UserID, v.UserStateDetails, v.KYCStatusDetails)
}

// check is BusinessUser's cross-field rule: the legacy userId fields equal the user's id.
func (v *BusinessUser) check(c *vctx) {
	checkLegacyIDs(c, v.UserID, v.UserStateDetails, v.KYCStatusDetails)
}

func checkLegacyIDs(c *vctx, id string, s *UserStateDetails, k *KYCStatusDetails) {
	if s != nil && s.UserID != nil && *s.UserID != id {
		c.fail("userStateDetails.userId", CodeInconsistent, "must equal the user's userId")
	}
	if k != nil && k.UserID != nil && *k.UserID != id {
		c.fail("kycStatusDetails.userId", CodeInconsistent, "must equal the user's userId")
	}
}

// check is ConsumerUserEvent's cross-field rule: legacy userId fields in the update equal
// the event's userId.
func (v *ConsumerUserEvent) check(c *vctx) {
	a := v.UpdatedConsumerUserAttributes
	if a == nil {
		return
	}
	if s, ok := a.UserStateDetails.Get(); ok && s != nil {
		if id, ok := s.UserID.Get(); ok && id != v.UserID {
			c.fail("updatedConsumerUserAttributes.userStateDetails.userId", CodeInconsistent, "must equal the event's userId")
		}
	}
	if k, ok := a.KYCStatusDetails.Get(); ok && k != nil {
		if id, ok := k.UserID.Get(); ok && id != v.UserID {
			c.fail("updatedConsumerUserAttributes.kycStatusDetails.userId", CodeInconsistent, "must equal the event's userId")
		}
	}
}

// check is LegalDocument's Strict rule: a document is not issued after it expires.
func (v *LegalDocument) check(c *vctx) {
	if c.strict() && v.DocumentIssuedDate != nil && v.DocumentExpirationDate != nil &&
		*v.DocumentIssuedDate > *v.DocumentExpirationDate {
		c.fail("documentIssuedDate", CodeInconsistent, "must not be after documentExpirationDate")
	}
}
