package pgstore

// CacheLen returns the number of records s keeps in its cache.
func CacheLen(s *Store) int {
	if s.cache == nil {
		return 0
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.order.Len()
}

// ReplayQuery is the query of LoadUser's rebuild.
const ReplayQuery = replayQuery

// Replayed returns the number of history entries s's LoadUser has replayed.
func Replayed(s *Store) int64 { return s.replayed.Load() }
