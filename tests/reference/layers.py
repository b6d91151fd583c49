#!/usr/bin/python3
"""Reference values for every layer: forward output, input gradient and parameter gradients, computed
by PyTorch in float64 on fixed deterministic inputs and weights.

Each case builds one torch.nn module (or a small Sequential), sets every floating parameter and buffer
to det(shape, phase) = scale * sin(phase + 0.7 i) over the flat index i (a different phase per tensor;
running variances to |det| + 0.5),
runs `train_steps` forward passes in training mode (BatchNorm's running statistics), then one forward
pass in the case's mode on `input`, and back-propagates the fixed output gradient
grad_output = cos(0.3 + 0.9 i), i.e. the gradient of sum(output * grad_output). Dropout uses a fixed
mask (PyTorch's own dropout computes input * (mask / (1 - p)); the mask here replaces its random draw).
Output: layers.json (committed), read by tests/nn/layers_reference_test.cpp.
Run: /usr/bin/python3 tests/reference/layers.py > tests/reference/layers.json
"""
import json
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)


def det(shape, phase, scale=1.0):
    n = math.prod(shape)
    return torch.tensor([scale * math.sin(phase + 0.7 * i) for i in range(n)]).reshape(shape)


def grad_output_like(t):
    n = t.numel()
    return torch.tensor([math.cos(0.3 + 0.9 * i) for i in range(n)]).reshape(t.shape)


def flat(t):
    return t.detach().flatten().tolist()


class FixedMaskDropout(nn.Module):
    """nn.Dropout in training mode with its Bernoulli draw replaced by a given mask."""

    def __init__(self, p, mask):
        super().__init__()
        self.p, self.mask = p, mask

    def forward(self, x):
        return x * (self.mask / (1 - self.p))


def dropout_mask(shape):
    n = math.prod(shape)
    return torch.tensor([0.0 if (7 * i) % 3 == 0 else 1.0 for i in range(n)]).reshape(shape)


def cnn():
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(3, 4, 3), nn.GELU(), nn.Flatten(), nn.Linear(16, 5), nn.LogSoftmax(dim=1))


# name, module factory, input shape, input scale, extra settings
CASES = [
    ("conv2d", lambda: nn.Conv2d(3, 4, 3, padding=1), (2, 3, 6, 6), 1.0, {}),
    ("conv2d_stride_padding_dilation",
     lambda: nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(2, 1), dilation=(2, 1)), (2, 2, 9, 7), 1.0, {}),
    ("conv2d_no_bias_stride", lambda: nn.Conv2d(2, 2, 2, stride=2, bias=False), (1, 2, 5, 5), 1.0, {}),
    ("conv2d_lenet_first", lambda: nn.Conv2d(1, 6, 5, padding=2), (2, 1, 12, 12), 1.0, {}),
    ("max_pool2d", lambda: nn.MaxPool2d(2), (2, 3, 6, 6), 1.0, {}),
    ("max_pool2d_stride_padding", lambda: nn.MaxPool2d(3, stride=2, padding=1), (1, 2, 7, 8), 1.0, {}),
    ("avg_pool2d", lambda: nn.AvgPool2d(2), (2, 2, 6, 6), 1.0, {}),
    ("avg_pool2d_stride_padding", lambda: nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 7, 8), 1.0, {}),
    ("avg_pool2d_exclude_pad", lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 7, 8),
     1.0, {}),
    ("dropout_fixed_mask", lambda: FixedMaskDropout(0.3, dropout_mask((3, 5))), (3, 5), 1.0, {"p": 0.3, "mask": flat(dropout_mask((3, 5)))}),
    ("batch_norm1d_2d", lambda: nn.BatchNorm1d(3), (5, 3), 2.0, {}),
    ("batch_norm1d_3d", lambda: nn.BatchNorm1d(2), (3, 2, 4), 2.0, {}),
    ("batch_norm2d", lambda: nn.BatchNorm2d(3), (2, 3, 4, 4), 2.0, {}),
    ("batch_norm2d_eval", lambda: nn.BatchNorm2d(3), (2, 3, 4, 4), 2.0, {"training": False}),
    ("batch_norm2d_running_stats", lambda: nn.BatchNorm2d(3), (2, 3, 3, 3), 2.0,
     {"train_steps": 4, "training": False}),
    ("batch_norm2d_cumulative", lambda: nn.BatchNorm2d(2, momentum=None), (3, 2, 2, 2), 2.0, {"train_steps": 3}),
    ("layer_norm", lambda: nn.LayerNorm(5), (3, 5), 2.0, {}),
    ("layer_norm_2d", lambda: nn.LayerNorm((3, 4)), (2, 3, 4), 2.0, {}),
    ("embedding", lambda: nn.Embedding(6, 3), (2, 3), None, {"indices": [1, 4, 1, 0, 5, 1]}),
    ("embedding_padding_idx", lambda: nn.Embedding(6, 3, padding_idx=2), (2, 3), None,
     {"indices": [2, 4, 1, 2, 5, 1]}),
    ("flatten", lambda: nn.Flatten(), (2, 3, 2, 2), 1.0, {}),
    ("flatten_1_2", lambda: nn.Flatten(1, 2), (2, 3, 2, 2), 1.0, {}),
    ("leaky_relu", lambda: nn.LeakyReLU(), (3, 5), 2.0, {}),
    ("leaky_relu_slope", lambda: nn.LeakyReLU(0.2), (3, 5), 2.0, {}),
    ("elu", lambda: nn.ELU(), (3, 5), 3.0, {}),
    ("elu_alpha", lambda: nn.ELU(0.5), (3, 5), 3.0, {}),
    ("gelu", lambda: nn.GELU(), (3, 5), 4.0, {}),
    ("softplus", lambda: nn.Softplus(), (4, 5), 30.0, {}),
    ("softplus_beta_threshold", lambda: nn.Softplus(beta=2, threshold=5), (4, 5), 6.0, {}),
    ("softmax", lambda: nn.Softmax(dim=1), (3, 5), 3.0, {}),
    ("log_softmax", lambda: nn.LogSoftmax(dim=1), (3, 5), 3.0, {}),
    ("log_softmax_dim0", lambda: nn.LogSoftmax(dim=0), (3, 5), 3.0, {}),
    ("identity", lambda: nn.Identity(), (3, 5), 1.0, {}),
    ("cnn", cnn, (2, 1, 8, 8), 1.0, {"train_steps": 1}),
]


def run(name, factory, shape, scale, extra):
    torch.manual_seed(0)
    module = factory()
    state = module.state_dict()
    with torch.no_grad():
        for k, (key, value) in enumerate(state.items()):
            if key.endswith("running_var"):  # a variance must stay positive
                value.copy_(det(value.shape, 1.0 + k, 0.5).abs() + 0.5)
            elif value.dtype == torch.float64:
                value.copy_(det(value.shape, 1.0 + k, 0.5))
    described = not isinstance(module, FixedMaskDropout)
    case = {"name": name, "input_shape": list(shape), "describe": repr(module) if described else None,
            "state": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in module.state_dict().items()}}
    case.update({k: v for k, v in extra.items() if k != "train_steps"})

    steps = []
    module.train()
    for s in range(extra.get("train_steps", 0)):
        x = det(shape, 10.0 + s, scale)
        steps.append(flat(x))
        with torch.no_grad():
            module(x)
    case["train_steps"] = steps
    module.train(extra.get("training", True))

    if "indices" in extra:
        x = torch.tensor(extra["indices"]).reshape(shape)
    else:
        x = det(shape, 0.5, scale).requires_grad_()
        case["input"] = flat(x)
    out = module(x)
    g = grad_output_like(out)
    out.backward(g)
    case.update({
        "output_shape": list(out.shape),
        "output": flat(out),
        "grad_output": flat(g),
        "input_grad": flat(x.grad) if x.is_floating_point() else None,
        "param_grads": {k: flat(p.grad) for k, p in module.named_parameters()},
        "buffers_after": {k: flat(b) for k, b in module.named_buffers()},
    })
    return case


print(json.dumps({"torch_version": torch.__version__, "cases": [run(*c) for c in CASES]}, indent=0))
