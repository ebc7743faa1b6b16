package userevents

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// BenchmarkLogValueUser measures the redacted form of a full consumer user, as log/slog
// asks for it (LogValue) and as Redact gives it for a slice of documents.
func BenchmarkLogValueUser(b *testing.B) {
	u := fullUser()
	benchAllocs(b, "user", func() { _ = u.LogValue() })
	benchAllocs(b, "redact-docs", func() { _ = Redact(u.LegalDocuments).LogValue() })
}

// BenchmarkCloneUser measures the deep copy of a full consumer user and of an event,
// and, for the user, the two copies one would write instead of generating one: a
// reflective walk (reflectCopy) and a JSON round trip (AppendJSON, then
// DecodeConsumerUser). docs/GENERATOR.md keeps the figures that justify the generated
// copy.
func BenchmarkCloneUser(b *testing.B) {
	u := fullUser()
	benchAllocs(b, "user", func() { _ = u.Clone() })
	if diff := cmp.Diff(u, reflectCopy(reflect.ValueOf(u)).Interface()); diff != "" {
		b.Fatalf("reflectCopy is no copy (-want +got):\n%s", diff)
	}
	benchAllocs(b, "user/reflect", func() { _ = reflectCopy(reflect.ValueOf(u)) })
	var buf []byte
	benchAllocs(b, "user/json", func() {
		buf, _ = u.AppendJSON(buf[:0])
		if _, err := DecodeConsumerUser(buf, Unlimited()); err != nil {
			b.Fatal(err)
		}
	})
	e := fullEvent()
	benchAllocs(b, "event", func() { _ = e.Clone() })
}

// reflectCopy is a deep copy of v by reflection, the control of BenchmarkCloneUser: it
// copies pointers, slices and maps, and exported struct members; a struct's unexported
// members (those of a decimal, an immutable value) are copied as they are.
func reflectCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(reflectCopy(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if n.Field(i).CanSet() {
				n.Field(i).Set(reflectCopy(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(reflectCopy(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(it.Key(), reflectCopy(it.Value()))
		}
		return n
	}
	return v
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
