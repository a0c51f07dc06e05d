#!/usr/bin/env bash
# Runs every test: the unit tests on JDK 17, 21 and 25, then the integration tests once on each (forked
# JVMs with the real shaded agent jar). Maven itself runs on JDK 17, which builds the jar. The JDKs are
# found by scripts/find-jdk.sh, which provides a JDK 21 where the machine has none; Chromium (for the HTML
# page's test) by scripts/provide-chromium.sh; go (whose 'go tool pprof' reads the pprof output in its test) by
# scripts/provide-go.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk17=$(scripts/find-jdk.sh 17)
jdk21=$(scripts/find-jdk.sh 21)
jdk25=$(scripts/find-jdk.sh 25)
echo "JDK 17: $jdk17"
echo "JDK 21: $jdk21"
echo "JDK 25: $jdk25"
chromium=$(scripts/provide-chromium.sh)
echo "Chromium: $chromium"
go=$(scripts/provide-go.sh)
echo "go: $go"
export JAVA_HOME="$jdk17"
exec mvn -B -ntp clean verify -Dpageowner.jdk17.home="$jdk17" -Dpageowner.jdk21.home="$jdk21" \
  -Dpageowner.jdk25.home="$jdk25" -Dpageowner.chromium="$chromium" \
  -Dpageowner.go="$go" "$@"
