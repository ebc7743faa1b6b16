package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/compliancekit/userevents"
)

// ErrBatchNotFound is the error of BatchLog.Page for a batch it does not know (404).
var ErrBatchNotFound = errors.New("httpapi: batch not found")

// BatchLog keeps the ids of the events of each batch, for GET
// /batch/events/consumer/user/{batchId}. It must be safe for concurrent use.
type BatchLog interface {
	// Add records that the events eventIDs (in order) were applied as part of batch
	// batchID. Ids already recorded for the batch are not added again, so that a
	// batch sent twice lists its events once; a batch with no ids is recorded too.
	Add(ctx context.Context, batchID string, eventIDs []string) error
	// Page returns the ids of batch batchID from offset, at most limit of them, in the
	// order they were first added, and how many ids it has in all; ErrBatchNotFound
	// when the batch is unknown.
	Page(ctx context.Context, batchID string, offset, limit int) (ids []string, total int, err error)
}

// DefaultBatchMemory is the size of the BatchLog of a handler whose Config has none:
// 64 MiB of ids, the newest batch apart (see MemoryBatches).
const DefaultBatchMemory = 64 << 20

// MemoryBatches is a BatchLog in memory, bounded: when its batches hold more than its
// size in bytes (the ids plus 64 bytes of bookkeeping each, and as much per Add), it
// forgets the batches added to least recently until they fit, and Page then reports them
// ErrBatchNotFound. A batch is forgotten whole or not at all, and the batch of the latest
// Add never: a batch just answered 201 can be read back, with every id it was given,
// even when it alone holds more than the size (one batchId resent with ever new events).
// So what it holds is at most its size plus the newest batch, whose ids are those of
// events the store keeps anyway. A size the newest batch outgrows is not refused: its
// events are applied by then, and a refusal would be answered to a client that did
// nothing wrong, on every resend; a listing cut short would leave events out without a
// word. A server that needs a hard bound keeps its batches in its database (cmd/userevents
// does, on PostgreSQL).
type MemoryBatches struct {
	mu      sync.Mutex
	max     int
	size    int
	batches map[string]*memoryBatch
	order   []added // the Adds, oldest first; an Add of a batch added to since is stale
	adds    uint64  // the number of Adds so far
}

// added is one Add to a batch: its id and the Add's number.
type added struct {
	batchID string
	n       uint64
}

type memoryBatch struct {
	ids  []string
	seen map[string]struct{}
	last uint64 // the number of its latest Add
}

// idCost is the bytes MemoryBatches counts for an id it keeps.
func idCost(id string) int { return len(id) + 64 }

// NewMemoryBatches returns an empty MemoryBatches that keeps at most size bytes of ids.
func NewMemoryBatches(size int) *MemoryBatches {
	return &MemoryBatches{max: size, batches: map[string]*memoryBatch{}}
}

// Add implements BatchLog.
func (m *MemoryBatches) Add(_ context.Context, batchID string, eventIDs []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.batches[batchID]
	if b == nil {
		b = &memoryBatch{seen: map[string]struct{}{}}
		m.batches[batchID] = b
	}
	m.adds++
	b.last = m.adds
	m.order = append(m.order, added{batchID, m.adds})
	m.size += idCost(batchID)
	for _, id := range eventIDs {
		if _, ok := b.seen[id]; ok {
			continue
		}
		b.seen[id] = struct{}{}
		b.ids = append(b.ids, id)
		m.size += 2 * idCost(id) // the list and the set
	}
	for m.size > m.max && len(m.order) > 1 {
		m.forget()
	}
	return nil
}

// forget drops the oldest Add, and its batch when no Add to it came after.
func (m *MemoryBatches) forget() {
	a := m.order[0]
	m.order[0] = added{}
	m.order = m.order[1:]
	m.size -= idCost(a.batchID)
	if b := m.batches[a.batchID]; b != nil && b.last == a.n {
		for _, e := range b.ids {
			m.size -= 2 * idCost(e)
		}
		delete(m.batches, a.batchID)
	}
	if cap(m.order) > 64 && len(m.order) < cap(m.order)/4 {
		m.order = append([]added(nil), m.order...)
	}
}

// Page implements BatchLog.
func (m *MemoryBatches) Page(_ context.Context, batchID string, offset, limit int) ([]string, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.batches[batchID]
	if b == nil {
		return nil, 0, ErrBatchNotFound
	}
	if offset >= len(b.ids) {
		return nil, len(b.ids), nil
	}
	end := min(len(b.ids), offset+limit)
	return append([]string(nil), b.ids[offset:end]...), len(b.ids), nil
}

func (h *handler) postBatch(w *response, r *http.Request, _ string) error {
	// A batch that is not well-formed fails whole; a record that does not decode fails
	// alone, as a failed record, and the others apply.
	return post(h, r, userevents.ParseQuery, userevents.DecodeEventBatch, func(batch *userevents.EventBatch, opts userevents.Options) error {
		res, err := h.p.ApplyEventBatch(r.Context(), batch, opts)
		if err != nil && (res == nil || r.Context().Err() == nil) {
			// No report (a batch refused whole: its batchId), or an error of its own.
			return err
		}
		// When the request ran out of time (or its client went away) the report says
		// which events were applied and which were not (CANCELLED): it is the answer,
		// and the applied ones are recorded, with a little time of their own.
		ctx := r.Context()
		if ctx.Err() != nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), ReplyTimeout/2)
			defer cancel()
		}
		if res.BatchID == "" {
			res.BatchID = newBatchID()
		}
		var ids []string
		for _, item := range res.Results {
			if item.Result != nil {
				ids = append(ids, item.Result.Event.EventID)
			}
		}
		if err := h.batches.Add(ctx, res.BatchID, ids); err != nil {
			// The events are applied; sending the batch again is safe (they are
			// duplicates).
			return err
		}
		reply(w, http.StatusCreated, res)
		return nil
	})
}

// newBatchID returns an id for a batch sent without one.
func newBatchID() string {
	var b [12]byte
	rand.Read(b[:])
	return "batch-" + hex.EncodeToString(b[:])
}

// pageOffset returns the offset of a page, numbered from 1, of size ids each (size ≥ 1):
// (page-1)*size, or math.MaxInt32, past any batch, when that would pass an int32 (and
// could overflow an int on a 32-bit platform).
func pageOffset(page, size int) int {
	if page-1 > math.MaxInt32/size {
		return math.MaxInt32
	}
	return (page - 1) * size
}

// pageQuery is the query of GET /batch/events/consumer/user/{batchId}, as the window of
// BatchLog.Page.
type pageQuery struct{ offset, limit int }

// parsePageQuery reads the query of GET /batch/events/consumer/user/{batchId}
// (userevents.ParsePageQuery, with DefaultPageSize and MaxPageSize).
func parsePageQuery(rawQuery string) (pageQuery, error) {
	page, size, err := userevents.ParsePageQuery(rawQuery, DefaultPageSize, MaxPageSize)
	if err != nil {
		return pageQuery{}, err
	}
	return pageQuery{offset: pageOffset(page, size), limit: size}, nil
}

func (h *handler) getBatch(w *response, r *http.Request, id string) error {
	return get(h, w, r, parsePageQuery, func(ctx context.Context, q pageQuery) (*userevents.EventList, error) {
		if !utf8.ValidString(id) || strings.IndexByte(id, 0) >= 0 {
			// No batch can have this id (a batchId is an id): not found, without asking
			// the BatchLog, whose database may fail on it.
			return nil, statusError{status: http.StatusNotFound, message: "batch not found"}
		}
		ids, total, err := h.batches.Page(ctx, id, q.offset, q.limit)
		if errors.Is(err, ErrBatchNotFound) {
			// Only here: the same error from Add, on POST, is the server's fault (500).
			return nil, statusError{status: http.StatusNotFound, message: "batch not found"}
		}
		if err != nil {
			return nil, err
		}
		list := &userevents.EventList{ConsumerUserEvents: make([]*userevents.StoredEvent, 0, len(ids)), TotalCount: total}
		for _, eid := range ids {
			e, err := h.p.Event(ctx, eid)
			if errors.Is(err, userevents.ErrEventNotFound) {
				// The BatchLog lists an event the store does not have: the server's data
				// is wrong, not the request (500).
				return nil, fmt.Errorf("%w: batch %q lists event %q: %w", userevents.ErrStoredData, id, eid, err)
			}
			if err != nil {
				return nil, err
			}
			list.ConsumerUserEvents = append(list.ConsumerUserEvents, e)
		}
		return list, nil
	})
}
