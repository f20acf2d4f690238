package generator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/whgen/whgen/templates"
)

type scaffoldData struct {
	Package    string
	Operations []scaffoldOp
	Webhooks   []string // handler methods, for the webhook skeleton
}

type scaffoldOp struct{ GoName, ID, Quoted string }

// scaffoldTemplates are the files that Scaffold can write, with the
// template each comes from.
var scaffoldTemplates = map[string]string{
	"service.go":    "scaffold_service.go.tmpl",
	"middleware.go": "scaffold_middleware.go.tmpl",
	"webhooks.go":   "scaffold_webhooks.go.tmpl",
}

// Scaffold renders the files that users own beside the generated package:
// for operations, a Service that compiles and answers 501 for each, and
// middleware skeletons that show request and response modification; for
// webhooks, a WebhookHandler skeleton.
func Scaffold(m *Model) (map[string][]byte, error) {
	data := scaffoldData{Package: m.Package}
	for _, o := range m.Operations {
		data.Operations = append(data.Operations, scaffoldOp{GoName: o.GoName, ID: sanitizeLine(o.ID), Quoted: strconv.Quote(o.ID)})
	}
	if m.Receiver != nil {
		for _, w := range m.Receiver.Webhooks {
			data.Webhooks = append(data.Webhooks, sanitizeLine(w.Method+" ("+w.Op.Name+")"))
		}
	}
	out := map[string][]byte{}
	for name, tmpl := range scaffoldTemplates {
		switch {
		case name == "webhooks.go" && len(data.Webhooks) == 0:
			continue
		case name != "webhooks.go" && len(data.Operations) == 0:
			continue
		}
		var buf bytes.Buffer
		if err := templates.All.ExecuteTemplate(&buf, tmpl, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		src, err := gofmt(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		out[name] = src
	}
	return out, nil
}

// WriteOnce writes each file into dir unless a file of that name exists,
// and returns the names it skipped. Scaffolded files belong to the user,
// so they are never overwritten.
func WriteOnce(dir string, files map[string][]byte) (skipped []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	for _, name := range sortedKeys(files) {
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			skipped = append(skipped, name)
			continue
		}
		if err != nil {
			return skipped, fmt.Errorf("write %s: %w", name, err)
		}
		_, werr := f.Write(files[name])
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return skipped, fmt.Errorf("write %s: %w", name, werr)
		}
	}
	return skipped, nil
}

// RunScaffold loads the spec and renders the scaffold files.
func RunScaffold(cfg Config) (map[string][]byte, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	spec, err := Load(cfg.Spec, LoadOptions{Strict: cfg.Strict})
	if err != nil {
		return nil, err
	}
	cfg.Package = cfg.packageName()
	m, err := build(spec, cfg)
	if err != nil {
		return nil, err
	}
	return Scaffold(m)
}
