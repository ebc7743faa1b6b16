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

// HistoryToQuery is the first query of LoadHistory with a version to rebuild.
const HistoryToQuery = historyToQuery
