#!/usr/bin/python3
"""Writes ONNX model files that another tool produced into OUT/ as conformance cases (the
backend test layout: OUT/test_NAME/model.onnx + test_data_set_0/{input,output}_0.pb).

The models are the "light" ONNX model zoo files that the onnx wheel on PyPI ships
(onnx/backend/test/data/light/): resnet50, densenet121, inception v1/v2, shufflenet,
squeezenet, alexnet, vgg19 and zfnet512 as converted by onnx-caffe2 (opset 9), with every
float weight replaced by a ConstantOfShape node. A graph of constant weights gives a constant
answer (every class 0.001), which would test nothing, so each ConstantOfShape weight becomes a
random initializer of the same shape, scaled for the operator that reads it. The expected
output comes from ONNX's reference evaluator (onnx.reference, in that same wheel), run on a
random input, on the graph converted to opset 17 (see below): an oracle weft's team did not
write, on graphs weft's team did not write.

Debian's python3-onnx (1.12) has neither the files nor the evaluator, so the wheel (pinned
version and hash) is fetched with pip from PyPI once into CACHE (default ~/.cache/weft/pypi)
and unpacked there; the evaluator runs in a child process with that copy first on the path
(the wheel is built for this CPython). Usage:
  make_foreign_onnx_cases.py OUT [--models a,b,...] [--cache DIR]
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile

WHEEL = "onnx-1.16.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "7b98aa9733bd4b781eb931d33b4078ff2837e7d68062460726d6dd011f332bd4"
LIGHT_DIR = "onnx/backend/test/data/light"
# The ones `make test` runs; alexnet, vgg19 and zfnet512 carry 240-550 MB of weights each and
# run only when named with --models.
DEFAULT_MODELS = ["squeezenet", "shufflenet", "inception_v1", "inception_v2", "densenet121", "resnet50"]
ALL_MODELS = DEFAULT_MODELS + ["bvlc_alexnet", "vgg19", "zfnet512"]


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def unpacked_wheel(cache):
    """The directory holding the unpacked onnx wheel, fetching it from PyPI if needed."""
    root = os.path.join(cache, "onnx-1.16.2")
    if os.path.isfile(os.path.join(root, "onnx", "__init__.py")):
        return root
    os.makedirs(cache, exist_ok=True)
    wheel = os.path.join(cache, WHEEL)
    if not os.path.isfile(wheel) or sha256_of(wheel) != WHEEL_SHA256:
        print(f"make_foreign_onnx_cases: fetching {WHEEL} from PyPI into {cache}", flush=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.11", "--platform", "manylinux2014_x86_64", "-d", cache, "onnx==1.16.2"]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0 or not os.path.isfile(wheel):
            sys.exit(f"make_foreign_onnx_cases: could not fetch {WHEEL} from PyPI with pip "
                     f"(needs network access to PyPI and Debian's python3-pip):\n{done.stdout[-2000:]}")
    if sha256_of(wheel) != WHEEL_SHA256:
        sys.exit(f"make_foreign_onnx_cases: {wheel} does not have the expected sha256 {WHEEL_SHA256}")
    partial = root + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        z.extractall(partial)
    shutil.rmtree(root, ignore_errors=True)
    os.rename(partial, root)  # only a complete copy is ever used
    return root


# Runs inside the child process, where `import onnx` is the wheel's 1.16.2.
CHILD = r"""
import os, sys
import numpy as np
import onnx
from onnx import numpy_helper
from onnx.reference import ReferenceEvaluator

light, out, name, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
model = onnx.load(os.path.join(light, f"light_{name}.onnx"))
graph = model.graph
rng = np.random.default_rng(seed)

# Each stripped weight (a ConstantOfShape whose shape is an initializer) gets random values
# drawn for what reads it: normals of variance 1/fan-in for Conv/Gemm weights and BatchNormalization
# scales below 1 (so activations keep their scale through 100+ layers and residual sums),
# positive values near 1 for variances and multipliers, small normals for biases, means, addends.
inits = {t.name: t for t in graph.initializer}
reader = {}
for node in graph.node:
    for k, i in enumerate(node.input):
        reader.setdefault(i, (node, k))

def gemm_fan_in(node, dims):
    trans_b = any(a.name == "transB" and a.i for a in node.attribute)
    return dims[1] if trans_b else dims[0]

def random_weight(name, dims):
    node, k = reader[name]
    op = node.op_type
    if op == "Conv" and k == 1:
        return rng.normal(0.0, np.sqrt(1.0 / np.prod(dims[1:])), size=dims)
    if op == "Gemm" and k == 1:
        return rng.normal(0.0, np.sqrt(1.0 / gemm_fan_in(node, dims)), size=dims)
    if op == "BatchNormalization" and k == 1:
        return rng.uniform(0.3, 0.7, size=dims)
    if (op == "BatchNormalization" and k == 4) or op == "Mul":
        return rng.uniform(0.5, 1.5, size=dims)
    return rng.normal(0.0, 0.1, size=dims)

keep, weights = [], []
for node in graph.node:
    if node.op_type == "ConstantOfShape" and node.input[0] in inits:
        dims = [int(d) for d in numpy_helper.to_array(inits[node.input[0]]).reshape(-1)]
        if node.attribute[0].t.data_type == onnx.TensorProto.FLOAT:
            data = random_weight(node.output[0], dims).astype(np.float32)
            weights.append(numpy_helper.from_array(data, node.output[0]))
            continue
    keep.append(node)
used = {i for n in keep for i in n.input}
del graph.node[:]
graph.node.extend(keep)
stale = [t for t in graph.initializer if t.name not in used]
for t in stale:
    graph.initializer.remove(t)
graph.initializer.extend(weights)
# IR version 3 requires every initializer to be a graph input too (the input's default): the file
# declares most of its weights so, the rest are declared here; shape inputs no node reads go.
init_names = {t.name for t in graph.initializer}
declared = [i for i in graph.input if i.name in used]
del graph.input[:]
graph.input.extend(declared)
names = {i.name for i in declared}
graph.input.extend(onnx.helper.make_tensor_value_info(w.name, w.data_type, list(w.dims))
                   for w in weights if w.name not in names)
# A near one-hot softmax checks little more than the argmax: the logits feeding each softmax
# output are outputs too.
producer = {n.output[0]: n for n in graph.node}
inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(model).graph.value_info}
for declared_output in list(graph.output):
    node = producer.get(declared_output.name)
    if node is not None and node.op_type == "Softmax":
        graph.output.append(inferred[node.input[0]])
onnx.checker.check_model(model)
data_inputs = [i for i in graph.input if i.name not in init_names]

feeds = {}
for i in data_inputs:
    dims = [d.dim_value for d in i.type.tensor_type.shape.dim]
    feeds[i.name] = rng.uniform(0.0, 1.0, size=dims).astype(np.float32)

# onnx 1.16.2's evaluator gives some old opsets a newer opset's meaning (Softmax before 13 is not
# coerced to 2-D; BatchNormalization 9 applies its momentum as if training), so it evaluates the
# graph as ONNX's version converter (C++) rewrites it for opset 17, where it is right; weft gets
# the file at the opset the tool wrote.
# One op is wrong at every opset there: LRN's window loop runs over the batch instead of the
# channels (`for c in range(x.shape[0])` in onnx/reference/ops/op_lrn.py, 1.16 to 1.19), so it
# is given LRN as the operator's definition states it.
from onnx import version_converter
from onnx.reference.op_run import OpRun
class LRN(OpRun):
    op_domain = ""
    def _run(self, x, alpha=None, beta=None, bias=None, size=None):
        low, high = (size - 1) // 2, (size - 1) - (size - 1) // 2
        squares = x.astype(np.float64) ** 2
        window = np.zeros_like(squares)
        for c in range(x.shape[1]):
            window[:, c] = squares[:, max(0, c - low):min(x.shape[1], c + high + 1)].sum(axis=1)
        return ((x / (bias + (alpha / size) * window) ** beta).astype(x.dtype),)
evaluator = ReferenceEvaluator(version_converter.convert_version(model, 17), new_ops=[LRN])
results = evaluator.run(None, feeds)

case = os.path.join(out, f"test_{name}")
os.makedirs(os.path.join(case, "test_data_set_0"))
onnx.save(model, os.path.join(case, "model.onnx"))
def write(kind, arrays, names):
    for k, (a, n) in enumerate(zip(arrays, names)):
        with open(os.path.join(case, "test_data_set_0", f"{kind}_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(a), n).SerializeToString())
write("input", [feeds[i.name] for i in data_inputs], [i.name for i in data_inputs])
write("output", results, [o.name for o in graph.output])
spread = float(np.ptp(results[0]))
largest = max(float(np.abs(r).max()) for r in results)
print(f"{name}: {len(graph.node)} nodes, {len(weights)} weights, outputs {[r.shape for r in results]}, spread {spread:.3g}, largest {largest:.3g}")
if not spread > 0:
    sys.exit(f"{name}: the reference output is constant; the case would test nothing")
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS),
                    help=f"comma-separated, from {','.join(ALL_MODELS)}")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "weft", "pypi"))
    args = ap.parse_args()
    models = [m for m in args.models.split(",") if m]
    unknown = [m for m in models if m not in ALL_MODELS]
    if unknown:
        sys.exit(f"make_foreign_onnx_cases: unknown model(s) {unknown}; known: {ALL_MODELS}")

    wheel = unpacked_wheel(args.cache)
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    env = dict(os.environ, PYTHONPATH=wheel)
    for seed, name in enumerate(models):
        done = subprocess.run([sys.executable, "-c", CHILD, os.path.join(wheel, LIGHT_DIR), args.out, name, str(seed)],
                              env=env)
        if done.returncode != 0:
            sys.exit(f"make_foreign_onnx_cases: {name} failed (status {done.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
