#!/usr/bin/env bash
# Rewrites build/symbol-order.txt, the order build.rs gives the linker for the release binary's
# functions: the ones a run executes, hottest first (build/symbol-order.py says how).
#
# usage: build/symbol-order.sh
#
# Run it when bench/common.sh warns: after a change of the compiler, the dependencies or the
# workspace (the names carry hashes of them), or one that adds much of the code every
# conversion runs. A stale file only means less of the gain (the linker skips names it does
# not find). The runs are those of the benchmarks, then the other commands and outputs, under
# callgrind.
set -euo pipefail

cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
binary=$PWD/target/release/compose2kube
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

typical=../shared/corpus/awesome-compose/nginx-golang-mysql/compose.yaml
python3 bench/generate.py 1000 > "$work/large.yaml"
runs=(
  "convert -f $typical"
  "convert -f $work/large.yaml"
  "check -f $work/large.yaml"
  "config -f $work/large.yaml"
  "explain -f $typical"
  "convert -f $typical --chart -o $work/chart"
  "convert -f $typical --format kustomize -o $work/kustomize"
  "convert -f $typical --format json"
  "convert -f $typical -o $work/out.yaml"
  "explain -f $typical --format html"
)
profiles=()
for i in "${!runs[@]}"; do
  # shellcheck disable=SC2086 # the run's words on purpose
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/$i.cg" \
    "$binary" ${runs[$i]} > /dev/null 2> "$work/$i.err" || {
    echo "compose2kube ${runs[$i]} failed:" >&2
    cat "$work/$i.err" >&2
    exit 1
  }
  profiles+=("$work/$i.cg")
done
python3 build/symbol-order.py "$binary" build/symbol-order.txt "${profiles[@]}"
