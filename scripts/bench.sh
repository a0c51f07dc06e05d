#!/usr/bin/env bash
# Builds the agent and the JMH benchmarks and runs them side by side on the JDK given as first
# argument (17, 21 or 25; default 17): no agent, agent loaded off, agent on (full), async-profiler
# nativemem; then the footprint and dump-speed run (io.pageowner.bench.Footprint). Prints one table
# per run, with the load average, and where each target of issue 7 stands; the summary is also
# written to benchmarks/target/bench-out/results-jdk<N>-<time>.md.
#
#   scripts/bench.sh 25                                  everything, with the annotations' settings
#   scripts/bench.sh 17 UnsafeAllocFree -wi 2 -i 3 -f 1  one benchmark, shorter (JMH's own options)
#   scripts/bench.sh 17 Footprint                        memory per live allocation and dump speed only
#   scripts/bench.sh 17 --modes none,full --no-footprint DirectBuffer
#   scripts/bench.sh 17 --mode 'sample 512k:-javaagent:{agent}=on,sample=512k'   a mode is a name and JVM args
#     ({agent}: the agent jar, {asprof}: libasyncProfiler.so, {out}: scratch folder, nativemem-* deleted)
#
# Arguments after the JDK go to BenchRunner (see its javadoc); -jvm is set to the chosen JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-17}"
shift || true
jdk17=$(scripts/find-jdk.sh 17)
jdk=$(scripts/find-jdk.sh "$version")
export JAVA_HOME="$jdk17"
mvn -B -q -ntp -Pbench package -DskipTests
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
exec "$jdk/bin/java" -jar benchmarks/target/benchmarks.jar agent/target/page-owner.jar "$@" -jvm "$jdk/bin/java"
