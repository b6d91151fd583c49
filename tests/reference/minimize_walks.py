#!/usr/bin/python3
"""Reference walks for descent's minimize: torch.optim.SGD on the analytic test functions, float64.

Each case names the function, the optimizer options (PyTorch's keywords), the start and the number of
steps, and records every point of the walk: row k is the point after k steps, the value and the
gradient there (step 0 is the start), exactly as descent::train::minimize reports them.
Output: minimize_walks.json (committed).
Run: /usr/bin/python3 tests/reference/minimize_walks.py > tests/reference/minimize_walks.json
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)

FUNCTIONS = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "himmelblau": lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
    "rastrigin": lambda x, y: 20 + x ** 2 - 10 * torch.cos(2 * math.pi * x) + y ** 2 - 10 * torch.cos(2 * math.pi * y),
}

CASES = [
    {"function": "rosenbrock", "options": {"lr": 0.001, "momentum": 0.9}, "x0": [-1.5, 2.0], "steps": 200},
    {"function": "beale", "options": {"lr": 0.01, "momentum": 0.5, "nesterov": True}, "x0": [1.0, 1.0], "steps": 100},
    {"function": "booth", "options": {"lr": 0.05, "weight_decay": 0.01}, "x0": [-3.0, 4.0], "steps": 100},
    {"function": "himmelblau", "options": {"lr": 0.005, "momentum": 0.8, "dampening": 0.3}, "x0": [-1.0, 0.5], "steps": 100},
    {"function": "rastrigin", "options": {"lr": 0.001, "maximize": False}, "x0": [0.3, -0.2], "steps": 50},
]

out = []
for case in CASES:
    params = [torch.tensor(v, requires_grad=True) for v in case["x0"]]
    opt = torch.optim.SGD(params, **case["options"])
    walk = []
    for step in range(case["steps"] + 1):
        opt.zero_grad()
        loss = FUNCTIONS[case["function"]](*params)
        loss.backward()
        walk.append({"x": [p.item() for p in params], "loss": loss.item(), "grad": [p.grad.item() for p in params]})
        if step < case["steps"]:
            opt.step()
    out.append({**case, "walk": walk})

json.dump(out, sys.stdout)
print()
