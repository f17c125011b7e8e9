# Shared by bench/run.sh and bench/growth.sh (sourced from the crate root): the binary to
# measure (the release build, or BINARY), a check that its code layout is current, a temporary
# directory, and `measure`.

if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet
fi
binary=${BINARY:-$PWD/target/release/compose2kube}
work=$(mktemp -d)

# The release build lays out its code by build/symbol-order.txt (build.rs); after a change of
# the compiler, the dependencies or the workspace the names no longer match and the figures
# lose the gain.
if [ -z "${BINARY:-}" ]; then
  nm --defined-only "$binary" | awk '
    NR == FNR { listed[$1]; total++; next }
    ($3 in listed) { found++ }
    END {
      if (found * 10 < total * 9)
        printf "warning: the release binary defines %d of the %d functions of build/symbol-order.txt; run build/symbol-order.sh\n", found, total > "/dev/stderr"
    }' build/symbol-order.txt -
fi
trap 'rm -rf "$work"' EXIT

# Prints "<wall seconds> <max RSS KiB> <user+sys seconds>" for one run of the binary with
# the given arguments.
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
    /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
    END { printf "%.3f %d %.3f\n", wall, rss, cpu }
  ' "$work/time"
}
