// Package bench compares the library with what a team would build instead, and with the
// serialization floor, on the same inputs. It is a module of its own so that the
// library does not depend on the peers it is measured against.
//
// ratios.go (its doc has the commands) pairs the figures within rounds, see
// docs/BENCHMARKS.md for why; a plain go test -bench . -benchmem also runs them.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

const inputs = "../../shared/flagright/bench-inputs"

// input is one benchmark case: an event applied to the full consumer user.
type input struct {
	name  string
	event []byte
}

// load reads the shared benchmark inputs, or skips when they are absent.
func load(b *testing.B) (user []byte, events []input) {
	b.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(inputs, name))
		if err != nil {
			b.Skipf("%s: %v (the shared benchmark inputs are absent)", name, err)
		}
		return data
	}
	return read("full-user.json"), []input{
		{"state-change", read("small-event.json")},
		{"kyc-update", read("kyc-event.json")},
		{"full-attributes", read("full-event.json")},
	}
}

// decodeUser decodes the stored user of the benchmarks, the shared full-user.json.
func decodeUser(b *testing.B, doc []byte) *userevents.ConsumerUser {
	b.Helper()
	u, err := userevents.DecodeConsumerUser(doc)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// encode is how a pipeline writes the resulting user into buf (which it may reuse):
// appendJSON is the way the library tells servers to (ConsumerUser.AppendJSON, into a
// reused buffer); marshal is json.Marshal, which re-reads and copies what the user's
// MarshalJSON returns (the second table of docs/BENCHMARKS.md).
type encode func(u *userevents.ConsumerUser, buf []byte) ([]byte, error)

func appendJSON(u *userevents.ConsumerUser, buf []byte) ([]byte, error) { return u.AppendJSON(buf[:0]) }
func marshal(u *userevents.ConsumerUser, _ []byte) ([]byte, error)      { return json.Marshal(u) }

// perEvent runs a sub-benchmark for each event: setup, untimed, returns the step that
// processes the event once, which is then timed b.N times (its error fails the
// benchmark), with the event's bytes as the bytes processed.
func perEvent(b *testing.B, events []input, setup func(b *testing.B, event []byte) (step func() error)) {
	for _, in := range events {
		b.Run(in.name, func(b *testing.B) {
			step := setup(b, in.event)
			b.SetBytes(int64(len(in.event)))
			b.ReportAllocs()
			b.ResetTimer()
			faults := minorFaults()
			for i := 0; i < b.N; i++ {
				if err := step(); err != nil {
					b.Fatal(err)
				}
			}
			if faults >= 0 {
				// A heap that grows (a store that keeps every event) touches new pages,
				// and a first touch costs far more on some machines than on others
				// (docs/BENCHMARKS.md, sixth pass): reported so that it can be seen.
				b.ReportMetric(float64(minorFaults()-faults)/float64(b.N), "faults/op")
			}
		})
	}
}

// BenchmarkLibrary: DecodeEvent, Processor.Apply with memstore, and the user written with
// AppendJSON into a reused buffer.
func BenchmarkLibrary(b *testing.B) { benchLibrary(b, appendJSON, newMemstore) }

// BenchmarkLibraryMarshal is BenchmarkLibrary writing the user with json.Marshal.
func BenchmarkLibraryMarshal(b *testing.B) { benchLibrary(b, marshal, newMemstore) }

func newMemstore() userevents.Store { return memstore.New() }

// benchLibrary is the library over the stores newStore returns, one per sub-benchmark,
// writing the user with enc.
func benchLibrary(b *testing.B, enc encode, newStore func() userevents.Store) {
	userDoc, events := load(b)
	perEvent(b, events, func(b *testing.B, event []byte) func() error {
		ctx := context.Background()
		p := userevents.NewProcessor(newStore(), userevents.Config{})
		u := decodeUser(b, userDoc)
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		var buf []byte
		return func() error {
			ev, err := userevents.DecodeEvent(event)
			if err != nil {
				return err
			}
			res, err := p.Apply(ctx, ev, userevents.Options{})
			if err != nil {
				return err
			}
			buf, err = enc(res.User, buf)
			return err
		}
	})
}

// BenchmarkLibraryApply is BenchmarkLibrary without the store: DecodeEvent, the pure
// Apply against the stored record, AppendJSON of the user. Its distance to the floor
// is the cost of the domain logic alone (validation, merge, transitions); the distance
// from it to BenchmarkLibrary is the Processor's and the store's (the replay check, the
// lock, the history entry, the commit, and collecting the garbage of a heap that keeps
// every event).
func BenchmarkLibraryApply(b *testing.B) {
	userDoc, events := load(b)
	u := decodeUser(b, userDoc)
	current := userevents.Record{Consumer: u, Version: 1}
	perEvent(b, events, func(b *testing.B, event []byte) func() error {
		var buf []byte
		return func() error {
			ev, err := userevents.DecodeEvent(event)
			if err != nil {
				return err
			}
			res, err := userevents.Apply(current, ev, userevents.Options{}, userevents.Config{})
			if err != nil {
				return err
			}
			buf, err = res.User.AppendJSON(buf[:0])
			return err
		}
	})
}

// BenchmarkGeneric: the pipeline a team would write instead: decode into map[string]any,
// validate against the ConsumerUserEvent schema of Flagright's OpenAPI document
// (openapi-2025-03.yml, read and converted to JSON before timing), merge-patch the
// attributes into the stored user's JSON, and re-encode.
func BenchmarkGeneric(b *testing.B) {
	userDoc, events := load(b)
	spec, err := os.ReadFile(filepath.Join(inputs, "..", "openapi-2025-03.yml"))
	if err != nil {
		b.Skipf("the OpenAPI document is absent: %v", err)
	}
	if spec, err = yaml.YAMLToJSON(spec); err != nil {
		b.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(spec))
	if err != nil {
		b.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi-2025-03.json", doc); err != nil {
		b.Fatal(err)
	}
	schema, err := c.Compile("openapi-2025-03.json#/components/schemas/ConsumerUserEvent")
	if err != nil {
		b.Fatal(err)
	}
	perEvent(b, events, func(b *testing.B, event []byte) func() error {
		stored := append([]byte(nil), userDoc...)
		return func() error {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(event))
			if err != nil {
				return err
			}
			if err := schema.Validate(v); err != nil {
				return err
			}
			patch, err := json.Marshal(v.(map[string]any)["updatedConsumerUserAttributes"])
			if err != nil {
				return err
			}
			merged, err := jsonpatch.MergePatch(stored, patch)
			if err != nil {
				return err
			}
			var user map[string]any
			if err := json.Unmarshal(merged, &user); err != nil {
				return err
			}
			stored, err = json.Marshal(user)
			return err
		}
	})
}

// BenchmarkFloor: only what no implementation avoids: decoding the event bytes and
// writing the resulting user (computed once, before timing) with the same encoder into a
// reused buffer; no validation, no apply, no store.
func BenchmarkFloor(b *testing.B) { benchFloor(b, appendJSON, false) }

// BenchmarkFloorMarshal is BenchmarkFloor writing the user with json.Marshal.
func BenchmarkFloorMarshal(b *testing.B) { benchFloor(b, marshal, false) }

// benchFloor is the floor writing the user with enc; with keep, it keeps every event it
// decodes.
func benchFloor(b *testing.B, enc encode, keep bool) {
	userDoc, events := load(b)
	u := decodeUser(b, userDoc)
	perEvent(b, events, func(b *testing.B, event []byte) func() error {
		ev, err := userevents.DecodeEvent(event)
		if err != nil {
			b.Fatal(err)
		}
		res, err := userevents.Apply(userevents.Record{Consumer: u, Version: 1}, ev, userevents.Options{}, userevents.Config{})
		if err != nil {
			b.Fatal(err)
		}
		var buf []byte
		var kept []*userevents.ConsumerUserEvent
		return func() error {
			ev, err := userevents.DecodeEvent(event)
			if err != nil {
				return err
			}
			if keep {
				kept = append(kept, ev)
			}
			buf, err = enc(res.User, buf)
			return err
		}
	})
}

// BenchmarkFloorRetain is BenchmarkFloor keeping every decoded event in a slice, as a
// store keeps its history: the control for what keeping costs by itself, a heap that
// grows (new pages to fault in, more to mark), apart from the library's work
// (docs/BENCHMARKS.md, sixth pass).
func BenchmarkFloorRetain(b *testing.B) { benchFloor(b, appendJSON, true) }

// BenchmarkStages times, on the same inputs, each stage of the library's pipeline
// alone: decode (DecodeEvent), validate (ConsumerUserEvent.Validate, Strict), apply
// (the pure Apply against the stored record, validation included) and encode
// (AppendJSON of the resulting user into a reused buffer). The floor is decode +
// encode; what the library adds to it is apply, and the store's share is the
// distance from BenchmarkLibraryApply to BenchmarkLibrary. docs/BENCHMARKS.md keeps
// the budget these give.
func BenchmarkStages(b *testing.B) {
	userDoc, events := load(b)
	u := decodeUser(b, userDoc)
	current := userevents.Record{Consumer: u, Version: 1}
	for _, in := range events {
		ev, err := userevents.DecodeEvent(in.event)
		if err != nil {
			b.Fatal(err)
		}
		res, err := userevents.Apply(current, ev, userevents.Options{}, userevents.Config{})
		if err != nil {
			b.Fatal(err)
		}
		var buf []byte
		stages := []struct {
			name string
			step func() error
		}{
			{"decode", func() error { _, err := userevents.DecodeEvent(in.event); return err }},
			{"validate", func() error { return ev.Validate(userevents.Strict) }},
			{"apply", func() error {
				_, err := userevents.Apply(current, ev, userevents.Options{}, userevents.Config{})
				return err
			}},
			{"encode", func() error { buf, err = res.User.AppendJSON(buf[:0]); return err }},
		}
		for _, s := range stages {
			b.Run(in.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := s.step(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
