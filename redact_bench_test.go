package userevents

import (
	"testing"
)

// BenchmarkLogValueUser measures the redacted form of a full consumer user, as log/slog
// asks for it (LogValue) and as Redact gives it for a slice of documents.
func BenchmarkLogValueUser(b *testing.B) {
	u := fullUser()
	b.Run("user", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = u.LogValue()
		}
	})
	b.Run("redact-docs", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = Redact(u.LegalDocuments).LogValue()
		}
	})
}

// BenchmarkCloneUser measures the deep copy of a full consumer user and of a stored
// event.
func BenchmarkCloneUser(b *testing.B) {
	u := fullUser()
	b.Run("user", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = u.Clone()
		}
	})
	e := fullEvent()
	b.Run("event", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = e.Clone()
		}
	})
}
