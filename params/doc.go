// Package params serialises and parses OpenAPI 3 parameters in path,
// query, header and cookie, in every style that OpenAPI 3.1 defines.
// Servers and clients that whgen generates call it with values that are
// already typed, so the generated code stays short. The package uses only
// the standard library.
//
// # Usage
//
// Generated code keeps one Spec per parameter and calls its methods:
//
//	var idsParam = params.Spec{Name: "ids", In: params.InQuery, Explode: true}
//
//	// Server: read and convert.
//	items, present, err := idsParam.Array(r)
//	if err != nil {
//		return err
//	}
//	if !present {
//		return idsParam.Missing() // only when the parameter is required
//	}
//	ids, err := params.ParseItems(items, idsParam.ParseInt64)
//
//	// Client: serialise into a query string.
//	texts := params.FormatItems(ids, func(n int64) string { return strconv.FormatInt(n, 10) })
//	query, err := idsParam.AppendArray(nil, texts)
//
// Spec.Primitive, Spec.Array and Spec.Object return text before type
// conversion: a string, a []string, or a []Property in request order. Their
// present result distinguishes an absent parameter from an empty one. Spec.ParseInt32,
// ParseInt64, ParseFloat32, ParseFloat64, ParseBool, ParseDateTime and
// ParseDate convert that text. AppendPrimitive, AppendArray and
// AppendObject build the wire form for a client, and DecodeJSON and
// AppendJSON handle parameters described with "content: application/json".
// Every error is an *Error that names the parameter and its location, so a
// server can respond with 400 and its message.
//
// # Wire forms
//
// The table shows each style for a parameter named color with the string
// "blue", the array ["blue","black","brown"] and the object
// {"R":100,"G":200,"B":150}, as in the OpenAPI 3.1.1 style examples.
// Path and query forms are shown percent-encoded, as they travel.
//
//	style           explode  string       array                               object
//	simple          false    blue         blue,black,brown                    R,100,G,200,B,150
//	simple          true     blue         blue,black,brown                    R=100,G=200,B=150
//	label           false    .blue        .blue,black,brown                   .R,100,G,200,B,150
//	label           true     .blue        .blue.black.brown                   .R=100.G=200.B=150
//	matrix          false    ;color=blue  ;color=blue,black,brown             ;color=R,100,G,200,B,150
//	matrix          true     ;color=blue  ;color=blue;color=black;color=brown ;R=100;G=200;B=150
//	form            false    color=blue   color=blue,black,brown              color=R,100,G,200,B,150
//	form            true     color=blue   color=blue&color=black&color=brown  R=100&G=200&B=150
//	spaceDelimited  false    -            color=blue%20black%20brown          color=R%20100%20G%20200%20B%20150
//	pipeDelimited   false    -            color=blue%7Cblack%7Cbrown          color=R%7C100%7CG%7C200%7CB%7C150
//	deepObject      true     -            -                                   color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150
//
// Simple, label and matrix serve path parameters, and simple also serves
// headers. Form serves query and cookie parameters. In a Cookie header the
// exploded forms are separate cookies, "color=blue; color=black", and the
// exploded object is "R=100; G=200; B=150".
//
// OpenAPI 3.0 and 3.1.0 showed non-exploded label values with dots,
// ".blue.black.brown" and ".R.100.G.200.B.150". Version 3.1.1 corrected
// them to the comma form of RFC 6570, which is what this package writes
// and reads. The dotted form is ambiguous: RFC 6570 leaves "." bare
// inside an item, so ".a.b" is the string array ["a.b"] and ".1.5" the
// number array [1.5] in the corrected form. The parser therefore splits a
// non-exploded label value only at commas. Where the dotted form cannot
// be a valid value, as ".1.2" for an integer array, the item "1.2" fails
// to convert and the server responds with 400. A string or number array
// sent in the dotted form arrives as one item. The older tables also
// showed bare "|", "[" and "]" in queries, which the parser still reads.
//
// # Percent-encoding
//
// Path, query and cookie values are percent-encoded as RFC 6570 simple
// expansion does: every byte outside the RFC 3986 unreserved set (letters,
// digits, "-", ".", "_", "~") becomes %XX, with UTF-8 for non-ASCII text.
// Separators are written bare, so an item "a,b" travels as "a%2Cb".
// Label values also encode ".", which RFC 6570 leaves bare, so that a dot
// inside an item is not read as the exploded-label separator. Space and
// pipe separators are written as %20 and %7C, because RFC 3986 allows
// neither bare in a URL.
//
// A query parameter with AllowReserved keeps the RFC 3986 reserved
// characters and existing %XX triples of its values, following RFC 6570
// reserved expansion. It still encodes "#", "[" and "]", which a query
// cannot hold, "&", "=" and "+", which form encoding gives a meaning, and
// ";", which some servers take for "&". A value that contains "%41"
// therefore arrives as "A".
//
// Header values are neither encoded nor decoded, because HTTP field values
// take any visible ASCII character and most clients send them as they are.
// A value with a control character other than tab is rejected when it is
// serialised. Spaces and tabs around a header value or a header list item
// are dropped when reading, as HTTP does not count them as content.
//
// A simple-style path segment that would be exactly "." or ".." is written
// as "%2E" or "%2E%2E", because routers remove dot-segments from a path.
//
// Cookie values are percent-encoded like query values, and the comma
// between the items of a non-exploded cookie value is written bare. RFC
// 6265 does not list the comma among cookie-octets, so a strict cookie
// parser elsewhere may reject such a value. This package's parser accepts
// it.
//
// When reading, query strings are decoded as form data, where "+" is a
// space. Path segments and cookies are decoded with "+" kept as a plus
// sign. The serialisers always write "+" as %2B.
//
// # Splitting and decoding
//
// A parser meets two kinds of client: those that follow RFC 6570 and write
// "a%2Cb,c" for ["a,b","c"], and those that encode the whole joined list
// and write "a%2Cb%2Cc" for ["a","b","c"]. To serve both, a delimited
// value that contains a bare separator is split before it is decoded,
// which keeps "a%2Cb" as one item. A value without any bare separator is
// decoded first and then split. The same rule applies to the "=" between
// a property name and its value, except in matrix style, where a part
// without a bare "=" is a property name with an empty value.
//
// Path values come from r.PathValue, which ServeMux has already
// percent-decoded, so on its own it cannot tell "a%2Cb" from "a,b". When
// r.Pattern holds the ServeMux pattern, the parser finds the matching
// segment in r.URL.EscapedPath and checks that it decodes to r.PathValue,
// and then splits the escaped segment by the rule above. With other
// routers, or when the check fails, it splits the decoded value, and a
// separator inside an item is lost. Values are never decoded twice, so a
// segment "%2541" yields "%41".
//
// # Ambiguous values
//
// Some values have no unambiguous wire form in OpenAPI, and the parsers
// read them as follows. Tests in this package hold each of these cases.
//
//   - A separator inside the only item of an array, or inside the only
//     property of an exploded object: the wire text has no bare separator,
//     so it is decoded and split. ["a,b"] comes back as ["a","b"], and an
//     exploded object usually becomes invalid.
//   - A comma inside the items or properties of a non-exploded query
//     parameter with AllowReserved, because reserved expansion leaves the
//     comma bare.
//   - Space and pipe inside spaceDelimited and pipeDelimited items: OpenAPI
//     requires the separators to be percent-encoded, so they cannot differ
//     from the same characters inside items. The value is decoded and then
//     split at every space or pipe.
//   - A comma inside header items, and "=" inside the property names of an
//     exploded header object, because headers are not encoded. Spaces and
//     tabs around header items are dropped.
//   - An array with one empty item, [""], has the same non-exploded form
//     as the empty array, and parses as the empty array. The same holds
//     for exploded label and header arrays.
//   - An empty exploded array or object in a query or cookie has no wire
//     form, so it is absent when read. An empty string, array or object in
//     simple style is an empty path segment, which ServeMux does not
//     match. The label form of an empty value, and of an exploded array of
//     one or two empty items, is the segment "." or "..", which ServeMux
//     removes while cleaning the path. None of these reaches a handler, so
//     the Append methods return an error wrapping ErrEmptySegment for
//     them. The check treats the value as a whole path segment, as the
//     rest of the package does, so it also rejects an empty label value
//     inside a segment with literal text, such as "v{version}". An empty
//     matrix value is written ";color", and an empty exploded matrix array
//     or object ";", which RFC 6570 would leave empty, so that it can be
//     routed.
//   - An exploded Form object in a query or cookie shares the top-level
//     names with the other parameters. Spec.Properties or Spec.Exclude
//     decides which names belong to it.
//   - DeepObject property names that contain "[" or "]", and nested keys
//     such as "color[a][b]", are rejected.
//
// # Explode mismatches
//
// A value sent with the wrong explode setting is rejected where its form
// shows the mistake and no value of the right form looks the same:
//
//   - A non-exploded simple, label or matrix object whose escaped text has
//     a property name with a bare "=", as "R=100,G=200". Values may hold a
//     bare "=", because url.PathEscape leaves it bare.
//   - A non-exploded matrix array or object whose escaped value has a bare
//     ";", as ";color=a;color=b".
//   - A query key that is exactly the name of a DeepObject, as
//     "color=blue", which must be sent as "color[property]=value".
//   - A query key that is exactly the name of an exploded Form object
//     whose Properties do not list that name, as "color=R,100".
//
// Simple arrays have the same form either way. An exploded label or
// matrix array sent in the non-exploded form arrives as one item with
// its commas, as ["a,b"], because clients that leave "," bare inside an
// item cannot be distinguished. Path values that another router passes
// already decoded are not checked, and neither are header values.
//
// # Repetition and presence
//
// A query parameter that is not exploded must appear once. When it
// appears twice, the parser returns an error rather than pick one. For a
// cookie the first one wins, because browsers may send several cookies of
// the same name for different paths, the most specific first. A header
// that holds a primitive must have one field line. Array and object headers
// may have several, which are joined with commas as RFC 9110 allows.
//
// A path parameter is present when its wildcard matched a non-empty
// segment. A query or cookie parameter is present when its name appears,
// even with an empty value. An exploded array is present when at least
// one item appears, and an exploded Form object or a DeepObject when at
// least one of its properties does.
//
// # Undefined combinations
//
// OpenAPI leaves some combinations undefined. This package reads and
// writes spaceDelimited and pipeDelimited with explode true as exploded
// Form, and DeepObject with explode false as DeepObject. It treats a
// primitive in spaceDelimited or pipeDelimited as Form. Primitives and
// arrays in DeepObject, and styles outside their locations, return an
// error that wraps ErrUnsupported.
package params
