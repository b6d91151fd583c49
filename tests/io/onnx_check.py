#!/usr/bin/env python3
"""Checks an ONNX model descent wrote (tests/io/onnx_export_test.cpp runs it).

onnx_check.py MODEL.onnx [--input X.npy --logits Y.npy] [--opencv] [--tolerance T]

Always: onnx.checker.check_model(model, full_check=True), which runs ONNX's shape inference in
strict mode, and the output's declared shape against the inferred one. With --opencv: OpenCV's DNN
module (cv2.dnn.readNetFromONNX) runs the model on X, and its outputs must equal descent's Y to T
(1e-4) with the same argmax in every row. Prints one line per check; exit status 1 on a failure.
"""
import argparse
import sys

import numpy as np
import onnx
import onnx.shape_inference


def dims(value):
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--input")
    parser.add_argument("--logits")
    parser.add_argument("--opencv", action="store_true")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    declared = dims(model.graph.output[0])
    found = dims(inferred.graph.output[0])
    print(f"checker: ok, opset {model.opset_import[0].version}, input {model.graph.input[0].name} "
          f"{dims(model.graph.input[0])}, output {model.graph.output[0].name} {declared}, "
          f"{len(model.graph.node)} nodes")
    if declared != found:
        print(f"inferred output shape {found} differs from the declared {declared}")
        return 1

    if args.opencv:
        import cv2

        x = np.load(args.input)
        want = np.load(args.logits)
        net = cv2.dnn.readNetFromONNX(args.model)
        net.setInput(x)
        got = net.forward().reshape(want.shape)
        diff = float(np.max(np.abs(got.astype(np.float64) - want)))
        agree = int(np.sum(got.argmax(axis=1) == want.argmax(axis=1)))
        print(f"opencv {cv2.__version__}: max |output difference| {diff:.3g}, argmax agrees on {agree} / "
              f"{len(want)}")
        if not diff <= args.tolerance or agree != len(want):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
