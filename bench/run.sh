#!/usr/bin/env bash
# Measures compose2kube on synthetic projects and prints a Markdown table.
#
# usage: bench/run.sh [SIZES...]        (default sizes: 100 1000 10000)
#        RUNS=5 bench/run.sh 1000       (runs per measurement; the median wall time is shown)
#        BINARY=/tmp/old/compose2kube bench/run.sh   (measure another build, e.g. an older commit)
#
# Builds the release binary, writes an N-service Compose file with bench/generate.py into a
# temporary directory for each size, and runs every command of COMMANDS on it under
# /usr/bin/time -v, keeping the wall time, the CPU time (user + sys: on a machine shared with
# other work the wall time includes waiting for a core, the CPU time much less so) and the
# maximum resident set size.
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

# shellcheck source=bench/common.sh
source bench/common.sh

echo "| command | services | file size | wall time (median of $runs) | CPU user+sys (median) | max RSS |"
echo "|---|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  file="$work/compose-$n.yaml"
  python3 bench/generate.py "$n" > "$file"
  size_kib=$(( $(wc -c < "$file") / 1024 ))
  for command in "${COMMANDS[@]}"; do
    # shellcheck disable=SC2206 # split the command line into words on purpose
    args=(${command//FILE/$file})
    walls=()
    cpus=()
    rss=0
    for _ in $(seq "$runs"); do
      read -r wall run_rss cpu < <(measure "${args[@]}")
      walls+=("$wall")
      cpus+=("$cpu")
      if [ "$run_rss" -gt "$rss" ]; then rss=$run_rss; fi
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    printf '| `compose2kube %s` | %d | %d KiB | %.3f s | %.3f s | %d MiB |\n' \
      "${command//FILE/FILE}" "$((n + (n + 9) / 10))" "$size_kib" "$median" "$cpu" $(( rss / 1024 ))
  done
done

# The issue's typical application, awesome-compose `nginx-golang-mysql`, converted in its folder:
# too quick for /usr/bin/time's 10 ms, so `perf stat` repeats it (TYPICAL_RUNS times, default
# 50) for the mean wall and CPU (task-clock) times.
typical=../shared/corpus/awesome-compose/nginx-golang-mysql
if [ -d "$typical" ] && command -v perf > /dev/null; then
  typical_runs=${TYPICAL_RUNS:-50}
  (cd "$typical" && perf stat -o "$work/typical" -r "$typical_runs" "$binary" convert \
    > /dev/null 2> /dev/null)
  read -r _ run_rss _ < <(cd "$typical" && measure convert)
  awk -v rss="$run_rss" -v runs="$typical_runs" '
    /msec task-clock/ { cpu = $1 }
    /seconds time elapsed/ { wall = $1 * 1000 }
    END { printf "| `compose2kube convert` of nginx-golang-mysql (mean of %d) | 3 | 1 KiB | %.2f ms | %.2f ms | %d MiB |\n", runs, wall, cpu, rss / 1024 }
  ' "$work/typical"
fi
