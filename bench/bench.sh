#!/usr/bin/env bash
# Every figure of issue #2's benchmark list, measured in ONE run on this machine, with ratios:
#  (a) plain DL4J fit() vs a 1-worker Ringmaster job (same model, data, batch)      goal >= 0.97
#  (b) 1 vs 2 workers on the MLP and on LeNet                                         goal >= 1.6x
#  (c) all-reduce bus bandwidth (2 ranks, 1/4/16/64 MiB) vs raw loopback TCP          goal >= 0.35 at 16-64 MiB
#  (d) sustained samples/s over whole epochs of the real data (plain fit vs Replica loop)
# Usage: bench/bench.sh            (about 20-30 minutes on 2 cores; OUT=dir to choose where results go)
# Environment: EPOCHS (MLP epochs, default 3), LENET_SAMPLES (LeNet training slice, default 12000).
# Figures are wall-clock samples/s: run it on an otherwise idle machine, and compare ratios, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-3}
LENET_SAMPLES=${LENET_SAMPLES:-12000}
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DATA=/usr/share/datasets/fashion-mnist
./scripts/setup.sh
echo "# results in $OUT"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "## (a)+(d) plain DL4J fit() and the Replica step loop over $EPOCHS whole epochs, one process each"
LOOPS="fit replica" bench/throughput.sh "$EPOCHS" 0 | tee "$OUT/throughput.txt"

echo "## (a)+(b) Ringmaster MLP jobs: 1 and 2 local workers"
for n in 1 2; do
  ./ringmaster run examples/fashion-mlp.yaml --workers "$n" --epochs "$EPOCHS" --summary "$OUT/mlp-$n.json" \
    --data-dir "$OUT/runs" | grep -E '^(Epoch|Job)' | tee -a "$OUT/jobs.txt"
done

echo "## (b) LeNet on the first $LENET_SAMPLES training samples: 1 and 2 local workers, 2 epochs"
python3 bench/scripts/idx_slice.py "$DATA" "$OUT/lenet-data" "$LENET_SAMPLES" 10000
sed -e "s#/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz#$OUT/lenet-data/train-images.idx#" \
    -e "s#/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz#$OUT/lenet-data/train-labels.idx#" \
    examples/fashion-lenet.yaml > "$OUT/lenet.yaml"
for n in 1 2; do
  ./ringmaster run "$OUT/lenet.yaml" --workers "$n" --epochs 2 --summary "$OUT/lenet-$n.json" \
    --data-dir "$OUT/runs" | grep -E '^(Epoch|Job)' | tee -a "$OUT/jobs.txt"
done

echo "## (c) all-reduce bus bandwidth vs raw loopback TCP"
bench/allreduce.sh 2>/dev/null | tee "$OUT/allreduce.txt"

echo
python3 bench/scripts/summarize.py "$OUT" | tee "$OUT/summary.txt"
