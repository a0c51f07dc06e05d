#!/usr/bin/env bash
# Builds the agent and the JMH benchmarks and runs them side by side (no agent / agent off /
# agent on) on the JDK given as first argument (17 or 25; default 17). Extra arguments go to
# BenchRunner: an include regex, e.g. scripts/bench.sh 25 UnsafeAllocFree.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-17}"
shift || true
jdk17=$(scripts/find-jdk.sh 17)
jdk=$(scripts/find-jdk.sh "$version")
export JAVA_HOME="$jdk17"
mvn -B -q -ntp -Pbench package -DskipTests
exec "$jdk/bin/java" -jar benchmarks/target/benchmarks.jar agent/target/page-owner.jar "$@" -jvm "$jdk/bin/java"
