#!/usr/bin/env bash
# The main job: builds page-owner.jar and the sample service, runs the service under the agent,
# takes a dump over JMX while it runs, and shows what the sorter makes of it: the leak on top.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk17=$(scripts/find-jdk.sh 17)
export JAVA_HOME="$jdk17"
java="$jdk17/bin/java"
mvn -B -q -ntp package -DskipTests

out=target/demo
mkdir -p "$out"
rm -f "$out"/page_owner.txt "$out"/sorted.txt
echo "== running the sample service under -javaagent:page-owner.jar=on"
"$java" -javaagent:agent/target/page-owner.jar=on,dump="$out/page_owner.txt" \
  -jar sample-app/target/sample-app.jar --dump "$out/page_owner.txt"
echo
echo "== dump: $out/page_owner.txt ($(grep -c '^Page allocated' "$out/page_owner.txt") records); its trailer:"
grep '^# ' "$out/page_owner.txt"
echo
echo "== java -jar page-owner.jar sort -m --cull stacktrace $out/page_owner.txt $out/sorted.txt"
echo "== (one group per call stack, most pages first; the top three:)"
"$java" -jar agent/target/page-owner.jar sort -m --cull stacktrace "$out/page_owner.txt" "$out/sorted.txt" \
  >/dev/null 2>"$out/sort.stderr" || { cat "$out/sort.stderr"; exit 1; }
awk 'BEGIN{n=0} /^$/{n++; if (n==3) exit} {print}' "$out/sorted.txt"
echo
echo "== the whole grouping: $out/sorted.txt"
