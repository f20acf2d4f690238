package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/webhook"
)

// Credentials of the demo's own server; they never leave the loopback.
const (
	demoBearer = "demo-token"
	demoSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

// liveDemo runs the service on a fresh SQLite file and the webhook
// receiver, both on loopback, then drives them as a client and as a
// webhook sender would.
func liveDemo(w io.Writer, logger *slog.Logger) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "petstore-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	baseURL, served, err := startDemoServer(ctx, filepath.Join(dir, "pets.db"), logger)
	if err != nil {
		return err
	}
	client, err := api.NewClient(baseURL, api.WithRequestEditor(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+demoBearer)
		return nil
	}))
	if err != nil {
		return err
	}
	pet, err := demoCreatePet(ctx, w, client)
	if err != nil {
		return err
	}
	if err := demoListPets(ctx, w, client); err != nil {
		return err
	}
	if err := demoWebhook(ctx, w, pet, logger); err != nil {
		return err
	}
	cancel()
	return <-served
}

func startDemoServer(ctx context.Context, db string, logger *slog.Logger) (string, <-chan error, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	cfg := serveConfig{
		Addr: ln.Addr().String(), DB: db, BearerTokens: []string{demoBearer},
		TrustedHosts: []string{"127.0.0.1"}, MaxBodyBytes: 1 << 20,
	}
	served := make(chan error, 1)
	go func() { served <- serve(ctx, cfg, ln, logger) }()
	return "http://" + ln.Addr().String(), served, nil
}

func demoCreatePet(ctx context.Context, w io.Writer, client *api.Client) (*api.Pet, error) {
	resp, err := client.CreatePet(ctx, &api.CreatePetRequest{Body: &api.NewPet{Name: "Rex", Species: api.SpeciesDog, Tags: []string{"good-boy"}}})
	if err != nil {
		return nil, fmt.Errorf("create pet: %w", err)
	}
	created, ok := resp.(*api.CreatePet201Response)
	if !ok {
		return nil, fmt.Errorf("create pet: got %T, want 201", resp)
	}
	fmt.Fprintf(w, "createPet -> 201, id %s, Location %s\n", created.Body.ID, deref(created.Location))

	resp, err = client.CreatePet(ctx, &api.CreatePetRequest{Body: &api.NewPet{Name: "", Species: "dragon"}})
	if err != nil {
		return nil, fmt.Errorf("create invalid pet: %w", err)
	}
	fmt.Fprintf(w, "createPet with an invalid body -> %d\n", resp.StatusCode())
	return created.Body, nil
}

func demoListPets(ctx context.Context, w io.Writer, client *api.Client) error {
	resp, err := client.ListPets(ctx, &api.ListPetsRequest{})
	if err != nil {
		return fmt.Errorf("list pets: %w", err)
	}
	page, ok := resp.(*api.ListPets200Response)
	if !ok {
		return fmt.Errorf("list pets: got %T, want 200", resp)
	}
	fmt.Fprintf(w, "listPets -> 200, %d pet(s)\n", len(page.Body))
	return nil
}

// demoWebhook starts the receiver and sends it a signed pet.created event,
// then a tampered copy.
func demoWebhook(ctx context.Context, w io.Writer, pet *api.Pet, logger *slog.Logger) error {
	printed := make(lineWriter, 4)
	h, closeDB, err := newReceiveHandler(ctx, &receiveConfig{secrets: secretList{demoSecret}, maxBody: 1 << 20}, printed, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout}
	go srv.Serve(ln)
	defer srv.Close()

	event, err := json.Marshal(api.PetCreatedEvent{Type: "pet.created", Timestamp: time.Now().UTC().Truncate(time.Second), Data: *pet})
	if err != nil {
		return err
	}
	signer, err := webhook.NewStandardWebhooks(demoSecret)
	if err != nil {
		return err
	}
	for _, tamper := range []bool{false, true} {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+ln.Addr().String()+"/webhooks", strings.NewReader(string(event)))
		if err != nil {
			return err
		}
		if err := signer.Sign(req.Header, "msg_demo", time.Now(), event); err != nil {
			return err
		}
		if tamper {
			req.Body = io.NopCloser(strings.NewReader(strings.Replace(string(event), "Rex", "Max", 1)))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if tamper {
			fmt.Fprintf(w, "tampered pet.created delivery -> %d\n", resp.StatusCode)
			continue
		}
		select {
		case line := <-printed:
			fmt.Fprintf(w, "signed pet.created delivery -> %d; receiver printed: %s", resp.StatusCode, line)
		case <-time.After(5 * time.Second):
			return fmt.Errorf("the receiver printed no event for the signed delivery (status %d)", resp.StatusCode)
		}
	}
	return nil
}

// lineWriter hands what the receiver prints to the demo, one write each.
type lineWriter chan string

func (c lineWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
