#!/usr/bin/python3
"""The scaling model of docs/distributed.md, from this machine's measurements.

For each workload (W1, LeNet, the [784, 1024, 1024, 10] MLP) it times one process at 1 thread at the
global batch B and at B/2 (medians of --reps runs of one epoch), fits the time of one update as
a + c * b (b: the rows a rank computes; a: the per-update cost that does not shrink with the shard),
and predicts the time of an update on N ranks with a ring all-reduce and no overlap with backward:

    t(N) = a + c * B / N + 2 (N - 1) * alpha + 2 (N - 1) / N * S / beta

S: the gradient bytes; alpha, beta: a network's per-message latency and bandwidth. The speed-up is
t(1) / t(N), t(1) = a + c * B with no exchange. Usage:
    /usr/bin/python3 bench/scaling_model.py --data-dir DIR [--reps 3] [--descent build/descent]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# name, config, global batch, parameters
WORKLOADS = [
    ("W1", "bench/w1.toml", 10, 784 * 30 + 30 + 30 * 10 + 10),
    ("LeNet", "examples/lenet/mnist.toml", 64, 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10),
    ("MLP 1024", "bench/mlp1024.toml", 256, 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10),
]
# per-message latency (s) and bandwidth (bytes/s) at line rate
NETWORKS = [("10 Gb/s Ethernet (TCP)", 20e-6, 10e9 / 8), ("100 Gb/s InfiniBand", 2e-6, 100e9 / 8)]
RANKS = [2, 8, 64]


def seconds_per_update(descent, config, data_dir, batch, reps):
    times = []
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as tmp:
            metrics = os.path.join(tmp, "m.jsonl")
            subprocess.run([descent, "train", with_batch(config, batch, tmp), "--epochs", "1", "--data-dir", data_dir,
                            "--threads", "1", "--metrics", metrics, "--seed", "1"], check=True,
                           stdout=subprocess.DEVNULL)
            line = json.loads(open(metrics).read().splitlines()[-1])
            times.append(line["seconds"] / math.ceil(60000 / batch))
    return statistics.median(times)


def with_batch(config, batch, tmp):
    """A copy of `config` in `tmp` with [train] batch_size = batch."""
    lines = open(os.path.join(ROOT, config)).read().splitlines()
    lines = [f"batch_size = {batch}" if line.startswith("batch_size") else line for line in lines]
    path = os.path.join(tmp, "config.toml")
    open(path, "w").write("\n".join(lines) + "\n")
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--descent", default=os.path.join(ROOT, "build", "descent"))
    args = p.parse_args()
    print(f"{'workload':>9} {'B':>4} {'S (MB)':>7} {'a (us)':>8} {'c (us/row)':>10} {'t(1) (ms)':>9}  "
          + "  ".join(f"{n} ranks {net.split()[0]} {net.split()[1]}" for net, _, _ in NETWORKS for n in RANKS))
    for name, config, batch, params in WORKLOADS:
        full = seconds_per_update(args.descent, config, args.data_dir, batch, args.reps)
        half = seconds_per_update(args.descent, config, args.data_dir, batch // 2, args.reps)
        c = max((full - half) / (batch - batch // 2), 0.0)
        a = max(full - c * batch, 0.0)
        size = 4 * params
        cells = []
        for _, alpha, beta in NETWORKS:
            for n in RANKS:
                if batch < n:
                    cells.append(f"{'-':>16}")
                    continue
                t = a + c * batch / n + 2 * (n - 1) * alpha + 2 * (n - 1) / n * size / beta
                cells.append(f"{full / t:>16.2f}")
        print(f"{name:>9} {batch:>4} {size / 1e6:>7.3f} {a * 1e6:>8.1f} {c * 1e6:>10.2f} {full * 1e3:>9.3f}  "
              + "  ".join(cells))


if __name__ == "__main__":
    main()
