#!/usr/bin/python3
"""Reference trajectories of every optimizer, computed by PyTorch (torch.optim, float64).

Each run minimizes one test function from a fixed start for 200 steps (50 for centered RMSprop,
whose sqrt(v - m^2) cancels catastrophically and so amplifies rounding) and records the point after
every step. Runs with maximize = true climb -f, so they trace the same valley as the others.

Test functions, written with torch ops (tests/optim/trajectory_test.cpp writes them with descent's):
  quadratic   f = sum_i w_i (x_i - c_i)^2, w = (1, 10, 0.5), c = (3, -1, 2), from (0, 0, 0)
  rosenbrock  f = (1 - x)^2 + 100 (y - x^2)^2, from (-1.2, 1)
  beale       f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2, from (1, 1.5)

Options are written as the text make_optimizer reads (Python's repr of a float reads back exactly).
Output: optimizer_trajectories.json (committed).
Run: /usr/bin/python3 tests/reference/optimizer_trajectories.py > tests/reference/optimizer_trajectories.json
"""
import json
import sys
import math

import torch

torch.set_default_dtype(torch.float64)

W = torch.tensor([1.0, 10.0, 0.5])
C = torch.tensor([3.0, -1.0, 2.0])


def quadratic(x):
    return (W * (x - C) ** 2).sum()


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def beale(x):
    a, b = x[0], x[1]
    return (1.5 - a + a * b) ** 2 + (2.25 - a + a * b**2) ** 2 + (2.625 - a + a * b**3) ** 2


FUNCTIONS = {
    "quadratic": (quadratic, [0.0, 0.0, 0.0]),
    "rosenbrock": (rosenbrock, [-1.2, 1.0]),
    "beale": (beale, [1.0, 1.5]),
}

CLASSES = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
}

# SGD's stable step differs by function (the largest curvature: 20, about 1000 near Rosenbrock's
# start, about 100 on Beale's); the adaptive rules take one lr everywhere.
SGD_LR = {"quadratic": 0.02, "rosenbrock": 2e-4, "beale": 2e-3}

# (optimizer, options, steps); lr "sgd" means SGD_LR of the function.
VARIANTS = [
    ("sgd", {"lr": "sgd"}, 200),
    ("sgd", {"lr": "sgd", "momentum": 0.9}, 200),
    ("sgd", {"lr": "sgd", "momentum": 0.9, "dampening": 0.5}, 200),
    ("sgd", {"lr": "sgd", "momentum": 0.9, "nesterov": True}, 200),
    ("sgd", {"lr": "sgd", "momentum": 0.5, "weight_decay": 0.1}, 200),
    ("sgd", {"lr": "sgd", "momentum": 0.8, "maximize": True}, 200),
    ("adagrad", {"lr": 0.1}, 200),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.01}, 200),
    ("adagrad", {"lr": 0.2, "initial_accumulator_value": 0.1, "weight_decay": 0.01, "eps": 1e-6}, 200),
    ("adagrad", {"lr": 0.1, "maximize": True}, 200),
    ("adadelta", {}, 200),
    ("adadelta", {"lr": 0.5, "rho": 0.95, "eps": 1e-4}, 200),
    ("adadelta", {"lr": 2.0, "weight_decay": 0.1, "maximize": True}, 200),
    ("rmsprop", {"lr": 0.01}, 200),
    ("rmsprop", {"lr": 0.005, "momentum": 0.9}, 200),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01, "maximize": True}, 200),
    ("rmsprop", {"lr": 0.01, "centered": True}, 50),
    ("rmsprop", {"lr": 0.005, "centered": True, "momentum": 0.5}, 50),
    ("adam", {"lr": 0.05}, 200),
    ("adam", {"lr": 0.05, "amsgrad": True}, 200),
    ("adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}, 200),
    ("adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01, "maximize": True}, 200),
    ("adamw", {"lr": 0.05}, 200),
    ("adamw", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}, 200),
    ("adamw", {"lr": 0.02, "betas": (0.95, 0.9), "eps": 1e-4, "maximize": True}, 200),
]


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(repr(float(v)) for v in value)
    return repr(float(value))


def run(name, options, fname, steps):
    f, start = FUNCTIONS[fname]
    x = torch.tensor(start, requires_grad=True)
    opt = CLASSES[name]([x], **options)
    sign = -1.0 if options.get("maximize", False) else 1.0
    points = []
    for _ in range(steps):
        opt.zero_grad()
        (sign * f(x)).backward()
        opt.step()
        p = x.detach().tolist()
        assert all(math.isfinite(v) and abs(v) < 1e3 for v in p), (name, options, fname, p)
        points.append(p)
    return points


def main():
    runs = []
    for name, options, steps in VARIANTS:
        for fname in FUNCTIONS:
            opts = {k: (SGD_LR[fname] if v == "sgd" else v) for k, v in options.items()}
            runs.append({
                "optimizer": name,
                "options": [[k, as_text(v)] for k, v in opts.items()],
                "function": fname,
                "negate": bool(opts.get("maximize", False)),
                "start": FUNCTIONS[fname][1],
                "trajectory": run(name, opts, fname, steps),
            })
    json.dump({"torch": torch.__version__, "runs": runs}, sys.stdout, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
