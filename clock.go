package userevents

import (
	"errors"
	"time"
)

// DefaultFutureSkew is how far ahead of the clock an event's timestamp may be under
// Strict when Config.FutureSkew is 0.
const DefaultFutureSkew = 24 * time.Hour

// now returns the time of c's clock.
func (c Config) now() time.Time {
	if c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

// futureSkew returns the bound on event timestamps ahead of the clock, or 0 for none.
func (c Config) futureSkew() time.Duration {
	switch {
	case c.FutureSkew == 0:
		return DefaultFutureSkew
	case c.FutureSkew < 0:
		return 0
	}
	return c.FutureSkew
}

// checkClock adds to err, the outcome of validating ev, the problem of a timestamp too
// far ahead of cfg's clock: under Strict, an event dated more than the future skew after
// now is refused on "timestamp" (out_of_range). One such event would otherwise become
// the record's newest timestamp and, under RejectStale, make every real event after it
// stale. Compatible accepts it, as Flagright does.
func checkClock(err error, ev *ConsumerUserEvent, cfg Config) error {
	skew := cfg.futureSkew()
	if cfg.Level != Strict || skew == 0 || ev == nil {
		return err
	}
	limit := cfg.now().Add(skew).UnixMilli()
	if ev.Timestamp <= float64(limit) {
		return err
	}
	f := FieldError{Path: "timestamp", Code: CodeOutOfRange, Message: "must not be more than " + skew.String() + " ahead of the clock (milliseconds since the Unix epoch)"}
	var ve *ValidationError
	if errors.As(err, &ve) {
		fields := append(append([]FieldError(nil), ve.Fields...), f)
		sortFieldErrors(fields)
		return &ValidationError{Fields: fields}
	}
	if err != nil {
		return err
	}
	return &ValidationError{Fields: []FieldError{f}}
}
