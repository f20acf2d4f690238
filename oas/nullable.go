package oas

import (
	"bytes"
	"encoding/json"
)

// Nullable is an optional value that may also be JSON null, so that it can
// tell the three states of an optional, nullable property apart: absent,
// present as null, and present with a value. Its zero value is absent.
//
// Generated structs tag Nullable fields with `omitzero`, so an absent value
// is left out when encoding and null is written as null.
type Nullable[T any] struct {
	value T
	set   bool
	null  bool
}

// NewNullable returns a Nullable that holds v.
func NewNullable[T any](v T) Nullable[T] {
	return Nullable[T]{value: v, set: true}
}

// Null returns a Nullable that is present and null.
func Null[T any]() Nullable[T] {
	return Nullable[T]{set: true, null: true}
}

// Get returns the value and true when n holds a value, and the zero value
// and false when n is absent or null.
func (n Nullable[T]) Get() (T, bool) {
	if !n.set || n.null {
		var zero T
		return zero, false
	}
	return n.value, true
}

// Set stores v in n.
func (n *Nullable[T]) Set(v T) {
	*n = Nullable[T]{value: v, set: true}
}

// SetNull makes n present and null.
func (n *Nullable[T]) SetNull() {
	*n = Nullable[T]{set: true, null: true}
}

// Unset makes n absent.
func (n *Nullable[T]) Unset() {
	*n = Nullable[T]{}
}

// IsSet reports whether n is present, null or not.
func (n Nullable[T]) IsSet() bool { return n.set }

// IsNull reports whether n is present and null.
func (n Nullable[T]) IsNull() bool { return n.set && n.null }

// IsZero reports whether n is absent; encoding/json calls it for `omitzero`.
func (n Nullable[T]) IsZero() bool { return !n.set }

// MarshalJSON encodes null or the value. An absent Nullable also encodes as
// null; the `omitzero` tag keeps it out of objects.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.set || n.null {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON decodes null or a value; either way n becomes present.
func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		n.SetNull()
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	n.Set(v)
	return nil
}
