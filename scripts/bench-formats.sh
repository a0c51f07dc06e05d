#!/usr/bin/env bash
# Time, peak RSS and output size of sort's output formats (text, html, pprof) on one generated dump, one
# run of each after the other, each in a fresh JVM with the default heap, as benchmarks/RESULTS.md's
# sorter figures were made. For pprof it also times 'go tool pprof -top' reading the profile.
#
#   scripts/bench-formats.sh [MB] [sort options...]     e.g. scripts/bench-formats.sh 1024 --cull=st
#
# Needs agent/target/page-owner.jar and analysis/target/test-classes (mvn -B package builds both); the dump
# (3000 stacks, seed 42, the test generator's) is written once to $PAGEOWNER_BENCH_DIR (default $TMPDIR or
# /tmp) and kept for the next run. Prints one Markdown table row per format.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "bench-formats.sh: $*" >&2
  exit 1
}

mb=${1:-1024}
[ $# -gt 0 ] && shift
[[ "$mb" =~ ^[0-9]+$ ]] || fail "MB must be a number, not '$mb'"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=agent/target/page-owner.jar
[ -f "$jar" ] || fail "$jar is missing: build it first (mvn -B package -DskipTests)"
[ -d analysis/target/test-classes/io/pageowner/analysis/bench ] ||
  fail "analysis/target/test-classes is missing the dump generator: build it first (mvn -B package -DskipTests)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"

dir=${PAGEOWNER_BENCH_DIR:-${TMPDIR:-/tmp}}
dump="$dir/page-owner-formats-${mb}m.txt"
if [ ! -s "$dump" ]; then
  "$java" -cp analysis/target/classes:analysis/target/test-classes io.pageowner.analysis.bench.DumpGenerator \
    "$dump.tmp" "$mb" 3000 42 >&2
  mv "$dump.tmp" "$dump"
fi
work=$(mktemp -d "$dir/page-owner-formats.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "dump: $dump, $(($(stat -c %s "$dump") >> 20)) MiB; sort options: ${*:-none}; $("$java" -version 2>&1 | head -1)"
echo "| format | time | peak RSS | output |"
echo "|---|---|---|---|"
for format in text html pprof; do
  out="$work/out.$format"
  /usr/bin/time -f '%e %M' -o "$work/time" "$java" -jar "$jar" sort --format "$format" "$@" "$dump" "$out" \
    >/dev/null 2>"$work/err" || fail "sort --format $format failed: $(tail -3 "$work/err")"
  read -r seconds kb < "$work/time"
  bytes=$(stat -c %s "$out")
  printf '| %s | %s s | %d MiB | %s bytes (%d KiB) |\n' "$format" "$seconds" $((kb / 1024)) "$bytes" $((bytes / 1024))
done
if go=$(scripts/provide-go.sh 2>/dev/null); then
  /usr/bin/time -f '%e %M' -o "$work/time" "$go" tool pprof -top "$work/out.pprof" >/dev/null 2>&1 ||
    fail "go tool pprof -top could not read the profile"
  read -r seconds kb < "$work/time"
  echo "go tool pprof -top on the profile: $seconds s, peak RSS $((kb / 1024)) MiB"
fi
