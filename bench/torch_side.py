"""What the PyTorch side of every bench workload shares: arguments, data, threads and the timed loop.

Each workload script builds its model, loss and optimizer and hands them to `train`, which prints one
JSON line per epoch with the keys of descent's --metrics lines. `seconds` and `samples_per_second`
cover the training pass alone (shuffle, forward, backward, step); data loading and the test evaluation
are outside the timing.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np


def parse_args(description, batch_size, lr):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data-dir", required=True, help="directory with the four MNIST-format IDX .gz files")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch and its BLAS)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--adam", action="store_true", help="W1 only: Adam lr 0.001 instead of SGD")
    return p.parse_args()


def import_torch(threads, seed):
    """Imports torch with `threads` intra-op threads and seeds it."""
    # Torch's GEMMs go to the system BLAS (OpenBLAS on Debian), whose thread count
    # torch.set_num_threads does not set; it is read when the library loads, so set it first.
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    return torch


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
    """(images as float32 rows in [0, 1], labels as int64) of split "train" or "t10k"."""
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"), 2051)
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"), 2049)
    x = images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)
    return x, labels.astype(np.int64)


def train(torch, model, loss_fn, opt, x, targets, x_test, y_test, args):
    """Trains for args.epochs epochs of mini-batches of args.batch_size, a fresh shuffle each epoch."""
    n, bs = x.shape[0], args.batch_size
    for epoch in range(args.epochs):
        model.train()
        loss_sum = torch.zeros(())
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, bs):
            # Gather each mini-batch as it is needed: cheaper than copying the whole shuffled set.
            idx = perm[i:i + bs]
            xb, tb = x.index_select(0, idx), targets.index_select(0, idx)
            loss = loss_fn(model(xb), tb)
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
