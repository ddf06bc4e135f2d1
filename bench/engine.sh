#!/usr/bin/env bash
# Engine speed (issue #11), in ONE run on this machine, alternating: the same Fashion-MNIST data, global
# batch 128, Adam 1e-3, one thread per process, for the MLP and LeNet:
#   torch-1       PyTorch, one process (Debian's python3-torch, OpenBLAS)
#   torch-2       PyTorch DDP, world 2 over gloo (each process 64 samples of every step)
#   dl4j-fit      plain DL4J net.fit per batch (bench ThroughputMain --loop fit; the same network Ringmaster builds)
#   ringmaster-1  a 1-worker Ringmaster job   (./ringmaster run, real worker JVMs)
#   ringmaster-2  a 2-worker Ringmaster job
#   libtorch-1    libtorch through JavaCPP (org.bytedeco:pytorch), one epoch, with --libtorch (bench-only pom)
# Prints samples/s (steady epochs), the ratios to PyTorch (same number of processes) and to DL4J fit, test
# accuracy per epoch and the per-step split (data / forward / backward / all-reduce / update / other, wall and
# CPU of the training thread) of each; results and logs in OUT (default bench/results/engine-<time>).
#
# Usage: bench/engine.sh [--epochs 2] [--train-samples 60000] [--test-samples 10000] [--lenet-train-samples N]
#                        [--models "mlp lenet"] [--engines "torch-1 torch-2 dl4j-fit ringmaster-1 ringmaster-2"]
#                        [--rounds 1] [--libtorch]
#   Short run:  bench/engine.sh --epochs 1 --train-samples 2560 --test-samples 1000
# Each round runs every engine once per model; even rounds run them in reverse order. Compare ratios of one run,
# never absolutes across runs: these machines are shared (the load average is printed at each run).
#
# PyTorch is not a project dependency: the script uses Debian's python3-torch, installing it with
# libopenblas0-pthread when run as root and they are missing, and says so (and leaves PyTorch out) when it
# cannot. Debian's torch links the reference BLAS through /usr/lib/x86_64-linux-gnu/libblas.so.3; the
# script puts OpenBLAS's directory first on LD_LIBRARY_PATH for the PyTorch processes (~6x faster than the
# reference BLAS) and each PyTorch run prints the BLAS libraries it actually mapped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

EPOCHS=2
TRAIN=60000
TEST=10000
LENET_TRAIN=""
MODELS="mlp lenet"
ENGINES="torch-1 torch-2 dl4j-fit ringmaster-1 ringmaster-2"
ROUNDS=1
LIBTORCH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS=$2; shift 2 ;;
    --train-samples) TRAIN=$2; shift 2 ;;
    --test-samples) TEST=$2; shift 2 ;;
    --lenet-train-samples) LENET_TRAIN=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --engines) ENGINES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --libtorch) LIBTORCH=1; shift ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "engine.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
LENET_TRAIN=${LENET_TRAIN:-$TRAIN}
OUT=${OUT:-bench/results/engine-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=/usr/share/datasets/fashion-mnist
PY=/usr/bin/python3 # Debian's torch is for Debian's python, not a pyenv one
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

is_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
  if is_root; then
    echo "# installing $* (apt-get)"
    apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
  else
    return 1
  fi
}

# --- the data: Fashion-MNIST from Debian, the first N samples as plain IDX files -------------------------------
if [ ! -r "$SRC/train-images-idx3-ubyte.gz" ]; then
  apt_install dataset-fashion-mnist || { echo "engine.sh: Fashion-MNIST is missing: apt-get install dataset-fashion-mnist (as root)" >&2; exit 1; }
fi
for model in $MODELS; do
  n=$TRAIN; [ "$model" = lenet ] && n=$LENET_TRAIN
  "$PY" bench/scripts/idx_slice.py "$SRC" "$OUT/data-$model" "$n" "$TEST"
done

# --- PyTorch with OpenBLAS ---------------------------------------------------------------------------------------
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
TORCH=1
if ! "$PY" -c 'import torch' 2>/dev/null || [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  apt_install python3-torch libopenblas0-pthread || true
fi
if ! "$PY" -c 'import torch' 2>/dev/null; then
  TORCH=0
  echo "# PyTorch is NOT installed (Debian's python3-torch for $PY; as root: apt-get install python3-torch libopenblas0-pthread): PyTorch left out"
elif [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  echo "# WARNING: OpenBLAS (libopenblas0-pthread) is not installed: PyTorch runs on Debian's default BLAS, ~6x slower; not a fair comparison"
fi
torch_env() { LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"; }

# --- Java: the bench classes (ThroughputMain) and the CLI (ringmaster run builds it when it is stale) ------------
echo "# building the bench classes (mvn -o test-compile -pl bench -am)"
if ! mvn -o -B -q -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=runtime >"$OUT/build.log" 2>&1; then
  echo "engine.sh: the build failed (another mvn in this tree at the same time?), see $OUT/build.log:" >&2
  tail -20 "$OUT/build.log" >&2
  exit 1
fi
CP="bench/target/classes:worker/target/classes:model/target/classes:job/target/classes:proto/target/classes:$(cat bench/target/bench-classpath.txt)"
if grep -qw avx2 /proc/cpuinfo; then # the build the workers get: AVX2 where the CPU has it, else generic
  CP=$(tr ':' '\n' <<<"$CP" | grep -v 'nd4j-native-[^/]*-linux-x86_64\.jar$' | paste -sd:)
else
  CP=$(tr ':' '\n' <<<"$CP" | grep -v 'nd4j-native-[^/]*-linux-x86_64-avx2\.jar$' | paste -sd:)
fi
WORKER_JVM_OPTS="-Xms1g -Xmx1g -Xmn96m -XX:SurvivorRatio=2 -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxphysicalbytes=0"
./ringmaster --help >/dev/null # builds the CLI now if needed, not inside the first timed run

LIBTORCH_CP=""
if [ "$LIBTORCH" = 1 ]; then
  echo "# building the libtorch program (bench/libtorch/pom.xml: bench only, not in the reactor)"
  if mvn -B -q -f bench/libtorch/pom.xml package dependency:build-classpath -Dmdep.outputFile=target/cp.txt >"$OUT/libtorch-build.log" 2>&1; then
    LIBTORCH_CP="bench/libtorch/target/classes:$(cat bench/libtorch/target/cp.txt)"
    ENGINES="$ENGINES libtorch-1"
  else
    echo "# the libtorch program did not build (see $OUT/libtorch-build.log): libtorch left out"
  fi
fi

echo "# results in $OUT"
echo "# machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# epochs $EPOCHS, train samples $TRAIN (LeNet $LENET_TRAIN), test samples $TEST, global batch 128, Adam 1e-3, 1 thread per process"

LINES="$OUT/lines.txt"
: >"$LINES"
yaml() { # the example job on this run's data, with the right number of workers
  local model=$1 d="$OUT/data-$1"
  sed -e "s#$SRC/train-images-idx3-ubyte.gz#$d/train-images.idx#" -e "s#$SRC/train-labels-idx1-ubyte.gz#$d/train-labels.idx#" \
      -e "s#$SRC/t10k-images-idx3-ubyte.gz#$d/test-images.idx#" -e "s#$SRC/t10k-labels-idx1-ubyte.gz#$d/test-labels.idx#" \
      "examples/fashion-$model.yaml" >"$OUT/$model.yaml"
}
run_engine() { # round model engine
  local round=$1 model=$2 engine=$3 d="$OUT/data-$2" log="$OUT/$2-$3-r$1.log"
  local train="$d/train-images.idx,$d/train-labels.idx" test="$d/test-images.idx,$d/test-labels.idx"
  echo "## round $round $model $engine (load $(cut -d' ' -f1 /proc/loadavg))"
  echo "RUN round=$round name=$engine model=$model" >>"$LINES"
  case "$engine" in
    torch-1 | torch-2)
      [ "$TORCH" = 1 ] || { echo "   (PyTorch not installed: skipped)"; return 0; }
      torch_env "$PY" bench/scripts/torch_engine.py --model "$model" --world "${engine#torch-}" --epochs "$EPOCHS" \
        --train "$train" --test "$test" --label "$engine" --port $((29500 + RANDOM % 1000)) >"$log" 2>&1 || {
          echo "   FAILED, see $log"; return 0; } ;;
    dl4j-fit)
      # shellcheck disable=SC2086
      java $WORKER_JVM_OPTS -cp "$CP" io.ringmaster.bench.engine.ThroughputMain --loop fit --model "$model" \
        --epochs "$EPOCHS" --train "$train" --test "$test" --phases --label "$engine" >"$log" 2>&1 || {
          echo "   FAILED, see $log"; return 0; } ;;
    ringmaster-1 | ringmaster-2)
      RINGMASTER_STEP_PHASES=1 ./ringmaster run "$OUT/$model.yaml" --workers "${engine#ringmaster-}" --epochs "$EPOCHS" \
        --summary "$OUT/$engine-r$round.json.tmp" --data-dir "$OUT/runs/$model-$engine-r$round" >"$log" 2>&1 || {
          echo "   FAILED, see $log"; return 0; }
      mv "$OUT/$engine-r$round.json.tmp" "$OUT/ringmaster-$model-${engine#ringmaster-}-r$round.json" ;;
    libtorch-1)
      [ -n "$LIBTORCH_CP" ] || return 0
      # shellcheck disable=SC2086
      java -Xmx1g -cp "$LIBTORCH_CP" io.ringmaster.bench.libtorch.LibtorchMain --model "$model" --epochs 1 \
        --train "$train" --test "$test" --label "$engine" >"$log" 2>&1 || { echo "   FAILED, see $log"; return 0; } ;;
    *) echo "engine.sh: unknown engine $engine" >&2; exit 2 ;;
  esac
  grep -E '^(ENGINE|PHASES)' "$log" >>"$LINES" || true
  grep -E '^# (torch|BLAS|libtorch)' "$log" | head -2 | sed 's/^/   /' || true
  grep -E '^ENGINE' "$log" | sed 's/^/   /' || true
  [ -f "$OUT/ringmaster-$model-${engine#ringmaster-}-r$round.json" ] && grep -E '^(Epoch|Job)' "$log" | sed 's/^/   /' || true
}

for model in $MODELS; do yaml "$model"; done
for round in $(seq 1 "$ROUNDS"); do
  list=$ENGINES
  [ $((round % 2)) = 0 ] && list=$(tr ' ' '\n' <<<"$ENGINES" | tac | paste -sd' ')
  for model in $MODELS; do
    for engine in $list; do run_engine "$round" "$model" "$engine"; done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" bench/scripts/engine_summary.py "$OUT" | tee "$OUT/summary.txt"
