package main

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
)

const adoptionJSON = `{"adopter": {"name": "Ann", "email": "ann@example.com"}, "note": "has a garden"}`

// adopt sends an adoption request for pet with the given headers.
func (ts *testServer) adopt(petID, body string, header map[string]string) response {
	ts.t.Helper()
	return ts.do(request{method: "POST", path: "/pets/" + petID + "/adoptions", body: body, header: header})
}

func TestAdoptPetFlow(t *testing.T) {
	ts := startServer(t, testConfig(t))
	p, _ := ts.createPet(rexJSON)

	resp := ts.adopt(p.ID, adoptionJSON, apiKey(testAPIKey))
	if resp.status != http.StatusAccepted {
		t.Fatalf("adopt: got status %d, want 202; body %s", resp.status, resp.body)
	}
	var a api.Adoption
	decodeJSON(t, resp.body, &a)
	if a.PetID != p.ID || a.State != api.AdoptionStatePending || a.ID == "" {
		t.Errorf("adopt: got %+v, want a pending adoption of pet %s", a, p.ID)
	}

	resp = ts.do(request{method: "GET", path: "/pets/" + p.ID})
	var got api.Pet
	decodeJSON(t, resp.body, &got)
	if got.Status != api.PetStatusPending {
		t.Errorf("pet after adopt: got status %q, want pending", got.Status)
	}
	etag := resp.header.Get("ETag")
	if etag != `"v2"` {
		t.Errorf(`pet after adopt: got ETag %q, want "v2"`, etag)
	}

	resp = ts.adopt(p.ID, adoptionJSON, apiKey(testAPIKey))
	checkProblem(t, resp, http.StatusConflict)

	resp = ts.do(request{method: "PATCH", path: "/pets/" + p.ID, body: `{"status": "adopted"}`,
		header: with(apiKey(testAPIKey), "If-Match", etag)})
	if resp.status != http.StatusOK {
		t.Fatalf("approve: got status %d, want 200; body %s", resp.status, resp.body)
	}
	decodeJSON(t, resp.body, &got)
	if got.Status != api.PetStatusAdopted || got.AdoptedBy == nil || got.AdoptedBy.Email != "ann@example.com" {
		t.Errorf("approve: got status %q adoptedBy %+v, want adopted by ann@example.com", got.Status, got.AdoptedBy)
	}
}

func TestAdoptPetRejection(t *testing.T) {
	ts := startServer(t, testConfig(t))
	p, _ := ts.createPet(rexJSON)
	if resp := ts.adopt(p.ID, adoptionJSON, apiKey(testAPIKey)); resp.status != http.StatusAccepted {
		t.Fatalf("adopt: got status %d, want 202; body %s", resp.status, resp.body)
	}
	resp := ts.do(request{method: "PATCH", path: "/pets/" + p.ID, body: `{"status": "available"}`,
		header: with(apiKey(testAPIKey), "If-Match", "*")})
	var got api.Pet
	decodeJSON(t, resp.body, &got)
	if got.Status != api.PetStatusAvailable || got.AdoptedBy != nil {
		t.Errorf("reject: got status %q adoptedBy %+v, want available and no adopter", got.Status, got.AdoptedBy)
	}
	if resp := ts.adopt(p.ID, adoptionJSON, apiKey(testAPIKey)); resp.status != http.StatusAccepted {
		t.Errorf("adopt again after rejection: got status %d, want 202; body %s", resp.status, resp.body)
	}
}

func TestAdoptPetIdempotency(t *testing.T) {
	ts := startServer(t, testConfig(t))
	first, _ := ts.createPet(rexJSON)
	second, _ := ts.createPet(rexJSON)
	withKey := func(h map[string]string, key string) map[string]string { return with(h, "Idempotency-Key", key) }

	resp := ts.adopt(first.ID, adoptionJSON, withKey(apiKey(testAPIKey), "k-1"))
	if resp.status != http.StatusAccepted {
		t.Fatalf("first request: got status %d, want 202; body %s", resp.status, resp.body)
	}
	var original api.Adoption
	decodeJSON(t, resp.body, &original)

	tests := []struct {
		name   string
		petID  string
		body   string
		header map[string]string
		status int
		// same reports whether the response must be the original adoption.
		same bool
	}{
		{name: "retry", petID: first.ID, body: adoptionJSON, header: withKey(apiKey(testAPIKey), "k-1"), status: 202, same: true},
		{name: "retry with members reordered", petID: first.ID,
			body:   "{\"note\":\"has a garden\",\n\"adopter\":{\"email\":\"ann@example.com\",\"name\":\"Ann\"}}",
			header: withKey(apiKey(testAPIKey), "k-1"), status: 202, same: true},
		{name: "key reused with another body", petID: first.ID, body: `{"adopter": {"name": "Bob", "email": "bob@example.com"}}`,
			header: withKey(apiKey(testAPIKey), "k-1"), status: 422},
		{name: "key reused for another pet", petID: second.ID, body: adoptionJSON, header: withKey(apiKey(testAPIKey), "k-1"), status: 422},
		{name: "without the key", petID: first.ID, body: adoptionJSON, header: apiKey(testAPIKey), status: 409},
		{name: "another key", petID: first.ID, body: adoptionJSON, header: withKey(apiKey(testAPIKey), "k-2"), status: 409},
		{name: "same key from another client", petID: first.ID, body: adoptionJSON, header: withKey(bearer(testBearer), "k-1"), status: 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.adopt(tt.petID, tt.body, tt.header)
			if tt.status != http.StatusAccepted {
				checkProblem(t, resp, tt.status)
				return
			}
			if resp.status != tt.status {
				t.Fatalf("got status %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
			var a api.Adoption
			decodeJSON(t, resp.body, &a)
			if tt.same && (a.ID != original.ID || a.PetID != original.PetID || a.State != original.State) {
				t.Errorf("got adoption %+v, want the original %+v", a, original)
			}
		})
	}
}

func TestAdoptPetRejects(t *testing.T) {
	ts := startServer(t, testConfig(t))
	p, _ := ts.createPet(rexJSON)
	tests := []struct {
		name   string
		petID  string
		body   string
		header map[string]string
		status int
	}{
		{name: "missing adopter", petID: p.ID, body: `{"note": "hi"}`, status: 422},
		{name: "adopter without email", petID: p.ID, body: `{"adopter": {"name": "Ann"}}`, status: 422},
		{name: "invalid email", petID: p.ID, body: `{"adopter": {"name": "Ann", "email": "ann"}}`, status: 422},
		{name: "long note", petID: p.ID, body: `{"adopter": {"name": "Ann", "email": "a@example.com"}, "note": "` + strings.Repeat("n", 501) + `"}`, status: 422},
		{name: "long idempotency key", petID: p.ID, body: adoptionJSON,
			header: map[string]string{"Idempotency-Key": strings.Repeat("k", 65)}, status: 400},
		{name: "pet ID not a UUID", petID: "rex", body: adoptionJSON, status: 400},
		{name: "unknown pet", petID: "00000000-0000-4000-8000-000000000000", body: adoptionJSON, status: 404},
		{name: "no body", petID: p.ID, body: "", status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.adopt(tt.petID, tt.body, with(apiKey(testAPIKey), flatten(tt.header)...))
			checkProblem(t, resp, tt.status)
		})
	}
	resp := ts.do(request{method: "GET", path: "/pets/" + p.ID})
	var got api.Pet
	decodeJSON(t, resp.body, &got)
	if got.Status != api.PetStatusAvailable {
		t.Errorf("after rejected adoptions: got status %q, want available", got.Status)
	}
}

func TestWebhookEndpoints(t *testing.T) {
	ts := startServer(t, testConfig(t))
	var secrets []string
	for _, body := range []string{
		`{"url": "https://hooks.example/petstore", "events": ["pet.created", "pet.adopted"], "description": "CRM"}`,
		`{"url": "http://127.0.0.1:9090/webhooks"}`,
	} {
		resp := ts.do(request{method: "POST", path: "/webhook-endpoints", body: body, header: apiKey(testAPIKey)})
		if resp.status != http.StatusCreated {
			t.Fatalf("create: got status %d, want 201; body %s", resp.status, resp.body)
		}
		var e api.WebhookEndpoint
		decodeJSON(t, resp.body, &e)
		raw, ok := strings.CutPrefix(e.Secret, "whsec_")
		key, err := base64.StdEncoding.DecodeString(raw)
		if !ok || err != nil || len(key) != secretBytes {
			t.Errorf("create: got secret %q, want whsec_ and the base64 of %d bytes", e.Secret, secretBytes)
		}
		if e.ID == "" || e.CreatedAt.IsZero() || e.Disabled == nil || *e.Disabled {
			t.Errorf("create: got id %q createdAt %v disabled %v, want an ID, a time and false", e.ID, e.CreatedAt, e.Disabled)
		}
		secrets = append(secrets, e.Secret)
	}
	if secrets[0] == secrets[1] {
		t.Errorf("got the same secret %q for two endpoints, want a new one each", secrets[0])
	}

	resp := ts.do(request{method: "GET", path: "/webhook-endpoints", header: apiKey(testAPIKey)})
	if resp.status != http.StatusOK {
		t.Fatalf("list: got status %d, want 200; body %s", resp.status, resp.body)
	}
	var list []api.WebhookEndpoint
	decodeJSON(t, resp.body, &list)
	if len(list) != 2 || list[0].URL != "https://hooks.example/petstore" || len(list[0].Events) != 2 {
		t.Fatalf("list: got %s, want both endpoints, oldest first", resp.body)
	}
	for _, e := range list {
		if e.Secret != "" {
			t.Errorf("list: got secret %q for %s, want it hidden", e.Secret, e.URL)
		}
	}
}

func TestCreateWebhookEndpointRejects(t *testing.T) {
	ts := startServer(t, testConfig(t))
	tests := []struct {
		name    string
		body    string
		status  int
		pointer string
	}{
		{name: "missing url", body: `{"events": ["pet.created"]}`, status: 422, pointer: "/url"},
		{name: "relative url", body: `{"url": "/hooks"}`, status: 422, pointer: "/url"},
		{name: "ftp url", body: `{"url": "ftp://hooks.example/"}`, status: 422, pointer: "/url"},
		{name: "url with password", body: `{"url": "https://user:secret@hooks.example/"}`, status: 422, pointer: "/url"},
		{name: "unknown event", body: `{"url": "https://hooks.example/", "events": ["pet.created", "pet.exploded"]}`, status: 422, pointer: "/events/1"},
		{name: "events not a list", body: `{"url": "https://hooks.example/", "events": "pet.created"}`, status: 422, pointer: "/events"},
		{name: "malformed JSON", body: `{"url": `, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(request{method: "POST", path: "/webhook-endpoints", body: tt.body, header: apiKey(testAPIKey)})
			p := checkProblem(t, resp, tt.status)
			if tt.pointer != "" && !hasPointer(p, tt.pointer) {
				t.Errorf("got errors %+v, want one at %s", p.Errors, tt.pointer)
			}
			if strings.Contains(string(resp.body), "secret") {
				t.Errorf("got body %s, want no secret in an error", resp.body)
			}
		})
	}
}
