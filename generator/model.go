package generator

import "github.com/getkin/kin-openapi/openapi3"

// Model is everything the emitters need, decided once: Go names, types,
// validation sources, operations, webhooks and security schemes. Emitters
// only read it, so the server, client, receiver and sender emitters cannot
// disagree about a name or a type.
type Model struct {
	SpecFile        string // base name of the spec, for headers
	Package         string
	Title           string
	Version         string
	Decls           []*Decl // named types, in a stable order
	Operations      []*Operation
	Webhooks        []*Operation
	SecuritySchemes []*SecurityScheme
	Patterns        []*Pattern
	Receiver        *ReceiverModel
	SpecJSON        []byte      // the document as JSON, embedded by servers
	Diagnostics     Diagnostics // warnings and notes found while building
}

// RefKind tells how a TypeRef is spelled in Go.
type RefKind int

const (
	// RefBuiltin is a predeclared or library type such as string,
	// time.Time or oas.Date.
	RefBuiltin RefKind = iota
	// RefNamed is a type declared in the generated package.
	RefNamed
	// RefSlice is []Elem.
	RefSlice
	// RefMap is map[string]Elem.
	RefMap
	// RefAny is any: a schema that accepts every JSON value.
	RefAny
)

// TypeRef is the Go type of one use of a schema, with the schema whose
// constraints apply at that use.
type TypeRef struct {
	Kind    RefKind
	Builtin string // for RefBuiltin
	Decl    *Decl  // for RefNamed
	Elem    *TypeRef
	// ElemNullable makes slice items and map values *Elem, nil for null.
	ElemNullable bool
	// Schema carries the constraints checked at this use; nil means none
	// beyond those of Decl.
	Schema *openapi3.Schema
}

// DeclKind tells which Go declaration a Decl becomes.
type DeclKind int

const (
	// DeclStruct is a struct for an object schema with properties.
	DeclStruct DeclKind = iota
	// DeclEnum is a defined scalar type with one constant per enum value.
	DeclEnum
	// DeclDefined is a defined type over a builtin, slice or map type.
	DeclDefined
	// DeclAlias is `type A = B` for a schema that only refers to another.
	DeclAlias
	// DeclUnion is a struct holding one of several variants (oneOf,
	// anyOf, or a list of types).
	DeclUnion
)

// Decl is a named type of the generated package.
type Decl struct {
	Name    string
	Kind    DeclKind
	Doc     string
	Pointer string // JSON pointer of the schema it comes from
	Schema  *openapi3.Schema
	// Nullable is set when the schema also accepts null. A union holds null
	// itself, as no variant set. Other types hold only values that are not
	// null, so the fields, items and map values of such a type are pointers
	// or oas.Nullable, or nil for a slice, map or any.
	Nullable bool

	// DeclStruct
	Fields []*Field
	// Additional types the values of properties not listed, when the schema
	// gives additionalProperties as a schema or true.
	Additional *TypeRef
	// AdditionalNullable makes those values *Additional, nil for null.
	AdditionalNullable bool
	// Closed is set when additionalProperties is false.
	Closed bool

	// DeclEnum
	Base   *TypeRef
	Values []*EnumValue

	// DeclDefined and DeclAlias
	Underlying *TypeRef

	// DeclUnion
	Variants      []*Variant
	Discriminator string // property name; empty when variants are told apart by trying
	OneOf         bool   // exactly one variant may match (oneOf); false for anyOf
	TypeList      bool   // the variants come from a list of types, such as [string, array]

	// byValue lists the decls that this one contains by value, for cycle
	// breaking.
	valueRefs []*Field
}

// Field is one property of a struct.
type Field struct {
	Name      string // Go name
	JSONName  string
	Type      *TypeRef
	Required  bool
	Nullable  bool
	ReadOnly  bool
	WriteOnly bool
	Doc       string
	Default   any
	// ByPointer forces a required, non-null field of a named struct type to
	// be a pointer because the type contains itself by value.
	ByPointer bool
}

// EnumValue is one constant of an enum type.
type EnumValue struct {
	Name  string
	Value any
}

// Variant is one alternative of a union.
type Variant struct {
	Name     string // Go field name
	Type     *TypeRef
	JSONKind string // "object", "array", "string", "number", "integer", "boolean"
	Tags     []string
}

// Pattern is a regular expression used by validation, compiled once per
// package.
type Pattern struct {
	Var    string
	Source string
}

// Operation is an operation of `paths` or a webhook.
type Operation struct {
	ID          string // operationId, or a name derived from method and path
	GoName      string
	Method      string // upper case
	Path        string // for paths, without any query string
	Webhook     bool
	Name        string // webhook name
	QueryConst  [][2]string
	Tags        []string
	Summary     string
	Description string
	Deprecated  bool
	// Security is the effective requirement list: nil when no
	// authentication applies, else alternatives of scheme → scopes.
	Security []Requirement
	Params   []*Param
	Body     *Body
	// Responses in the spec's order of status codes: numbers, ranges, then
	// default.
	Responses []*Response
	Pointer   string
}

// Requirement is one alternative of a security requirement list.
type Requirement []SchemeScopes

// SchemeScopes names a security scheme and the scopes it needs.
type SchemeScopes struct {
	Scheme string
	Scopes []string
}

// Param is a parameter or a response header.
type Param struct {
	Name          string
	In            string // path, query, header, cookie
	GoName        string
	Required      bool
	Type          *TypeRef
	Style         string
	Explode       bool
	AllowReserved bool
	JSONContent   bool // given as `content: application/json`
	Doc           string
	Deprecated    bool
}

// Body is a request body.
type Body struct {
	Required bool
	Contents []*Content
	Doc      string
}

// Content is the payload of one media type.
type Content struct {
	MediaType string
	Kind      string // json, form, multipart, text, binary
	Field     string // Go field name in the request or response struct
	Type      *TypeRef
}

// Response is one declared response of an operation.
type Response struct {
	Status   string // "200", "2XX" or "default"
	GoName   string
	Doc      string
	Headers  []*Param
	Contents []*Content
}

// SecurityScheme is a scheme from components.securitySchemes.
type SecurityScheme struct {
	Name             string
	GoName           string
	Type             string // apiKey, http, oauth2, openIdConnect, mutualTLS
	In               string // apiKey: header, query or cookie
	ParamName        string // apiKey: the header, query or cookie name
	Scheme           string // http: bearer, basic, ...
	BearerFormat     string
	OpenIDConnectURL string
	Scopes           []string
	Doc              string
}
