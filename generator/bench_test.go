package generator_test

import (
	"testing"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// BenchmarkGenerate measures a whole generation (load, build, render and
// format, without writing files) of GitHub's two descriptions: the models
// and operation types alone, and every part.
func BenchmarkGenerate(b *testing.B) {
	parts := []struct {
		name  string
		parts []string
	}{
		{"models", []string{"models", "operations"}},
		{"all", nil},
	}
	for _, name := range []string{"github-api.json", "github-webhooks.json"} {
		path := testspecs.Path(b, "corpus", name)
		for _, p := range parts {
			b.Run(name+"/"+p.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := generator.Run(generator.Config{Spec: path, Package: "api", Generate: p.parts}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
