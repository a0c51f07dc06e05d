#!/usr/bin/env bash
# Prints the home directory of a JDK of the given feature version (17, 21, 25), or fails loudly.
# Looks at JAVA_HOME_<N> / JDK<N>_HOME, the JVM folder (/usr/lib/jvm), /opt, SDKMAN, and the java
# on PATH. If none is found it tries to install one with apt-get (Debian's openjdk-<N>-jdk-headless,
# then Adoptium's temurin-<N>-jdk where that repository is configured), and fails if that fails.
# A JDK 21 that is not found is provided by scripts/provide-jdk21.sh (Debian 13's, in a cache folder).
set -euo pipefail
want="${1:?usage: find-jdk.sh <feature version>}"

version_of() { # prints the feature version of the JDK at $1
  local rel="$1/release"
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
  fi
}

candidates() {
  local var
  for var in "JAVA_HOME_${want}" "JDK${want}_HOME" "JAVA_HOME_${want}_X64"; do
    [ -n "${!var:-}" ] && echo "${!var}"
  done
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
  ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* 2>/dev/null || true
  # NOTE: where scripts/provide-jdk21.sh leaves its JDK.
  [ -n "${PAGEOWNER_CACHE:-}" ] && echo "$PAGEOWNER_CACHE/jdk21/jdk"
  echo /var/cache/page-owner/jdk21/jdk
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/page-owner/jdk21/jdk"
  if command -v java >/dev/null 2>&1; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

find_one() {
  local dir v
  while read -r dir; do
    [ -d "$dir" ] || continue
    v=$(version_of "$dir" 2>/dev/null || true)
    if [ "$v" = "$want" ]; then
      readlink -f "$dir"
      return 0
    fi
  done < <(candidates)
  return 1
}

if find_one; then
  exit 0
fi

if [ "$want" = 21 ]; then
  # NOTE: Debian 12's packages have no JDK 21; Debian 13's runs here with its own C library.
  echo "find-jdk.sh: no JDK 21 found; providing Debian 13's with scripts/provide-jdk21.sh" >&2
  exec "$(dirname "$0")/provide-jdk21.sh"
fi

echo "find-jdk.sh: no JDK $want found; trying to install one with apt-get" >&2
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2 || true
  $sudo_cmd apt-get install -y -qq "openjdk-${want}-jdk-headless" >&2 ||
    $sudo_cmd apt-get install -y -qq "temurin-${want}-jdk" >&2 || true
  if find_one; then
    exit 0
  fi
fi
echo "find-jdk.sh: JDK $want is required but was not found or installed. Install it under /usr/lib/jvm or set JAVA_HOME_${want}." >&2
exit 1
