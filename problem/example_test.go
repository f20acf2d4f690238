package problem_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/whgen/whgen/problem"
)

var errNoRows = errors.New("no rows")

func findPet(id int) error {
	return problem.Wrap(errNoRows, http.StatusNotFound, fmt.Sprintf("pet %d does not exist", id))
}

func ExampleWriteError() {
	rec := httptest.NewRecorder()
	err := findPet(42)
	_ = problem.WriteError(rec, err)

	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	fmt.Println(errors.Is(err, errNoRows))
	// Output:
	// 404 application/problem+json
	// {"title":"Not Found","status":404,"detail":"pet 42 does not exist"}
	// true
}

func ExampleInvalid() {
	rec := httptest.NewRecorder()
	err := problem.Invalid(
		problem.FieldError{Pointer: problem.Pointer("items", "0", "price"), Detail: "must be at least 0"},
		problem.FieldError{Parameter: "limit", In: "query", Detail: "must be at most 100"},
	)
	_ = problem.WriteError(rec, err)

	fmt.Print(rec.Body.String())
	// Output:
	// {"title":"Bad Request","status":400,"detail":"the request contains 2 invalid values","errors":[{"pointer":"/items/0/price","detail":"must be at least 0"},{"parameter":"limit","in":"query","detail":"must be at most 100"}]}
}
