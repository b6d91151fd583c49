#!/usr/bin/python3
"""ResNet-8 on Fashion-MNIST in PyTorch: the model and recipe of examples/resnet/fashion.toml.

A 3x3 conv stem of 16 channels, three stages of one basic block each at 16, 32 and 64 channels (the
2nd and 3rd with a stride-2 1x1-conv shortcut), global average pooling, linear 10; cross-entropy; SGD
lr 0.1, momentum 0.9, Nesterov, weight decay 5e-4 under OneCycleLR (max_lr 0.1, stepped every
batch), batch 128; inputs standardized by the training set's mean and std. Prints one JSON line per
epoch with the keys of descent's --metrics lines (bench/torch_side.py), the test loss added.

    /usr/bin/python3 examples/resnet/resnet_torch.py --data-dir /usr/share/datasets/fashion-mnist --epochs 10
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import torch_side  # noqa: E402


def build(torch):
    from torch import nn

    class Block(nn.Module):
        """Two 3x3 convs with batch norm, plus the input (or its 1x1 stride-s conv), then ReLU."""

        def __init__(self, cin, cout, stride):
            super().__init__()
            self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
            self.body = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            return torch.relu(self.body(x) + self.shortcut(x))

    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),  # (N, 16, 28, 28)
        Block(16, 16, 1),                                                          # (N, 16, 28, 28)
        Block(16, 32, 2),                                                          # (N, 32, 14, 14)
        Block(32, 64, 2),                                                          # (N, 64, 7, 7)
        nn.AvgPool2d(7), nn.Flatten(), nn.Linear(64, 10))


def main():
    args = torch_side.parse_args(__doc__.splitlines()[0], batch_size=128, lr=0.1)
    torch = torch_side.import_torch(args.threads, args.seed)
    from torch import nn

    x_np, y_np = torch_side.load(args.data_dir, "train")
    xt_np, yt_np = torch_side.load(args.data_dir, "t10k")
    mean, std = float(x_np.mean()), float(x_np.std())  # [data] normalize = "standardize": one channel
    x = ((torch.from_numpy(x_np) - mean) / std).reshape(-1, 1, 28, 28)
    x_test = ((torch.from_numpy(xt_np) - mean) / std).reshape(-1, 1, 28, 28)
    y, y_test = torch.from_numpy(y_np), torch.from_numpy(yt_np)

    model = build(torch)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    n, bs = x.shape[0], args.batch_size
    steps = (n + bs - 1) // bs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps)
    for epoch in range(args.epochs):
        model.train()
        loss_sum = torch.zeros(())
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            xb, tb = x.index_select(0, idx), y.index_select(0, idx)
            loss = loss_fn(model(xb), tb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.detach() * xb.shape[0]
        seconds = time.perf_counter() - t0
        model.eval()
        correct, test_loss = 0, 0.0
        with torch.no_grad():
            for i in range(0, x_test.shape[0], 1000):
                out = model(x_test[i:i + 1000])
                correct += int((out.argmax(dim=1) == y_test[i:i + 1000]).sum())
                test_loss += float(nn.functional.cross_entropy(out, y_test[i:i + 1000], reduction="sum"))
        total = int(y_test.shape[0])
        print(json.dumps({
            "epoch": epoch,
            "train_loss": float(loss_sum) / n,
            "test_loss": test_loss / total,
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
