package userevents

import (
	"testing"
)

// BenchmarkLogValueUser measures the redacted form of a full consumer user, as log/slog
// asks for it (LogValue) and as Redact gives it for a slice of documents.
func BenchmarkLogValueUser(b *testing.B) {
	u := fullUser()
	benchAllocs(b, "user", func() { _ = u.LogValue() })
	benchAllocs(b, "redact-docs", func() { _ = Redact(u.LegalDocuments).LogValue() })
}

// BenchmarkCloneUser measures the deep copy of a full consumer user and of a stored
// event.
func BenchmarkCloneUser(b *testing.B) {
	u := fullUser()
	benchAllocs(b, "user", func() { _ = u.Clone() })
	e := fullEvent()
	benchAllocs(b, "event", func() { _ = e.Clone() })
}

// benchAllocs runs f as the sub-benchmark name, with its allocations reported.
func benchAllocs(b *testing.B, name string, f func()) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			f()
		}
	})
}
