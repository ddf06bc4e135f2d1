"""PyTorch next to Ringmaster: the same models, data, global batch and optimiser, with the per-step split.

Trains the MLP (784-256-128-10, relu) or LeNet (conv5x5x20, max-pool 2/2, conv5x5x50, max-pool 2/2, dense 500
relu, 10; identity convolutions as Ringmaster's built-in) with Adam 1e-3 on IDX files, one thread per process,
world 1 (one process) or world N (DistributedDataParallel over gloo, N processes on this machine, each with
batch/N samples of every global batch). Prints, per epoch, the lines bench/engine.sh reads:

  ENGINE name=.. model=.. epoch=E steps=S samples=N seconds=T samples_per_s=R samples_per_cpu_s=C test_acc=A
  PHASES name=.. model=.. epoch=E steps=S wall_ms=.. cpu_ms=.. <phase>_wall_ms=.. <phase>_cpu_ms=.. ... wait_ms=..

Phases (ms per step, rank 0, wall and CPU of the training thread): data (index the epoch's permutation, copy
the batch), forward (model and loss: PyTorch's forward includes the output layer and the loss, DL4J's ends
before the output layer), backward (autograd; with DDP it includes the gradient all-reduce, which DDP's
buckets overlap with it), update (optimizer.step and zero_grad), other. DDP's all-reduce is also timed on its
own by a communication hook (from the bucket's hand-over to gloo to its completion) and reported as
allreduce_overlapped_ms: part of the backward wall time, not an extra phase.

usage: torch_engine.py --model mlp|lenet --world 1|2 --epochs E --batch 128 --train IMAGES,LABELS
                       --test IMAGES,LABELS [--label NAME] [--seed 42] [--max-steps N]
"""
import argparse
import gzip
import os
import re
import struct
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

PHASES = ["data", "forward", "backward", "allreduce", "update", "other"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        dims = magic & 0xFF
        sizes = struct.unpack(">" + "I" * (dims - 1), f.read(4 * (dims - 1)))
        data = np.frombuffer(f.read(), dtype=np.uint8)
    return data.reshape((count,) + sizes)


def load(pair):
    images, labels = pair.split(",")
    x = torch.from_numpy(read_idx(images).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(read_idx(labels).astype(np.int64))
    return x, y


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc = nn.Linear(50 * 4 * 4, 500)
        self.out = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2, 2)
        x = F.max_pool2d(self.conv2(x), 2, 2)
        return self.out(F.relu(self.fc(x.reshape(x.shape[0], -1))))


def loaded_blas():
    """The BLAS/LAPACK shared libraries this process has mapped (after a matmul ran)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p or "lapack" in p or "mkl" in p:
                libs.add(os.path.realpath(p))
    return ",".join(sorted(libs)) or "none found in /proc/self/maps"


class Split:
    """Wall and thread-CPU time per phase, attributed at phase boundaries (as StepPhases in the worker)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.wall = {p: 0.0 for p in PHASES}
        self.cpu = {p: 0.0 for p in PHASES}
        self.steps = 0
        self.overlapped = 0.0

    def start(self):
        self.w, self.c = time.perf_counter(), time.thread_time()

    def end(self, phase):
        w, c = time.perf_counter(), time.thread_time()
        self.wall[phase] += w - self.w
        self.cpu[phase] += c - self.c
        self.w, self.c = w, c

    def end_step(self):
        self.end("other")
        self.steps += 1

    def format(self):
        n = max(self.steps, 1)
        ms = lambda v: 1000.0 * v / n
        parts = [f"steps={self.steps}", f"wall_ms={ms(sum(self.wall.values())):.3f}",
                 f"cpu_ms={ms(sum(self.cpu.values())):.3f}"]
        for p in PHASES:
            parts.append(f"{p}_wall_ms={ms(self.wall[p]):.3f} {p}_cpu_ms={ms(self.cpu[p]):.3f}")
        wait = max(0.0, self.wall["allreduce"] - self.cpu["allreduce"])
        parts.append(f"wait_ms={ms(wait):.3f} allreduce_overlapped_ms={ms(self.overlapped):.3f}")
        return " ".join(parts)


def timed_allreduce_hook(split):
    """DDP communication hook: gloo all-reduce of the bucket, averaged as DDP's default, timed to completion."""
    def hook(state, bucket):
        t0 = time.perf_counter()
        world = dist.get_world_size()
        fut = dist.all_reduce(bucket.buffer(), async_op=True).get_future()

        def done(f):
            split.overlapped += time.perf_counter() - t0
            return f.value()[0] / world
        return fut.then(done)
    return hook


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 256):
            correct += (model(x[i:i + 256]).argmax(1) == y[i:i + 256]).sum().item()
    model.train()
    return correct / max(1, x.shape[0])


def run(rank, args):
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    world = args.world
    if world > 1:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        dist.init_process_group("gloo", rank=rank, world_size=world)
    xs, ys = load(args.train)
    xt, yt = load(args.test)
    model = Mlp() if args.model == "mlp" else LeNet()
    split = Split()
    net = model
    if world > 1:
        net = nn.parallel.DistributedDataParallel(model)
        net.register_comm_hook(None, timed_allreduce_hook(split))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    local = args.batch // world
    n = xs.shape[0]
    steps_per_epoch = (n + args.batch - 1) // args.batch
    with torch.no_grad():
        model(xs[:2])  # a first matmul, so that the BLAS library is mapped (the local module: no all-reduce)
    if rank == 0:
        print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, world {world}, "
              f"BLAS loaded: {loaded_blas()}", flush=True)
        build = re.findall(r"\b(?:BLAS_INFO|LAPACK_INFO|USE_MKLDNN|USE_OPENMP)=\w+", torch.__config__.show())
        print("# torch build: " + ", ".join(build), flush=True)
    total_steps = 0
    for epoch in range(1, args.epochs + 1):
        g = torch.Generator().manual_seed(args.seed * 1000 + epoch)
        perm = torch.randperm(n, generator=g)
        split.reset()
        if world > 1:
            dist.barrier()
        t0, c0 = time.perf_counter(), time.thread_time()
        samples = 0
        steps = 0
        for s in range(steps_per_epoch):
            if total_steps >= args.max_steps:
                break
            split.start()
            glob = perm[s * args.batch:(s + 1) * args.batch]
            # each rank its contiguous part of the global batch (a short last batch: what is left)
            per = (glob.shape[0] + world - 1) // world
            idx = glob[rank * per:(rank + 1) * per]
            x, y = xs[idx], ys[idx]
            split.end("data")
            loss = F.cross_entropy(net(x), y)
            split.end("forward")
            loss.backward()
            split.end("backward")
            opt.step()
            opt.zero_grad(set_to_none=True)
            split.end("update")
            split.end_step()
            samples += glob.shape[0]
            steps += 1
            total_steps += 1
        seconds, cpu = time.perf_counter() - t0, time.thread_time() - c0
        if world > 1:
            dist.barrier()
        if rank == 0:
            acc = accuracy(model, xt, yt)
            print(f"ENGINE name={args.label} model={args.model} epoch={epoch} steps={steps} samples={samples} "
                  f"seconds={seconds:.3f} samples_per_s={samples / seconds:.1f} "
                  f"samples_per_cpu_s={samples / max(cpu, 1e-9) / world:.1f} test_acc={acc:.4f}", flush=True)
            print(f"PHASES name={args.label} model={args.model} epoch={epoch} {split.format()}", flush=True)
        if world > 1:
            dist.barrier()
    if world > 1:
        dist.destroy_process_group()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["mlp", "lenet"], required=True)
    p.add_argument("--world", type=int, default=1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--max-steps", type=int, default=sys.maxsize)
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--label", default=None)
    p.add_argument("--port", type=int, default=29500)
    args = p.parse_args()
    args.label = args.label or f"torch-{args.world}"
    if args.world == 1:
        run(0, args)
    else:
        os.environ["MASTER_PORT"] = str(args.port)
        mp.spawn(run, args=(args,), nprocs=args.world, join=True)


if __name__ == "__main__":
    main()
