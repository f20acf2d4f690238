package main

// The benchmark compares the generated handler for getPet with the same
// handler written by hand on net/http. Both read one in-memory map and
// write byte-identical responses, so the difference is the cost of the
// generated routing, parameter decoding and validation, and response
// writing. Run it with
//
//	go test -run '^$' -bench GetPet -benchmem -cpu 1 ./examples/petstore
//
// Allocations per request are exact; times vary with the machine and its
// load, so compare the two handlers within one run.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/problem"
)

// memoryPets is the in-memory store that both benchmarked handlers read.
type memoryPets map[string]*api.Pet

func newMemoryPets() (memoryPets, string) {
	weight := 31.5
	p := &api.Pet{
		ID:        "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
		Name:      "Rex",
		Species:   api.SpeciesDog,
		Status:    api.PetStatusAvailable,
		Tags:      []string{"good-boy", "calm"},
		WeightKg:  &weight,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	return memoryPets{p.ID: p}, p.ID
}

// memoryServer serves getPet from memoryPets through the generated handler.
type memoryServer struct {
	api.Unimplemented
	pets memoryPets
}

func (s memoryServer) GetPet(_ context.Context, req *api.GetPetRequest) (api.GetPetResponse, error) {
	p, ok := s.pets[req.Path.PetID]
	if !ok {
		return &api.GetPet404Response{Body: petNotFound(req.Path.PetID)}, nil
	}
	return &api.GetPet200Response{Body: p}, nil
}

func generatedGetPet(tb testing.TB, pets memoryPets) http.Handler {
	h, err := api.NewHandler(memoryServer{pets: pets}, api.ServerOptions{SkipAuth: true})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// handwrittenGetPet is getPet on a plain ServeMux: the same UUID check,
// lookup and JSON bodies as the generated handler with memoryServer.
func handwrittenGetPet(pets memoryPets) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets/{petId}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("petId")
		if !oas.CheckFormat("uuid", id) {
			_ = problem.Write(w, problem.Invalid(problem.FieldError{
				Parameter: "petId", In: "path", Detail: "must be a valid uuid"}).Problem)
			return
		}
		p, ok := pets[id]
		if !ok {
			writeJSON(w, http.StatusNotFound, "application/problem+json", petNotFound(id))
			return
		}
		writeJSON(w, http.StatusOK, "application/json", p)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func TestBenchmarkHandlersAgree(t *testing.T) {
	pets, id := newMemoryPets()
	handlers := map[string]http.Handler{
		"generated":   generatedGetPet(t, pets),
		"handwritten": handwrittenGetPet(pets),
	}
	for _, path := range []string{"/pets/" + id, "/pets/00000000-0000-4000-8000-000000000000"} {
		var bodies []string
		var statuses []int
		for _, name := range []string{"generated", "handwritten"} {
			rec := httptest.NewRecorder()
			handlers[name].ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			bodies = append(bodies, rec.Body.String())
			statuses = append(statuses, rec.Code)
		}
		if bodies[0] != bodies[1] || statuses[0] != statuses[1] {
			t.Errorf("GET %s: got generated %d %s and handwritten %d %s, want the same response",
				path, statuses[0], bodies[0], statuses[1], bodies[1])
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmark measures the handlers rather than a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

func BenchmarkGetPet(b *testing.B) {
	pets, id := newMemoryPets()
	for _, bm := range []struct {
		name    string
		handler http.Handler
	}{
		{name: "generated", handler: generatedGetPet(b, pets)},
		{name: "handwritten", handler: handwrittenGetPet(pets)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/pets/"+id, nil)
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				bm.handler.ServeHTTP(w, req)
			}
			if w.status != http.StatusOK {
				b.Fatalf("got status %d, want 200", w.status)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkGetPetLoopback sends the same requests through a real HTTP
// server on 127.0.0.1 with keep-alive connections, where the network and
// net/http's own work add to both handlers alike.
func BenchmarkGetPetLoopback(b *testing.B) {
	pets, id := newMemoryPets()
	for _, bm := range []struct {
		name    string
		handler http.Handler
	}{
		{name: "generated", handler: generatedGetPet(b, pets)},
		{name: "handwritten", handler: handwrittenGetPet(pets)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			srv := httptest.NewServer(bm.handler)
			defer srv.Close()
			client := srv.Client()
			url := srv.URL + "/pets/" + id
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("got status %d, want 200", resp.StatusCode)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
