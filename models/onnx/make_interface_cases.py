"""Importer test cases for what real models bring: names as the model spells them, the loose
corners ONNX Runtime accepts, and wiring defects that must be refused.

Called by make_test_models.py, which owns the output directory and cases.json; `case` is its
case(name, model, runs) writer. Expected outputs come from NumPy.
"""
import numpy as np
from onnx import TensorProto, helper as H, numpy_helper
from onnx_builders import f32, model, vi

F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL

# Input names as exporters and users write them: torch.onnx.export's generated name, a name
# with double quotes, a C comment closer, a newline, a backslash at the end, and two names
# that sanitize alike (`a:b`, `a_b`), which must stay two inputs in generated code.
ODD_NAMES = ["onnx::Flatten_0", 'say "hi"', "end */ here", "two\nlines", "back\\", "a:b", "a_b"]
# The output's name: an exporter's generated name with quotes and a comment closer after it.
OUT_NAME = 'onnx::Add_5 "sum" */'


def name_cases(case):
    # OUT_NAME = sum_k (k + 1) * input_k, so swapping any two inputs changes the result.
    nodes, inits, prev = [], [], None
    for k, name in enumerate(ODD_NAMES):
        inits.append(numpy_helper.from_array(np.float32(k + 1), f"w{k}"))
        nodes.append(H.make_node("Mul", [name, f"w{k}"], [f"scaled{k}"], name=f"scale {name}"))
        if prev is not None:
            nodes.append(H.make_node("Add", [prev, f"scaled{k}"], [f"acc{k}"]))
        prev = f"acc{k}" if k else f"scaled{k}"
    nodes.append(H.make_node("Identity", [prev], [OUT_NAME]))
    m = model(nodes, [vi(n, F, [2]) for n in ODD_NAMES], [vi(OUT_NAME, F, [2])], inits)
    rng = np.random.default_rng(7)
    ins = [rng.standard_normal(2).astype(np.float32) for _ in ODD_NAMES]
    want = sum(np.float32(k + 1) * x for k, x in enumerate(ins))
    case("names_as_spelled", m, [(ins, [want])])


def lenient_cases(case):
    x = f32(0.5, -1.5, 3)
    # If with a [1, 1] condition (exporters emit them; ONNX Runtime takes any one-element cond).
    then_g = H.make_graph([H.make_node("Neg", ["x"], ["t_out"])], "then", [], [vi("t_out", F, [3])])
    else_g = H.make_graph([H.make_node("Abs", ["x"], ["e_out"])], "else", [], [vi("e_out", F, [3])])
    m = model([H.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
              [vi("c", BOOL, [1, 1]), vi("x", F, [3])], [vi("y", F, [3])])
    case("if_cond_rank2", m, [([np.array([[True]]), x], [-x]), ([np.array([[False]]), x], [np.abs(x)])])

    # If branches and their outputs with no types at all (PyTorch's exports): the If's type
    # is the join of what the branches compute, and the node after it needs its rank.
    then_g = H.make_graph([H.make_node("Unsqueeze", ["x", "ax0"], ["t_out"])], "then", [], [H.make_empty_tensor_value_info("t_out")])
    else_g = H.make_graph([H.make_node("Unsqueeze", ["x", "ax0"], ["e2"]), H.make_node("Neg", ["e2"], ["e_out"])], "else", [],
                         [H.make_empty_tensor_value_info("e_out")])
    m = model([H.make_node("If", ["c"], ["u"], then_branch=then_g, else_branch=else_g),
               H.make_node("Softmax", ["u"], ["y"], axis=-1)],
              [vi("c", BOOL, []), vi("x", F, [3])], [H.make_empty_tensor_value_info("y")],
              [numpy_helper.from_array(np.array([0], dtype=np.int64), "ax0")])

    def softmax(v):
        e = np.exp(v - v.max())
        return (e / e.sum()).reshape(1, 3)
    case("if_untyped_branches", m, [([np.bool_(True), x], [softmax(x)]), ([np.bool_(False), x], [softmax(-x)])])

    # An If decided by the static dims of a partly dynamic shape, its branches of different
    # ranks and no types: Shape of f32[n, 2, 3] -> Slice [2, 3] -> Concat [2, 3, 1] -> Cast ->
    # Gather 0 -> Equal 2 is known at import time, so the If folds and the Clip after it knows
    # its element type (Faster R-CNN's box pooling squeezes where a dim is 1 this way).
    then_g = H.make_graph([H.make_node("Flatten", ["xs"], ["t_out"], axis=1)], "then", [], [H.make_empty_tensor_value_info("t_out")])
    else_g = H.make_graph([H.make_node("Identity", ["xs"], ["e_out"])], "else", [], [H.make_empty_tensor_value_info("e_out")])
    nodes = [H.make_node("Shape", ["xs"], ["s"]), H.make_node("Slice", ["s", "one", "three"], ["hw"]),
             H.make_node("Concat", ["hw", "one"], ["hw1"], axis=0), H.make_node("Cast", ["hw1"], ["hwc"], to=I64),
             H.make_node("Gather", ["hwc", "zero"], ["h"], axis=0), H.make_node("Equal", ["h", "two"], ["c"]),
             H.make_node("If", ["c"], ["u"], then_branch=then_g, else_branch=else_g),
             H.make_node("Clip", ["u", "lo", "hi"], ["y"])]
    inits = [numpy_helper.from_array(np.array([1], dtype=np.int64), "one"), numpy_helper.from_array(np.array([3], dtype=np.int64), "three"),
             numpy_helper.from_array(np.int64(0), "zero"), numpy_helper.from_array(np.int64(2), "two"),
             numpy_helper.from_array(np.float32(-0.5), "lo"), numpy_helper.from_array(np.float32(0.5), "hi")]
    m = model(nodes, [vi("xs", F, ["n", 2, 3])], [H.make_empty_tensor_value_info("y")], inits)
    xs = np.random.default_rng(3).standard_normal((4, 2, 3)).astype(np.float32)
    case("if_on_static_dims", m, [([xs], [np.clip(xs.reshape(4, 6), -0.5, 0.5)]), ([xs[:1]], [np.clip(xs[:1].reshape(1, 6), -0.5, 0.5)])])

    # Constant with each value_* attribute; an optional input given as an empty name (Clip's min).
    nodes = [H.make_node("Constant", [], ["cf"], value_float=2.0), H.make_node("Constant", [], ["cfs"], value_floats=[1.0, 2.0, 3.0]),
             H.make_node("Constant", [], ["ci"], value_int=3), H.make_node("Constant", [], ["cis"], value_ints=[3]),
             H.make_node("Mul", ["x", "cf"], ["a"]), H.make_node("Add", ["a", "cfs"], ["b"]),
             H.make_node("Cast", ["ci"], ["cif"], to=F), H.make_node("Clip", ["b", "", "cif"], ["c"]),
             H.make_node("Reshape", ["c", "cis"], ["y"])]
    m = model(nodes, [vi("x", F, [3])], [vi("y", F, [3])])
    case("constant_value_attrs", m, [([x], [np.minimum(x * 2 + f32(1, 2, 3), 3)])])

    # An initializer that is also a graph input (IR version 8): it stays a constant.
    m = model([H.make_node("Add", ["x", "w"], ["y"])], [vi("x", F, [3]), vi("w", F, [3])], [vi("y", F, [3])],
              [numpy_helper.from_array(f32(1, 2, 3), "w")])
    case("initializer_also_input", m, [([x], [x + f32(1, 2, 3)])])


def defect_cases(case):
    x_in, y_out = [vi("x", F, [2])], [vi("y", F, [2])]
    case("err_duplicate_output", model([H.make_node("Relu", ["x"], ["y"], name="first"),
                                        H.make_node("Neg", ["x"], ["y"], name="second")], x_in, y_out))
    case("err_writes_input", model([H.make_node("Relu", ["x"], ["x"], name="overwriter"),
                                    H.make_node("Neg", ["x"], ["y"])], x_in, y_out))
    case("err_use_before_def", model([H.make_node("Relu", ["t"], ["y"], name="reader"),
                                      H.make_node("Neg", ["x"], ["t"], name="writer")], x_in, y_out))
    case("err_cycle", model([H.make_node("Add", ["x", "c"], ["b"], name="add_b"),
                             H.make_node("Relu", ["b"], ["c"], name="relu_c"),
                             H.make_node("Identity", ["b"], ["y"])], x_in, y_out))
    # The same defect inside an If branch is reported with the branch's name.
    then_g = H.make_graph([H.make_node("Neg", ["x"], ["t_out"], name="inner_a"), H.make_node("Abs", ["x"], ["t_out"], name="inner_b")],
                          "then", [], [vi("t_out", F, [2])])
    else_g = H.make_graph([H.make_node("Abs", ["x"], ["e_out"])], "else", [], [vi("e_out", F, [2])])
    case("err_duplicate_in_branch", model([H.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
                                          [vi("c", BOOL, [])] + x_in, y_out))
    case("err_cond_two_elements", model([H.make_node("If", ["c"], ["y"], name="if2", then_branch=else_g, else_branch=else_g)],
                                        [vi("c", BOOL, [2])] + x_in, y_out))


def add_cases(case):
    name_cases(case)
    lenient_cases(case)
    defect_cases(case)
