// Package templates holds the text/template files that whgen renders for
// the parts of its output that are mostly fixed text with names filled
// in, such as the table of operations. Code whose shape follows a schema
// (structs, unions, validation) is built with jennifer in package
// generator instead, because its structure is computed rather than
// written out.
//
// Templates are embedded and parsed once. Every name and type they print
// is computed in Go first, so a template only ranges, branches and prints,
// with one control action per line.
package templates

import (
	"embed"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// All holds every template, parsed once; look one up by file name.
var All = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "*.tmpl"))
