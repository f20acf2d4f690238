// Package rest holds the runtime that whgen's generated servers and clients
// call for the parts of HTTP handling that do not depend on the spec:
// reading and checking request bodies, turning parameter and validation
// failures into RFC 9457 problems, writing responses, and sending every
// error through one replaceable hook.
//
// Generated code calls these functions; people rarely need to. Errors that
// reach the client are *problem.Error values: 400 for bad parameters or
// malformed bodies, 413 for bodies over the limit, 415 for a content type
// the operation does not accept, 422 for bodies that break the schema, and
// 500, with no detail, for anything else.
package rest
