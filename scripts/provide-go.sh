#!/usr/bin/env bash
# Prints the path of a go binary whose 'go tool pprof' runs (Debian's package golang-go), installing it with
# apt-get when the machine has none. The pprof output is tested in the real pprof (PprofToolTest).
#
#   scripts/provide-go.sh     prints e.g. /usr/bin/go; fails loudly when it cannot provide one
#
# $PAGEOWNER_GO, when set, names the binary to use instead.
set -euo pipefail

fail() {
  echo "provide-go.sh: $*" >&2
  exit 1
}

works() { # whether $1 runs and has pprof
  [ -x "$1" ] && "$1" version >/dev/null 2>&1 && "$1" tool pprof -h >/dev/null 2>&1
}

if [ -n "${PAGEOWNER_GO:-}" ]; then
  works "$PAGEOWNER_GO" || fail "PAGEOWNER_GO=$PAGEOWNER_GO does not run 'go tool pprof'"
  echo "$PAGEOWNER_GO"
  exit 0
fi
for candidate in /usr/bin/go "$(command -v go 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && works "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v apt-get >/dev/null 2>&1 || fail "no go found and no apt-get to install it (needs a Debian machine)"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "no go found; installing it needs root or sudo"
  sudo_cmd="sudo"
fi
# NOTE: two test runs at once install it once: the second waits, then finds it.
lock=/var/lock/page-owner-go.lock
[ -w /var/lock ] || lock="${TMPDIR:-/tmp}/page-owner-go.lock"
exec 9>"$lock"
flock 9
if works /usr/bin/go; then
  echo /usr/bin/go
  exit 0
fi
echo "provide-go.sh: installing golang-go with apt-get" >&2
$sudo_cmd apt-get update -qq >&2 || true
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq golang-go >&2 ||
  fail "apt-get install golang-go failed"
works /usr/bin/go || fail "golang-go was installed but /usr/bin/go does not run 'go tool pprof'"
echo /usr/bin/go
