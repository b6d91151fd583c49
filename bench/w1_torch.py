#!/usr/bin/python3
"""W1 in PyTorch: Nielsen's 784-30-10 sigmoid network, quadratic cost, SGD lr 3.0, mini-batch 10.

Prints one JSON line per epoch with the keys of descent's --metrics lines. `seconds` and
`samples_per_second` cover the training pass alone (shuffle, forward, backward, step); data
loading and the test evaluation are outside the timing.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", required=True, help="directory with the four MNIST-format IDX .gz files")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch and its BLAS)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=10)
    p.add_argument("--lr", type=float, default=3.0)
    return p.parse_args()


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got = int.from_bytes(data[0:4], "big")
    if got != magic:
        sys.exit(f"{path}: IDX magic {got}, expected {magic}")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split):
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"), 2051)
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"), 2049)
    x = images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)  # pixels in [0, 1]
    return x, labels.astype(np.int64)


def main():
    args = parse_args()
    # Torch's GEMMs go to the system BLAS (OpenBLAS on Debian), whose thread count
    # torch.set_num_threads does not set; it is read when the library loads, so set it first.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_np, y_np = load(args.data_dir, "train")
    xt_np, yt_np = load(args.data_dir, "t10k")
    x = torch.from_numpy(x_np)
    y = torch.nn.functional.one_hot(torch.from_numpy(y_np), 10).to(torch.float32)  # one-hot targets
    x_test, y_test = torch.from_numpy(xt_np), torch.from_numpy(yt_np)
    n, bs = x.shape[0], args.batch_size

    model = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0)  # Nielsen's init: every weight and bias N(0, 1)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        loss_sum = torch.zeros(())
        t0 = time.perf_counter()
        perm = torch.randperm(n)  # a fresh shuffle each epoch
        for i in range(0, n, bs):
            # Gather each mini-batch as it is needed: cheaper than copying the whole shuffled set.
            idx = perm[i:i + bs]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            a = model(xb)
            loss = 0.5 * ((a - yb) ** 2).sum(dim=1).mean()  # Nielsen's quadratic cost, batch mean
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach() * xb.shape[0]
        seconds = time.perf_counter() - t0

        model.eval()
        with torch.no_grad():
            correct = int((model(x_test).argmax(dim=1) == y_test).sum())
        total = int(y_test.shape[0])
        print(json.dumps({
            "epoch": epoch,
            "train_loss": float(loss_sum) / n,
            "test_correct": correct,
            "test_total": total,
            "test_accuracy": correct / total,
            "seconds": seconds,
            "samples_per_second": n / seconds,
            "threads": args.threads,
            "impl": f"torch {torch.__version__}",
        }), flush=True)


if __name__ == "__main__":
    main()
