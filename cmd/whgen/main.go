// Command whgen generates typed Go code from an OpenAPI 3.x document: models
// with validation, request and response types for every operation and
// webhook, a table of operations that middleware can consult, a server on
// http.ServeMux, a client, and verifying webhook receivers.
//
// Usage:
//
//	whgen generate [-config whgen.yaml] [-o DIR] [-package NAME] [-strict] [-v] SPEC
//	whgen check    [-config whgen.yaml] [-o DIR] [-package NAME] [-strict] [-v] SPEC
//	whgen validate [-strict] [-v] SPEC
//	whgen scaffold [-config whgen.yaml] [-o DIR] [-package NAME] [-strict] [-v] SPEC
//	whgen version
//
// generate writes the files into DIR (default: the current directory). It
// writes nothing unless generation succeeds as a whole, and removes files
// that an earlier run generated and this one does not.
//
// check exits 0 when the files in DIR are what generate would write, and 1
// with a unified diff when they are stale, for CI.
//
// validate lists each defect in the spec as "file:line:col: pointer:
// message" and exits 1 when there is any.
//
// scaffold writes, once, the files that you own beside the generated
// package: service.go, a Service that compiles and answers 501 Not
// Implemented for every operation, and middleware.go, skeletons of
// middleware that read and replace request and response bodies. It never
// overwrites an existing file.
//
// version prints the whgen module version, as go install or go tool
// recorded it, with the Go version and the source revision when known.
//
// Published specs carry defects that their consumers cannot fix, such as a
// $ref to nothing. generate reads past each one that has a safe reading
// and prints a warning in the same form on stderr; -strict turns those
// warnings into errors. Exit codes: 0 success, 1 failure or stale files,
// 2 usage error.
//
// From go generate, in the package that should hold the code:
//
//	//go:generate go run github.com/whgen/whgen/cmd/whgen generate -o . openapi.yaml
//
// or, with `go get -tool github.com/whgen/whgen/cmd/whgen`:
//
//	//go:generate go tool whgen generate -o . openapi.yaml
//
// The config file (YAML) carries the same settings as the flags; a flag
// given on the command line wins over the file:
//
//	spec: openapi.yaml
//	output: ./api
//	package: api
//	strict: false
//	generate: [models, operations, server, client, receiver]
//	names:
//	  /components/schemas/Pet: Animal   # a component schema, by JSON pointer
//	  listPets: ListAnimals             # an operation, by operationId
//	  pet.created: AnimalCreated        # a webhook, by name
//	receiver:
//	  route: property:type              # path, header:NAME or property:NAME
//	  signature: standard-webhooks      # or github, stripe, slack, shopify
//	  events:                           # routing values, by webhook name
//	    pet.created: pet.created
//
// The same choices can live in the spec: x-whgen-route and
// x-whgen-signature at the top level or on a webhook's operation, and
// x-whgen-event on a webhook's operation.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/whgen/whgen/generator"
	yaml "go.yaml.in/yaml/v4"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `whgen generates typed Go code from an OpenAPI 3.x document.

Usage:
  whgen generate [flags] SPEC   write the generated files
  whgen check [flags] SPEC      exit 1 with a diff when the files are stale
  whgen validate [flags] SPEC   list the defects in a spec
  whgen scaffold [flags] SPEC   write a service and middleware skeletons, once
  whgen version                 print the version of whgen

Run "whgen COMMAND -h" for the flags of a command.
`

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "generate", "check":
		return generate(args[0], args[1:], stdout, stderr)
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "scaffold":
		return scaffold(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "whgen: version takes no arguments\n")
			return 2
		}
		info, _ := debug.ReadBuildInfo()
		fmt.Fprintln(stdout, versionLine(info))
		return 0
	}
	fmt.Fprintf(stderr, "whgen: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// versionLine describes the build: "whgen v0.4.0 (go1.25.3)", with the
// source revision for a build from a checkout, where the module version is
// "(devel)".
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "whgen (unknown version)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	extra := []string{info.GoVersion}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		if modified == "true" {
			revision += ", modified"
		}
		extra = append(extra, "revision "+revision)
	}
	return fmt.Sprintf("whgen %s (%s)", version, strings.Join(extra, ", "))
}

type flags struct {
	config, output, pkg string
	strict, verbose     bool
	set                 map[string]bool
}

func newFlagSet(name string, stderr io.Writer, f *flags, withOutput bool) *flag.FlagSet {
	fs := flag.NewFlagSet("whgen "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if withOutput {
		fs.StringVar(&f.config, "config", "", "read settings from this YAML `file`; flags override it")
		fs.StringVar(&f.output, "o", "", "write files to this `directory` (default: the current directory)")
		fs.StringVar(&f.pkg, "package", "", "Go package `name` (default: the output directory's name, or api)")
	}
	fs.BoolVar(&f.strict, "strict", false, "treat every warning about a defect in the spec as an error")
	fs.BoolVar(&f.verbose, "v", false, "also print notes, such as renamed types and merged webhooks, and timings")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: whgen %s [flags] SPEC\n\nFlags:\n", name)
		fs.PrintDefaults()
	}
	return fs
}

func generate(cmd string, args []string, stdout, stderr io.Writer) int {
	var f flags
	fs := newFlagSet(cmd, stderr, &f, true)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })

	cfg, err := configFrom(f, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "whgen %s: %v\n", cmd, err)
		return 2
	}
	logger := newLogger(stderr, f.verbose)
	start := time.Now()
	res, err := generator.Run(cfg)
	if err != nil {
		return report(stderr, cmd, err)
	}
	printDiagnostics(stderr, res.Diagnostics, f.verbose)
	out := cfg.Output
	if out == "" {
		out = "."
	}
	if cmd == "check" {
		diff, err := generator.Diff(out, res.Files)
		if err != nil {
			fmt.Fprintf(stderr, "whgen check: %v\n", err)
			return 1
		}
		if diff != "" {
			fmt.Fprint(stdout, diff)
			fmt.Fprintf(stderr, "whgen check: generated files in %s are stale; run whgen generate\n", out)
			return 1
		}
		logger.Info("generated files are up to date", "dir", out, "elapsed", time.Since(start).Round(time.Millisecond))
		return 0
	}
	if err := generator.Write(out, res.Files); err != nil {
		fmt.Fprintf(stderr, "whgen generate: %v\n", err)
		return 1
	}
	logger.Info("generated", "dir", out, "files", len(res.Files), "elapsed", time.Since(start).Round(time.Millisecond))
	return 0
}

func validate(args []string, stdout, stderr io.Writer) int {
	var f flags
	fs := newFlagSet("validate", stderr, &f, false)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "whgen validate: name exactly one spec file")
		return 2
	}
	res, err := generator.Run(generator.Config{Spec: fs.Arg(0), Strict: f.strict, Package: "api"})
	if err != nil {
		return report(stdout, "validate", err)
	}
	problems := 0
	for _, d := range res.Diagnostics {
		if d.Severity == generator.Warning {
			problems++
		}
	}
	printDiagnostics(stdout, res.Diagnostics, f.verbose)
	if problems > 0 {
		return 1
	}
	return 0
}

// configFrom merges the config file and the flags; flags win.
func configFrom(f flags, args []string) (generator.Config, error) {
	var cfg generator.Config
	if f.config != "" {
		data, err := os.ReadFile(f.config)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("invalid config %s: %w", f.config, err)
		}
		// Paths in the file are relative to the file.
		base := filepath.Dir(f.config)
		if cfg.Spec != "" && !filepath.IsAbs(cfg.Spec) {
			cfg.Spec = filepath.Join(base, cfg.Spec)
		}
		if cfg.Output != "" && !filepath.IsAbs(cfg.Output) {
			cfg.Output = filepath.Join(base, cfg.Output)
		}
	}
	switch len(args) {
	case 0:
	case 1:
		cfg.Spec = args[0]
	default:
		return cfg, fmt.Errorf("name one spec file, not %d", len(args))
	}
	if cfg.Spec == "" {
		return cfg, errors.New("missing spec: name the OpenAPI file, or set spec in the config file")
	}
	if f.set["o"] {
		cfg.Output = f.output
	}
	if f.set["package"] {
		cfg.Package = f.pkg
	}
	if f.set["strict"] {
		cfg.Strict = f.strict
	}
	return cfg, nil
}

// report prints an error from generator.Run and returns the exit code.
func report(w io.Writer, cmd string, err error) int {
	var de *generator.DiagnosticsError
	if errors.As(err, &de) {
		for _, d := range de.Diagnostics {
			fmt.Fprintf(w, "%s: error: %s\n", location(d), d.Message)
		}
		return 1
	}
	fmt.Fprintf(w, "whgen %s: %v\n", cmd, err)
	if errors.Is(err, generator.ErrConfig) {
		return 2
	}
	return 1
}

func printDiagnostics(w io.Writer, ds generator.Diagnostics, verbose bool) {
	for _, d := range ds {
		switch {
		case d.Severity == generator.Warning:
			fmt.Fprintf(w, "%s: warning: %s\n", location(d), d.Message)
		case d.Severity == generator.Info && verbose:
			fmt.Fprintf(w, "%s: note: %s\n", location(d), d.Message)
		}
	}
}

// location formats "file:line:col: pointer".
func location(d generator.Diagnostic) string {
	p := d.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, p)
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func scaffold(args []string, stdout, stderr io.Writer) int {
	var f flags
	fs := newFlagSet("scaffold", stderr, &f, true)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	cfg, err := configFrom(f, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "whgen scaffold: %v\n", err)
		return 2
	}
	files, err := generator.RunScaffold(cfg)
	if err != nil {
		return report(stderr, "scaffold", err)
	}
	out := cfg.Output
	if out == "" {
		out = "."
	}
	skipped, err := generator.WriteOnce(out, files)
	for _, name := range skipped {
		fmt.Fprintf(stderr, "whgen scaffold: %s exists; left as it is\n", filepath.Join(out, name))
	}
	if err != nil {
		fmt.Fprintf(stderr, "whgen scaffold: %v\n", err)
		return 1
	}
	for _, name := range generator.SortedNames(files) {
		if !slices.Contains(skipped, name) {
			fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(out, name))
		}
	}
	return 0
}
