"""Prints bench/engine.sh's table: samples/s, ratios to PyTorch and to plain DL4J fit, test accuracy per epoch
and the per-step split, from one results directory.

Reads OUT/lines.txt (the ENGINE and PHASES lines of ThroughputMain, torch_engine.py and the libtorch program,
each run's lines preceded by a 'RUN round=R name=N model=M' line) and, for the Ringmaster jobs, the --summary
JSON files OUT/ringmaster-<model>-<workers>-r<round>.json with their workers' logs (RINGMASTER_STEP_PHASES=1:
one 'step phases' line per epoch and rank; rank 0's is shown).

Steady rate of a run: the mean of its epochs after the first (JIT warm-up, worker start-up), or its only epoch.
Over rounds: the median of the runs' steady rates.
"""
import json
import re
import statistics
import sys
from pathlib import Path

PHASES = ["data", "forward", "backward", "allreduce", "update", "other"]
WORKER_LINE = re.compile(r"epoch (\d+) rank (\d+)/(\d+) step phases \(ms per step\): (.*)$")


def kv(text):
    return dict(p.split("=", 1) for p in text.split() if "=" in p)


def read_lines(out):
    """{(model, name): [run, ...]}, a run being {'epochs': [ENGINE kv...], 'phases': [PHASES kv...]}."""
    runs = {}
    current = None
    f = out / "lines.txt"
    if not f.exists():
        return runs
    for line in f.read_text().splitlines():
        if line.startswith("RUN "):
            h = kv(line[4:])
            current = {"epochs": [], "phases": []}
            runs.setdefault((h["model"], h["name"]), []).append(current)
        elif line.startswith("ENGINE ") and current is not None:
            current["epochs"].append(kv(line[7:]))
        elif line.startswith("PHASES ") and current is not None:
            current["phases"].append(kv(line[7:]))
    return runs


def read_ringmaster(out, runs):
    for f in sorted(out.glob("ringmaster-*-r*.json")):
        m = re.match(r"ringmaster-(\w+)-(\d+)-r(\d+)\.json", f.name)
        if not m:
            continue
        model, workers = m.group(1), m.group(2)
        s = json.loads(f.read_text())
        run = {"epochs": [], "phases": [], "state": s.get("state")}
        for e in s.get("epochs", []):
            run["epochs"].append({"epoch": str(e["epoch"]), "samples_per_s": str(e["samples_per_s"]),
                                  "test_acc": str(e["test_accuracy"])})
        logs = Path(s.get("job_dir") or "") / "logs"
        by_epoch = {}
        for log in sorted(logs.glob("worker-*.log")) if logs.is_dir() else []:
            for line in log.read_text(errors="replace").splitlines():
                w = WORKER_LINE.search(line)
                if w and w.group(2) == "0":
                    by_epoch[int(w.group(1))] = kv(w.group(4))
        run["phases"] = [by_epoch[k] for k in sorted(by_epoch)]
        # samples per training-thread CPU second, as the other engines report it: rank 0's thread, all ranks alike
        batch = float(s.get("spec", {}).get("batchSize", 128))
        for e in run["epochs"]:
            p = by_epoch.get(int(e["epoch"]))
            if p and float(p.get("cpu_ms", 0)) > 0:
                e["samples_per_cpu_s"] = str(batch / (float(p["cpu_ms"]) / 1000.0) / int(workers))
        runs.setdefault((model, f"ringmaster-{workers}"), []).append(run)


def steady(values):
    later = values[1:] or values
    return sum(later) / len(later) if later else float("nan")


def summarise(run_list):
    rates = [steady([float(e["samples_per_s"]) for e in r["epochs"]]) for r in run_list if r["epochs"]]
    cpu = [steady([float(e["samples_per_cpu_s"]) for e in r["epochs"] if "samples_per_cpu_s" in e])
           for r in run_list if any("samples_per_cpu_s" in e for e in r["epochs"])]
    acc = [[float(e["test_acc"]) for e in r["epochs"]] for r in run_list]
    split = {}
    for r in run_list:
        ph = r["phases"][1:] or r["phases"]
        for p in ph:
            for k, v in p.items():
                if k.endswith("_ms"):
                    split.setdefault(k, []).append(float(v))
    split = {k: statistics.median(v) for k, v in split.items()}
    return {"rate": statistics.median(rates) if rates else float("nan"),
            "rates": rates,
            "cpu_rate": statistics.median(cpu) if cpu else float("nan"),
            "acc": acc[-1] if acc else [], "split": split}


def main():
    out = Path(sys.argv[1])
    runs = read_lines(out)
    read_ringmaster(out, runs)
    order = ["torch-1", "torch-2", "dl4j-fit", "ringmaster-1", "ringmaster-2", "libtorch-1"]
    models = sorted({m for m, _ in runs}, key=lambda m: ["mlp", "lenet"].index(m) if m in ["mlp", "lenet"] else 9)
    for model in models:
        names = [n for n in order if (model, n) in runs] + sorted(n for m, n in runs if m == model and n not in order)
        s = {n: summarise(runs[(model, n)]) for n in names}
        torch = {1: s.get("torch-1", {}).get("rate"), 2: s.get("torch-2", {}).get("rate")}
        fit = s.get("dl4j-fit", {}).get("rate")
        print(f"\n## {model}: steady samples/s (median over rounds), ratios, test accuracy per epoch (last round)")
        print(f"{'engine':14s} {'samples/s':>10s} {'per cpu-s':>10s} {'/PyTorch':>9s} {'/DL4J fit':>10s}  "
              f"{'runs':18s} test accuracy")
        for n in names:
            r = s[n]
            world = 2 if n.endswith("-2") else 1
            vs_torch = r["rate"] / torch[world] if torch.get(world) else float("nan")
            vs_fit = r["rate"] / fit if fit else float("nan")
            runs_txt = ",".join(f"{x:.0f}" for x in r["rates"])
            print(f"{n:14s} {r['rate']:10.0f} {r['cpu_rate']:10.0f} {vs_torch:9.3f} {vs_fit:10.3f}  {runs_txt:18s} "
                  + " ".join(f"{a:.4f}" for a in r["acc"]))
        for a, b in [("ringmaster-2", "ringmaster-1"), ("torch-2", "torch-1")]:
            if a in s and b in s:
                print(f"scaling {a} / {b}: {s[a]['rate'] / s[b]['rate']:.2f}x")
        print(f"\n## {model}: per-step split, ms per step (rank 0; wall / CPU of the training thread; steady epochs)")
        print(f"{'engine':14s} " + " ".join(f"{p:>15s}" for p in PHASES + ["step"]) + f" {'wait':>7s} {'ddp-ar':>7s}")
        for n in names:
            sp = s[n]["split"]
            if not sp:
                print(f"{n:14s} (no split recorded)")
                continue
            cells = [f"{sp.get(p + '_wall_ms', 0):7.2f}/{sp.get(p + '_cpu_ms', 0):<7.2f}" for p in PHASES]
            cells.append(f"{sp.get('wall_ms', 0):7.2f}/{sp.get('cpu_ms', 0):<7.2f}")
            ddp = sp.get("allreduce_overlapped_ms")
            print(f"{n:14s} " + " ".join(f"{c:>15s}" for c in cells) + f" {sp.get('wait_ms', 0):7.2f}"
                  + (f" {ddp:7.2f}" if ddp else f" {'-':>7s}"))
    print("\nper cpu-s: samples per CPU second of the training thread(s), i.e. corrected for other load on the machine;"
          "\nthe all-reduce's transport threads (gRPC, gloo) are not in it.")
    print("forward: DL4J up to the output layer (the output layer and the loss are in backward); PyTorch the whole"
          "\nmodel and the loss. wait: all-reduce wall minus the training thread's CPU in it. ddp-ar: DDP's bucket"
          "\nall-reduce timed by a comm hook, overlapped with (and part of) backward's wall time.")


if __name__ == "__main__":
    main()
