#!/usr/bin/env bash
# Compares the generated getPet handler of examples/petstore with the same
# handler written by hand on net/http, in one process. It runs the pair
# RUNS times (default 12), alternating, and prints the median ns/op of each
# and their ratio. The goal is a ratio of at most 1.10.
#
#	bench/server.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-12}
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" ./examples/petstore
for _ in $(seq "$runs"); do
	"$bin" -test.run '^$' -test.bench 'GetPet$' -test.benchmem -test.cpu 1 -test.benchtime 500000x
done | awk '
/^BenchmarkGetPet\// {
	name = substr($1, length("BenchmarkGetPet/") + 1)
	n[name]++
	ns[name, n[name]] = $3
	bytes[name] = $7
	allocs[name] = $9
}
function median(name,   i, j, t, m, v) {
	m = n[name]
	for (i = 1; i <= m; i++) v[i] = ns[name, i]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return v[int((m + 1) / 2)]
}
END {
	gen = median("generated"); hand = median("handwritten")
	printf "%-12s %8s %8s %8s\n", "handler", "ns/op", "B/op", "allocs"
	printf "%-12s %8d %8d %8d\n", "generated", gen, bytes["generated"], allocs["generated"]
	printf "%-12s %8d %8d %8d\n", "handwritten", hand, bytes["handwritten"], allocs["handwritten"]
	printf "ratio %.3f over %d runs\n", gen / hand, n["generated"]
}'
