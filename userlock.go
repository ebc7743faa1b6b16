package userevents

import (
	"context"
	"hash/maphash"
	"sync"
)

// userLocks serialises the events of one user within a Processor, so that they do not
// race each other to the Store and turn into version conflicts; events for different
// users never wait on each other. It holds a lock only while some event of its user
// holds or waits for it, so its size follows the users in flight, not the users seen.
type userLocks struct {
	seed   maphash.Seed
	shards [64]lockShard
}

type lockShard struct {
	mu sync.Mutex
	m  map[string]*userLock
}

// userLock is the lock of one user id: a one-slot semaphore, so that a waiter can give up
// when its context ends, and the count of the events that hold or wait for it.
type userLock struct {
	sem  chan struct{}
	refs int
}

var userLockPool = sync.Pool{New: func() any { return &userLock{sem: make(chan struct{}, 1)} }}

func newUserLocks() *userLocks {
	return &userLocks{seed: maphash.MakeSeed()}
}

func (l *userLocks) shard(id string) *lockShard {
	return &l.shards[maphash.String(l.seed, id)%uint64(len(l.shards))]
}

// lock waits until the caller holds the lock of user id, or ctx ends (its error). After
// a nil error the caller must call unlock(id, ul) once with the lock returned.
func (l *userLocks) lock(ctx context.Context, id string) (*userLock, error) {
	s := l.shard(id)
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[string]*userLock)
	}
	ul := s.m[id]
	if ul == nil {
		ul = userLockPool.Get().(*userLock)
		s.m[id] = ul
	}
	ul.refs++
	s.mu.Unlock()

	select {
	case ul.sem <- struct{}{}:
		return ul, nil
	default:
	}
	select {
	case ul.sem <- struct{}{}:
		return ul, nil
	case <-ctx.Done():
		l.release(s, id, ul)
		return nil, ctx.Err()
	}
}

// unlock releases ul, the lock of user id taken by lock.
func (l *userLocks) unlock(id string, ul *userLock) {
	<-ul.sem
	l.release(l.shard(id), id, ul)
}

// release drops one reference to ul, and forgets the lock when it was the last.
func (l *userLocks) release(s *lockShard, id string, ul *userLock) {
	s.mu.Lock()
	ul.refs--
	last := ul.refs == 0
	if last {
		delete(s.m, id)
	}
	s.mu.Unlock()
	if last {
		userLockPool.Put(ul)
	}
}
