package params_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/whgen/whgen/params"
)

var (
	idParam     = params.Spec{Name: "id", In: params.InPath, Style: params.Matrix}
	tagsParam   = params.Spec{Name: "tags", In: params.InQuery, Explode: true}
	filterParam = params.Spec{Name: "filter", In: params.InQuery, Style: params.DeepObject, Explode: true}
)

// Example builds a request the way a generated client does and reads it
// back the way a generated server does.
func Example() {
	segment, _ := idParam.AppendPrimitive(nil, strconv.FormatInt(42, 10))
	query, _ := tagsParam.AppendArray(nil, []string{"red", "a&b"})
	query, _ = filterParam.AppendObject(query, []params.Property{{Name: "status", Value: "open"}})
	target := "/items/" + string(segment) + "?" + string(query)
	fmt.Println(target)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		text, _, _ := idParam.Primitive(r)
		id, _ := idParam.ParseInt64(text)
		tags, _, _ := tagsParam.Array(r)
		filter, _, _ := filterParam.Object(r)
		fmt.Println(id, tags, filter)
	})
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	// Output:
	// /items/;id=42?tags=red&tags=a%26b&filter%5Bstatus%5D=open
	// 42 [red a&b] [{status open}]
}

// ExampleSpec_ParseInt32 shows the error a server reports for a bad value.
func ExampleSpec_ParseInt32() {
	limit := params.Spec{Name: "limit", In: params.InQuery}
	_, err := limit.ParseInt32("ten")
	fmt.Println(err)
	// Output:
	// query parameter "limit": invalid integer "ten"
}
