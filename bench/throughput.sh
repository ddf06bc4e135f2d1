#!/usr/bin/env bash
# Sustained training throughput on Fashion-MNIST, one JVM per loop, all in one run:
# plain DL4J net.fit(DataSet) (new arrays per step, as a DataSetIterator gives) vs the Ringmaster
# Replica step loop (computeGradient + applyGradient, no network), same model, data order and batch.
# Prints per-1000-step and per-epoch samples/s, then a summary with the replica/fit ratio.
#
# Usage: bench/throughput.sh [MLP_EPOCHS [LENET_STEPS]]      (defaults 5 epochs and 150 steps:
#        LeNet runs ~250 samples/s on one core here, an epoch takes 4 minutes per loop)
# Environment:
#   ND4J_BUILD=avx2|generic   native build on the classpath (default avx2: fastest on AVX2 CPUs; see below)
#   LOOPS="fit replica"       loops to run (also: fit-reuse = fit() on arrays allocated once)
#   WORKER_JVM_OPTS=...       JVM flags (default: the flags recommended for worker JVMs)
#   DATA=/usr/share/datasets/fashion-mnist
#
# Why these worker JVM flags (measured here, see the engine report):
#  - every DL4J op creates ND4J buffers whose native bookkeeping (weak/phantom references, CHM entries)
#    survives the young GC that finds them dead; with default survivor spaces this overflows and is
#    promoted, so the old generation, the pending deallocators and RSS grow until a full GC (the
#    "growing deallocator counts / long young-GC pauses"). -Xmn96m -XX:SurvivorRatio=2 keeps it in the
#    survivor spaces: tenured, RSS and deallocator counts stay flat over whole runs;
#  - SerialGC: no GC or concurrent threads competing with other workers on a small box;
#  - maxphysicalbytes=0: JavaCPP otherwise reads /proc/self/statm on every pointer allocation
#    (~2 us, ~130 per MLP step). Note maxbytes does not bound ND4J's buffers in 1.0.0-M2.1 anyway.
#
# JavaCPP loads the most specific nd4j-native build it finds on the classpath (avx2 over generic,
# whatever -Djavacpp.platform.extension says), so the build is chosen by filtering the classpath.
# Never put the avx512 jar on the classpath of a CPU without AVX-512: ND4J exits at start-up.
set -euo pipefail
cd "$(dirname "$0")/.."

MLP_EPOCHS=${1:-5}
LENET_STEPS=${2:-150}
ND4J_BUILD=${ND4J_BUILD:-avx2}
LOOPS=${LOOPS:-"fit replica"}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
WORKER_JVM_OPTS=${WORKER_JVM_OPTS:-"-Xms1g -Xmx1g -Xmn96m -XX:SurvivorRatio=2 -XX:+UseSerialGC \
-Dorg.bytedeco.javacpp.maxphysicalbytes=0"}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=runtime >/dev/null
CP="bench/target/classes:worker/target/classes:model/target/classes:job/target/classes:proto/target/classes:$(cat bench/target/bench-classpath.txt)"
case "$ND4J_BUILD" in
  avx2) CP=$(tr ':' '\n' <<<"$CP" | grep -v 'nd4j-native-[^/]*-linux-x86_64\.jar$' | paste -sd:) ;;
  generic) CP=$(tr ':' '\n' <<<"$CP" | grep -v 'nd4j-native-[^/]*-linux-x86_64-avx2\.jar$' | paste -sd:) ;;
  *) echo "ND4J_BUILD must be avx2 or generic, got '$ND4J_BUILD'" >&2; exit 2 ;;
esac

LOG=$(mktemp -t ringmaster-throughput.XXXXXX)
echo "# nd4j build: $ND4J_BUILD; OMP_NUM_THREADS=$OMP_NUM_THREADS; JVM: $WORKER_JVM_OPTS; log: $LOG"
run() {
  # shellcheck disable=SC2086
  java $WORKER_JVM_OPTS -cp "$CP" io.ringmaster.bench.engine.ThroughputMain --data "$DATA" "$@" 2>&1 \
    | grep -E '^(#|RESULT|fit|replica)' | tee -a "$LOG"
}
for loop in $LOOPS; do
  [ "$MLP_EPOCHS" -gt 0 ] && run --loop "$loop" --model mlp --epochs "$MLP_EPOCHS"
done
for loop in $LOOPS; do
  [ "$LENET_STEPS" -gt 0 ] && run --loop "$loop" --model lenet --epochs 1 --max-steps "$LENET_STEPS" --window 50
done

echo
echo "# summary (samples/s over the whole run: MLP whole epochs, LeNet the first LENET_STEPS steps;"
echo "#  per main-cpu-s: per second of CPU the training thread got, i.e. corrected for other load on the machine)"
awk '/^RESULT/ {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  key = v["model"]; rate[key, v["loop"]] = v["samples_per_s"]; cpu[key, v["loop"]] = v["samples_per_main_cpu_s"]
  printf "%-6s %-10s %3d epochs %8d samples/s %8d per main-cpu-s\n", v["model"], v["loop"], v["epochs"], v["samples_per_s"], v["samples_per_main_cpu_s"]
  models[key] = 1
}
END {
  for (m in models) if ((m, "fit") in rate && (m, "replica") in rate)
    printf "%-6s replica/fit ratio: %.3f (wall), %.3f (main cpu)\n", m, rate[m, "replica"] / rate[m, "fit"], cpu[m, "replica"] / cpu[m, "fit"]
}' "$LOG"
