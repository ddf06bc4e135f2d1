#!/usr/bin/env bash
# All-reduce bus bandwidth of the gRPC ring (2 ranks, 2 JVMs, loopback) next to raw loopback TCP.
# Builds what it needs through the reactor (no `mvn install`), then runs
# io.ringmaster.bench.collective.AllReduceBench. Extra arguments are passed on, e.g.
#   bench/allreduce.sh --sizes=16,64 --chunk-kib=1024 --window-mib=16 --iterations=20
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# warnings only, on stderr: at DEBUG, Netty's HTTP/2 frame logger dumps every frame
logback="$(mktemp --suffix=.xml)"
trap 'rm -f "$logback"' EXIT
cat > "$logback" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
XML
export OMP_NUM_THREADS=1
java -Xmx1g -XX:MaxDirectMemorySize=1g \
  -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled \
  -Dlogback.configurationFile="$logback" \
  -cp "$cp" io.ringmaster.bench.collective.AllReduceBench "$@"
