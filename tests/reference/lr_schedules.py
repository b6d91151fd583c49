#!/usr/bin/python3
"""Reference learning-rate schedules, computed by torch.optim.lr_scheduler (1.13).

Each schedule drives an optimizer with two parameter groups (lr 0.1 and 0.01, momentum 0.9 where the
optimizer has it) through `steps` steps, calling optimizer.step() then scheduler.step() (for
ReduceLROnPlateau scheduler.step(metric) with the metrics listed). Recorded: get_last_lr() after the
constructor and after each step (for ReduceLROnPlateau, which has no get_last_lr in 1.13, the groups' lr), and for OneCycleLR the momentum (or beta1) of group 0 likewise.
Options are written as the text make_scheduler reads. Output: lr_schedules.json (committed).
Run: /usr/bin/python3 tests/reference/lr_schedules.py > tests/reference/lr_schedules.json
"""
import json
import sys

import torch
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)

OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
    "adam": (torch.optim.Adam, {}),
    "adagrad": (torch.optim.Adagrad, {}),
}

PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.8, 0.85, 0.86, 0.87, 0.88, 0.7, 0.75, 0.76, 0.77, 0.78, 0.79,
                   0.8, 0.81, 0.6]

# (name, class, options, optimizer, steps)
SCHEDULES = [
    ("steplr", S.StepLR, {"step_size": 3, "gamma": 0.5}, "sgd", 12),
    ("multisteplr", S.MultiStepLR, {"milestones": [2, 5, 9], "gamma": 0.3}, "sgd", 12),
    ("exponentiallr", S.ExponentialLR, {"gamma": 0.9}, "sgd", 30),
    ("cosineannealinglr", S.CosineAnnealingLR, {"T_max": 10, "eta_min": 0.001}, "sgd", 35),
    ("cosineannealinglr", S.CosineAnnealingLR, {"T_max": 7}, "adam", 20),
    ("linearlr", S.LinearLR, {}, "sgd", 10),
    ("linearlr", S.LinearLR, {"start_factor": 0.25, "total_iters": 4}, "sgd", 8),
    ("linearlr", S.LinearLR, {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 6}, "adam", 9),
    ("onecyclelr", S.OneCycleLR, {"max_lr": 1.0, "total_steps": 50}, "sgd", 49),
    ("onecyclelr", S.OneCycleLR, {"max_lr": 0.5, "epochs": 4, "steps_per_epoch": 10, "anneal_strategy": "linear",
                                  "three_phase": True}, "adam", 39),
    ("onecyclelr", S.OneCycleLR, {"max_lr": 0.1, "total_steps": 30, "pct_start": 0.4, "cycle_momentum": False,
                                  "div_factor": 10.0, "final_div_factor": 100.0}, "adagrad", 29),
    ("reducelronplateau", S.ReduceLROnPlateau, {"patience": 2, "factor": 0.5}, "sgd", len(PLATEAU_METRICS)),
    ("reducelronplateau", S.ReduceLROnPlateau, {"mode": "max", "threshold_mode": "abs", "threshold": 0.1,
                                                "cooldown": 2, "patience": 1, "min_lr": 0.005}, "sgd",
     len(PLATEAU_METRICS)),
]


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, (int, str)):
        return str(value)
    return repr(float(value))


def momentum_of(opt):
    group = opt.param_groups[0]
    return group["betas"][0] if "betas" in group else group.get("momentum", 0.0)


def run(name, cls, options, optimizer, steps):
    opt_cls, extra = OPTIMIZERS[optimizer]
    a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = opt_cls([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.01}], **extra)
    sched = cls(opt, **options)
    plateau = name == "reducelronplateau"
    lrs = [[g["lr"] for g in opt.param_groups]] if plateau else [sched.get_last_lr()]
    momenta = [momentum_of(opt)]
    for i in range(steps):
        opt.step()
        if plateau:
            sched.step(PLATEAU_METRICS[i])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups] if plateau else list(sched.get_last_lr()))
        momenta.append(momentum_of(opt))
    out = {
        "scheduler": name,
        "options": [[k, as_text(v)] for k, v in options.items()],
        "optimizer": optimizer,
        "lrs": lrs,
    }
    if plateau:
        out["metrics"] = PLATEAU_METRICS
    if name == "onecyclelr":
        out["momentum"] = momenta
    return out


def main():
    runs = [run(*s) for s in SCHEDULES]
    json.dump({"torch": torch.__version__, "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
