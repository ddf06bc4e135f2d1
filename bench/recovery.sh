#!/usr/bin/env bash
# Fault-tolerance figures of issue #3, measured in ONE run on this machine:
#  1. time from kill -9 of a worker to training resumed (median, min, max over the disturbed runs);
#  2. throughput cost of checkpointing every K steps, as a ratio of samples/s to K = 0 (epoch ends only);
#  3. test accuracy of disturbed vs undisturbed runs with the same seed.
# A coordinator runs in this JVM with the local scheduler; workers are real JVMs (same classpath), the data
# the real Fashion-MNIST (60,000 / 10,000). Each round runs one job per K (order rotated per round) and
# --kills-per-round jobs in which a random rank is killed (SIGKILL) at a random step; the kills come from a
# seeded Random whose seed is printed (pass it back with --seed to replay the same kills).
#
# Usage: bench/recovery.sh [--rounds 3] [--kills-per-round 2] [--checkpoint-every 0,50,10] [--seed S]
#                          [--workers 3] [--epochs 2] [--batch 128] [--hidden 128] [--train-seed 42]
#                          [--run-dir DIR] [--job-timeout-min 15]
# A job (3 workers, 2 epochs) takes ~1 minute on 2 busy cores; the default 3 rounds x 5 jobs take ~15-18 min.
# Builds what it needs through the reactor (no `mvn install`). The coordinator's log (INFO) goes to a file
# named on the first line; warnings also go to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
logback="$(mktemp --suffix=.xml)"
log="$(mktemp -t ringmaster-recbench-coordinator.XXXXXX.log)"
trap 'rm -f "$logback"' EXIT
cat > "$logback" <<XML
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$log</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <logger name="io.grpc" level="WARN"/>
  <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="ERR"/></root>
</configuration>
XML
echo "# coordinator log: $log"
export OMP_NUM_THREADS=1
java -Xmx1g -XX:+UseSerialGC \
  -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled \
  -Dlogback.configurationFile="$logback" \
  -cp "$cp" io.ringmaster.bench.recovery.RecoveryBench "$@"
