#!/usr/bin/env bash
# The coordinator's control plane with 100, 300 and 1,000 simulated workers (issue 7, "Scale"): a real
# coordinator (`ringmaster coordinator --scheduler external`) in its own JVM, driven over gRPC on loopback by
# simulated workers that speak the worker protocol without doing math (bench/src/.../scale). Per worker
# count: time to attach, coordinator CPU and heap per worker (idle and training), time to admit the gang
# and form the ring, epoch-boundary latency, time to notice a lost worker (stream cut / silent) and to
# re-form the ring, and a gang gathering for a job queued first. Prints a table and writes it, with each
# run's coordinator log, under bench/results/scale-<time>/.
#
# Usage: bench/scale.sh [--before TREE] [--workers 100,300,1000] [--epoch-s 5] [--window-s 15]
#                       [--per-connection 1] [--train 60000] [--test 10000] [--out DIR]
#   --before TREE   another source tree (e.g. `git archive <commit> | tar -x -C /tmp/before`) whose coordinator
#                   is measured too, alternating with this one per worker count (columns A = TREE, B = this)
# Builds with the reactor (no `mvn install`): `package` of cli (its target/lib) and bench, in each tree.
# Takes ~2 minutes per worker count and tree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
before=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before="$(cd "$2" && pwd)"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
build() {
  (cd "$1" && mvn -o -B -q -pl cli -am -DskipTests package >&2)
}
if [ -n "$before" ]; then
  build "$before"
fi
cd "$root"
mvn -o -B -q -pl cli,bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
trees=()
if [ -n "$before" ]; then
  trees+=(--tree "$before")
fi
trees+=(--tree "$root")
exec java -Xmx2g -cp "$cp" io.ringmaster.bench.scale.ScaleBench "${trees[@]}" ${args[@]+"${args[@]}"}
