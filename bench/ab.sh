#!/usr/bin/env bash
# A/B of two source trees of Ringmaster on the same machine, in ONE run, alternating so that both see the
# same load: `ringmaster run` of the MLP (Fashion-MNIST, 60,000 / 10,000) with 1 and 2 workers, ROUNDS
# rounds (order A,B then B,A), printing per-run samples/s of the last epoch, test accuracy and wall time,
# then the B/A ratios of the medians. Both trees must be built (`mvn -q -DskipTests package` in each);
# nothing is built here.
#
# Usage: bench/ab.sh TREE_A TREE_B [ROUNDS=2] [EPOCHS=2]
# e.g.   git worktree add ../before <commit> && (cd ../before && mvn -q -DskipTests package)
#        bench/ab.sh ../before . 2 2
set -euo pipefail
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ROUNDS="${3:-2}"; EPOCHS="${4:-2}"
OUT="$(mktemp -d -t ringmaster-ab.XXXXXX)"
echo "A = $A ($(git -C "$A" rev-parse --short HEAD))"
echo "B = $B ($(git -C "$B" rev-parse --short HEAD))"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
run() { # tree label workers round
  local tree="$1" label="$2" n="$3" r="$4" s="$OUT/$2-w$3-r$4.json" t0 t1
  t0=$(date +%s.%N)
  RINGMASTER_SKIP_BUILD=1 "$tree/ringmaster" run "$tree/examples/fashion-mlp.yaml" --workers "$n" \
    --epochs "$EPOCHS" --summary "$s" --data-dir "$OUT/runs-$label" > "$OUT/$label-w$n-r$r.txt" 2>&1
  t1=$(date +%s.%N)
  python3 - "$s" "$label" "$n" "$r" "$t0" "$t1" <<'PY'
import json, sys
s, label, n, r, t0, t1 = sys.argv[1:]
j = json.load(open(s))
e = j["epochs"][-1]
print(f"{label} workers={n} round={r} last-epoch samples/s={e['samples_per_s']:.0f} "
      f"test acc={e['test_accuracy']*100:.2f}% wall={float(t1)-float(t0):.1f}s")
PY
}
for r in $(seq 1 "$ROUNDS"); do
  for n in 1 2; do
    if (( r % 2 == 1 )); then run "$A" A "$n" "$r"; run "$B" B "$n" "$r"; else run "$B" B "$n" "$r"; run "$A" A "$n" "$r"; fi
  done
done | tee "$OUT/runs.txt"
python3 - "$OUT/runs.txt" <<'PY'
import re, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def med(label, n, key):
    vals = [float(re.sub(r'[^0-9.]', '', f.split('=')[1])) for r in rows if r[0] == label and r[1] == f"workers={n}"
            for f in r if f.startswith(key + '=')]
    return statistics.median(vals)
for n in (1, 2):
    a, b = med('A', n, 'samples/s'), med('B', n, 'samples/s')
    aa, ba = med('A', n, 'acc'), med('B', n, 'acc')
    print(f"workers={n}: median last-epoch samples/s A {a:.0f}  B {b:.0f}  ratio B/A {b/a:.3f};"
          f" test acc A {aa:.2f}%  B {ba:.2f}%")
PY
