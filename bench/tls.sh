#!/usr/bin/env bash
# The cost of TLS, in one run on this machine: (1) all-reduce bus bandwidth of the gRPC ring with TLS vs
# plaintext (bench/allreduce.sh: both rings in the same processes, interleaved per round), then (2) MLP
# training (Fashion-MNIST 60,000 / 10,000, `ringmaster run`) with 2 workers, plaintext vs TLS on every channel
# (`--tls-*`: control plane and ring), ROUNDS rounds alternating the order (P,T then T,P), printing per-run
# samples/s of the last epoch and the TLS/plaintext ratio of the medians. Builds through the reactor first.
#
# Usage: bench/tls.sh [ROUNDS=2] [EPOCHS=2] [WORKERS=2] [-- allreduce.sh arguments]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-2}"; EPOCHS="${2:-2}"; WORKERS="${3:-2}"
shift $(( $# < 3 ? $# : 3 )); [[ "${1:-}" == "--" ]] && shift
OUT="$(mktemp -d -t ringmaster-tls.XXXXXX)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
echo "== all-reduce, plaintext vs TLS ring =="
"$root/bench/allreduce.sh" "$@" | tee "$OUT/allreduce.txt"
(cd "$root" && mvn -B -q -DskipTests package -pl cli -am) >&2
RINGMASTER_SKIP_BUILD=1 "$root/ringmaster" certs --out "$OUT/certs" --host 127.0.0.1 > /dev/null
TLS=(--tls-cert "$OUT/certs/node.pem" --tls-key "$OUT/certs/node-key.pem" --tls-ca "$OUT/certs/ca.pem")
run() { # label round
  local label="$1" r="$2" s="$OUT/$1-r$2.json" extra=()
  [[ "$label" == TLS ]] && extra=("${TLS[@]}")
  RINGMASTER_SKIP_BUILD=1 "$root/ringmaster" run "$root/examples/fashion-mlp.yaml" --workers "$WORKERS" \
    --epochs "$EPOCHS" --summary "$s" --data-dir "$OUT/runs-$label" "${extra[@]}" > "$OUT/$label-r$r.txt" 2>&1
  python3 - "$s" "$label" "$r" <<'PY'
import json, sys
s, label, r = sys.argv[1:]
e = json.load(open(s))["epochs"][-1]
print(f"{label} round={r} last-epoch samples/s={e['samples_per_s']:.0f} test acc={e['test_accuracy']*100:.2f}%")
PY
}
echo "== MLP, $WORKERS workers, $EPOCHS epochs: plaintext vs TLS on every channel =="
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 == 1 )); then run PLAIN "$r"; run TLS "$r"; else run TLS "$r"; run PLAIN "$r"; fi
done | tee "$OUT/mlp.txt"
python3 - "$OUT/mlp.txt" <<'PY'
import re, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def med(label):
    return statistics.median(float(f.split('=')[1]) for r in rows if r[0] == label for f in r if f.startswith('samples/s='))
p, t = med('PLAIN'), med('TLS')
print(f"median last-epoch samples/s: plaintext {p:.0f}  TLS {t:.0f}  ratio TLS/plaintext {t/p:.3f}")
PY
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
