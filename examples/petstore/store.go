package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/store"
)

// Errors of petStore, which the service turns into responses.
var (
	errNotFound           = errors.New("not found")
	errPreconditionFailed = errors.New("precondition failed")
	errPetNotAvailable    = errors.New("pet not available")
	errIdempotencyReuse   = errors.New("idempotency key reused with another request")
)

// migrations is the schema of the petstore component. Times are Unix
// milliseconds and lists and objects are JSON text, as package store
// recommends, so the same statements run on SQLite and PostgreSQL.
var migrations = []store.Migration{{
	Version: 1,
	Name:    "create pets, adoptions and webhook endpoints",
	Statements: []string{
		`CREATE TABLE pets (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			species TEXT NOT NULL,
			status TEXT NOT NULL,
			birth_date TEXT,
			weight_kg DOUBLE PRECISION,
			microchip TEXT,
			tags TEXT NOT NULL,
			labels TEXT NOT NULL,
			adopted_by TEXT,
			created_at BIGINT NOT NULL,
			version BIGINT NOT NULL
		)`,
		`CREATE INDEX pets_status_created ON pets (status, created_at, id)`,
		`CREATE TABLE pet_tags (
			pet_id TEXT NOT NULL REFERENCES pets (id) ON DELETE CASCADE,
			tag TEXT NOT NULL,
			PRIMARY KEY (pet_id, tag)
		)`,
		`CREATE INDEX pet_tags_tag ON pet_tags (tag, pet_id)`,
		`CREATE TABLE adoptions (
			id TEXT PRIMARY KEY,
			pet_id TEXT NOT NULL REFERENCES pets (id) ON DELETE CASCADE,
			state TEXT NOT NULL,
			adopter TEXT NOT NULL,
			note TEXT,
			idempotency_scope TEXT,
			idempotency_key TEXT,
			request_digest TEXT,
			created_at BIGINT NOT NULL,
			UNIQUE (idempotency_scope, idempotency_key)
		)`,
		`CREATE INDEX adoptions_pet_state ON adoptions (pet_id, state)`,
		`CREATE TABLE webhook_endpoints (
			id TEXT PRIMARY KEY,
			url TEXT NOT NULL,
			events TEXT NOT NULL,
			description TEXT,
			secret TEXT NOT NULL,
			disabled BOOLEAN NOT NULL,
			created_at BIGINT NOT NULL
		)`,
	},
}}

// petStore keeps pets, adoptions and webhook endpoints in a database that
// package store opened. Every method is safe for concurrent use.
type petStore struct {
	db *store.DB
}

// storedPet is a pet with the version that its ETag is made from. The
// version starts at 1 and grows by one with every change to the pet.
type storedPet struct {
	Pet     api.Pet
	Version int64
}

// petPosition is the place of a pet in the listing order, newest first:
// its creation time in Unix milliseconds, then its ID, descending.
type petPosition struct {
	CreatedAt int64
	ID        string
}

// petFilter selects a page of pets.
type petFilter struct {
	Status api.PetStatus
	// Tags lists tags that every returned pet carries. Empty means any.
	Tags []string
	// After is the position of the last pet of the previous page; nil
	// starts at the newest pet.
	After *petPosition
	// Limit is the maximum number of pets on the page, at least 1.
	Limit int
}

// adoptionRequest is an adoption to record.
type adoptionRequest struct {
	ID      string
	PetID   string
	Adopter api.Adopter
	Note    *string
	// Scope and Key identify the Idempotency-Key of the request, per
	// client. An empty Key turns idempotency off.
	Scope, Key string
	// Digest identifies the request's content, so that a key reused for a
	// different request is detected.
	Digest  string
	Created time.Time
}

// openPetStore applies the migrations to db and returns the store on it.
func openPetStore(ctx context.Context, db *store.DB) (*petStore, error) {
	if err := db.Migrate(ctx, "petstore", migrations); err != nil {
		return nil, err
	}
	return &petStore{db: db}, nil
}

const petColumns = `id, name, species, status, birth_date, weight_kg, microchip,
	tags, labels, adopted_by, created_at, version`

// createPet inserts p, whose ID must be new, with version 1.
func (s *petStore) createPet(ctx context.Context, p api.Pet) (storedPet, error) {
	sp := storedPet{Pet: p, Version: 1}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		args, err := petArgs(sp)
		if err != nil {
			return err
		}
		q := `INSERT INTO pets (` + petColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		if _, err := tx.ExecContext(ctx, s.db.Rebind(q), args...); err != nil {
			return fmt.Errorf("insert pet %s: %w", p.ID, err)
		}
		return s.replaceTags(ctx, tx, p.ID, p.Tags)
	})
	return sp, err
}

// getPet returns the pet with the given ID, or errNotFound.
func (s *petStore) getPet(ctx context.Context, id string) (storedPet, error) {
	q := s.db.Rebind(`SELECT ` + petColumns + ` FROM pets WHERE id = ?`)
	return scanPet(s.db.QueryRowContext(ctx, q, id))
}

// listPets returns one page of pets in listing order, and the position to
// continue from, which is nil on the last page.
func (s *petStore) listPets(ctx context.Context, f petFilter) ([]storedPet, *petPosition, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + petColumns + ` FROM pets WHERE status = ?`)
	args := []any{string(f.Status)}
	if f.After != nil {
		q.WriteString(` AND (created_at < ? OR (created_at = ? AND id < ?))`)
		args = append(args, f.After.CreatedAt, f.After.CreatedAt, f.After.ID)
	}
	if tags := uniqueStrings(f.Tags); len(tags) > 0 {
		q.WriteString(` AND id IN (SELECT pet_id FROM pet_tags WHERE tag IN (?`)
		q.WriteString(strings.Repeat(`, ?`, len(tags)-1))
		q.WriteString(`) GROUP BY pet_id HAVING COUNT(*) = ?)`)
		for _, t := range tags {
			args = append(args, t)
		}
		args = append(args, len(tags))
	}
	// Fetching one row more than the page shows whether another page follows.
	q.WriteString(` ORDER BY created_at DESC, id DESC LIMIT ?`)
	args = append(args, f.Limit+1)

	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q.String()), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list pets: %w", err)
	}
	defer rows.Close()
	var pets []storedPet
	for rows.Next() {
		sp, err := scanPet(rows)
		if err != nil {
			return nil, nil, err
		}
		pets = append(pets, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list pets: %w", err)
	}
	if len(pets) <= f.Limit {
		return pets, nil, nil
	}
	pets = pets[:f.Limit]
	last := pets[len(pets)-1].Pet
	return pets, &petPosition{CreatedAt: last.CreatedAt.UnixMilli(), ID: last.ID}, nil
}

// updatePet changes the pet with the given ID through apply, when match
// accepts the pet's current version. It returns errNotFound for an unknown
// pet and errPreconditionFailed when match rejects the version or another
// request changed the pet at the same time. An error from apply is returned
// as it is, and nothing changes.
//
// A status change also settles the pet's pending adoption: "adopted"
// approves it and records its adopter in adoptedBy, "available" rejects it.
func (s *petStore) updatePet(ctx context.Context, id string, match func(version int64) bool, apply func(*api.Pet) error) (storedPet, error) {
	var sp storedPet
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		q := s.db.Rebind(`SELECT ` + petColumns + ` FROM pets WHERE id = ?`)
		current, err := scanPet(tx.QueryRowContext(ctx, q, id))
		if err != nil {
			return err
		}
		if !match(current.Version) {
			return errPreconditionFailed
		}
		sp = storedPet{Pet: current.Pet, Version: current.Version + 1}
		if err := apply(&sp.Pet); err != nil {
			return err
		}
		if err := s.settleAdoption(ctx, tx, current.Pet.Status, &sp.Pet); err != nil {
			return err
		}
		return s.savePet(ctx, tx, sp, current.Version)
	})
	return sp, err
}

// settleAdoption updates the pending adoption of p when its status moves
// away from "pending".
func (s *petStore) settleAdoption(ctx context.Context, tx *sql.Tx, from api.PetStatus, p *api.Pet) error {
	if p.Status != api.PetStatusAdopted {
		p.AdoptedBy = nil
	}
	if from != api.PetStatusPending || p.Status == api.PetStatusPending {
		return nil
	}
	state := api.AdoptionStateRejected
	if p.Status == api.PetStatusAdopted {
		state = api.AdoptionStateApproved
		var adopter string
		q := s.db.Rebind(`SELECT adopter FROM adoptions WHERE pet_id = ? AND state = ?`)
		err := tx.QueryRowContext(ctx, q, p.ID, string(api.AdoptionStatePending)).Scan(&adopter)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read adoption of pet %s: %w", p.ID, err)
		default:
			p.AdoptedBy = new(api.Adopter)
			if err := json.Unmarshal([]byte(adopter), p.AdoptedBy); err != nil {
				return fmt.Errorf("decode adopter of pet %s: %w", p.ID, err)
			}
		}
	}
	q := s.db.Rebind(`UPDATE adoptions SET state = ? WHERE pet_id = ? AND state = ?`)
	if _, err := tx.ExecContext(ctx, q, string(state), p.ID, string(api.AdoptionStatePending)); err != nil {
		return fmt.Errorf("settle adoption of pet %s: %w", p.ID, err)
	}
	return nil
}

// savePet writes sp over the row of version previous. It fails with
// errPreconditionFailed when the row has another version by now, which
// only happens on PostgreSQL, where a transaction does not lock the pet
// that it read.
func (s *petStore) savePet(ctx context.Context, tx *sql.Tx, sp storedPet, previous int64) error {
	args, err := petArgs(sp)
	if err != nil {
		return err
	}
	q := s.db.Rebind(`UPDATE pets SET name = ?, species = ?, status = ?, birth_date = ?,
		weight_kg = ?, microchip = ?, tags = ?, labels = ?, adopted_by = ?, version = ?
		WHERE id = ? AND version = ?`)
	// args[1:10] are the columns from name to adopted_by. The full slice
	// expression makes append copy them instead of overwriting args.
	res, err := tx.ExecContext(ctx, q, append(args[1:10:10], sp.Version, sp.Pet.ID, previous)...)
	if err != nil {
		return fmt.Errorf("update pet %s: %w", sp.Pet.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errPreconditionFailed
	}
	return s.replaceTags(ctx, tx, sp.Pet.ID, sp.Pet.Tags)
}

// deletePet deletes the pet with the given ID and its adoptions, or
// returns errNotFound.
func (s *petStore) deletePet(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM pets WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("delete pet %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("delete pet %s: %w", id, err)
	}
	if n == 0 {
		return errNotFound
	}
	return nil
}

// adoptPet records a pending adoption of an available pet and marks the
// pet pending. It returns errNotFound for an unknown pet and
// errPetNotAvailable for a pet that is pending or adopted.
//
// With an idempotency key, a repeated request returns the adoption that
// the first one created, even after the pet stopped being available, and
// the same key with a different request fails with errIdempotencyReuse.
func (s *petStore) adoptPet(ctx context.Context, req adoptionRequest) (api.Adoption, error) {
	var a api.Adoption
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var found bool
		var err error
		if a, found, err = s.findIdempotent(ctx, tx, req); err != nil || found {
			return err
		}
		q := s.db.Rebind(`UPDATE pets SET status = ?, version = version + 1 WHERE id = ? AND status = ?`)
		res, err := tx.ExecContext(ctx, q, string(api.PetStatusPending), req.PetID, string(api.PetStatusAvailable))
		if err != nil {
			return fmt.Errorf("reserve pet %s: %w", req.PetID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return s.whyNotAdoptable(ctx, tx, req, &a)
		}
		a = api.Adoption{ID: req.ID, PetID: req.PetID, State: api.AdoptionStatePending}
		return s.insertAdoption(ctx, tx, req)
	})
	return a, err
}

// findIdempotent returns the adoption that an earlier request with req's
// idempotency key created.
func (s *petStore) findIdempotent(ctx context.Context, tx *sql.Tx, req adoptionRequest) (api.Adoption, bool, error) {
	if req.Key == "" {
		return api.Adoption{}, false, nil
	}
	var a api.Adoption
	var state, digest string
	q := s.db.Rebind(`SELECT id, pet_id, state, request_digest FROM adoptions
		WHERE idempotency_scope = ? AND idempotency_key = ?`)
	err := tx.QueryRowContext(ctx, q, req.Scope, req.Key).Scan(&a.ID, &a.PetID, &state, &digest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return api.Adoption{}, false, nil
	case err != nil:
		return api.Adoption{}, false, fmt.Errorf("find adoption by idempotency key: %w", err)
	case digest != req.Digest:
		return api.Adoption{}, false, errIdempotencyReuse
	}
	a.State = api.AdoptionState(state)
	return a, true, nil
}

// whyNotAdoptable finds the reason why the pet of req could not be
// reserved. On PostgreSQL a request with the same idempotency key may have
// reserved it in the meantime, and then its adoption goes into a.
func (s *petStore) whyNotAdoptable(ctx context.Context, tx *sql.Tx, req adoptionRequest, a *api.Adoption) error {
	found, ok, err := s.findIdempotent(ctx, tx, req)
	if err != nil {
		return err
	}
	if ok {
		*a = found
		return nil
	}
	var status string
	q := s.db.Rebind(`SELECT status FROM pets WHERE id = ?`)
	err = tx.QueryRowContext(ctx, q, req.PetID).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errNotFound
	case err != nil:
		return fmt.Errorf("read pet %s: %w", req.PetID, err)
	}
	return fmt.Errorf("%w: pet %s is %s", errPetNotAvailable, req.PetID, status)
}

func (s *petStore) insertAdoption(ctx context.Context, tx *sql.Tx, req adoptionRequest) error {
	adopter, err := json.Marshal(req.Adopter)
	if err != nil {
		return fmt.Errorf("encode adopter: %w", err)
	}
	var scope, key, digest any
	if req.Key != "" {
		scope, key, digest = req.Scope, req.Key, req.Digest
	}
	q := s.db.Rebind(`INSERT INTO adoptions (id, pet_id, state, adopter, note,
		idempotency_scope, idempotency_key, request_digest, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	_, err = tx.ExecContext(ctx, q, req.ID, req.PetID, string(api.AdoptionStatePending),
		string(adopter), req.Note, scope, key, digest, req.Created.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert adoption of pet %s: %w", req.PetID, err)
	}
	return nil
}

// createWebhookEndpoint inserts e, whose ID must be new.
func (s *petStore) createWebhookEndpoint(ctx context.Context, e api.WebhookEndpoint) error {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return fmt.Errorf("encode events: %w", err)
	}
	disabled := e.Disabled != nil && *e.Disabled
	q := s.db.Rebind(`INSERT INTO webhook_endpoints (id, url, events, description, secret, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	_, err = s.db.ExecContext(ctx, q, e.ID, e.URL, string(events), e.Description, e.Secret, disabled, e.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert webhook endpoint %s: %w", e.ID, err)
	}
	return nil
}

// listWebhookEndpoints returns every webhook endpoint, oldest first.
func (s *petStore) listWebhookEndpoints(ctx context.Context) ([]api.WebhookEndpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, url, events, description, secret, disabled, created_at
		FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	defer rows.Close()
	endpoints := []api.WebhookEndpoint{}
	for rows.Next() {
		var e api.WebhookEndpoint
		var events string
		var disabled bool
		var created int64
		if err := rows.Scan(&e.ID, &e.URL, &events, &e.Description, &e.Secret, &disabled, &created); err != nil {
			return nil, fmt.Errorf("list webhook endpoints: %w", err)
		}
		if err := json.Unmarshal([]byte(events), &e.Events); err != nil {
			return nil, fmt.Errorf("decode events of webhook endpoint %s: %w", e.ID, err)
		}
		e.Disabled = &disabled
		e.CreatedAt = time.UnixMilli(created).UTC()
		endpoints = append(endpoints, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return endpoints, nil
}

// inTx runs fn in a transaction, which it commits when fn returns nil.
func (s *petStore) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// replaceTags makes pet_tags list exactly tags for the pet.
func (s *petStore) replaceTags(ctx context.Context, tx *sql.Tx, id string, tags []string) error {
	if _, err := tx.ExecContext(ctx, s.db.Rebind(`DELETE FROM pet_tags WHERE pet_id = ?`), id); err != nil {
		return fmt.Errorf("replace tags of pet %s: %w", id, err)
	}
	q := s.db.Rebind(`INSERT INTO pet_tags (pet_id, tag) VALUES (?, ?)`)
	for _, t := range uniqueStrings(tags) {
		if _, err := tx.ExecContext(ctx, q, id, t); err != nil {
			return fmt.Errorf("replace tags of pet %s: %w", id, err)
		}
	}
	return nil
}

// petArgs returns the values of petColumns for sp, in order.
func petArgs(sp storedPet) ([]any, error) {
	p := sp.Pet
	tags, err := json.Marshal(p.Tags)
	if err != nil {
		return nil, fmt.Errorf("encode tags: %w", err)
	}
	labels, err := json.Marshal(p.Labels)
	if err != nil {
		return nil, fmt.Errorf("encode labels: %w", err)
	}
	var birthDate, microchip, adoptedBy any
	if d, ok := p.BirthDate.Get(); ok {
		birthDate = d.String()
	}
	if m, ok := p.Microchip.Get(); ok {
		microchip = string(m)
	}
	if p.AdoptedBy != nil {
		b, err := json.Marshal(p.AdoptedBy)
		if err != nil {
			return nil, fmt.Errorf("encode adopter: %w", err)
		}
		adoptedBy = string(b)
	}
	return []any{p.ID, p.Name, string(p.Species), string(p.Status), birthDate, p.WeightKg,
		microchip, string(tags), string(labels), adoptedBy, p.CreatedAt.UnixMilli(), sp.Version}, nil
}

// scanPet reads a row of petColumns. sql.ErrNoRows becomes errNotFound.
func scanPet(row interface{ Scan(...any) error }) (storedPet, error) {
	var sp storedPet
	p := &sp.Pet
	var species, status, tags, labels string
	var birthDate, microchip, adoptedBy sql.NullString
	var created int64
	err := row.Scan(&p.ID, &p.Name, &species, &status, &birthDate, &p.WeightKg, &microchip,
		&tags, &labels, &adoptedBy, &created, &sp.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return sp, errNotFound
	}
	if err != nil {
		return sp, fmt.Errorf("read pet: %w", err)
	}

	p.Species, p.Status = api.Species(species), api.PetStatus(status)
	p.CreatedAt = time.UnixMilli(created).UTC()
	if birthDate.Valid {
		d, err := oas.ParseDate(birthDate.String)
		if err != nil {
			return sp, fmt.Errorf("read birth date of pet %s: %w", p.ID, err)
		}
		p.BirthDate.Set(d)
	}
	if microchip.Valid {
		p.Microchip.Set(api.Microchip(microchip.String))
	}

	if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
		return sp, fmt.Errorf("decode tags of pet %s: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
		return sp, fmt.Errorf("decode labels of pet %s: %w", p.ID, err)
	}
	if adoptedBy.Valid {
		p.AdoptedBy = new(api.Adopter)
		if err := json.Unmarshal([]byte(adoptedBy.String), p.AdoptedBy); err != nil {
			return sp, fmt.Errorf("decode adopter of pet %s: %w", p.ID, err)
		}
	}
	return sp, nil
}

// uniqueStrings returns ss without repeats, in first-seen order.
func uniqueStrings(ss []string) []string {
	var out []string
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
