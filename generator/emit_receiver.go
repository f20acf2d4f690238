package generator

import "github.com/dave/jennifer/jen"

// receiver writes the typed webhook handler interface and the dispatcher
// that the webhook runtime's Receiver calls.
func (e *emitter) receiver(f *jen.File) {}
