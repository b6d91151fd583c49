#!/usr/bin/python3
"""Reference values for every loss in descent/nn/losses/ and the distances in descent/nn/distance.hpp,
computed by PyTorch (1.13, Debian's python3-torch) in float64.

Each case names a function, its inputs, its options and a reduction; it records the output and the
gradient of every differentiable input. For reduction 'none' (and the distances) the output is not a
scalar, so backward() is given a fixed grad_output g, recorded with the case; the gradients are then
the vector-Jacobian products g^T J. Inputs are deterministic (sines of the element index, as in
golden_mlp.py), chosen so that every piecewise loss has elements on both sides of its margin or
threshold (and none on a kink), plus the edge cases: logits of +-100 and +-1000 for
binary_cross_entropy_with_logits, probabilities 0 and 1 for binary_cross_entropy, pos_weight, class
weights and label smoothing.

ContrastiveLoss, which PyTorch lacks, is the formula of descent's contrastive_loss.hpp written with
PyTorch ops: l = 1/2 [y d^2 + (1 - y) max(0, margin - d)^2], d = ||x1 - x2||_2, y = 1 for similar.

Output: losses.json (committed), read by tests/nn/losses_reference_test.cpp.
Run: /usr/bin/python3 tests/reference/losses.py > tests/reference/losses.json
"""
import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

REDUCTIONS = ("none", "mean", "sum")


def det(shape, phase, scale=1.0, shift=0.0):
    """scale * sin(phase + 0.7 i) + shift for the flat index i."""
    n = math.prod(shape)
    return torch.tensor([scale * math.sin(phase + 0.7 * i) + shift for i in range(n)]).reshape(shape)


def labels(values):
    return torch.tensor(values, dtype=torch.float64)


def grad_output_for(out):
    if out.dim() == 0:
        return None
    return det(tuple(out.shape), 0.3, 0.25, 0.75)  # values in [0.5, 1], never 0


def as_json(t):
    return {"shape": list(t.shape), "dtype": "int64" if t.dtype == torch.int64 else "float64",
            "values": t.flatten().tolist()}


def case(name, function, inputs, differentiable, options, fn):
    """Runs fn(**leaves) and records output and gradients of the `differentiable` inputs."""
    leaves = {k: (v.clone().requires_grad_() if k in differentiable else v.clone()) for k, v in inputs.items()}
    out = fn(**leaves)
    g = grad_output_for(out)
    out.backward(g)
    return {
        "name": name,
        "function": function,
        "options": options,
        "inputs": {k: as_json(v) for k, v in inputs.items()},
        "grad_output": None if g is None else as_json(g),
        "output": as_json(out.detach()),
        "grads": {k: as_json(leaves[k].grad) for k in differentiable},
    }


def options_json(options):
    return {k: (as_json(v) if torch.is_tensor(v) else v) for k, v in options.items()}


cases = []


def add(name, function, inputs, differentiable, options, fn, reductions=REDUCTIONS):
    for r in reductions:
        opts = dict(options, reduction=r) if r else dict(options)
        cases.append(case(f"{name}/{r}" if r else name, function, inputs, differentiable, options_json(opts),
                          lambda **kw: fn(**kw, **opts)))


# ---- absolute and squared error: residuals in (-2.4, 2.4), both sides of delta / beta ----
x = det((3, 4), 0.1, 1.5)
y = det((3, 4), 2.0, 0.9)
add("l1_loss", "l1_loss", {"input": x, "target": y}, ["input", "target"], {},
    lambda input, target, **o: F.l1_loss(input, target, **o))
add("mse_loss", "mse_loss", {"input": x, "target": y}, ["input", "target"], {},
    lambda input, target, **o: F.mse_loss(input, target, **o))
for delta in (1.0, 0.5, 1.5):
    add(f"huber_loss_delta_{delta}", "huber_loss", {"input": x, "target": y}, ["input", "target"], {"delta": delta},
        lambda input, target, **o: F.huber_loss(input, target, **o))
for beta in (1.0, 0.5, 0.0):
    add(f"smooth_l1_loss_beta_{beta}", "smooth_l1_loss", {"input": x, "target": y}, ["input", "target"],
        {"beta": beta}, lambda input, target, **o: F.smooth_l1_loss(input, target, **o))

# ---- binary cross-entropy on probabilities ----
p = det((3, 4), 0.4, 0.45, 0.5)  # in [0.05, 0.95]
t = det((3, 4), 1.1, 0.5, 0.5)  # in [0, 1]
t = torch.where(torch.arange(12).reshape(3, 4) % 3 == 0, torch.round(t), t)  # some hard 0/1 targets
w = torch.tensor([0.5, 1.0, 2.0, 1.5])
add("binary_cross_entropy", "binary_cross_entropy", {"input": p, "target": t}, ["input", "target"], {},
    lambda input, target, **o: F.binary_cross_entropy(input, target, **o))
add("binary_cross_entropy_weight", "binary_cross_entropy", {"input": p, "target": t}, ["input", "target"],
    {"weight": w}, lambda input, target, **o: F.binary_cross_entropy(input, target, **o))
# probabilities at and next to 0 and 1: the logs clamp at -100. PyTorch's target gradient there is
# -logit(x) unclamped (+-inf at 0 and 1), descent's the derivative of the clamped loss: input only.
p_edge = torch.tensor([0.0, 1.0, 0.0, 1.0, 1e-10, 1 - 1e-10, 1e-50, 0.5])
t_edge = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.25])
add("binary_cross_entropy_edges", "binary_cross_entropy", {"input": p_edge, "target": t_edge}, ["input"], {},
    lambda input, target, **o: F.binary_cross_entropy(input, target, **o))

# ---- binary cross-entropy with logits ----
z = det((3, 4), 0.7, 3.0)
pw = torch.tensor([3.0, 0.5, 1.0, 0.25])
add("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits", {"input": z, "target": t},
    ["input", "target"], {}, lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))
add("binary_cross_entropy_with_logits_weight", "binary_cross_entropy_with_logits", {"input": z, "target": t},
    ["input", "target"], {"weight": w}, lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))
add("binary_cross_entropy_with_logits_pos_weight", "binary_cross_entropy_with_logits", {"input": z, "target": t},
    ["input", "target"], {"pos_weight": pw},
    lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))
add("binary_cross_entropy_with_logits_weight_pos_weight", "binary_cross_entropy_with_logits",
    {"input": z, "target": t}, ["input", "target"], {"weight": w, "pos_weight": pw},
    lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))
z_big = torch.tensor([[100.0, -100.0, 1000.0, -1000.0], [100.0, -100.0, 1000.0, -1000.0],
                      [100.0, -100.0, 1000.0, -1000.0]])
t_big = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [0.3, 0.7, 0.5, 0.9]])
add("binary_cross_entropy_with_logits_large", "binary_cross_entropy_with_logits", {"input": z_big, "target": t_big},
    ["input", "target"], {}, lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))
add("binary_cross_entropy_with_logits_large_pos_weight", "binary_cross_entropy_with_logits",
    {"input": z_big, "target": t_big}, ["input", "target"], {"pos_weight": pw},
    lambda input, target, **o: F.binary_cross_entropy_with_logits(input, target, **o))

# ---- class-index losses ----
logits = det((5, 4), 0.2, 2.0)
classes = torch.tensor([2, 0, 3, 1, 2])
cw = torch.tensor([0.2, 1.0, 3.0, 0.7])
log_probs = torch.log_softmax(logits, 1)
add("nll_loss", "nll_loss", {"input": log_probs, "target": classes}, ["input"], {},
    lambda input, target, **o: F.nll_loss(input, target, **o))
add("nll_loss_weight", "nll_loss", {"input": log_probs, "target": classes}, ["input"], {"weight": cw},
    lambda input, target, **o: F.nll_loss(input, target, **o))
add("cross_entropy", "cross_entropy", {"input": logits, "target": classes}, ["input"], {},
    lambda input, target, **o: F.cross_entropy(input, target, **o))
add("cross_entropy_weight", "cross_entropy", {"input": logits, "target": classes}, ["input"], {"weight": cw},
    lambda input, target, **o: F.cross_entropy(input, target, **o))
add("cross_entropy_label_smoothing", "cross_entropy", {"input": logits, "target": classes}, ["input"],
    {"label_smoothing": 0.1}, lambda input, target, **o: F.cross_entropy(input, target, **o))
add("cross_entropy_weight_label_smoothing", "cross_entropy", {"input": logits, "target": classes}, ["input"],
    {"weight": cw, "label_smoothing": 0.25}, lambda input, target, **o: F.cross_entropy(input, target, **o))
big_logits = torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0], [100.0, -100.0, 0.0]])
add("cross_entropy_large_label_smoothing", "cross_entropy", {"input": big_logits, "target": torch.tensor([1, 2, 0])},
    ["input"], {"label_smoothing": 0.1}, lambda input, target, **o: F.cross_entropy(input, target, **o))

# ---- +-1 targets ----
h = det((3, 4), 0.5, 1.6, 0.4)  # in [-1.2, 2.0]: margin 1 crossed and not crossed
hy = labels([1, -1, -1, 1, -1, 1, -1, -1, 1, 1, -1, -1]).reshape(3, 4)
for margin in (1.0, 0.5):
    add(f"hinge_embedding_loss_margin_{margin}", "hinge_embedding_loss", {"input": h, "target": hy}, ["input"],
        {"margin": margin}, lambda input, target, **o: F.hinge_embedding_loss(input, target, **o))

e1 = det((6, 4), 0.3)
e2 = det((6, 4), 1.9) + det((6, 5), 0.1, 0.5)[:, :4]  # cosines 0.53, 0.43, 0.22, -0.04, -0.31, -0.52
ey = labels([1, -1, 1, -1, -1, 1])
for margin in (0.0, 0.3, -0.2):
    add(f"cosine_embedding_loss_margin_{margin}", "cosine_embedding_loss",
        {"input1": e1, "input2": e2, "target": ey}, ["input1", "input2"], {"margin": margin},
        lambda input1, input2, target, **o: F.cosine_embedding_loss(input1, input2, target, **o))
add("cosine_embedding_loss_1d", "cosine_embedding_loss", {"input1": e1[1], "input2": e2[1], "target": labels(-1)},
    ["input1", "input2"], {"margin": -0.5},
    lambda input1, input2, target, **o: F.cosine_embedding_loss(input1, input2, target, **o))

r1 = det((8,), 0.6, 1.0)
r2 = det((8,), 2.5, 1.0)
ry = labels([1, -1, 1, 1, -1, -1, 1, -1])
for margin in (0.0, 0.5):
    add(f"margin_ranking_loss_margin_{margin}", "margin_ranking_loss", {"input1": r1, "input2": r2, "target": ry},
        ["input1", "input2"], {"margin": margin},
        lambda input1, input2, target, **o: F.margin_ranking_loss(input1, input2, target, **o))

# ---- triplets: some triplets already satisfy the margin (loss 0), some do not ----
a = det((5, 3), 0.0)
pos = a + det((5, 3), 1.3, 0.4)
neg = a + torch.tensor([[0.3], [1.5], [0.6], [2.5], [0.9]]) * det((5, 3), 2.6)
for label, opts in (("default", {}), ("margin_0.5", {"margin": 0.5}), ("p_1", {"p": 1.0}), ("p_3", {"p": 3.0}),
                    ("swap", {"swap": True}), ("swap_p_1_eps_0", {"swap": True, "p": 1.0, "eps": 0.0})):
    full = {"margin": 1.0, "p": 2.0, "eps": 1e-6, "swap": False}
    full.update(opts)
    add(f"triplet_margin_loss_{label}", "triplet_margin_loss", {"anchor": a, "positive": pos, "negative": neg},
        ["anchor", "positive", "negative"], full,
        lambda anchor, positive, negative, **o: F.triplet_margin_loss(anchor, positive, negative, **o))


# ---- exactly on the kinks: max(0, .) at 0 passes the gradient (clamp_min), min splits it at a tie ----
add("margin_ranking_loss_ties", "margin_ranking_loss",
    {"input1": torch.tensor([1.0, 0.5, -2.0]), "input2": torch.tensor([1.0, 0.5, 1.0]), "target": labels([1, -1, 1])},
    ["input1", "input2"], {"margin": 0.0},
    lambda input1, input2, target, **o: F.margin_ranking_loss(input1, input2, target, **o))
add("hinge_embedding_loss_at_margin", "hinge_embedding_loss",
    {"input": torch.tensor([1.0, 0.25, 1.0]), "target": labels([-1, -1, 1])}, ["input"], {"margin": 1.0},
    lambda input, target, **o: F.hinge_embedding_loss(input, target, **o))
add("cosine_embedding_loss_orthogonal", "cosine_embedding_loss",
    {"input1": torch.tensor([[1.0, 0.0], [2.0, 1.0]]), "input2": torch.tensor([[0.0, 3.0], [1.0, 1.0]]),
     "target": labels([-1, -1])}, ["input1", "input2"], {"margin": 0.0},
    lambda input1, input2, target, **o: F.cosine_embedding_loss(input1, input2, target, **o))
# row 0: d(a, p) = 5, d(a, n) = 6 < d(p, n), margin 1: exactly 0; row 1: d(a, n) = d(p, n) = 5, a tie for swap
add("triplet_margin_loss_kinks", "triplet_margin_loss",
    {"anchor": torch.tensor([[0.0, 0.0], [0.0, 0.0]]), "positive": torch.tensor([[3.0, 4.0], [6.0, 0.0]]),
     "negative": torch.tensor([[0.0, -6.0], [3.0, 4.0]])},
    ["anchor", "positive", "negative"], {"margin": 1.0, "p": 2.0, "eps": 0.0, "swap": True},
    lambda anchor, positive, negative, **o: F.triplet_margin_loss(anchor, positive, negative, **o))

# ---- contrastive loss (not in PyTorch): descent's formula with PyTorch ops ----
def contrastive(input1, input2, target, margin=1.0, reduction="mean"):
    d = (input1 - input2).pow(2).sum(-1).sqrt()
    l = 0.5 * (target * d.pow(2) + (1 - target) * torch.clamp(margin - d, min=0).pow(2))
    return {"none": l, "mean": l.mean(), "sum": l.sum()}[reduction]


c1 = det((6, 3), 0.9)
c2 = det((6, 3), 0.9) + det((6, 3), 0.2, 0.7)  # distances around 1: the margin crossed and not crossed
cy = labels([1, 0, 0, 1, 0, 0])
for margin in (1.0, 2.0):
    add(f"contrastive_loss_margin_{margin}", "contrastive_loss", {"input1": c1, "input2": c2, "target": cy},
        ["input1", "input2"], {"margin": margin}, contrastive)

# ---- distances ----
d1 = det((4, 5), 0.15)
d2 = det((4, 5), 1.05, 0.8)
for label, opts in (("p_2", {"p": 2.0, "eps": 1e-6, "keepdim": False}), ("p_1", {"p": 1.0, "eps": 1e-6, "keepdim": False}),
                    ("p_3_keepdim", {"p": 3.0, "eps": 1e-6, "keepdim": True}),
                    ("eps_0", {"p": 2.0, "eps": 0.0, "keepdim": False})):
    add(f"pairwise_distance_{label}", "pairwise_distance", {"x1": d1, "x2": d2}, ["x1", "x2"], opts,
        lambda x1, x2, **o: F.pairwise_distance(x1, x2, **o), reductions=(None,))
add("pairwise_distance_broadcast", "pairwise_distance", {"x1": d1, "x2": d2[0]}, ["x1", "x2"],
    {"p": 2.0, "eps": 1e-6, "keepdim": False}, lambda x1, x2, **o: F.pairwise_distance(x1, x2, **o), reductions=(None,))
for label, opts in (("dim_1", {"dim": 1, "eps": 1e-8}), ("dim_0", {"dim": 0, "eps": 1e-8})):
    add(f"cosine_similarity_{label}", "cosine_similarity", {"x1": d1, "x2": d2}, ["x1", "x2"], opts,
        lambda x1, x2, **o: F.cosine_similarity(x1, x2, **o), reductions=(None,))
# 1.13 clamps each norm at eps: rows with ||x1|| = 1e-5 and ||x2|| = 1e-4 (product 1e-9 < eps, but
# neither norm below it) keep their cosine; a zero row gives 0.
s1 = torch.tensor([[6e-6, 8e-6, 0.0], [1.0, 2.0, 2.0], [0.0, 0.0, 0.0]])
s2 = torch.tensor([[1e-4, 0.0, 0.0], [2.0, -1.0, 0.5], [1.0, 1.0, 0.0]])
add("cosine_similarity_small_norms", "cosine_similarity", {"x1": s1, "x2": s2}, ["x1", "x2"], {"dim": 1, "eps": 1e-8},
    lambda x1, x2, **o: F.cosine_similarity(x1, x2, **o), reductions=(None,))

print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))
