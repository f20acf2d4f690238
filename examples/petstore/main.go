// Command petstore is whgen's showcase: the pet adoption service of
// petstore.yaml, built on the code that whgen generates into ./api.
//
//	go run ./examples/petstore demo
//	go run ./examples/petstore serve -addr 127.0.0.1:8080 -db petstore.db -api-key dev-key
//	go run ./examples/petstore receive -addr 127.0.0.1:9090 -secret whsec_...
//
// demo decodes and validates sample payloads with the generated models and
// prints the operations and webhooks that the spec declares. receive runs
// the generated webhook receiver at POST /webhooks and prints each accepted
// event on stdout as one JSON line.
//
// serve runs the service over HTTP on a SQLite database: every operation of
// the spec, API key, bearer and OAuth2 authentication, trusted hosts, CORS,
// a per-client rate limit, and the spec itself at /openapi.json. Run
// "petstore serve -h" for its flags. For example, with the server above:
//
//	curl -s -H 'X-API-Key: dev-key' http://127.0.0.1:8080/pets
//
// Each subcommand lives in its own file and is listed in commands below.
package main

//go:generate go run github.com/whgen/whgen/cmd/whgen generate -o api -package api petstore.yaml

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand. run receives the arguments after the
// subcommand's name and returns the process exit code: 0 for success, 1 for
// a failure at run time and 2 for a usage error.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order that the usage message shows.
var commands = []command{
	{name: "demo", summary: "validate sample payloads and list the spec's operations", run: runDemo},
	{name: "serve", summary: "serve the API over HTTP on a SQLite database", run: runServe},
	{name: "receive", summary: "receive the spec's webhooks and print each event", run: runReceive},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage())
		return 0
	}
	fmt.Fprintf(stderr, "petstore: unknown command %q\n%s", args[0], usage())
	return 2
}

// usage returns the list of subcommands.
func usage() string {
	var b strings.Builder
	b.WriteString("Usage: petstore COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"petstore COMMAND -h\" for the flags of a command.\n")
	return b.String()
}
