package generator_test

import (
	"testing"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// BenchmarkGenerate measures a whole generation (load, build, render and
// format, without writing files) of GitHub's two descriptions.
func BenchmarkGenerate(b *testing.B) {
	for _, name := range []string{"github-api.json", "github-webhooks.json"} {
		path := testspecs.Path(b, "corpus", name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := generator.Run(generator.Config{Spec: path, Package: "api"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
