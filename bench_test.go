package userevents

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Benchmark inputs, built by the package (so that the benchmarks run without
// ../shared); the shared benchmark inputs are added when present.
var (
	benchSmallEvent = []byte(`{"timestamp": 1700000500000, "userId": "user-full", "reason": "analyst review", "updatedConsumerUserAttributes": {"userStateDetails": {"state": "ACTIVE"}}}`)
	benchKYCEvent   = []byte(`{"timestamp": 1700000500000, "userId": "user-full", "updatedConsumerUserAttributes": {"kycStatusDetails": {"status": "SUCCESSFUL", "reason": "passport verified"}, "legalDocuments": [{"documentType": "passport", "documentNumber": "X1234567", "documentIssuedCountry": "DE", "documentIssuedDate": 1600000000000, "documentExpirationDate": 1900000000000}]}}`)
)

func benchFullEvent() []byte {
	e := fullEvent()
	e.NewUserID = "" // the benchmarks apply it without ChangeUserID
	b, _ := json.Marshal(e)
	return b
}

// benchInputs returns the event documents to benchmark: the package's own, then the
// shared ones when present.
func benchInputs(b *testing.B) []struct {
	name string
	data []byte
} {
	inputs := []struct {
		name string
		data []byte
	}{
		{"small", benchSmallEvent},
		{"kyc", benchKYCEvent},
		{"full", benchFullEvent()},
	}
	for _, name := range []string{"small-event", "kyc-event", "full-event"} {
		data, err := os.ReadFile(filepath.Join(sharedDir, "bench-inputs", name+".json"))
		if err == nil {
			inputs = append(inputs, struct {
				name string
				data []byte
			}{"shared-" + name, data})
		}
	}
	return inputs
}

// benchDecode runs decode on each of the benchInputs, a sub-benchmark each, in bytes
// per second.
func benchDecode(b *testing.B, decode func(data []byte) error) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.data)))
			for i := 0; i < b.N; i++ {
				if err := decode(in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	benchDecode(b, func(data []byte) error {
		_, err := DecodeEvent(data)
		return err
	})
}

func BenchmarkValidateEvent(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			e, err := DecodeEvent(in.data)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := e.Validate(Strict); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStdlibDecodeEvent decodes the same documents with encoding/json into
// map[string]any, the generic alternative, for comparison.
func BenchmarkStdlibDecodeEvent(b *testing.B) {
	benchDecode(b, func(data []byte) error {
		var m map[string]any
		return json.Unmarshal(data, &m)
	})
}

func BenchmarkEncodeUser(b *testing.B) {
	u := fullUser()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply measures the pure Apply: a one-field state change against a minimal
// and against a full stored user (the cost must follow the update, not the user), a
// KYC update, and the full attribute set.
func BenchmarkApply(b *testing.B) {
	full := fullUser()
	full.UserStateDetails.UserID, full.KYCStatusDetails.UserID = nil, nil
	minimal := &ConsumerUser{UserID: "user-full", CreatedTimestamp: 1600000000000}
	small, _ := DecodeEvent(benchSmallEvent)
	kyc, _ := DecodeEvent(benchKYCEvent)
	all, err := DecodeEvent(benchFullEvent())
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		user *ConsumerUser
		ev   *ConsumerUserEvent
	}{
		{"state/minimal-user", minimal, small},
		{"state/full-user", full, small},
		{"kyc/full-user", full, kyc},
		{"full-event/full-user", full, all},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			rec := Record{Consumer: c.user, Version: 1}
			if _, err := Apply(rec, c.ev, Options{}, Config{}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Apply(rec, c.ev, Options{}, Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
