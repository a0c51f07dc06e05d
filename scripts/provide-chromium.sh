#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium (Debian's package chromium), installing it with apt-get
# when the machine has none. The HTML output's flame graph is tested in it (HtmlChromiumTest).
#
#   scripts/provide-chromium.sh     prints e.g. /usr/bin/chromium; fails loudly when it cannot provide one
#
# $PAGEOWNER_CHROMIUM, when set, names the binary to use instead.
set -euo pipefail

fail() {
  echo "provide-chromium.sh: $*" >&2
  exit 1
}

works() { # whether $1 runs
  [ -x "$1" ] && "$1" --version >/dev/null 2>&1
}

if [ -n "${PAGEOWNER_CHROMIUM:-}" ]; then
  works "$PAGEOWNER_CHROMIUM" || fail "PAGEOWNER_CHROMIUM=$PAGEOWNER_CHROMIUM does not run"
  echo "$PAGEOWNER_CHROMIUM"
  exit 0
fi
for candidate in /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && works "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v apt-get >/dev/null 2>&1 || fail "no chromium found and no apt-get to install it (needs a Debian machine)"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "no chromium found; installing it needs root or sudo"
  sudo_cmd="sudo"
fi
# NOTE: two test runs at once install it once: the second waits, then finds it.
lock=/var/lock/page-owner-chromium.lock
[ -w /var/lock ] || lock="${TMPDIR:-/tmp}/page-owner-chromium.lock"
exec 9>"$lock"
flock 9
if works /usr/bin/chromium; then
  echo /usr/bin/chromium
  exit 0
fi
echo "provide-chromium.sh: installing chromium with apt-get" >&2
$sudo_cmd apt-get update -qq >&2 || true
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >&2 ||
  fail "apt-get install chromium failed"
works /usr/bin/chromium || fail "chromium was installed but /usr/bin/chromium does not run"
echo /usr/bin/chromium
