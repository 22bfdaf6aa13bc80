#!/usr/bin/python3
"""Writes the ONNX importer's test models into OUT_DIR, with inputs and NumPy-computed outputs.

OUT_DIR/cases.json lists each case: {"name", "model", "runs": [{"inputs": [V...], "outputs": [V...]}]}
where a value V is {"kind": "tensor"|"list"|"some"|"none", "file": ...} (.npy, or .npz for lists).
Cases that must fail to import have no runs; the C++ test (tests/importers/onnx_importer_test.cpp)
holds what their messages must say. Run by ctest as a fixture before the test.
"""
import json
import os
import shutil
import sys

import make_interface_cases
import numpy as np
import onnx
from onnx import TensorProto, helper as H, mapping, numpy_helper
from onnx_builders import const, f32, model, opt_vi, seq_vi, vi

F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
OUT = None
CASES = []


def save_value(case, tag, v):
    """Writes one value; returns its manifest entry."""
    base = os.path.join(OUT, case, tag)
    if v is None:
        return {"kind": "none"}
    if isinstance(v, tuple) and v[0] == "some":
        np.save(base + ".npy", v[1])
        return {"kind": "some", "file": base + ".npy"}
    if isinstance(v, list):
        np.savez(base + ".npz", *v)
        return {"kind": "list", "file": base + ".npz"}
    np.save(base + ".npy", np.asarray(v))
    return {"kind": "tensor", "file": base + ".npy"}


def case(name, m, runs=(), subdir=None):
    """Saves model `m` (into its own directory when `subdir`) and its runs [(inputs, outputs)]."""
    if runs or subdir:
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
    path = os.path.join(OUT, name, "model.onnx") if subdir else os.path.join(OUT, name + ".onnx")
    with open(path, "wb") as f:
        f.write(m if isinstance(m, bytes) else m.SerializeToString())
    entries = []
    for r, (ins, outs) in enumerate(runs):
        entries.append({"inputs": [save_value(name, f"run{r}_in{i}", v) for i, v in enumerate(ins)],
                        "outputs": [save_value(name, f"run{r}_out{i}", v) for i, v in enumerate(outs)]})
    CASES.append({"name": name, "model": path, "runs": entries})


# ---- If -----------------------------------------------------------------------------------------

def if_cases():
    w = f32(1, 2, 3)
    then_g = H.make_graph([H.make_node("Add", ["y", "w"], ["t_out"])], "then", [], [vi("t_out", F, [3])])
    else_g = H.make_graph([H.make_node("Sub", ["x", "w"], ["e_out"])], "else", [], [vi("e_out", F, [3])])
    m = model([H.make_node("Mul", ["x", "two"], ["y"]),
               H.make_node("If", ["cond"], ["out"], then_branch=then_g, else_branch=else_g)],
              [vi("cond", BOOL, []), vi("x", F, [3])], [vi("out", F, [3])],
              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.float32(2), "two")])
    x = f32(0.5, -1, 4)
    case("if_capture", m, [([np.bool_(True), x], [x * 2 + w]), ([np.bool_(False), x], [x - w])])

    # Branches of different lengths: the output is f32[?].
    then_g = H.make_graph([H.make_node("Concat", ["x", "x"], ["t_out"], axis=0)], "then", [], [vi("t_out", F, [6])])
    else_g = H.make_graph([H.make_node("Neg", ["x"], ["e_out"])], "else", [], [vi("e_out", F, [3])])
    m = model([H.make_node("If", ["cond"], ["out"], then_branch=then_g, else_branch=else_g)],
              [vi("cond", BOOL, []), vi("x", F, [3])], [vi("out", F, [None])])
    case("if_shapes", m, [([np.bool_(True), x], [np.concatenate([x, x])]), ([np.bool_(False), x], [-x])])


# ---- Loop ---------------------------------------------------------------------------------------

def loop_body(nodes, carried, scans=(), extra_inputs=()):
    ins = [vi("iter", I64, []), vi("cond_in", BOOL, [])] + [vi(n + "_in", F, s) for n, s in carried]
    outs = [vi("cond_out", BOOL, [])] + [vi(n + "_out", F, s) for n, s in carried] + [vi(n, F, s) for n, s in scans]
    return H.make_graph(nodes, "body", ins, outs)


def loop_cases():
    # Trip count only: x += float(i).
    body = loop_body([H.make_node("Cast", ["iter"], ["i_f"], to=F), H.make_node("Add", ["x_in", "i_f"], ["x_out"]),
                      H.make_node("Identity", ["cond_in"], ["cond_out"])], [("x", [2])])
    m = model([H.make_node("Loop", ["M", "", "x"], ["x_final"], body=body)],
              [vi("M", I64, []), vi("x", F, [2])], [vi("x_final", F, [2])])
    x = f32(1, -2)
    case("loop_trip_count", m, [([np.int64(n), x], [x + sum(range(n))]) for n in (0, 1, 5)])

    # Condition only: double x while its sum stays under 100.
    body = loop_body([H.make_node("Mul", ["x_in", "two"], ["x_out"]),
                      H.make_node("ReduceSum", ["x_out"], ["s"], keepdims=0),
                      H.make_node("Less", ["s", "hundred"], ["cond_out"])], [("x", [2])])
    m = model([const("c0", np.bool_(True)), H.make_node("Loop", ["", "c0", "x"], ["x_final"], body=body)],
              [vi("x", F, [2])], [vi("x_final", F, [2])],
              [numpy_helper.from_array(np.float32(2), "two"), numpy_helper.from_array(np.float32(100), "hundred")])

    def doubled(x):
        c = True
        while c:
            x = x * 2
            c = x.sum() < 100
        return x
    x = f32(1, 2)
    case("loop_cond_only", m, [([x], [doubled(x)]), ([f32(30, 40)], [doubled(f32(30, 40))])])

    # Both: at most M iterations of x += 1 while sum(x) < 10.
    body = loop_body([H.make_node("Add", ["x_in", "one"], ["x_out"]),
                      H.make_node("ReduceSum", ["x_out"], ["s"], keepdims=0),
                      H.make_node("Less", ["s", "ten"], ["cond_out"])], [("x", [2])])
    m = model([H.make_node("Loop", ["M", "c0", "x"], ["x_final"], body=body)],
              [vi("M", I64, []), vi("c0", BOOL, []), vi("x", F, [2])], [vi("x_final", F, [2])],
              [numpy_helper.from_array(np.float32(1), "one"), numpy_helper.from_array(np.float32(10), "ten")])

    def both(n, c, x):
        for _ in range(n):
            if not c:
                break
            x = x + 1
            c = x.sum() < 10
        return x
    runs = [(n, c) for n, c in ((2, True), (100, True), (5, False))]
    case("loop_both", m, [([np.int64(n), np.bool_(c), x], [both(n, c, x)]) for n, c in runs])

    # Scan outputs, an outer value lifted into the body (w = relu(x) is not a constant), and
    # zero trips; 1,000 trips run in the C++ test through run 3.
    body = loop_body([H.make_node("Add", ["x_in", "w"], ["x_out"]), H.make_node("Cast", ["iter"], ["i_f"], to=F),
                      H.make_node("Mul", ["x_out", "i_f"], ["y"]), H.make_node("Identity", ["cond_in"], ["cond_out"])],
                     [("x", [2])], [("y", [2])])
    m = model([H.make_node("Relu", ["x"], ["w"]), H.make_node("Loop", ["M", "", "x"], ["x_final", "ys"], body=body)],
              [vi("M", I64, []), vi("x", F, [2])], [vi("x_final", F, [2]), vi("ys", F, [None, 2])])

    def scanned(n, x):
        w, ys = np.maximum(x, 0), []
        for i in range(n):
            x = x + w
            ys.append(x * np.float32(i))
        return [x, np.stack(ys) if ys else np.zeros((0, 2), np.float32)]
    x = f32(1.5, -2)
    case("loop_scan", m, [([np.int64(n), x], scanned(n, x)) for n in (3, 0, 1, 1000)])

    # A loop in a loop: the inner body uses `x` from main, two function boundaries out.
    inner = loop_body([H.make_node("Add", ["a_in", "x"], ["a_out"]), H.make_node("Identity", ["cond_in"], ["cond_out"])],
                      [("a", [2])])
    outer = loop_body([H.make_node("Loop", ["N", "", "b_in"], ["b_out"], body=inner),
                       H.make_node("Identity", ["cond_in"], ["cond_out"])], [("b", [2])])
    m = model([H.make_node("Loop", ["M", "", "x"], ["res"], body=outer)],
              [vi("M", I64, []), vi("N", I64, []), vi("x", F, [2])], [vi("res", F, [2])])
    case("loop_nested", m, [([np.int64(3), np.int64(4), x], [x + 12 * x])])

    # A sequence carried from SequenceEmpty: its element type comes from the body.
    body = H.make_graph([H.make_node("Cast", ["iter"], ["i_f"], to=F), H.make_node("Mul", ["x", "i_f"], ["e"]),
                         H.make_node("SequenceInsert", ["s_in", "e"], ["s_out"]),
                         H.make_node("Identity", ["cond_in"], ["cond_out"])], "body",
                        [vi("iter", I64, []), vi("cond_in", BOOL, []), seq_vi("s_in", F, [])],
                        [vi("cond_out", BOOL, []), seq_vi("s_out", F, [])])
    m = model([H.make_node("SequenceEmpty", [], ["s0"], dtype=F), H.make_node("Loop", ["M", "", "s0"], ["s"], body=body)],
              [vi("M", I64, []), vi("x", F, [3])], [seq_vi("s", F, [3])])
    x3 = f32(1, 2, 3)
    case("loop_sequence", m, [([np.int64(3), x3], [[x3 * i for i in range(3)]])])


# ---- Scan ---------------------------------------------------------------------------------------

def scan_cases():
    body = H.make_graph([H.make_node("Add", ["sum_in", "x_in"], ["sum_out"]), H.make_node("Identity", ["sum_out"], ["y"])],
                        "body", [vi("sum_in", F, [2]), vi("x_in", F, [2])], [vi("sum_out", F, [2]), vi("y", F, [2])])
    m = model([H.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=body, num_scan_inputs=1)],
              [vi("s0", F, [2]), vi("xs", F, [3, 2])], [vi("s", F, [2]), vi("ys", F, [3, 2])])
    s0, xs = f32(0, 1), np.arange(6, dtype=np.float32).reshape(3, 2)
    case("scan_sum", m, [([s0, xs], [s0 + xs.sum(0), s0 + np.cumsum(xs, 0)])])

    # Reversed input along axis 1, one output stacked along axis 1, one in reverse order.
    body = H.make_graph([H.make_node("Add", ["sum_in", "x_in"], ["sum_out"]), H.make_node("Identity", ["sum_out"], ["y"]),
                         H.make_node("Identity", ["sum_out"], ["z"])],
                        "body", [vi("sum_in", F, [3]), vi("x_in", F, [3])],
                        [vi("sum_out", F, [3]), vi("y", F, [3]), vi("z", F, [3])])
    m = model([H.make_node("Scan", ["s0", "xs"], ["s", "ys", "zs"], body=body, num_scan_inputs=1,
                           scan_input_directions=[1], scan_input_axes=[1], scan_output_axes=[1, 0],
                           scan_output_directions=[0, 1])],
              [vi("s0", F, [3]), vi("xs", F, [3, 4])], [vi("s", F, [3]), vi("ys", F, [3, 4]), vi("zs", F, [4, 3])])
    s0, xs = f32(0, 0, 1), np.arange(12, dtype=np.float32).reshape(3, 4)
    steps = np.cumsum(xs[:, ::-1], axis=1) + s0[:, None]  # [3, 4]: state after each step
    case("scan_reverse", m, [([s0, xs], [steps[:, -1], steps, steps.T[::-1]])])

    # Scan-8: a batch axis first, scanned along axis 1, the input read backwards.
    body = H.make_graph([H.make_node("Add", ["sum_in", "x_in"], ["sum_out"]), H.make_node("Identity", ["sum_out"], ["y"])],
                        "body", [vi("sum_in", F, [2]), vi("x_in", F, [2])], [vi("sum_out", F, [2]), vi("y", F, [2])])
    m = model([H.make_node("Scan", ["", "s0", "xs"], ["s", "ys"], body=body, num_scan_inputs=1, directions=[1])],
              [vi("s0", F, [2, 2]), vi("xs", F, [2, 3, 2])], [vi("s", F, [2, 2]), vi("ys", F, [2, 3, 2])], opset=8, ir=4)
    s0, xs = f32(0, 1, 10, 20).reshape(2, 2), np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    ys = s0[:, None, :] + np.cumsum(xs[:, ::-1], axis=1)
    case("scan8_batch", m, [([s0, xs], [ys[:, -1], ys])])


# ---- sequences and optionals -------------------------------------------------------------------

def sequence_cases():
    nodes = [H.make_node("SequenceConstruct", ["a", "b", "c"], ["seq"]),
             const("one", np.int64(1)), const("minus_one", np.int64(-1)),
             H.make_node("SequenceInsert", ["seq", "c", "one"], ["seq2"]),
             H.make_node("SequenceErase", ["seq2"], ["seq3"]),
             H.make_node("SequenceAt", ["seq3", "minus_one"], ["last"]),
             H.make_node("SequenceAt", ["seq3", "pos"], ["at_pos"]),
             H.make_node("SequenceLength", ["seq3"], ["len"]),
             H.make_node("ConcatFromSequence", ["seq3"], ["cat"], axis=0),
             H.make_node("SequenceEmpty", [], ["empty"], dtype=F),
             H.make_node("SequenceInsert", ["empty", "a"], ["one_elem"])]
    m = model(nodes, [vi("a", F, [2]), vi("b", F, [3]), vi("c", F, [2]), vi("pos", I64, [])],
              [seq_vi("seq3", F, [None]), vi("last", F, [None]), vi("at_pos", F, [None]), vi("len", I64, []),
               vi("cat", F, [None]), seq_vi("one_elem", F, [2])])
    a, b, c = f32(1, 2), f32(3, 4, 5), f32(6, 7)
    case("sequence_ops", m, [([a, b, c, np.int64(p)], [[a, c, b], b, [a, c, b][p], np.int64(3), np.concatenate([a, c, b]), [a]])
                             for p in (1, -3)])

    nodes = [H.make_node("SplitToSequence", ["x", "lengths"], ["s1"]),
             H.make_node("SplitToSequence", ["x"], ["s2"], axis=1, keepdims=0),
             H.make_node("SplitToSequence", ["x", "two"], ["s3"]),
             H.make_node("ConcatFromSequence", ["s2"], ["stacked"], axis=1, new_axis=1)]
    m = model(nodes, [vi("x", F, [5, 2])],
              [seq_vi("s1", F, [None, 2]), seq_vi("s2", F, [5]), seq_vi("s3", F, [None, 2]), vi("stacked", F, [5, 2])],
              [numpy_helper.from_array(np.array([2, 3], np.int64), "lengths"), numpy_helper.from_array(np.int64(2), "two")])
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    case("split_to_sequence", m, [([x], [[x[:2], x[2:]], [x[:, 0], x[:, 1]], [x[:2], x[2:4], x[4:]], x])])

    # SequenceMap: element i of a sequence with a tensor, two results per element.
    body = H.make_graph([H.make_node("Add", ["e", "t"], ["sum"]), H.make_node("Shape", ["e"], ["shape"])], "map_body",
                        [vi("e", F, [None]), vi("t", F, [1])], [vi("sum", F, [None]), vi("shape", I64, [1])])
    m = model([H.make_node("SequenceMap", ["s", "t"], ["sums", "shapes"], body=body)],
              [seq_vi("s", F, [None]), vi("t", F, [1])], [seq_vi("sums", F, [None]), seq_vi("shapes", I64, [1])], opset=17)
    elems, t = [f32(1, 2), f32(3), f32(4, 5, 6)], f32(10)
    case("sequence_map", m, [([elems, t], [[e + t for e in elems], [np.array([len(e)], np.int64) for e in elems]])])

    tp = H.make_tensor_type_proto(F, [2])
    nodes = [H.make_node("Optional", ["x"], ["o"]), H.make_node("OptionalHasElement", ["o"], ["has"]),
             H.make_node("OptionalGetElement", ["o"], ["got"]), H.make_node("Optional", [], ["n"], type=tp),
             H.make_node("OptionalHasElement", ["n"], ["has_n"])]
    m = model(nodes, [vi("x", F, [2])],
              [vi("has", BOOL, []), vi("got", F, [2]), vi("has_n", BOOL, []), opt_vi("o", F, [2]), opt_vi("n", F, [2])])
    x = f32(3, 4)
    case("optional", m, [([x], [np.bool_(True), x, np.bool_(False), ("some", x), None])])

    # A sequence declared by its dtype only (no shape: unknown rank) holds tensors of any rank.
    nodes = [H.make_node("SequenceInsert", ["s", "x"], ["s2"]), H.make_node("SequenceLength", ["s2"], ["n"])]
    m = model(nodes, [seq_vi("s", F, None), vi("x", F, [2, 2])], [seq_vi("s2", F, None), vi("n", I64, [])])
    elems, x = [f32(1, 2, 3), np.float32(4)], np.arange(4, dtype=np.float32).reshape(2, 2)
    case("sequence_any_rank", m, [([elems, x], [elems + [x], np.int64(len(elems) + 1)])])


# ---- graph inputs, initializers, external data ---------------------------------------------------

def data_cases():
    m = model([H.make_node("Relu", ["x"], ["r"]), H.make_node("Add", ["r", "bias"], ["y"])],
              [vi("x", F, ["batch", 3])], [vi("y", F, ["batch", 3])], [numpy_helper.from_array(f32(1, 2, 3), "bias")])
    runs = []
    for n in (2, 5):
        x = np.linspace(-3, 3, n * 3, dtype=np.float32).reshape(n, 3)
        runs.append(([x], [np.maximum(x, 0) + f32(1, 2, 3)]))
    case("symbolic_dims", m, runs)

    # IR version 3: initializers are listed among the inputs too; they stay constants.
    m = model([H.make_node("Add", ["x", "w"], ["y"])], [vi("x", F, [2]), vi("w", F, [2])], [vi("y", F, [2])],
              [numpy_helper.from_array(f32(5, 6), "w")], opset=7, ir=3)
    case("ir3_initializer_inputs", m, [([f32(1, 2)], [f32(6, 8)])])

    # A model-local function (IR version 8), called twice with different attributes.
    alpha = onnx.AttributeProto()
    alpha.name, alpha.ref_attr_name, alpha.type = "alpha", "alpha", onnx.AttributeProto.FLOAT
    leaky = H.make_node("LeakyRelu", ["t"], ["out"])
    leaky.attribute.append(alpha)
    fn = H.make_function("custom", "AddLeaky", ["a", "b"], ["out"], [H.make_node("Add", ["a", "b"], ["t"]), leaky],
                         [H.make_opsetid("", 16)], ["alpha"])
    g = H.make_graph([H.make_node("AddLeaky", ["x", "y"], ["u"], domain="custom", alpha=0.5),
                      H.make_node("AddLeaky", ["u", "y"], ["v"], domain="custom", alpha=0.25)], "g",
                     [vi("x", F, [3]), vi("y", F, [3])], [vi("v", F, [3])])
    m = H.make_model(g, opset_imports=[H.make_opsetid("", 16), H.make_opsetid("custom", 1)], functions=[fn])
    m.ir_version = 8
    x, y = f32(-4, 1, 2), f32(1, -3, 0.5)
    leaky_np = lambda t, a: np.where(t > 0, t, a * t).astype(np.float32)  # noqa: E731
    case("local_function", m, [([x, y], [leaky_np(leaky_np(x + y, 0.5) + y, 0.25)])])

    arrays = {
        "f32_raw": (np.array([[1.5, -2], [3, 4.25]], np.float32), True),
        "f64_typed": (np.array([1e300, -0.5, 2], np.float64), False),
        "i64_typed": (np.array([-(2 ** 40), 7], np.int64), False),
        "i32_typed": (np.array([[-5], [2 ** 30]], np.int32), False),
        "i8_typed": (np.array([-128, 127, 0], np.int8), False),
        "u8_raw": (np.array([0, 200, 255], np.uint8), True),
        "u16_typed": (np.array([65535, 1], np.uint16), False),
        "u64_typed": (np.array([2 ** 63 + 5], np.uint64), False),
        "bool_typed": (np.array([True, False, True]), False),
        "f16_typed": (np.array([0.5, -65504, 1e-3], np.float16), False),
        "f16_raw": (np.array([[2.5], [-0.25]], np.float16), True),
        "f32_scalar_typed": (np.float32(-7.5), False),
    }
    inits, nodes, outs, expected = [], [], [], []
    for name, (arr, raw) in arrays.items():
        arr = np.asarray(arr)
        if raw:
            t = numpy_helper.from_array(arr, name)
        else:
            elem = mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype]
            t = H.make_tensor(name, elem, arr.shape, arr.flatten().tolist())
        inits.append(t)
        nodes.append(H.make_node("Identity", [name], [name + "_out"]))
        outs.append(vi(name + "_out", mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype], list(arr.shape)))
        expected.append(arr)
    case("initializer_dtypes", model(nodes, [], outs, inits), [([], expected)])

    # External data: good, then refused (absolute path, `..`, a link leading out).
    w = f32(1, 2, 3, 4)

    def external_model(location):
        t = TensorProto()
        t.name, t.data_type = "w", F
        t.dims.extend([4])
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "16"), ("length", str(w.nbytes))):
            e = t.external_data.add()
            e.key, e.value = k, v
        return model([H.make_node("Add", ["x", "w"], ["y"])], [vi("x", F, [4])], [vi("y", F, [4])], [t])

    def write_weights(path):
        with open(path, "wb") as f:
            f.write(b"sixteen  bytes..")
            f.write(w.tobytes())
    for name in ("external_good", "external_absolute", "external_dotdot", "external_symlink"):
        shutil.rmtree(os.path.join(OUT, name), ignore_errors=True)
        os.makedirs(os.path.join(OUT, name))
    outside = os.path.join(OUT, "outside.bin")
    write_weights(outside)
    write_weights(os.path.join(OUT, "external_good", "weights.bin"))
    x = f32(10, 20, 30, 40)
    case("external_good", external_model("weights.bin"), [([x], [x + w])], subdir=True)
    case("external_absolute", external_model(os.path.abspath(outside)), subdir=True)
    case("external_dotdot", external_model("../outside.bin"), subdir=True)
    os.symlink("../outside.bin", os.path.join(OUT, "external_symlink", "weights.bin"))
    case("external_symlink", external_model("weights.bin"), subdir=True)


# ---- models that must be refused ----------------------------------------------------------------

def error_cases():
    x_in, y_out = [vi("x", F, [2])], [vi("y", F, [2])]
    case("err_unsupported", model([H.make_node("FooBar", ["x"], ["y"], name="bad_op")], x_in, y_out))
    body = loop_body([H.make_node("FooBaz", ["x_in"], ["x_out"], name="inner_bad"),
                      H.make_node("Identity", ["cond_in"], ["cond_out"])], [("x", [2])])
    case("err_unsupported_in_body",
         model([H.make_node("Loop", ["M", "", "x"], ["y"], body=body, name="outer_loop")], [vi("M", I64, [])] + x_in, y_out))
    case("err_arity", model([H.make_node("SequenceConstruct", ["x"], ["s"]),
                             H.make_node("SequenceAt", ["s"], ["y"], name="seq_at")], x_in, y_out))
    sm = H.make_node("Softmax", ["x"], ["y"], name="sm")
    sm.attribute.append(H.make_attribute("axis", 1.5))
    case("err_attribute", model([sm], x_in, y_out))
    case("err_unknown_rank", model([H.make_node("SequenceAt", ["s", "zero"], ["e"]), H.make_node("Relu", ["e"], ["y"], name="relu_elem")],
                                   [seq_vi("s", F, None), vi("zero", I64, [])], [vi("y", F, None)]))

    def bad_tensor(dims, raw=None, floats=None):
        t = TensorProto()
        t.name, t.data_type = "w", F
        t.dims.extend(dims)
        if raw is not None:
            t.raw_data = raw
        if floats is not None:
            t.float_data.extend(floats)
        return model([H.make_node("Add", ["x", "w"], ["y"])], x_in, y_out, [t])
    case("err_raw_length", bad_tensor([2], raw=b"\0\0\0"))
    case("err_typed_length", bad_tensor([2], floats=[1.0, 2.0, 3.0]))
    case("err_negative_dim", bad_tensor([-1], floats=[]))
    case("err_overflow_dim", bad_tensor([2 ** 40, 2 ** 40], floats=[]))
    case("err_dropout_training", model([const("t", np.array(True)),
                                        H.make_node("Dropout", ["x", "", "t"], ["y"], name="drop_train")], x_in, y_out, opset=13))
    case("err_ir_version", model([H.make_node("Relu", ["x"], ["y"])], x_in, y_out, ir=2))
    case("err_opset", model([H.make_node("Relu", ["x"], ["y"])], x_in, y_out, opset=18))
    case("err_not_onnx", b"this is not a protobuf model \xff\xff\xff\xff")


def main():
    global OUT
    if len(sys.argv) != 2:
        print("usage: make_test_models.py OUT_DIR", file=sys.stderr)
        return 2
    OUT = os.path.abspath(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    for make in (if_cases, loop_cases, scan_cases, sequence_cases, data_cases, error_cases):
        make()
    make_interface_cases.add_cases(case)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1)
    print(f"wrote {len(CASES)} importer test cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
