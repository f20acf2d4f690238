package generator_test

import (
	"fmt"
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

// BenchmarkGenerateDeepNesting measures a whole generation of specs whose
// schema nests objects, arrays or references 1,000 and 3,000 levels deep
// (see deepSpec). Time per level should stay about the same from one
// depth to the other.
func BenchmarkGenerateDeepNesting(b *testing.B) {
	for _, kind := range []string{"object", "array", "ref"} {
		for _, levels := range []int{1000, 3000} {
			path := writeSpec(b, "deep.json", deepSpec(kind, "json", levels))
			b.Run(fmt.Sprintf("%s/%d", kind, levels), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := generator.Run(generator.Config{Spec: path, Package: "deep"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
