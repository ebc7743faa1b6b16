package pgstore

import (
	"container/list"
	"sync"

	"github.com/compliancekit/userevents"
)

// DefaultCacheSize is the number of users whose current record a Store keeps when
// Options.CacheSize is 0.
const DefaultCacheSize = 1024

// Options configure a Store.
type Options struct {
	// CacheSize is the number of users whose current record the Store keeps in memory,
	// the least recently used dropped first: 0 is DefaultCacheSize, a negative number
	// keeps none. A cached record costs what the decoded user costs, about the size of
	// its JSON (15 KB for the 15 KB user: 15 MB for the default 1,024 users).
	//
	// The cache never serves a record that is not the stored one: LoadUser always asks
	// the database for the row's xmin (the id of the transaction that last wrote it,
	// whoever wrote it: this store, another process, or an UPDATE by hand), and
	// rebuilds the user from its history only when it differs from the cached record's
	// (replaying on the cached record the entries committed since, when it is of the
	// same history); so a cache hit saves the rebuild of the user, not the round trip.
	CacheSize int
}

// recordCache is a bounded LRU of current records by user id, each with the xmin of
// the row it was read from or written as. Records are shared, read-only values (the
// Store contract), so the cache hands out what it keeps.
type recordCache struct {
	mu    sync.Mutex
	size  int
	byID  map[string]*list.Element
	order list.List // of *cached, the most recently used first
}

type cached struct {
	userID string
	rec    userevents.Record
	xmin   uint32
}

func newRecordCache(size int) *recordCache {
	switch {
	case size == 0:
		size = DefaultCacheSize
	case size < 0:
		return nil
	}
	return &recordCache{size: size, byID: make(map[string]*list.Element)}
}

// get returns the cached record of userID and its xmin.
func (c *recordCache) get(userID string) (userevents.Record, uint32, bool) {
	if c == nil {
		return userevents.Record{}, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[userID]
	if !ok {
		return userevents.Record{}, 0, false
	}
	c.order.MoveToFront(el)
	e := el.Value.(*cached)
	return e.rec, e.xmin, true
}

// put keeps rec, read from or written as the row of userID with the given xmin.
func (c *recordCache) put(userID string, rec userevents.Record, xmin uint32) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[userID]; ok {
		el.Value = &cached{userID, rec, xmin}
		c.order.MoveToFront(el)
		return
	}
	c.byID[userID] = c.order.PushFront(&cached{userID, rec, xmin})
	if c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byID, last.Value.(*cached).userID)
	}
}

// remove drops the record of userID.
func (c *recordCache) remove(userID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[userID]; ok {
		c.order.Remove(el)
		delete(c.byID, userID)
	}
}
