package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/compliancekit/userevents"
)

// errBusy is the error of a body read that found the shared budget spent (503).
var errBusy = statusError{status: http.StatusServiceUnavailable,
	message: "server busy: too many large request bodies at once; retry", retryAfter: "1", close: true}

// budget is the memory shared by the request bodies in flight, past SmallBody each.
type budget struct {
	max  int64
	used atomic.Int64
}

// take reserves n bytes, or reports false, without waiting, when they are not free.
func (b *budget) take(n int64) bool {
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *budget) give(n int64) { b.used.Add(-n) }

// body reads the request body, at most one byte past the library's document limit (so
// that DecodeEvent reports an oversized body as too_large). The returned function gives
// back what the body took from the budget; call it when done with the data.
func (h *handler) body(r *http.Request) ([]byte, func(), error) {
	limit := int64(userevents.DefaultLimits().MaxBytes) + 1
	var taken int64
	var once sync.Once
	release := func() { once.Do(func() { h.budget.give(taken) }) }
	// reserve makes sure a buffer of size bytes is covered by SmallBody and the budget.
	reserve := func(size int64) error {
		over := size - SmallBody - taken
		if over <= 0 {
			return nil
		}
		if !h.budget.take(over) {
			return errBusy
		}
		taken += over
		return nil
	}
	if r.ContentLength > limit {
		return nil, release, &userevents.ValidationError{Fields: []userevents.FieldError{{Code: userevents.CodeTooLarge,
			Message: "document larger than " + strconv.FormatInt(limit-1, 10) + " bytes"}}}
	}
	if r.ContentLength >= 0 {
		if err := reserve(r.ContentLength); err != nil {
			return nil, release, err
		}
		buf := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			release()
			return nil, release, bodyError(err)
		}
		return buf, release, nil
	}
	// A body of unknown length (chunked): grown as it arrives, each growth reserved.
	buf := make([]byte, 0, 4096)
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			n := min(int64(2*cap(buf)), limit)
			if err := reserve(n); err != nil {
				release()
				return nil, release, err
			}
			buf = append(make([]byte, 0, n), buf...)
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			release()
			return nil, release, bodyError(err)
		}
	}
	return buf, release, nil
}

// errBodyRead is the error of a body that could not be read whole (400).
var errBodyRead = statusError{status: http.StatusBadRequest, message: "the request body could not be read whole", close: true}

func bodyError(err error) error { return fmt.Errorf("%w: %w", errBodyRead, err) }
