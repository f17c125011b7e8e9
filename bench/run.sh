#!/usr/bin/env bash
# Measures compose2kube on synthetic projects and prints a Markdown table.
#
# usage: bench/run.sh [SIZES...]        (default sizes: 100 1000 10000)
#        RUNS=5 bench/run.sh 1000       (runs per measurement; the median wall time is shown)
#
# Builds the release binary, writes an N-service Compose file with bench/generate.py into a
# temporary directory for each size, and runs every command of COMMANDS on it under
# /usr/bin/time -v, keeping the wall time and the maximum resident set size.
#
# To measure another command, add a line to COMMANDS: `FILE` is replaced by the Compose file.
set -euo pipefail

COMMANDS=(
  "config -f FILE"
  "check -f FILE"
  "convert -f FILE"
)

cd "$(dirname "$0")/.."
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(100 1000 10000)
fi
runs=${RUNS:-3}

cargo build --release --quiet
binary="$PWD/target/release/compose2kube"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints "<wall seconds> <max RSS KiB>" for one run of the binary with the given arguments.
measure() {
  /usr/bin/time -v -o "$work/time" "$binary" "$@" > /dev/null 2> "$work/stderr" || {
    echo "compose2kube $* failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  awk -F': ' '
    /Elapsed \(wall clock\)/ {
      n = split($2, t, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + t[i]
      wall = s
    }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.3f %d\n", wall, rss }
  ' "$work/time"
}

echo "| command | services | file size | wall time (median of $runs) | max RSS |"
echo "|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  file="$work/compose-$n.yaml"
  python3 bench/generate.py "$n" > "$file"
  size_kib=$(( $(wc -c < "$file") / 1024 ))
  for command in "${COMMANDS[@]}"; do
    # shellcheck disable=SC2206 # split the command line into words on purpose
    args=(${command//FILE/$file})
    walls=()
    rss=0
    for _ in $(seq "$runs"); do
      read -r wall run_rss < <(measure "${args[@]}")
      walls+=("$wall")
      if [ "$run_rss" -gt "$rss" ]; then rss=$run_rss; fi
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    printf '| `compose2kube %s` | %d | %d KiB | %.2f s | %d MiB |\n' \
      "${command//FILE/FILE}" "$n" "$size_kib" "$median" $(( rss / 1024 ))
  done
done

# The whole awesome-compose corpus, converted one application after another (one process
# each, as a user runs it): the total wall time and the largest resident set of any run.
corpus=../shared/corpus/awesome-compose
if [ -d "$corpus" ]; then
  total=0
  rss=0
  apps=0
  for file in "$corpus"/*/compose.y*ml; do
    read -r wall run_rss < <(cd "$(dirname "$file")" && measure convert -f "$(basename "$file")")
    total=$(awk -v a="$total" -v b="$wall" 'BEGIN { printf "%.3f", a + b }')
    if [ "$run_rss" -gt "$rss" ]; then rss=$run_rss; fi
    apps=$((apps + 1))
  done
  printf '| `compose2kube convert` over the corpus | %d apps | - | %.2f s total | %d MiB |\n' \
    "$apps" "$total" $(( rss / 1024 ))
fi
