package userevents

// Optional is one field of a partial update (ConsumerUserAttributes and the *Update types
// it is built from). It is in one of three states, as the field was in the JSON:
//
//   - absent (the zero Optional): the stored value is kept;
//   - null: the stored value is removed;
//   - a value: the stored value is replaced, or, for an *Update object, merged.
type Optional[T any] struct {
	v     T
	state optionalState
}

type optionalState uint8

const (
	optionalAbsent optionalState = iota
	optionalNull
	optionalSet
)

// Set returns an Optional that holds v. A nil pointer or list is not a value: an update
// that sets one is refused (invalid_type); Null removes a value.
func Set[T any](v T) Optional[T] { return Optional[T]{v: v, state: optionalSet} }

// Null returns an Optional that is an explicit null: it removes the stored value.
func Null[T any]() Optional[T] { return Optional[T]{state: optionalNull} }

// Get returns the value and true when o holds one, and the zero T and false when o is
// absent or null.
func (o Optional[T]) Get() (T, bool) { return o.v, o.state == optionalSet }

// IsSet reports whether o holds a value.
func (o Optional[T]) IsSet() bool { return o.state == optionalSet }

// IsNull reports whether o is an explicit null.
func (o Optional[T]) IsNull() bool { return o.state == optionalNull }

// IsAbsent reports whether o is absent: neither a value nor null.
func (o Optional[T]) IsAbsent() bool { return o.state == optionalAbsent }

// parts returns the state and the value of o (see appendSafeStruct).
func (o Optional[T]) parts() (optionalState, any) { return o.state, o.v }

// Ptr returns a pointer to a copy of v, for filling the optional fields of the model:
// u.Occupation = userevents.Ptr("engineer").
func Ptr[T any](v T) *T { return &v }
