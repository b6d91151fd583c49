#!/usr/bin/python3
"""LeNet-5 training trajectory, computed by PyTorch: the recipe of examples/lenet/mnist.toml end to end.

Model: examples/lenet/mnist.toml's layers (conv 6@5x5 pad 2, ReLU, max-pool 2, conv 16@5x5, ReLU,
max-pool 2, flatten, linear 120, ReLU, linear 84, ReLU, linear 10), float64, deterministic weights
w[i] = sin(phase + 0.7 i) / sqrt(fan_in) (flat index i per tensor, phase 1, 2, ... in parameter order).
Data: 8 batches of 16 images x[n, 0, r, c] = 0.5 + 0.5 sin(0.37 n + 0.11 r c + 0.05 (label + 1) (r + c)),
label n % 10 (n counts images over all batches). Training: CrossEntropyLoss (batch mean), SGD lr 0.01,
momentum 0.9, one step per batch, for 3 passes over the 8 batches (24 steps).
Output: lenet_trajectory.json (committed): the loss of every step and, after the last, each parameter's
sum, sum of absolute values and every stride-th element (stride = max(1, numel // 50)).
Run: /usr/bin/python3 tests/reference/lenet_trajectory.py > tests/reference/lenet_trajectory.json
"""
import json
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)

BATCHES, BATCH, PASSES = 8, 16, 3

model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(84, 10))

with torch.no_grad():
    for phase, (name, p) in enumerate(model.named_parameters(), start=1):
        fan_in = model.get_parameter(name.replace("bias", "weight"))[0].numel()
        flat = torch.tensor([math.sin(phase + 0.7 * i) for i in range(p.numel())])
        p.copy_(flat.reshape(p.shape) / math.sqrt(fan_in))


def image(n):
    label = n % 10
    return [[0.5 + 0.5 * math.sin(0.37 * n + 0.11 * r * c + 0.05 * (label + 1) * (r + c)) for c in range(28)]
            for r in range(28)]


x = torch.tensor([[image(n)] for n in range(BATCHES * BATCH)])
y = torch.tensor([n % 10 for n in range(BATCHES * BATCH)])
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
losses = []
for step in range(BATCHES * PASSES):
    b = step % BATCHES
    loss = nn.functional.cross_entropy(model(x[b * BATCH:(b + 1) * BATCH]), y[b * BATCH:(b + 1) * BATCH])
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())

params = {}
for name, p in model.named_parameters():
    flat = p.detach().flatten()
    stride = max(1, flat.numel() // 50)
    params[name] = {"sum": flat.sum().item(), "sum_abs": flat.abs().sum().item(), "stride": stride,
                    "sample": flat[::stride].tolist()}
print(json.dumps({"losses": losses, "params": params}, indent=1))
