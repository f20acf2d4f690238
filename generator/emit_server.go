package generator

import "github.com/dave/jennifer/jen"

// server writes the typed server interface and its http.Handler.
func (e *emitter) server(f *jen.File) {}
