#!/usr/bin/env bash
# Time and peak RSS of diff of two large dumps and of leaks over a series, beside sort on the same files,
# each in a fresh JVM with the default heap, one after the other (issue 17's benchmark).
#
#   scripts/bench-growth.sh [MB] [SERIES_MB] [COUNT]     default: 1024 100 10
#
# Two MB-sized dumps (seeds 42 and 43) and COUNT SERIES_MB-sized ones (seeds 1..COUNT) are made by the test
# generator (3000 stacks) into $PAGEOWNER_BENCH_DIR (default $TMPDIR or /tmp) and kept for the next run.
# Needs agent/target/page-owner.jar and analysis/target/test-classes (mvn -B package -DskipTests builds both).
# Prints one Markdown table row per command.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "bench-growth.sh: $*" >&2
  exit 1
}

mb=${1:-1024}
series_mb=${2:-100}
count=${3:-10}
for n in "$mb" "$series_mb" "$count"; do
  [[ "$n" =~ ^[0-9]+$ ]] || fail "sizes and count must be numbers, not '$n'"
done
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=agent/target/page-owner.jar
[ -f "$jar" ] || fail "$jar is missing: build it first (mvn -B package -DskipTests)"
[ -d analysis/target/test-classes/io/pageowner/analysis/bench ] ||
  fail "analysis/target/test-classes is missing the dump generator: build it first (mvn -B package -DskipTests)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"

dir=${PAGEOWNER_BENCH_DIR:-${TMPDIR:-/tmp}}
make_dump() { # path MB seed
  if [ ! -s "$1" ]; then
    "$java" -cp analysis/target/classes:analysis/target/test-classes io.pageowner.analysis.bench.DumpGenerator \
      "$1.tmp" "$2" 3000 "$3" >&2
    mv "$1.tmp" "$1"
  fi
}
old="$dir/page-owner-growth-${mb}m-a.txt"
new="$dir/page-owner-growth-${mb}m-b.txt"
make_dump "$old" "$mb" 42
make_dump "$new" "$mb" 43
series=()
for i in $(seq 1 "$count"); do
  f="$dir/page-owner-series-${series_mb}m-$i.txt"
  make_dump "$f" "$series_mb" "$i"
  series+=("$f")
done
work=$(mktemp -d "$dir/page-owner-growth.XXXXXX")
trap 'rm -rf "$work"' EXIT

run() { # label, then the command's arguments
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$java" -jar "$jar" "$@" >"$work/out" 2>"$work/err" ||
    fail "$label failed: $(tail -3 "$work/err")"
  read -r seconds kb < "$work/time"
  printf '| %s | %s s | %d MiB | %d KiB |\n' "$label" "$seconds" $((kb / 1024)) $(($(stat -c %s "$work/out") / 1024))
}

echo "dumps: 2 x $(($(stat -c %s "$old") >> 20)) MiB, $count x $(($(stat -c %s "${series[0]}") >> 20)) MiB;" \
  "$("$java" -version 2>&1 | head -1)"
echo "| command | time | peak RSS | output |"
echo "|---|---|---|---|"
run "sort -b --cull=st (one ${mb} MiB dump)" sort -b --cull=st "$old" -
run "diff (two ${mb} MiB dumps)" diff "$old" "$new"
run "sort -b --cull=st (one ${series_mb} MiB dump)" sort -b --cull=st "${series[0]}" -
run "leaks (${count} x ${series_mb} MiB dumps)" leaks "${series[@]}"
