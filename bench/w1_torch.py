#!/usr/bin/python3
"""W1 in PyTorch: Nielsen's 784-30-10 sigmoid network, quadratic cost, SGD lr 3.0, mini-batch 10.

Prints one JSON line per epoch with the keys of descent's --metrics lines (see torch_side.py).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_side  # noqa: E402


def main():
    args = torch_side.parse_args(__doc__.splitlines()[0], batch_size=10, lr=3.0)
    torch = torch_side.import_torch(args.threads, args.seed)
    from torch import nn

    x_np, y_np = torch_side.load(args.data_dir, "train")
    xt_np, yt_np = torch_side.load(args.data_dir, "t10k")
    x = torch.from_numpy(x_np)
    y = torch.nn.functional.one_hot(torch.from_numpy(y_np), 10).to(torch.float32)  # one-hot targets
    x_test, y_test = torch.from_numpy(xt_np), torch.from_numpy(yt_np)

    model = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0)  # Nielsen's init: every weight and bias N(0, 1)
    # --adam: bench/w1_adam.toml's Adam (lr 0.001, PyTorch's other defaults) instead of SGD lr 3.0
    opt = torch.optim.Adam(model.parameters(), lr=0.001) if args.adam else torch.optim.SGD(model.parameters(), lr=args.lr)

    def quadratic_cost(a, y):
        return 0.5 * ((a - y) ** 2).sum(dim=1).mean()  # Nielsen's quadratic cost, batch mean

    torch_side.train(torch, model, quadratic_cost, opt, x, y, x_test, y_test, args)


if __name__ == "__main__":
    main()
