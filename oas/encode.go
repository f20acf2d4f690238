package oas

import (
	"encoding/json"
	"fmt"
	"maps"
)

// Array returns a value whose JSON encoding is the array of items, each
// item encoded as the value that item returns for it. Generated servers and
// clients use it to leave out the writeOnly or readOnly properties of the
// items without copying the slice. A nil slice encodes as null, as
// encoding/json writes it.
func Array[T any](items []T, item func(*T) any) json.Marshaler {
	return arrayEncoder[T]{items: items, item: item}
}

type arrayEncoder[T any] struct {
	items []T
	item  func(*T) any
}

func (a arrayEncoder[T]) MarshalJSON() ([]byte, error) {
	if a.items == nil {
		return []byte("null"), nil
	}
	b := []byte{'['}
	for i := range a.items {
		if i > 0 {
			b = append(b, ',')
		}
		v, err := json.Marshal(a.item(&a.items[i]))
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		b = append(b, v...)
	}
	return append(b, ']'), nil
}

// Map returns a value whose JSON encoding is the object of m's entries in
// key order, as encoding/json writes maps, with each value encoded as the
// value that value returns for it. The function receives a pointer to a
// copy of the map value, so it cannot change m. A nil map encodes as null.
func Map[T any](m map[string]T, value func(*T) any) json.Marshaler {
	return mapEncoder[T]{m: m, value: value}
}

type mapEncoder[T any] struct {
	m     map[string]T
	value func(*T) any
}

func (e mapEncoder[T]) MarshalJSON() ([]byte, error) {
	if e.m == nil {
		return []byte("null"), nil
	}
	b := []byte{'{'}
	for i, k := range SortedKeys(e.m) {
		if i > 0 {
			b = append(b, ',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		x := e.m[k]
		v, err := json.Marshal(e.value(&x))
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		b = append(append(append(b, key...), ':'), v...)
	}
	return append(b, '}'), nil
}

// MarshalFunc is a function that encodes a value as JSON, as a
// json.Marshaler.
type MarshalFunc func() ([]byte, error)

// MarshalJSON returns the result of f.
func (f MarshalFunc) MarshalJSON() ([]byte, error) { return f() }

// Without returns m without the entries whose keys are in keys. It copies
// m only when m has one of them, so it never changes m.
func Without[T any](m map[string]T, keys ...string) map[string]T {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			continue
		}
		out := maps.Clone(m)
		for _, k := range keys {
			delete(out, k)
		}
		return out
	}
	return m
}
