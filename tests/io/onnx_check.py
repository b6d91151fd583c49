#!/usr/bin/env python3
"""Checks ONNX models descent wrote (tests/io/onnx_export_test.cpp runs it).

onnx_check.py [--tolerance T] DIR...

Each DIR holds model.onnx and, to run it, x.npy (the input) and logits.npy (descent's outputs). Always:
onnx.checker.check_model(model, full_check=True), which runs ONNX's shape inference in strict mode,
and the output's declared shape against the inferred one. With x.npy: OpenCV's DNN module
(cv2.dnn.readNetFromONNX) runs the model on it, and its outputs must equal logits.npy to T (1e-4)
with the same argmax in every row. One Python for all the models: its start (the imports) takes
longer than the checks. Prints one line per check; exit status 1 on a failure.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.shape_inference


def dims(value):
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def check(directory, tolerance):
    path = os.path.join(directory, "model.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    declared = dims(model.graph.output[0])
    found = dims(inferred.graph.output[0])
    print(f"{path}: checker ok, opset {model.opset_import[0].version}, input {model.graph.input[0].name} "
          f"{dims(model.graph.input[0])}, output {model.graph.output[0].name} {declared}, "
          f"{len(model.graph.node)} nodes")
    if declared != found:
        print(f"inferred output shape {found} differs from the declared {declared}")
        return False
    if not os.path.exists(os.path.join(directory, "x.npy")):
        return True

    import cv2

    x = np.load(os.path.join(directory, "x.npy"))
    want = np.load(os.path.join(directory, "logits.npy"))
    net = cv2.dnn.readNetFromONNX(path)
    net.setInput(x)
    got = net.forward().reshape(want.shape)
    diff = float(np.max(np.abs(got.astype(np.float64) - want)))
    agree = int(np.sum(got.argmax(axis=1) == want.argmax(axis=1)))
    print(f"  opencv {cv2.__version__}: max |output difference| {diff:.3g}, argmax agrees on {agree} / {len(want)}")
    return diff <= tolerance and agree == len(want)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    ok = [check(d, args.tolerance) for d in args.dirs]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
