package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/store/storetest"
)

// eachEngine runs test against a server on a fresh SQLite file and on a
// fresh PostgreSQL schema. storetest skips PostgreSQL when no server
// accepts connections, except in CI.
func eachEngine(t *testing.T, test func(t *testing.T, ts *testServer)) {
	t.Run("sqlite", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.DB = storetest.SQLiteDSN(t)
		test(t, startServer(t, cfg))
	})
	t.Run("postgres", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.DB = storetest.PostgresSchemaDSN(t)
		test(t, startServer(t, cfg))
	})
}

func TestEnginesServeEveryOperation(t *testing.T) {
	eachEngine(t, func(t *testing.T, ts *testServer) {
		a, _ := ts.createPet(`{"name": "A", "species": "cat", "tags": ["calm", "old"], "labels": {"room": "3"}}`)
		b, etag := ts.createPet(`{"name": "B", "species": "bird", "tags": ["calm"], "weightKg": 0.25, "birthDate": null}`)
		ts.createPet(`{"name": "C", "species": "dog", "tags": ["old"]}`)

		resp := ts.do(request{method: "GET", path: "/pets?tag=calm&limit=1", header: apiKey(testAPIKey)})
		var page []api.Pet
		decodeJSON(t, resp.body, &page)
		cursor := resp.header.Get("X-Next-Cursor")
		if len(page) != 1 || cursor == "" {
			t.Fatalf("first page: got %s and cursor %q, want one pet and a cursor", resp.body, cursor)
		}
		resp = ts.do(request{method: "GET", path: "/pets?tag=calm&limit=1&cursor=" + cursor, header: apiKey(testAPIKey)})
		var rest []api.Pet
		decodeJSON(t, resp.body, &rest)
		if len(rest) != 1 || !sameElements([]string{page[0].ID, rest[0].ID}, []string{a.ID, b.ID}) || resp.header.Get("X-Next-Cursor") != "" {
			t.Errorf("second page: got %s and cursor %q, want the other calm pet and no cursor", resp.body, resp.header.Get("X-Next-Cursor"))
		}

		resp = ts.do(request{method: "PATCH", path: "/pets/" + b.ID, body: `{"tags": ["tame"]}`,
			header: with(apiKey(testAPIKey), "If-Match", etag)})
		if resp.status != http.StatusOK {
			t.Fatalf("update: got status %d, want 200; body %s", resp.status, resp.body)
		}
		resp = ts.do(request{method: "GET", path: "/pets?tag=tame", header: apiKey(testAPIKey)})
		decodeJSON(t, resp.body, &page)
		if len(page) != 1 || page[0].ID != b.ID || *page[0].WeightKg != 0.25 {
			t.Errorf("after retagging: got %s, want pet B with weight 0.25", resp.body)
		}

		if resp := ts.adopt(a.ID, adoptionJSON, with(apiKey(testAPIKey), "Idempotency-Key", "k")); resp.status != http.StatusAccepted {
			t.Errorf("adopt: got status %d, want 202; body %s", resp.status, resp.body)
		}
		if resp := ts.do(request{method: "DELETE", path: "/pets/" + a.ID, header: apiKey(testAPIKey)}); resp.status != http.StatusNoContent {
			t.Errorf("delete adopted pet: got status %d, want 204; body %s", resp.status, resp.body)
		}

		body := `{"url": "https://hooks.example/", "events": ["pet.created"], "description": "d"}`
		if resp := ts.do(request{method: "POST", path: "/webhook-endpoints", body: body, header: apiKey(testAPIKey)}); resp.status != http.StatusCreated {
			t.Errorf("create webhook endpoint: got status %d, want 201; body %s", resp.status, resp.body)
		}
		resp = ts.do(request{method: "GET", path: "/webhook-endpoints", header: apiKey(testAPIKey)})
		var endpoints []api.WebhookEndpoint
		decodeJSON(t, resp.body, &endpoints)
		if len(endpoints) != 1 || endpoints[0].Description == nil || *endpoints[0].Description != "d" {
			t.Errorf("list webhook endpoints: got %s, want the one endpoint", resp.body)
		}
	})
}

// TestEnginesConcurrentAdoptions sends adoptions of one pet at the same
// time: exactly one wins, and retries with one Idempotency-Key all get the
// same adoption.
func TestEnginesConcurrentAdoptions(t *testing.T) {
	eachEngine(t, func(t *testing.T, ts *testServer) {
		const clients = 8
		for _, sameKey := range []bool{false, true} {
			p, _ := ts.createPet(rexJSON)
			results := make([]response, clients)
			var wg sync.WaitGroup
			for i := range clients {
				key := fmt.Sprintf("key-%d", i)
				if sameKey {
					key = "shared-key"
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = ts.adopt(p.ID, adoptionJSON, with(apiKey(testAPIKey), "Idempotency-Key", key))
				}()
			}
			wg.Wait()

			accepted, conflicts := 0, 0
			ids := map[string]bool{}
			for _, r := range results {
				switch r.status {
				case http.StatusAccepted:
					accepted++
					var a api.Adoption
					decodeJSON(t, r.body, &a)
					ids[a.ID] = true
				case http.StatusConflict:
					conflicts++
				default:
					t.Errorf("same key %v: got status %d, want 202 or 409; body %s", sameKey, r.status, r.body)
				}
			}
			if sameKey && (accepted != clients || len(ids) != 1) {
				t.Errorf("same key: got %d accepted with %d adoption IDs, want %d with one ID", accepted, len(ids), clients)
			}
			if !sameKey && (accepted != 1 || conflicts != clients-1) {
				t.Errorf("different keys: got %d accepted and %d conflicts, want 1 and %d", accepted, conflicts, clients-1)
			}
		}
	})
}

// TestEnginesConcurrentUpdates sends patches with the same If-Match at the
// same time: exactly one applies and the others get 412.
func TestEnginesConcurrentUpdates(t *testing.T) {
	eachEngine(t, func(t *testing.T, ts *testServer) {
		const clients = 8
		p, etag := ts.createPet(rexJSON)
		statuses := make([]int, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"name": "Rex %d"}`, i)
				statuses[i] = ts.do(request{method: "PATCH", path: "/pets/" + p.ID, body: body,
					header: with(apiKey(testAPIKey), "If-Match", etag)}).status
			}()
		}
		wg.Wait()
		counts := map[int]int{}
		for _, s := range statuses {
			counts[s]++
		}
		if counts[200] != 1 || counts[412] != clients-1 {
			t.Errorf("got statuses %v, want one 200 and %d 412", counts, clients-1)
		}
	})
}

// TestStoreReopens checks that the migrations run once and the data
// survives closing and reopening the database.
func TestStoreReopens(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.SQLiteDSN(t)
	open := func() (*store.DB, *petStore) {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		st, err := openPetStore(ctx, db)
		if err != nil {
			t.Fatalf("open pet store: %v", err)
		}
		return db, st
	}
	db, st := open()
	p := api.Pet{ID: newUUID(), Name: "Rex", Species: api.SpeciesDog, Status: api.PetStatusAvailable}
	if _, err := st.createPet(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, st = open()
	defer db.Close()
	got, err := st.getPet(ctx, p.ID)
	if err != nil {
		t.Fatalf("get pet after reopening: %v", err)
	}
	if got.Pet.Name != "Rex" || got.Version != 1 {
		t.Errorf("got %+v version %d, want Rex at version 1", got.Pet, got.Version)
	}
}
