package generator

import "github.com/dave/jennifer/jen"

// client writes the typed HTTP client.
func (e *emitter) client(f *jen.File) {}
