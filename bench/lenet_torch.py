#!/usr/bin/python3
"""LeNet workload in PyTorch: LeNet-5 (ReLU, max-pool), cross-entropy, SGD lr 0.01 momentum 0.9, batch 64.

The same model and recipe as examples/lenet/mnist.toml. Prints one JSON line per epoch with the keys
of descent's --metrics lines (see torch_side.py).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_side  # noqa: E402


def main():
    args = torch_side.parse_args(__doc__.splitlines()[0], batch_size=64, lr=0.01)
    torch = torch_side.import_torch(args.threads, args.seed)
    from torch import nn

    x_np, y_np = torch_side.load(args.data_dir, "train")
    xt_np, yt_np = torch_side.load(args.data_dir, "t10k")
    x = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(y_np)
    x_test, y_test = torch.from_numpy(xt_np).reshape(-1, 1, 28, 28), torch.from_numpy(yt_np)

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),            # (N, 16, 5, 5)
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    torch_side.train(torch, model, nn.CrossEntropyLoss(), opt, x, y, x_test, y_test, args)


if __name__ == "__main__":
    main()
