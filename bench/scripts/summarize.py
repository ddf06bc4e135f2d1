"""Prints bench/bench.sh's figures and ratios from one results directory.

Steady-state rates skip the first epoch (JIT warm-up and worker start-up), when there are more.
"""
import json
import re
import sys
from pathlib import Path


def steady(summary):
    rates = [e["samples_per_s"] for e in summary["epochs"]]
    later = rates[1:] or rates
    return sum(later) / len(later), rates


def fit_rates(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("RESULT"):
            kv = dict(p.split("=", 1) for p in line.split()[1:])
            out[(kv["loop"], kv["model"])] = float(kv["samples_per_s"])
    return out


def main():
    d = Path(sys.argv[1])
    print("# Ringmaster benchmark summary (" + str(d) + ")")
    runs = {}
    for name in ["mlp-1", "mlp-2", "lenet-1", "lenet-2"]:
        f = d / f"{name}.json"
        if f.exists():
            runs[name] = json.loads(f.read_text())
    loops = fit_rates((d / "throughput.txt").read_text()) if (d / "throughput.txt").exists() else {}
    fit = loops.get(("fit", "mlp"))
    replica = loops.get(("replica", "mlp"))
    if fit:
        print(f"(d) plain DL4J fit(), MLP, whole epochs:            {fit:10,.0f} samples/s")
    if replica:
        print(f"(d) Replica step loop (no network), MLP:             {replica:10,.0f} samples/s"
              f"   ratio {replica / fit:.3f}" if fit else "")
    if "mlp-1" in runs:
        r1, all1 = steady(runs["mlp-1"])
        print(f"(a) Ringmaster job, 1 worker, MLP (epochs 2+):       {r1:10,.0f} samples/s   per epoch "
              + ", ".join(f"{x:,.0f}" for x in all1))
        if fit:
            print(f"(a) ratio 1-worker job / plain fit():               {r1 / fit:10.3f}   (goal >= 0.97)")
    for model in ["mlp", "lenet"]:
        if f"{model}-1" in runs and f"{model}-2" in runs:
            a, _ = steady(runs[f"{model}-1"])
            b, rates = steady(runs[f"{model}-2"])
            acc = runs[f"{model}-2"]["epochs"][-1]["test_accuracy"]
            print(f"(b) {model:5s} 2 workers vs 1: {b:10,.0f} vs {a:10,.0f} samples/s  speed-up {b / a:5.2f}x"
                  f"   (goal >= 1.6x; final test acc {acc:.4f})")
    ar = d / "allreduce.txt"
    if ar.exists():
        print("(c) all-reduce, 2 ranks in 2 JVMs (bus bandwidth vs raw loopback TCP):")
        for line in ar.read_text().splitlines():
            if re.match(r"\s*\d+ MiB", line) or "size" in line:
                print("    " + line)


if __name__ == "__main__":
    main()
