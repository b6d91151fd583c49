#!/usr/bin/python3
"""Golden end-to-end reference: loss and every gradient of a small MLP, computed by PyTorch.

Model: Linear(4, 5) -> sigmoid -> Linear(5, 3), float64, deterministic weights
w[i] = 0.5 * sin(1 + i * 0.7) (flat index i per tensor, different phase per tensor), inputs
x[n, j] = cos(n + 0.3 j), targets [2, 0, 1]. Losses: CrossEntropyLoss on the logits, and Nielsen's
quadratic cost 1/(2n) sum |sigmoid(logits) - onehot|^2. Output: golden_mlp.json (committed).
Run: /usr/bin/python3 tests/reference/golden_mlp.py > tests/reference/golden_mlp.json
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)


def det(shape, phase):
    n = math.prod(shape)
    return torch.tensor([0.5 * math.sin(phase + i * 0.7) for i in range(n)]).reshape(shape)


def params():
    return {
        "0.weight": det((5, 4), 1.0),
        "0.bias": det((5,), 2.0),
        "2.weight": det((3, 5), 3.0),
        "2.bias": det((3,), 4.0),
    }


x = torch.tensor([[math.cos(n + 0.3 * j) for j in range(4)] for n in range(3)])
y = torch.tensor([2, 0, 1])
out = {"x": x.flatten().tolist(), "y": y.tolist(), "params": {k: v.flatten().tolist() for k, v in params().items()}}

for loss_name in ("cross_entropy", "quadratic"):
    p = {k: v.clone().requires_grad_() for k, v in params().items()}
    logits = torch.sigmoid(x @ p["0.weight"].T + p["0.bias"]) @ p["2.weight"].T + p["2.bias"]
    if loss_name == "cross_entropy":
        loss = torch.nn.functional.cross_entropy(logits, y)
    else:
        a = torch.sigmoid(logits)
        loss = 0.5 * ((a - torch.nn.functional.one_hot(y, 3)) ** 2).sum(dim=1).mean()
    loss.backward()
    out[loss_name] = {"loss": loss.item(), "grads": {k: v.grad.flatten().tolist() for k, v in p.items()}}

print(json.dumps(out, indent=1))
