#!/usr/bin/python3
"""PyTorch's subgradients at kinks, the expected values of tests/autograd/kink_conventions_test.cpp:
max_pool2d with tied maxima (the gradient goes to the window's first maximum in row-major order) and
ReLU at exactly 0 and -0 (gradient 0), in float32 and float64. The values are few, so the test holds
them inline; this script prints them.
Run: /usr/bin/python3 tests/reference/kink_conventions.py
"""
import torch
import torch.nn.functional as F

for dtype in (torch.float32, torch.float64):
    print(dtype)
    x = torch.tensor([[[[1., 1., 0., 0., 2., .5], [1., 1., 0., 0., 2., 2.], [-1., 3., 3., 3., 0., -0.],
                        [3., 0., 3., 3., -0., 0.]]]], dtype=dtype, requires_grad=True)
    y = F.max_pool2d(x, 2)
    y.backward(torch.tensor([[[[1., 2., 3.], [4., 5., 6.]]]], dtype=dtype))
    print("max_pool2d ties:", y.flatten().tolist(), x.grad.flatten().tolist())

    x = torch.tensor([[[[0., 0., 0.], [0., 0., 0.], [0., 0., 5.]]]], dtype=dtype, requires_grad=True)
    y = F.max_pool2d(x, 3, stride=2, padding=1)
    y.sum().backward()
    print("max_pool2d padded zeros:", y.flatten().tolist(), x.grad.flatten().tolist())

    x = torch.tensor([-1., 0., -0., 2.], dtype=dtype, requires_grad=True)
    F.relu(x).sum().backward()
    print("relu at 0:", x.grad.tolist())

    x = torch.zeros(1, 1, 4, 4, dtype=dtype, requires_grad=True)
    F.max_pool2d(F.relu(x), 2).sum().backward()
    print("zeros through relu, max_pool2d:", x.grad.flatten().tolist())
