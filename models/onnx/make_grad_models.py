"""Writes ONNX models with Loop and If and their gradients by central finite differences, for `weft grad`.

python3 make_grad_models.py OUT_DIR

- OUT_DIR/loop_if.onnx (f64, so that differences are accurate): inputs x [2, 4] and the trip count n;
  a Loop runs h = tanh(h W + b) n times (0 included), an If on the sign of sum(h) picks
  y = h W2 or y = sigmoid(h) * x; outputs y and mean(y * y, axis 1). W, b, W2 are initializers, and
  `shape` an integer one (for the error test).
OUT_DIR/loop_if/manifest.json lists --wrt (x and the initializers W, b, W2) and, per case, the inputs,
random cotangents d_<i>, the outputs and grad_<j>: central differences (step 1e-6) of
sum_i <d_i, out_i>, perturbing x or an initializer, both through `forward`, the model's
definition written out in NumPy (ONNX Runtime's Python package is not installed here). The C++ test
(tests/cli/grad_cli_test.cpp) compares weft with them.
Made with the onnx and numpy of Debian's python3 (versions in OUT_DIR/versions.txt).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as H, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_builders import model, vi  # noqa: E402

RNG = np.random.default_rng(0)
D = TP.DOUBLE


def forward(f):
    """loop_if's outputs for the feeds f (x, n and the weights), as the ONNX graph defines them."""
    h = f["x"]
    for _ in range(int(f["n"])):
        h = np.tanh(h @ f["W"] + f["b"])
    y = h @ f["W2"] if h.sum() > 0 else f["x"] / (1 + np.exp(-h))
    return [y, (y * y).mean(axis=1)]


def loop_if():
    body = H.make_graph(
        [H.make_node("MatMul", ["h_in", "W"], ["hw"]), H.make_node("Add", ["hw", "b"], ["hb"]),
         H.make_node("Tanh", ["hb"], ["h_out"]), H.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body", [vi("i", TP.INT64, []), vi("cond_in", TP.BOOL, []), vi("h_in", D, [2, 4])],
        [vi("cond_out", TP.BOOL, []), vi("h_out", D, [2, 4])])
    then_g = H.make_graph([H.make_node("MatMul", ["h", "W2"], ["y_then"])], "then", [], [vi("y_then", D, [2, 4])])
    else_g = H.make_graph([H.make_node("Sigmoid", ["h"], ["s"]), H.make_node("Mul", ["s", "x"], ["y_else"])], "else", [],
                          [vi("y_else", D, [2, 4])])
    nodes = [
        H.make_node("Constant", [], ["true"], value=numpy_helper.from_array(np.array(True))),
        H.make_node("Loop", ["n", "true", "x"], ["h"], body=body),
        H.make_node("ReduceSum", ["h"], ["total"], keepdims=0),
        H.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array(0.0))),
        H.make_node("Greater", ["total", "zero"], ["positive"]),
        H.make_node("If", ["positive"], ["y"], then_branch=then_g, else_branch=else_g),
        H.make_node("Reshape", ["y", "shape"], ["y2"]),
        H.make_node("Mul", ["y2", "y2"], ["sq"]),
        H.make_node("ReduceMean", ["sq"], ["m"], axes=[1], keepdims=0),
    ]
    weights = {"W": RNG_W["W"], "b": RNG_W["b"], "W2": RNG_W["W2"]}
    inits = [numpy_helper.from_array(np.array([2, 4], dtype=np.int64), "shape")]
    inputs = [vi("x", D, [2, 4]), vi("n", TP.INT64, [])]
    inits += [numpy_helper.from_array(v, k) for k, v in weights.items()]
    return model(nodes, inputs, [vi("y2", D, [2, 4]), vi("m", D, [2])], inits, opset=12)


def main(out):
    os.makedirs(os.path.join(out, "loop_if"), exist_ok=True)
    onnx.save(loop_if(), os.path.join(out, "loop_if.onnx"))
    wrt = ["x", "W", "b", "W2"]
    manifest = {"model": "loop_if.onnx", "input_types": "", "wrt": wrt, "cases": []}
    for k, n in enumerate([0, 1, 3]):
        case = "case%d" % k
        os.makedirs(os.path.join(out, "loop_if", case), exist_ok=True)
        while True:  # a branch condition clearly on one side: the differences must not cross it
            feeds = {"x": RNG.standard_normal((2, 4)), "n": np.array(n, dtype=np.int64), **RNG_W}
            h = feeds["x"]
            for _ in range(n):
                h = np.tanh(h @ feeds["W"] + feeds["b"])
            if abs(h.sum()) > 0.1:
                break
        outs = forward(feeds)
        ds = [RNG.standard_normal(o.shape) for o in outs]

        def objective(f):
            return sum(float((o * d).sum()) for o, d in zip(forward(f), ds))

        entry = {"inputs": {}, "cotangents": {}, "outputs": [], "grads": []}
        for name in ("x", "n"):
            np.save(os.path.join(out, "loop_if", case, "in_%s.npy" % name), feeds[name])
            entry["inputs"][name] = "%s/in_%s.npy" % (case, name)
        for i, (o, d) in enumerate(zip(outs, ds)):
            np.save(os.path.join(out, "loop_if", case, "out_%d.npy" % i), o)
            np.save(os.path.join(out, "loop_if", case, "d_%d.npy" % i), d)
            entry["outputs"].append("%s/out_%d.npy" % (case, i))
            entry["cotangents"]["d_%s" % ("y2", "m")[i]] = "%s/d_%d.npy" % (case, i)
        for j, name in enumerate(wrt):
            g = np.zeros_like(feeds[name])
            for e in range(g.size):
                plus, minus = dict(feeds), dict(feeds)
                plus[name] = feeds[name].copy()
                minus[name] = feeds[name].copy()
                plus[name].flat[e] += 1e-6
                minus[name].flat[e] -= 1e-6
                g.flat[e] = (objective(plus) - objective(minus)) / 2e-6
            np.save(os.path.join(out, "loop_if", case, "grad_%d.npy" % j), g)
            entry["grads"].append("%s/grad_%d.npy" % (case, j))
        manifest["cases"].append(entry)
    with open(os.path.join(out, "loop_if", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(os.path.join(out, "versions.txt"), "w") as f:
        f.write("onnx %s\nnumpy %s\n" % (onnx.__version__, np.__version__))


RNG_W = {"W": RNG.standard_normal((4, 4)) * 0.7, "b": RNG.standard_normal(4) * 0.3, "W2": RNG.standard_normal((4, 4))}

if __name__ == "__main__":
    main(sys.argv[1])
