#!/usr/bin/python3
"""MLP workload in PyTorch: [784, 1024, 1024, 10] ReLU, cross-entropy, SGD lr 0.05 momentum 0.9, batch 256.

The same model and recipe as bench/mlp1024.toml. Prints one JSON line per epoch with the keys of
descent's --metrics lines (see torch_side.py).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_side  # noqa: E402


def main():
    args = torch_side.parse_args(__doc__.splitlines()[0], batch_size=256, lr=0.05)
    torch = torch_side.import_torch(args.threads, args.seed)
    from torch import nn

    x_np, y_np = torch_side.load(args.data_dir, "train")
    xt_np, yt_np = torch_side.load(args.data_dir, "t10k")
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    x_test, y_test = torch.from_numpy(xt_np), torch.from_numpy(yt_np)

    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    torch_side.train(torch, model, nn.CrossEntropyLoss(), opt, x, y, x_test, y_test, args)


if __name__ == "__main__":
    main()
