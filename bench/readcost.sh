#!/usr/bin/env bash
# The control plane's read cost (issue 12), measured in ONE run on this machine:
#  1. coordinator CPU per GetJob and per ListJobs page (50 jobs) over a store of --jobs finished jobs,
#     reads from memory (the default store) vs SQLite read on every call (the read path before issue 12);
#  2. samples/s of a 1-worker MLP job (real Fashion-MNIST) while quiet and while --storm-threads clients
#     poll GetJob + ListJobs as fast as they can, with the calls/s and the coordinator's CPU.
# The coordinator runs in its own JVM, so its CPU (user + system, from the OS) is measured alone.
#
# Usage: bench/readcost.sh [--jobs 3000] [--calls 20000] [--storm-threads 4] [--window-s 15] [--data DIR]
# Takes ~2-3 minutes. Builds what it needs through the reactor (no `mvn install`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
exec java -cp "$cp" io.ringmaster.bench.control.ReadCostBench "$@"
