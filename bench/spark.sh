#!/usr/bin/env bash
# Issue #8's benchmark, in ONE run on this machine: the same SparkDl4jMultiLayer.fit on the same data, model
# (the core's MLP 784-256-128-10, Adam 1e-3, global batch 128) and epochs on local[2], with DL4J's
# ParameterAveragingTrainingMaster, SharedTrainingMaster and Ringmaster's RingmasterTrainingMaster, the masters
# alternating epoch by epoch (SparkMastersBench in the spark module's test sources); then the core's local
# `ringmaster run` (2 worker JVMs) on the same data, once before and once after the Spark run.
# Goal: Ringmaster >= 2x faster per epoch than ParameterAveraging at equal or better accuracy, and not more than
# 10% slower per epoch than `ringmaster run`.
# Usage: bench/spark.sh        (EPOCHS=3 SAMPLES=60000 MASTERS=averaging,ringmaster SHARED=1 CORE=1 OUT=dir)
#   MASTERS may add ringmaster-nocache: the drop-in converting the DataSets on every fit (rowsStorageLevel NONE)
# Wall-clock figures: run it on an otherwise idle machine and compare ratios (the load is printed per epoch).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-3}
SAMPLES=${SAMPLES:-60000}
MASTERS=${MASTERS:-averaging,ringmaster}
# SharedTrainingMaster runs in a JVM of its own after the others: in local mode (dl4j-spark-parameterserver M2 on the
# M2.1 core) its fit was seen to hang in SharedTrainingWrapper, and its stuck tasks then hold the Spark slots every
# other master needs. A fit without a result after SHARED_TIMEOUT_S is reported as hung.
SHARED=${SHARED:-1}
SHARED_TIMEOUT_S=${SHARED_TIMEOUT_S:-600}
OUT=${OUT:-bench/results/spark-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
./scripts/setup.sh
echo "# results in $OUT"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

# the spark module and its test classpath (reactor build: the sibling modules' own classes, never ~/.m2 snapshots)
mvn -o -q -B -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
CP="spark/target/test-classes:spark/target/classes:$(cat "$OUT/classpath.txt")"
# Spark's Java 17 flags (org.apache.spark.launcher.JavaModuleOptions) and Aeron's for SharedTrainingMaster
# (the same list as Spark 3.5's JavaModuleOptions.defaultModuleOptions(), which the SparkSubmit test uses)
OPENS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

core() {
  echo "## core: ringmaster run examples/fashion-mlp.yaml --workers 2 --epochs $EPOCHS ($1)"
  ./ringmaster run examples/fashion-mlp.yaml --workers 2 --epochs "$EPOCHS" --summary "$OUT/core-$1.json" \
    --data-dir "$OUT/runs" | grep -E '^(Epoch|Job)' | tee -a "$OUT/core.txt"
}

spark() { # masters, log name, extra JVM flags
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 java $OPENS -Xmx6g -Dorg.bytedeco.javacpp.maxphysicalbytes=0 \
    -Daeron.publication.unblock.timeout=60000000000 ${3:-} -cp "$CP" \
    io.ringmaster.spark.SparkMastersBench "$EPOCHS" "$SAMPLES" "$1" 2>"$OUT/$2.log" | tee -a "$OUT/spark.txt"
}

[ "${CORE:-1}" = 1 ] && core before
echo "## Spark local[2]: $MASTERS, $EPOCHS epochs, alternating"
spark "$MASTERS" spark
[ "${CORE:-1}" = 1 ] && core after
if [ "$SHARED" = 1 ]; then
  echo "## Spark local[2]: SharedTrainingMaster alone, $EPOCHS epochs (a fit hung after ${SHARED_TIMEOUT_S} s is reported)"
  spark shared shared "-Dbench.fitTimeoutS=$SHARED_TIMEOUT_S"
fi
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
