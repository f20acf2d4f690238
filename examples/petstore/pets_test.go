package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/oas"
)

const rexJSON = `{"name": "Rex", "species": "dog", "tags": ["good-boy"], "weightKg": 31.5,
	"birthDate": "2020-02-29", "labels": {"shelter": "north"}, "microchip": "123456789012345"}`

func TestPetLifecycle(t *testing.T) {
	ts := startServer(t, testConfig(t))

	resp := ts.do(request{method: "POST", path: "/pets", body: rexJSON, header: bearer(testBearer)})
	if resp.status != http.StatusCreated {
		t.Fatalf("create: got status %d, want 201; body %s", resp.status, resp.body)
	}
	var created api.Pet
	decodeJSON(t, resp.body, &created)
	if !oas.CheckFormat("uuid", created.ID) {
		t.Errorf("create: got id %q, want a UUID", created.ID)
	}
	if got, want := resp.header.Get("Location"), "/pets/"+created.ID; got != want {
		t.Errorf("create: got Location %q, want %q", got, want)
	}
	if got := resp.header.Get("ETag"); got != `"v1"` {
		t.Errorf(`create: got ETag %q, want "v1"`, got)
	}
	if created.Name != "Rex" || created.Species != api.SpeciesDog || created.Status != api.PetStatusAvailable {
		t.Errorf("create: got name %q species %q status %q, want Rex dog available", created.Name, created.Species, created.Status)
	}
	if created.CreatedAt.IsZero() {
		t.Error("create: got no createdAt, want the creation time")
	}
	if d, _ := created.BirthDate.Get(); d.String() != "2020-02-29" {
		t.Errorf("create: got birthDate %v, want 2020-02-29", d)
	}

	resp = ts.do(request{method: "GET", path: "/pets/" + created.ID})
	if resp.status != http.StatusOK {
		t.Fatalf("get: got status %d, want 200; body %s", resp.status, resp.body)
	}
	var got api.Pet
	decodeJSON(t, resp.body, &got)
	if a, b := mustJSON(t, got), mustJSON(t, created); a != b {
		t.Errorf("get: got %s, want the created pet %s", a, b)
	}
	if etag := resp.header.Get("ETag"); etag != `"v1"` {
		t.Errorf(`get: got ETag %q, want "v1"`, etag)
	}

	resp = ts.do(request{method: "GET", path: "/pets", header: apiKey(testAPIKey)})
	var listed []api.Pet
	decodeJSON(t, resp.body, &listed)
	if len(listed) != 1 || listed[0].ID != created.ID {
		t.Errorf("list: got %s, want the one created pet", resp.body)
	}

	resp = ts.do(request{method: "PATCH", path: "/pets/" + created.ID, body: `{"name": "Rexy"}`,
		header: with(apiKey(testAPIKey), "If-Match", `"v1"`)})
	if resp.status != http.StatusOK {
		t.Fatalf("update: got status %d, want 200; body %s", resp.status, resp.body)
	}
	decodeJSON(t, resp.body, &got)
	if got.Name != "Rexy" || got.Species != api.SpeciesDog {
		t.Errorf("update: got name %q species %q, want Rexy dog", got.Name, got.Species)
	}
	if etag := resp.header.Get("ETag"); etag != `"v2"` {
		t.Errorf(`update: got ETag %q, want "v2"`, etag)
	}

	resp = ts.do(request{method: "PATCH", path: "/pets/" + created.ID, body: `{"name": "Max"}`,
		header: with(apiKey(testAPIKey), "If-Match", `"v1"`)})
	checkProblem(t, resp, http.StatusPreconditionFailed)

	resp = ts.do(request{method: "DELETE", path: "/pets/" + created.ID, header: apiKey(testAPIKey)})
	if resp.status != http.StatusNoContent || len(resp.body) != 0 {
		t.Errorf("delete: got status %d body %q, want 204 and no body", resp.status, resp.body)
	}
	resp = ts.do(request{method: "GET", path: "/pets/" + created.ID})
	if p := checkProblem(t, resp, http.StatusNotFound); !strings.Contains(p.Detail, created.ID) {
		t.Errorf("get after delete: got detail %q, want it to name the pet", p.Detail)
	}
	resp = ts.do(request{method: "DELETE", path: "/pets/" + created.ID, header: apiKey(testAPIKey)})
	checkProblem(t, resp, http.StatusNotFound)
}

func TestCreatePetRejects(t *testing.T) {
	cfg := testConfig(t)
	ts := startServer(t, cfg)
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		// pointer, when set, must be the pointer of one of the problem's errors.
		pointer string
		// errors, when set, is the whole list of errors as "pointer: detail".
		errors []string
	}{
		{name: "malformed JSON", body: `{"name": `, status: 400},
		{name: "empty body", body: "", status: 400},
		{name: "JSON null", body: "null", status: 422, errors: []string{": must not be null"}},
		{name: "array", body: "[]", status: 422, errors: []string{": must be an object, not array"}},
		{name: "empty object", body: "{}", status: 422, errors: []string{"/name: is required", "/species: is required"}},
		{name: "null name", body: `{"name": null, "species": "dog"}`, status: 422, errors: []string{"/name: must not be null"}},
		{name: "absent species", body: `{"name": ""}`, status: 422, errors: []string{"/species: is required", "/name: must be at least 1 character long"}},
		{name: "text content type", body: `{"name": "Rex", "species": "dog"}`, contentType: "text/plain", status: 415},
		{name: "form content type", body: "name=Rex", contentType: "application/x-www-form-urlencoded", status: 415},
		{name: "body too large", body: `{"name": "` + strings.Repeat("x", int(cfg.MaxBodyBytes)) + `"}`, status: 413},
		{name: "missing name", body: `{"species": "dog"}`, status: 422, pointer: "/name"},
		{name: "empty name", body: `{"name": "", "species": "dog"}`, status: 422, pointer: "/name"},
		{name: "long name", body: `{"name": "` + strings.Repeat("n", 81) + `", "species": "dog"}`, status: 422, pointer: "/name"},
		{name: "name not a string", body: `{"name": 7, "species": "dog"}`, status: 422, pointer: "/name"},
		{name: "unknown species", body: `{"name": "Rex", "species": "dragon"}`, status: 422, pointer: "/species"},
		{name: "unknown property", body: `{"name": "Rex", "species": "dog", "colour": "red"}`, status: 422},
		{name: "zero weight", body: `{"name": "Rex", "species": "dog", "weightKg": 0}`, status: 422, pointer: "/weightKg"},
		{name: "heavy weight", body: `{"name": "Rex", "species": "dog", "weightKg": 500.5}`, status: 422, pointer: "/weightKg"},
		{name: "repeated tags", body: `{"name": "Rex", "species": "dog", "tags": ["a", "a"]}`, status: 422, pointer: "/tags"},
		{name: "tag pattern", body: `{"name": "Rex", "species": "dog", "tags": ["Good Boy"]}`, status: 422, pointer: "/tags/0"},
		{name: "eleven tags", body: `{"name": "Rex", "species": "dog", "tags": ["a","b","c","d","e","f","g","h","i","j","k"]}`, status: 422, pointer: "/tags"},
		{name: "short microchip", body: `{"name": "Rex", "species": "dog", "microchip": "123"}`, status: 422, pointer: "/microchip"},
		{name: "label not a string", body: `{"name": "Rex", "species": "dog", "labels": {"a": 1}}`, status: 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request{method: "POST", path: "/pets", body: tt.body, header: bearer(testBearer)}
			if tt.contentType != "" {
				req.header = with(req.header, "Content-Type", tt.contentType)
			}
			p := checkProblem(t, ts.do(req), tt.status)
			if tt.pointer != "" && !hasPointer(p, tt.pointer) {
				t.Errorf("got errors %+v, want one at %s", p.Errors, tt.pointer)
			}
			if tt.errors != nil {
				var got []string
				for _, e := range p.Errors {
					got = append(got, e.Pointer+": "+e.Detail)
				}
				if strings.Join(got, "\n") != strings.Join(tt.errors, "\n") {
					t.Errorf("got errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.errors, "\n"))
				}
			}
		})
	}

	resp := ts.do(request{method: "GET", path: "/pets", header: apiKey(testAPIKey)})
	if string(resp.body) != "[]" {
		t.Errorf("after rejected creates: got pets %s, want []", resp.body)
	}
}

func hasPointer(p problemBody, pointer string) bool {
	for _, e := range p.Errors {
		if e.Pointer == pointer {
			return true
		}
	}
	return false
}

func hasParameter(p problemBody, name, in string) bool {
	for _, e := range p.Errors {
		if e.Parameter == name && e.In == in {
			return true
		}
	}
	return false
}

func TestGetPetRejects(t *testing.T) {
	ts := startServer(t, testConfig(t))
	resp := ts.do(request{method: "GET", path: "/pets/not-a-uuid"})
	if p := checkProblem(t, resp, http.StatusBadRequest); !hasParameter(p, "petId", "path") {
		t.Errorf("got errors %+v, want one for path parameter petId", p.Errors)
	}
	resp = ts.do(request{method: "GET", path: "/pets/00000000-0000-4000-8000-000000000000"})
	checkProblem(t, resp, http.StatusNotFound)
}

func TestListPetsPages(t *testing.T) {
	ts := startServer(t, testConfig(t))
	var want []string
	for i := range 5 {
		p, _ := ts.createPet(fmt.Sprintf(`{"name": "pet %d", "species": "cat"}`, i))
		want = append(want, p.ID)
	}
	slices.Reverse(want)

	var got []string
	cursor := ""
	for page := 0; ; page++ {
		path := "/pets?limit=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		resp := ts.do(request{method: "GET", path: path, header: apiKey(testAPIKey)})
		if resp.status != http.StatusOK {
			t.Fatalf("page %d: got status %d, want 200; body %s", page, resp.status, resp.body)
		}
		var pets []api.Pet
		decodeJSON(t, resp.body, &pets)
		for _, p := range pets {
			got = append(got, p.ID)
		}
		cursor = resp.header.Get("X-Next-Cursor")
		if page < 2 && (len(pets) != 2 || cursor == "") {
			t.Fatalf("page %d: got %d pets and cursor %q, want 2 pets and a cursor", page, len(pets), cursor)
		}
		if page == 2 {
			if len(pets) != 1 || cursor != "" {
				t.Errorf("last page: got %d pets and cursor %q, want 1 pet and no X-Next-Cursor", len(pets), cursor)
			}
			break
		}
	}
	// Pets created in the same millisecond tie on createdAt and are then
	// ordered by ID, so compare as sets unless the times all differ.
	if !sameElements(got, want) {
		t.Errorf("got pets %v over all pages, want each of %v once", got, want)
	}
}

func sameElements(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestListPetsFilters(t *testing.T) {
	ts := startServer(t, testConfig(t))
	a, _ := ts.createPet(`{"name": "A", "species": "dog", "tags": ["small"]}`)
	ab, _ := ts.createPet(`{"name": "AB", "species": "dog", "tags": ["small", "calm"]}`)
	b, _ := ts.createPet(`{"name": "B", "species": "dog", "tags": ["calm"]}`)
	pending, etag := ts.createPet(`{"name": "P", "species": "dog", "tags": ["small", "calm"]}`)
	resp := ts.do(request{method: "PATCH", path: "/pets/" + pending.ID, body: `{"status": "pending"}`,
		header: with(apiKey(testAPIKey), "If-Match", etag)})
	if resp.status != http.StatusOK {
		t.Fatalf("set status pending: got status %d, want 200; body %s", resp.status, resp.body)
	}

	tests := []struct {
		query string
		want  []string
	}{
		{query: "", want: []string{a.ID, ab.ID, b.ID}},
		{query: "?status=available", want: []string{a.ID, ab.ID, b.ID}},
		{query: "?status=pending", want: []string{pending.ID}},
		{query: "?status=adopted", want: nil},
		{query: "?tag=small", want: []string{a.ID, ab.ID}},
		{query: "?tag=small&tag=calm", want: []string{ab.ID}},
		{query: "?tag=calm&tag=calm", want: []string{ab.ID, b.ID}},
		{query: "?tag=calm&status=pending", want: []string{pending.ID}},
		{query: "?tag=none", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := ts.do(request{method: "GET", path: "/pets" + tt.query, header: apiKey(testAPIKey)})
			if resp.status != http.StatusOK {
				t.Fatalf("got status %d, want 200; body %s", resp.status, resp.body)
			}
			var pets []api.Pet
			decodeJSON(t, resp.body, &pets)
			var got []string
			for _, p := range pets {
				got = append(got, p.ID)
			}
			if !sameElements(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListPetsRejects(t *testing.T) {
	ts := startServer(t, testConfig(t))
	tests := []struct {
		name   string
		query  string
		header map[string]string
		param  string
		in     string
	}{
		{name: "limit zero", query: "?limit=0", param: "limit", in: "query"},
		{name: "limit too large", query: "?limit=101", param: "limit", in: "query"},
		{name: "limit not a number", query: "?limit=ten", param: "limit", in: "query"},
		{name: "unknown status", query: "?status=lost", param: "status", in: "query"},
		{name: "empty tag", query: "?tag=", param: "tag", in: "query"},
		{name: "eleven tags", query: "?tag=a" + strings.Repeat("&tag=a", 10), param: "tag", in: "query"},
		{name: "foreign cursor", query: "?cursor=bm90LWEtY3Vyc29y", param: "cursor", in: "query"},
		{name: "cursor not base64", query: "?cursor=%21%21", param: "cursor", in: "query"},
		{name: "request ID not a UUID", header: map[string]string{"X-Request-ID": "42"}, param: "X-Request-ID", in: "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(request{method: "GET", path: "/pets" + tt.query, header: with(apiKey(testAPIKey), flatten(tt.header)...)})
			p := checkProblem(t, resp, http.StatusBadRequest)
			if !hasParameter(p, tt.param, tt.in) {
				t.Errorf("got errors %+v, want one for %s parameter %s", p.Errors, tt.in, tt.param)
			}
		})
	}
}

func flatten(h map[string]string) []string {
	var pairs []string
	for k, v := range h {
		pairs = append(pairs, k, v)
	}
	return pairs
}

func TestUpdatePetConditions(t *testing.T) {
	ts := startServer(t, testConfig(t))
	tests := []struct {
		name    string
		ifMatch string // "-" sends no If-Match
		body    string
		status  int
	}{
		{name: "current tag", ifMatch: `"v1"`, body: `{"name": "Max"}`, status: 200},
		{name: "star", ifMatch: `*`, body: `{"name": "Max"}`, status: 200},
		{name: "list with current tag", ifMatch: `"v9", "v1"`, body: `{"name": "Max"}`, status: 200},
		{name: "comma inside a tag", ifMatch: `"v9,v1", "v1"`, body: `{"name": "Max"}`, status: 200},
		{name: "stale tag", ifMatch: `"v2"`, body: `{"name": "Max"}`, status: 412},
		{name: "weak tag", ifMatch: `W/"v1"`, body: `{"name": "Max"}`, status: 412},
		{name: "missing If-Match", ifMatch: "-", body: `{"name": "Max"}`, status: 400},
		{name: "unquoted tag", ifMatch: `v1`, body: `{"name": "Max"}`, status: 400},
		{name: "unterminated tag", ifMatch: `"v1`, body: `{"name": "Max"}`, status: 400},
		{name: "empty patch", ifMatch: `"v1"`, body: `{}`, status: 422},
		{name: "empty name", ifMatch: `"v1"`, body: `{"name": ""}`, status: 422},
		{name: "unknown status", ifMatch: `"v1"`, body: `{"status": "lost"}`, status: 422},
		{name: "tags breaking the Pet schema", ifMatch: `"v1"`, body: `{"tags": ["Not A Tag"]}`, status: 422},
		{name: "malformed JSON", ifMatch: `"v1"`, body: `{"name"`, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := ts.createPet(rexJSON)
			h := apiKey(testAPIKey)
			if tt.ifMatch != "-" {
				h = with(h, "If-Match", tt.ifMatch)
			}
			resp := ts.do(request{method: "PATCH", path: "/pets/" + p.ID, body: tt.body, header: h})
			if tt.status != http.StatusOK {
				checkProblem(t, resp, tt.status)
				return
			}
			if resp.status != http.StatusOK {
				t.Fatalf("got status %d, want 200; body %s", resp.status, resp.body)
			}
			if etag := resp.header.Get("ETag"); etag != `"v2"` {
				t.Errorf(`got ETag %q, want "v2"`, etag)
			}
		})
	}
}

func TestUpdatePetMembers(t *testing.T) {
	ts := startServer(t, testConfig(t))
	p, etag := ts.createPet(rexJSON)
	resp := ts.do(request{method: "PATCH", path: "/pets/" + p.ID,
		body:   `{"birthDate": null, "tags": null, "status": "pending", "name": "Old Rex"}`,
		header: with(apiKey(testAPIKey), "If-Match", etag)})
	if resp.status != http.StatusOK {
		t.Fatalf("got status %d, want 200; body %s", resp.status, resp.body)
	}
	var got map[string]any
	decodeJSON(t, resp.body, &got)
	for _, name := range []string{"birthDate", "tags"} {
		if v, ok := got[name]; ok {
			t.Errorf("got %s %v, want it removed by null", name, v)
		}
	}
	if got["name"] != "Old Rex" || got["status"] != "pending" {
		t.Errorf("got name %v status %v, want Old Rex pending", got["name"], got["status"])
	}
	if got["weightKg"] != 31.5 || got["microchip"] != "123456789012345" {
		t.Errorf("got weightKg %v microchip %v, want them unchanged", got["weightKg"], got["microchip"])
	}

	resp = ts.do(request{method: "PATCH", path: "/pets/00000000-0000-4000-8000-000000000000", body: `{"name": "X"}`,
		header: with(apiKey(testAPIKey), "If-Match", "*")})
	checkProblem(t, resp, http.StatusNotFound)
	resp = ts.do(request{method: "PATCH", path: "/pets/" + p.ID, body: `name=X`,
		header: with(apiKey(testAPIKey), "If-Match", `"v2"`, "Content-Type", "application/x-www-form-urlencoded")})
	checkProblem(t, resp, http.StatusUnsupportedMediaType)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return string(b)
}
