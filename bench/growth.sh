#!/usr/bin/env bash
# Shows how `compose2kube convert` grows with the input: 1×, 2×, 4× and 8× a base size.
#
# usage: bench/growth.sh [BASE]          (default base: 1000, i.e. 1,100 … 8,800 services)
#        RUNS=5 bench/growth.sh 500
#        BINARY=/tmp/old/compose2kube bench/growth.sh   (another build)
#
# For each size, bench/generate.py writes the project and `perf stat -r RUNS` measures the
# whole process (release build); the table shows the CPU time (user + sys, which a busy
# machine disturbs less than the wall time), the wall time, the peak RSS (`/usr/bin/time -v`)
# and the ratio of each CPU time to the one before. Linear growth is a ratio of about 2.0.
set -euo pipefail

cd "$(dirname "$0")/.."
base=${1:-1000}
runs=${RUNS:-3}

# shellcheck source=bench/common.sh
source bench/common.sh

echo "| input | services | file size | CPU user+sys (mean of $runs) | wall | max RSS | CPU ratio to previous |"
echo "|---|---:|---:|---:|---:|---:|---:|"
previous=""
for factor in 1 2 4 8; do
  n=$((base * factor))
  file="$work/compose-$n.yaml"
  python3 bench/generate.py "$n" > "$file"
  size_kib=$(( $(wc -c < "$file") / 1024 ))
  perf stat -x, -o "$work/stat" -r "$runs" -e task-clock \
    "$binary" convert -f "$file" > /dev/null 2> /dev/null
  cpu_ms=$(awk -F, '/task-clock/ { printf "%.1f", $1 }' "$work/stat")
  read -r wall rss _ < <(measure convert -f "$file")
  ratio="-"
  if [ -n "$previous" ]; then
    ratio=$(awk -v a="$cpu_ms" -v b="$previous" 'BEGIN { printf "×%.2f", a / b }')
  fi
  printf '| %d× | %d | %d KiB | %s ms | %.3f s | %d MiB | %s |\n' \
    "$factor" "$((n + n / 10))" "$size_kib" "$cpu_ms" "$wall" $(( rss / 1024 )) "$ratio"
  previous=$cpu_ms
done
