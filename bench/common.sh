# Shared by bench/run.sh and bench/growth.sh (sourced from the crate root): the binary to
# measure (the release build, or BINARY), a temporary directory, and `measure`.

if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet
fi
binary=${BINARY:-$PWD/target/release/compose2kube}
work=$(mktemp -d)
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
