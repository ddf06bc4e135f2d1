#!/usr/bin/env bash
# Multi-host benchmark (issue 9): 4 hosts made of network namespaces (coordinator on host 1, ranks and
# workers on hosts 2-4), every link capped with tc htb at each rate; per cap, in ONE run: raw TCP (iperf3),
# ring all-reduce bus bandwidth with 2 and 3 ranks, MLP and LeNet samples/s with 2 and 3 workers.
# Needs root (network namespaces) and iproute2; installs iperf3 from Debian if missing (says so if it
# cannot). Host addresses come from 198.18.0.0/15 only. Everything made is removed at the end, also on
# failure or Ctrl-C. Extra arguments go to io.ringmaster.bench.multihost.MultiHostBench, e.g.
#   bench/multihost.sh --rates=1gbit,10gbit --workers=2,3 --sizes=4,16 --rounds=2
# Environment: OUT (results directory), MLP_TRAIN (default 20000 samples), LENET_TRAIN (default 3000),
# TEST_N (test samples, default 2000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "$(id -u)" != 0 ]; then
  echo "bench/multihost.sh: network namespaces need root (running as $(id -un))" >&2
  exit 2
fi
OUT=${OUT:-bench/results/multihost-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DATA=/usr/share/datasets/fashion-mnist
if ! command -v iperf3 >/dev/null; then
  echo "# iperf3 missing: installing it (apt-get install -y iperf3)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >/dev/null 2>&1 \
    || echo "# iperf3 could not be installed: the raw TCP column will be missing"
fi
[ -d "$DATA" ] || ./scripts/setup.sh

# remove what this run made even if the JVM is killed before its own clean-up (only this run's names)
cleanup() {
  local suffix
  suffix=$(cat "$OUT/hosts-suffix" 2>/dev/null || true)
  [ -n "$suffix" ] || return 0
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -- "-$suffix-" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -- "$suffix" || true); do
    ip link del "$link" 2>/dev/null || true
  done
}
logback="$(mktemp --suffix=.xml)"
trap 'cleanup; rm -f "$logback"' EXIT
# this JVM's own logging: warnings only (the processes in the hosts log as the packaged command does)
cat > "$logback" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
XML

mvn -o -B -q -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"

python3 bench/scripts/idx_slice.py "$DATA" "$OUT/data-mlp" "${MLP_TRAIN:-20000}" "${TEST_N:-2000}"
python3 bench/scripts/idx_slice.py "$DATA" "$OUT/data-lenet" "${LENET_TRAIN:-3000}" "${TEST_N:-2000}"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
export OMP_NUM_THREADS=1
java -Xmx512m -Dlogback.configurationFile="$logback" -cp "$cp" io.ringmaster.bench.multihost.MultiHostBench \
  --mlp-data="$OUT/data-mlp" --lenet-data="$OUT/data-lenet" --out="$OUT" "$@" | tee "$OUT/run.txt"
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
