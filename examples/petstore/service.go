package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/problem"
	"github.com/whgen/whgen/rest"
)

// petService implements the spec's operations on a petStore.
type petService struct {
	api.Unimplemented

	store *petStore
	// now returns the current time, which stamps createdAt.
	now func() time.Time

	// lastEndpoint is the createdAt of the newest webhook endpoint, so that
	// endpoints created within one millisecond still list in order.
	mu           sync.Mutex
	lastEndpoint time.Time
}

// endpointTime returns the createdAt of a new webhook endpoint: now at
// millisecond precision, or a millisecond after the previous endpoint's.
func (s *petService) endpointTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.now().UTC().Truncate(time.Millisecond)
	if !t.After(s.lastEndpoint) {
		t = s.lastEndpoint.Add(time.Millisecond)
	}
	s.lastEndpoint = t
	return t
}

var _ api.Server = (*petService)(nil)

// secretBytes is the length of a webhook signing secret before base64
// encoding: 32 random bytes, the HMAC-SHA256 key size.
const secretBytes = 32

// ListPets returns a page of pets with the requested status, newest first.
// The parameter defaults of the spec (limit 20, status "available") are
// already applied by the generated decoder.
func (s *petService) ListPets(ctx context.Context, req *api.ListPetsRequest) (api.ListPetsResponse, error) {
	f := petFilter{Status: api.PetStatusAvailable, Tags: req.Query.Tag, Limit: 20}
	if req.Query.Limit != nil {
		f.Limit = int(*req.Query.Limit)
	}
	if req.Query.Status != nil {
		f.Status = *req.Query.Status
	}
	if req.Query.Cursor != nil {
		after, err := decodeCursor(*req.Query.Cursor)
		if err != nil {
			return nil, problem.Invalid(problem.FieldError{Parameter: "cursor", In: "query", Detail: err.Error()})
		}
		f.After = &after
	}

	pets, next, err := s.store.listPets(ctx, f)
	if err != nil {
		return nil, err
	}
	// A non-nil slice, because the generated writer sends no body at all
	// for a nil one.
	resp := &api.ListPets200Response{Body: make([]api.Pet, 0, len(pets))}
	for _, sp := range pets {
		resp.Body = append(resp.Body, sp.Pet)
	}
	if next != nil {
		cursor := encodeCursor(*next)
		resp.XNextCursor = &cursor
	}
	return resp, nil
}

// CreatePet stores a new available pet and returns it with its Location
// and ETag.
func (s *petService) CreatePet(ctx context.Context, req *api.CreatePetRequest) (api.CreatePetResponse, error) {
	in := req.Body
	p := api.Pet{
		ID:        newUUID(),
		Name:      in.Name,
		Species:   in.Species,
		Status:    api.PetStatusAvailable,
		BirthDate: in.BirthDate,
		WeightKg:  in.WeightKg,
		Tags:      in.Tags,
		Labels:    in.Labels,
		Microchip: in.Microchip,
		// The store keeps milliseconds, so the response shows what later
		// reads will.
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	sp, err := s.store.createPet(ctx, p)
	if err != nil {
		return nil, err
	}
	setResponseHeader(ctx, "ETag", etag(sp.Version))
	location := "/pets/" + sp.Pet.ID
	return &api.CreatePet201Response{Location: &location, Body: &sp.Pet}, nil
}

// GetPet returns a pet with its ETag.
func (s *petService) GetPet(ctx context.Context, req *api.GetPetRequest) (api.GetPetResponse, error) {
	sp, err := s.store.getPet(ctx, req.Path.PetID)
	if errors.Is(err, errNotFound) {
		return &api.GetPet404Response{Body: petNotFound(req.Path.PetID)}, nil
	}
	if err != nil {
		return nil, err
	}
	setResponseHeader(ctx, "ETag", etag(sp.Version))
	return &api.GetPet200Response{Body: &sp.Pet}, nil
}

// UpdatePet applies a patch when If-Match names the pet's current ETag, or
// is "*". The patched pet must still satisfy the Pet schema, which is
// stricter about tags than PetPatch.
//
// An unknown pet gets 404 before If-Match is evaluated, as RFC 9110
// section 13.2.1 requires: preconditions are ignored when the request would
// fail without them.
func (s *petService) UpdatePet(ctx context.Context, req *api.UpdatePetRequest) (api.UpdatePetResponse, error) {
	tags, err := parseIfMatch(req.Header.IfMatch)
	if err != nil {
		return nil, problem.Invalid(problem.FieldError{Parameter: "If-Match", In: "header", Detail: err.Error()})
	}
	match := func(version int64) bool { return tags.match(etag(version)) }
	sp, err := s.store.updatePet(ctx, req.Path.PetID, match, func(p *api.Pet) error {
		applyPatch(p, req.Body)
		return rest.Invalid(p.Validate())
	})
	switch {
	case errors.Is(err, errNotFound):
		return &api.UpdatePetDefaultResponse{Status: http.StatusNotFound, Body: petNotFound(req.Path.PetID)}, nil
	case errors.Is(err, errPreconditionFailed):
		detail := fmt.Sprintf("pet %s has changed: If-Match %s does not name its current ETag; get the pet again", req.Path.PetID, req.Header.IfMatch)
		return &api.UpdatePet412Response{Body: apiProblem(http.StatusPreconditionFailed, detail)}, nil
	case err != nil:
		return nil, err
	}
	setResponseHeader(ctx, "ETag", etag(sp.Version))
	return &api.UpdatePet200Response{Body: &sp.Pet}, nil
}

// applyPatch copies the members that patch sets onto p. A null birthDate
// or tags removes the member.
func applyPatch(p *api.Pet, patch *api.PetPatch) {
	if patch.Name != nil {
		p.Name = *patch.Name
	}
	if patch.Status != nil {
		p.Status = *patch.Status
	}
	if patch.BirthDate.IsSet() {
		p.BirthDate = patch.BirthDate
		if patch.BirthDate.IsNull() {
			p.BirthDate.Unset()
		}
	}
	if patch.Tags.IsSet() {
		tags, _ := patch.Tags.Get()
		p.Tags = tags
	}
}

// DeletePet deletes a pet and its adoptions.
func (s *petService) DeletePet(ctx context.Context, req *api.DeletePetRequest) (api.DeletePetResponse, error) {
	err := s.store.deletePet(ctx, req.Path.PetID)
	if errors.Is(err, errNotFound) {
		return &api.DeletePet404Response{Body: petNotFound(req.Path.PetID)}, nil
	}
	if err != nil {
		return nil, err
	}
	return &api.DeletePet204Response{}, nil
}

// AdoptPet records a pending adoption and marks the pet pending. The
// adoption is settled later by updatePet: status "adopted" approves it and
// "available" rejects it.
//
// An Idempotency-Key makes retries safe, per client: a request that repeats
// an earlier one with the same key gets the same adoption back, and one
// that reuses the key for another request gets 422, as the IETF draft
// draft-ietf-httpapi-idempotency-key-header specifies.
func (s *petService) AdoptPet(ctx context.Context, req *api.AdoptPetRequest) (api.AdoptPetResponse, error) {
	in := adoptionRequest{
		ID:      newUUID(),
		PetID:   req.Path.PetID,
		Adopter: req.Body.Adopter,
		Note:    req.Body.Note,
		Created: s.now(),
	}
	if key := req.Header.IdempotencyKey; key != nil && *key != "" {
		in.Key = *key
		in.Scope = clientFingerprint(ctx)
		digest, err := requestDigest(req.Path.PetID, req.Body)
		if err != nil {
			return nil, err
		}
		in.Digest = digest
	}

	a, err := s.store.adoptPet(ctx, in)
	switch {
	case errors.Is(err, errNotFound):
		return nil, &problem.Error{Problem: petNotFoundProblem(req.Path.PetID), Err: err}
	case errors.Is(err, errPetNotAvailable):
		detail := fmt.Sprintf("pet %s cannot be adopted: it is not available", req.Path.PetID)
		return &api.AdoptPet409Response{Body: apiProblem(http.StatusConflict, detail)}, nil
	case errors.Is(err, errIdempotencyReuse):
		detail := fmt.Sprintf("Idempotency-Key %q was already used for a different request; send a new key", in.Key)
		return nil, problem.Wrap(err, http.StatusUnprocessableEntity, detail)
	case err != nil:
		return nil, err
	}
	return &api.AdoptPet202Response{Body: &a}, nil
}

// ListWebhookEndpoints returns every webhook endpoint, oldest first. The
// spec shows a signing secret only in the response that creates it, so the
// required secret member is sent empty here.
func (s *petService) ListWebhookEndpoints(ctx context.Context, _ *api.ListWebhookEndpointsRequest) (api.ListWebhookEndpointsResponse, error) {
	endpoints, err := s.store.listWebhookEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	for i := range endpoints {
		endpoints[i].Secret = ""
	}
	return &api.ListWebhookEndpoints200Response{Body: endpoints}, nil
}

// CreateWebhookEndpoint subscribes an http or https URL to some or all of
// the spec's webhooks and returns the endpoint with a new signing secret in
// the Standard Webhooks form "whsec_" + base64(32 random bytes).
func (s *petService) CreateWebhookEndpoint(ctx context.Context, req *api.CreateWebhookEndpointRequest) (api.CreateWebhookEndpointResponse, error) {
	in := req.Body
	if err := checkWebhookEndpoint(in); err != nil {
		return nil, err
	}
	secret := make([]byte, secretBytes)
	_, _ = rand.Read(secret) // never returns an error, as newUUID explains
	disabled := false
	e := api.WebhookEndpoint{
		ID:          newUUID(),
		URL:         in.URL,
		Events:      in.Events,
		Description: in.Description,
		Secret:      "whsec_" + base64.StdEncoding.EncodeToString(secret),
		Disabled:    &disabled,
		CreatedAt:   s.endpointTime(),
	}
	if err := s.store.createWebhookEndpoint(ctx, e); err != nil {
		return nil, err
	}
	return &api.CreateWebhookEndpoint201Response{Body: &e}, nil
}

// checkWebhookEndpoint returns a 422 problem when the URL is not an
// absolute http or https URL without credentials, or an event is not one of
// the spec's webhooks.
func checkWebhookEndpoint(in *api.NewWebhookEndpoint) error {
	var errs []problem.FieldError
	u, err := url.Parse(in.URL)
	switch {
	case err != nil:
		errs = append(errs, problem.FieldError{Pointer: "/url", Detail: "must be a valid URL"})
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		errs = append(errs, problem.FieldError{Pointer: "/url", Detail: "must be an absolute http or https URL"})
	case u.User != nil:
		errs = append(errs, problem.FieldError{Pointer: "/url", Detail: "must not contain a user name or password"})
	}
	known := webhookNames()
	for i, name := range in.Events {
		if !slices.Contains(known, name) {
			detail := fmt.Sprintf("must be one of %s", strings.Join(known, ", "))
			errs = append(errs, problem.FieldError{Pointer: problem.Pointer("events", strconv.Itoa(i)), Detail: detail})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	p := problem.New(http.StatusUnprocessableEntity, "the request body does not match the schema")
	p.Errors = errs
	return &problem.Error{Problem: p}
}

// webhookNames returns the names of the spec's webhooks, sorted.
func webhookNames() []string {
	names := make([]string, 0, len(api.Webhooks))
	for _, op := range api.Webhooks {
		names = append(names, op.Name)
	}
	slices.Sort(names)
	return names
}

// clientFingerprint returns an ID for the authenticated client of ctx that
// is stable across restarts: the scheme and a fingerprint of the
// credential, never the credential itself.
func clientFingerprint(ctx context.Context) string {
	id, ok := middleware.IdentityFrom(ctx)
	if !ok {
		return ""
	}
	for _, p := range id.Principals {
		if pr, ok := p.(principal); ok {
			return pr.String()
		}
	}
	return ""
}

// requestDigest returns the SHA-256 of the adoption request's pet ID and
// body, in hex. json.Marshal writes struct fields in a fixed order, so equal
// requests have equal digests.
func requestDigest(petID string, body *api.AdoptionRequest) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("encode adoption request: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(petID))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// petNotFound returns the body of a 404 response for an unknown pet.
func petNotFound(id string) *api.Problem {
	return apiProblem(http.StatusNotFound, "pet "+id+" does not exist")
}

// petNotFoundProblem is petNotFound for operations whose spec declares no
// 404 response, which respond through a *problem.Error instead.
func petNotFoundProblem(id string) *problem.Problem {
	return problem.New(http.StatusNotFound, "pet "+id+" does not exist")
}

// apiProblem returns a problem body of the generated Problem type.
func apiProblem(status int, detail string) *api.Problem {
	title := http.StatusText(status)
	code := int64(status)
	return &api.Problem{Title: &title, Status: &code, Detail: &detail}
}

// newUUID returns a random (version 4) UUID from crypto/rand.
func newUUID() string {
	var b [16]byte
	// Since Go 1.24, crypto/rand.Read never returns an error: it crashes the
	// program instead.
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
