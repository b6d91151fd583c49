#!/usr/bin/python3
"""LeNet workload in PyTorch: LeNet-5 (ReLU, max-pool), cross-entropy, SGD lr 0.01 momentum 0.9, batch 64.

The same model and recipe as examples/lenet/mnist.toml. Prints one JSON line per epoch with the keys
of descent's --metrics lines. `seconds` and `samples_per_second` cover the training pass alone
(shuffle, forward, backward, step); data loading and the test evaluation are outside the timing.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from w1_torch import load  # noqa: E402  the same IDX reader and [0, 1] scaling as W1


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", required=True, help="directory with the four MNIST-format IDX .gz files")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch and its BLAS)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    return p.parse_args()


def main():
    args = parse_args()
    # As in w1_torch.py: the BLAS thread count is read when the library loads.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_np, y_np = load(args.data_dir, "train")
    xt_np, yt_np = load(args.data_dir, "t10k")
    x = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(y_np)
    x_test, y_test = torch.from_numpy(xt_np).reshape(-1, 1, 28, 28), torch.from_numpy(yt_np)
    n, bs = x.shape[0], args.batch_size

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),            # (N, 16, 5, 5)
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    for epoch in range(args.epochs):
        model.train()
        loss_sum = torch.zeros(())
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            loss = loss_fn(model(xb), yb)
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
