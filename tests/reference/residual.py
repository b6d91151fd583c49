#!/usr/bin/python3
"""Reference values for a small residual and dense model built from [[model.layer]] tables: forward
output, input gradient, every parameter's gradient and the batch norms' running statistics after one
training-mode pass, computed by PyTorch in float64.

The model is tests/train/residual_reference_test.cpp's config (kConfig), layer by layer, with the same
indices (so "3.weight" names the same tensor on both sides): conv "stem", bn, relu, conv, bn, add of
"stem" (a residual connection), relu "block"; a 1x1 stride-2 conv from "stem" ("short") and a 3x3
stride-2 conv from "block", joined by torch.cat along the channels; average pooling, flatten, linear.
Every parameter is set to det(shape, phase) = 0.5 * sin(phase + 0.7 i) over the flat index i (phase
0.3 k for the k-th tensor), the input to det(shape, 1.1, 2.0), and the output's gradient is
cos(0.3 + 0.9 i), i.e. the gradient of sum(output * grad_output). The values are written out, so the
C++ side loads them rather than recomputing the formula.
Output: residual.json (committed), read by tests/train/residual_reference_test.cpp.
Run: /usr/bin/python3 tests/reference/residual.py > tests/reference/residual.json
"""
import json
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)


def det(shape, phase, scale=0.5):
    n = math.prod(shape)
    return torch.tensor([scale * math.sin(phase + 0.7 * i) for i in range(n)]).reshape(shape)


def flat(t):
    return t.detach().flatten().tolist()


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
            nn.Conv2d(2, 3, 3, padding=1),                            # 0 "stem": (N, 3, 5, 5)
            nn.BatchNorm2d(3),                                        # 1
            nn.ReLU(),                                                # 2
            nn.Conv2d(3, 3, 3, padding=1, bias=False),                # 3
            nn.BatchNorm2d(3),                                        # 4
            nn.Identity(),                                            # 5: + stem
            nn.ReLU(),                                                # 6 "block"
            nn.Conv2d(3, 2, 1, stride=2, bias=False),                 # 7 "short", from stem: (N, 2, 3, 3)
            nn.Conv2d(3, 4, 3, stride=2, padding=1),                  # 8 from block: (N, 4, 3, 3)
            nn.Identity(),                                            # 9: cat with short, (N, 6, 3, 3)
            nn.AvgPool2d(3),                                          # 10
            nn.Flatten(),                                             # 11
            nn.Linear(6, 3),                                          # 12
        ])

    def forward(self, x):
        f = self.layers
        stem = f[0](x)
        block = f[6](f[4](f[3](f[2](f[1](stem)))) + stem)
        short = f[7](stem)
        joined = torch.cat([f[8](block), short], dim=1)
        return f[12](f[11](f[10](joined)))


def main():
    model = Residual()
    model.train()
    params = {}
    for k, (name, p) in enumerate((n.replace("layers.", ""), p) for n, p in model.named_parameters()):
        with torch.no_grad():
            p.copy_(det(p.shape, 0.3 * k))
        params[name] = flat(p)
    x = det((2, 2, 5, 5), 1.1, 2.0).requires_grad_()
    out = model(x)
    grad_output = torch.tensor([math.cos(0.3 + 0.9 * i) for i in range(out.numel())]).reshape(out.shape)
    out.backward(grad_output)
    print(json.dumps({
        "torch_version": torch.__version__,
        "input_shape": list(x.shape),
        "input": flat(x),
        "parameters": params,
        "output_shape": list(out.shape),
        "output": flat(out),
        "grad_output": flat(grad_output),
        "input_grad": flat(x.grad),
        "parameter_grads": {n.replace("layers.", ""): flat(p.grad) for n, p in model.named_parameters()},
        "buffers": {n.replace("layers.", ""): flat(b) for n, b in model.named_buffers()
                    if not n.endswith("num_batches_tracked")},
    }, indent=0))


if __name__ == "__main__":
    main()
