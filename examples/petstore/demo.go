package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/oas"
)

// runDemo is the demo subcommand.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("petstore demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if err := demo(stdout); err != nil {
		logger.Error("demo failed", "err", err)
		return 1
	}
	fmt.Fprintln(stdout, "\nthe service and the webhook receiver, live on loopback:")
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := liveDemo(stdout, quiet); err != nil {
		logger.Error("demo failed", "err", err)
		return 1
	}
	return 0
}

// demo shows the generated models at work on one valid and one invalid
// payload, then lists the operations table.
func demo(w io.Writer) error {
	valid := []byte(`{"name": "Rex", "species": "dog", "tags": ["good-boy"], "weightKg": 31.5}`)
	invalid := []byte(`{"name": "", "species": "dragon", "tags": ["a", "a"], "weightKg": 0, "colour": "red"}`)

	var pet api.NewPet
	if err := json.Unmarshal(valid, &pet); err != nil {
		return fmt.Errorf("decode valid pet: %w", err)
	}
	if err := pet.Validate(); err != nil {
		return fmt.Errorf("valid pet rejected: %w", err)
	}
	fmt.Fprintf(w, "valid NewPet: name=%s species=%s\n", pet.Name, pet.Species)

	var bad api.NewPet
	if err := json.Unmarshal(invalid, &bad); err != nil {
		return fmt.Errorf("decode invalid pet: %w", err)
	}
	var problems oas.Errors
	if !errors.As(bad.Validate(), &problems) {
		return errors.New("invalid pet accepted")
	}
	fmt.Fprintln(w, "invalid NewPet:")
	for _, p := range problems {
		fmt.Fprintf(w, "  %s\n", p)
	}

	fmt.Fprintln(w, "operations:")
	for _, op := range api.Operations {
		fmt.Fprintf(w, "  %-22s %-6s %s\n", op.ID, op.Method, op.Path)
	}
	fmt.Fprintln(w, "webhooks:")
	for _, op := range api.Webhooks {
		fmt.Fprintf(w, "  %-22s %s\n", op.ID, op.Name)
	}
	return nil
}
