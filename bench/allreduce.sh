#!/usr/bin/env bash
# All-reduce bus bandwidth of the gRPC ring (2 ranks, 2 JVMs, loopback) next to raw loopback TCP.
# Builds what it needs through the reactor (no `mvn install`), then runs
# io.ringmaster.bench.collective.AllReduceBench. Extra arguments are passed on, e.g.
#   bench/allreduce.sh --sizes=16,64 --chunk-kib=1024 --window-mib=16 --iterations=20
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am -Dmaven.test.skip=true package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
export OMP_NUM_THREADS=1
exec java -Xmx1g -XX:MaxDirectMemorySize=1g \
  -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled \
  -Dlogback.configurationFile="$root/bench/src/main/resources/allreduce-logback.xml" \
  -cp "$cp" io.ringmaster.bench.collective.AllReduceBench "$@"
