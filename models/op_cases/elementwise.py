"""Elementwise operator cases: unary math and activations, clip, cast, broadcasting binary ops, where.

Expected values are computed in float64 from the (exactly representable) inputs and rounded
to the case's dtype once, which is what weft's kernels do (f16 computes in float).
"""
import math

import numpy as np

from case_writer import name_of, tol

F16, F32, F64 = np.float16, np.float32, np.float64
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
INTS = SIGNED + UNSIGNED
FLOATS = [F16, F32, F64]

rng = np.random.default_rng(20240601)


def uniform(shape, lo, hi, dt=F32):
    return rng.uniform(lo, hi, size=shape).astype(dt)


def ints(shape, lo, hi, dt):
    big = hi > np.iinfo(np.int64).max
    return rng.integers(lo, hi, size=shape, endpoint=True, dtype=np.uint64 if big else np.int64).astype(dt)


def as64(x):
    return np.asarray(x).astype(F64)


# ---- unary -------------------------------------------------------------------------------

erf = np.vectorize(math.erf, otypes=[F64])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.logaddexp(0, x)


SELU_ALPHA = 1.67326319217681884765625
SELU_GAMMA = 1.05070102214813232421875

# name: (f64 reference, input range, attrs); inputs are drawn uniformly from the range.
FLOAT_UNARY = {
    "exp": (np.exp, (-5, 5), {}),
    "log": (np.log, (0.01, 10), {}),
    "sqrt": (np.sqrt, (0, 10), {}),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.05, 10), {}),
    "reciprocal": (lambda x: 1 / x, (0.1, 5), {}),
    "sin": (np.sin, (-6, 6), {}),
    "cos": (np.cos, (-6, 6), {}),
    "tan": (np.tan, (-1.2, 1.2), {}),
    "asin": (np.arcsin, (-0.99, 0.99), {}),
    "acos": (np.arccos, (-0.99, 0.99), {}),
    "atan": (np.arctan, (-10, 10), {}),
    "sinh": (np.sinh, (-4, 4), {}),
    "cosh": (np.cosh, (-4, 4), {}),
    "tanh": (np.tanh, (-4, 4), {}),
    "asinh": (np.arcsinh, (-10, 10), {}),
    "acosh": (np.arccosh, (1, 10), {}),
    "atanh": (np.arctanh, (-0.95, 0.95), {}),
    "sigmoid": (sigmoid, (-10, 10), {}),
    "erf": (erf, (-3, 3), {}),
    "floor": (np.floor, (-5, 5), {}),
    "ceil": (np.ceil, (-5, 5), {}),
    "round": (np.round, (-5, 5), {}),
    "softplus": (softplus, (-20, 20), {}),
    "softsign": (lambda x: x / (1 + np.abs(x)), (-5, 5), {}),
    "silu": (lambda x: x * sigmoid(x), (-8, 8), {}),
    "mish": (lambda x: x * np.tanh(softplus(x)), (-8, 8), {}),
    "hard_swish": (lambda x: x * np.clip(x / 6 + 0.5, 0, 1), (-5, 5), {}),
    "hard_sigmoid": (lambda x, alpha=0.2, beta=0.5: np.clip(alpha * x + beta, 0, 1), (-5, 5), {}),
    "leaky_relu": (lambda x, alpha=0.01: np.where(x < 0, alpha * x, x), (-5, 5), {}),
    "elu": (lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x)), (-5, 5), {}),
    "selu": (lambda x, alpha=SELU_ALPHA, gamma=SELU_GAMMA: np.where(x > 0, gamma * x, gamma * alpha * np.expm1(x)),
             (-5, 5), {}),
    "celu": (lambda x, alpha=1.0: np.maximum(0, x) + np.minimum(0, alpha * np.expm1(x / alpha)), (-5, 5), {}),
    "thresholded_relu": (lambda x, alpha=1.0: np.where(x > alpha, x, 0), (-3, 3), {}),
    "gelu": (lambda x, approximate="none": gelu(x, approximate), (-5, 5), {}),
}

# Non-default attributes to try, one extra case each.
UNARY_ATTRS = {
    "hard_sigmoid": {"alpha": 0.25, "beta": 0.4},
    "leaky_relu": {"alpha": 0.2},
    "elu": {"alpha": 0.5},
    "selu": {"alpha": 1.5, "gamma": 2.0},
    "celu": {"alpha": 2.0},
    "thresholded_relu": {"alpha": 0.5},
    "gelu": {"approximate": "tanh"},
}

# Edge inputs per op where IEEE specials have a clear answer.
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5], F32)
EDGE_OPS = ["exp", "log", "sqrt", "reciprocal", "atan", "tanh", "sigmoid", "erf", "floor", "ceil", "round", "softplus",
            "softsign", "relu", "abs", "neg", "sign", "hard_sigmoid", "leaky_relu", "elu", "thresholded_relu"]


def gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


NUMERIC_UNARY = {
    "neg": np.negative,
    "abs": np.abs,
    "sign": np.sign,
    "relu": lambda x: np.where(x < 0, np.zeros_like(x), x),
}


def ref_unary(op, x, attrs):
    if op in FLOAT_UNARY:
        return FLOAT_UNARY[op][0](as64(x), **attrs)
    return NUMERIC_UNARY[op](as64(x) if x.dtype.kind == "f" else x)


def add_unary(w, name, op, x, attrs=None):
    attrs = attrs or {}
    with np.errstate(all="ignore"):
        y = np.asarray(ref_unary(op, x, attrs)).astype(x.dtype)
    w.add(name, op, [x], [y], attrs, *tol(x.dtype))


def gen_unary(w):
    for op, (_, (lo, hi), _) in FLOAT_UNARY.items():
        for dt, shape in [(F32, (3, 4)), (F32, (2, 3, 5)), (F16, (7,)), (F64, (2, 6)), (F32, ())]:
            add_unary(w, f"{op}_{name_of(dt)}_{'x'.join(map(str, shape)) or 'scalar'}", op, uniform(shape, lo, hi, dt))
        if op in UNARY_ATTRS:
            add_unary(w, f"{op}_attrs", op, uniform((4, 5), lo, hi), UNARY_ATTRS[op])
            add_unary(w, f"{op}_attrs_f16", op, uniform((6,), lo, hi, F16), UNARY_ATTRS[op])
    add_unary(w, "round_halves", "round", np.arange(-4.5, 5, 0.5, dtype=F32))
    add_unary(w, "floor_empty", "floor", np.zeros((0, 3), F32))
    for op in NUMERIC_UNARY:
        add_unary(w, f"{op}_f32", op, uniform((3, 4), -5, 5))
        add_unary(w, f"{op}_f16", op, uniform((5,), -5, 5, F16))
        add_unary(w, f"{op}_f64", op, uniform((2, 3), -5, 5, F64))
        for dt in INTS:
            info = np.iinfo(dt)
            lo, hi = (-100, 100) if info.min < 0 else (0, 200)
            x = ints((2, 5), lo, hi, dt)
            x.flat[0], x.flat[1] = info.min, info.max
            add_unary(w, f"{op}_{name_of(dt)}", op, x)
    for op in EDGE_OPS:
        add_unary(w, f"{op}_specials", op, SPECIALS.copy())
        add_unary(w, f"{op}_specials_f64", op, SPECIALS.astype(F64))


def gen_predicates(w):
    for dt in FLOATS:
        x = np.concatenate([SPECIALS, uniform((5,), -1e4, 1e4)]).astype(dt).reshape(2, 9)
        w.add(f"is_nan_{name_of(dt)}", "is_nan", [x], [np.isnan(x)])
        for pos in (True, False):
            for neg in (True, False):
                y = (np.isposinf(x) & pos) | (np.isneginf(x) & neg)
                w.add(f"is_inf_{name_of(dt)}_{int(pos)}{int(neg)}", "is_inf", [x], [y],
                      {"detect_positive": pos, "detect_negative": neg})
    b = rng.random((3, 4)) < 0.5
    w.add("logical_not", "logical_not", [b], [~b])
    w.add("logical_not_scalar", "logical_not", [np.array(True)], [np.array(False)])
    for dt in INTS:
        info = np.iinfo(dt)
        x = ints((2, 4), max(info.min, -1000), min(info.max, 1000), dt)
        x.flat[0], x.flat[1] = info.min, info.max
        w.add(f"bitwise_not_{name_of(dt)}", "bitwise_not", [x], [np.invert(x)])
    for x in [uniform((2, 3), -1, 1), ints((4,), -9, 9, np.int64), rng.random((2, 2)) < 0.5, uniform((3,), -1, 1, F16),
              ints((2,), 0, 9, np.uint16)]:
        w.add(f"identity_{name_of(x.dtype)}", "identity", [x], [x])


def gen_clip(w):
    def ref(x, lo, hi):
        y = x
        if lo is not None and lo.size:
            y = np.where(y < lo, lo, y)
        if hi is not None and hi.size:
            y = np.where(y > hi, hi, y)
        return y.astype(x.dtype)

    for dt in [F32, F16, F64, np.int32, np.int8, np.uint8, np.int64, np.uint64]:
        x = uniform((3, 5), -10, 10, F64) if np.dtype(dt).kind == "f" else ints((3, 5), 0 if np.dtype(dt).kind == "u" else -50, 100, np.int64)
        x = x.astype(dt)
        lo, hi = np.array(2 if np.dtype(dt).kind == "u" else -2, dt), np.array(5, dt)
        n = name_of(dt)
        w.add(f"clip_both_{n}", "clip", [x, lo, hi], [ref(x, lo, hi)], rtol=0, atol=0)
        w.add(f"clip_min_{n}", "clip", [x, lo], [ref(x, lo, None)], rtol=0, atol=0)
    x = np.concatenate([SPECIALS, uniform((3,), -9, 9)])
    empty = np.zeros((0,), F32)
    lo, hi = np.array(-1, F32), np.array(1.25, F32)
    w.add("clip_max_only", "clip", [x, empty, hi], [ref(x, None, hi)], rtol=0, atol=0)
    w.add("clip_none", "clip", [x], [x], rtol=0, atol=0)
    w.add("clip_specials", "clip", [x, lo, hi], [ref(x, lo, hi)], rtol=0, atol=0)
    w.add("clip_inverted_bounds", "clip", [x, hi, lo], [ref(x, hi, lo)], rtol=0, atol=0)
    w.add("clip_rank1_bounds", "clip", [x, lo.reshape(1), hi.reshape(1)], [ref(x, lo, hi)], rtol=0, atol=0)


def gen_cast(w):
    f = np.array([-3.7, -1.5, -0.5, -0.0, 0.0, 0.4, 1.5, 2.9, 100.25, 126.99], F32)
    pos = np.abs(f)
    cases = [
        ("f32_i32", f, np.int32), ("f32_i64", f, np.int64), ("f32_i8", f, np.int8), ("f32_i16", f, np.int16),
        ("f32_u8", pos, np.uint8), ("f32_u16", pos, np.uint16), ("f32_u32", pos, np.uint32), ("f32_u64", pos, np.uint64),
        ("f32_bool", np.concatenate([f, [np.nan]]).astype(F32), np.bool_), ("f32_f16", f, F16), ("f32_f64", f, F64),
        ("f32_f32", f, F32), ("f64_f32", uniform((3, 4), -1e3, 1e3, F64), F32),
        ("f16_f32", uniform((5,), -10, 10, F16), F32), ("f16_i32", uniform((5,), -100, 100, F16), np.int32),
        ("i64_f32", ints((2, 3), -1000, 1000, np.int64), F32), ("i32_f64", ints((4,), -10**9, 10**9, np.int32), F64),
        ("i32_i8", ints((6,), -1000, 1000, np.int32), np.int8), ("i64_u8", ints((6,), -300, 300, np.int64), np.uint8),
        ("u8_i64", ints((5,), 0, 255, np.uint8), np.int64), ("u64_f64", ints((3,), 0, 2**40, np.uint64), F64),
        ("i16_f16", ints((4,), -2000, 2000, np.int16), F16), ("bool_f32", rng.random((3, 3)) < 0.5, F32),
        ("bool_i64", rng.random((4,)) < 0.5, np.int64), ("i32_bool", ints((6,), -2, 2, np.int32), np.bool_),
        ("f32_scalar_i64", np.array(-7.9, F32), np.int64),
    ]
    for name, x, to in cases:
        w.add(f"cast_{name}", "cast", [x], [x.astype(to)], {"to": to}, *tol(to))


# ---- binary ------------------------------------------------------------------------------

# Broadcasting layouts: (shape of a, shape of b).
BROADCASTS = {
    "same": ((3, 4), (3, 4)),
    "scalar": ((3, 4), ()),
    "scalar_lhs": ((), (2, 5)),
    "row": ((3, 4), (4,)),
    "col": ((3, 1), (1, 4)),
    "expand": ((2, 1, 4), (3, 1)),
    "rank4": ((2, 3, 1, 5), (1, 4, 1)),
    "empty": ((0, 3), (3,)),
    "scalars": ((), ()),
}


def safe_int_range(dt, op):
    info = np.iinfo(dt)
    if op == "mul":
        return (0, 15) if info.min == 0 else (-11, 11)
    return (0, 100) if info.min == 0 else (-60, 60)


ARITH = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "maximum": np.maximum, "minimum": np.minimum,
}


def trunc_div(a, b):
    if a.dtype.kind == "f":
        return as64(a) / as64(b)
    if a.dtype.kind == "u":
        return a // b
    q = np.abs(a.astype(np.int64)) // np.abs(b.astype(np.int64))
    return q * np.sign(a.astype(np.int64)) * np.sign(b.astype(np.int64))


def add_binary(w, name, op, a, b, ref, attrs=None, out_dtype=None):
    with np.errstate(all="ignore"):
        y = np.asarray(ref(as64(a) if a.dtype.kind == "f" else a, as64(b) if b.dtype.kind == "f" else b))
    y = y.astype(out_dtype or a.dtype)
    w.add(name, op, [a, b], [y], attrs or {}, *tol(y.dtype))


def operands(dt, shapes, op, nonzero=False):
    if np.dtype(dt).kind == "f":
        a, b = uniform(shapes[0], -5, 5, dt), uniform(shapes[1], -5, 5, dt)
        if nonzero:
            b = np.where(np.abs(b) < 0.25, 1.5, b).astype(dt)
        return a, b
    lo, hi = safe_int_range(dt, op)
    a, b = ints(shapes[0], lo, hi, dt), ints(shapes[1], lo, hi, dt)
    if nonzero:
        b = np.where(b == 0, 3, b).astype(dt)
    return a, b


def gen_arith(w):
    for op, ref in list(ARITH.items()) + [("div", trunc_div)]:
        nz = op == "div"
        for layout, shapes in BROADCASTS.items():
            a, b = operands(F32, shapes, op, nz)
            add_binary(w, f"{op}_{layout}", op, a, b, ref)
        for dt in [F16, F64] + INTS:
            a, b = operands(dt, BROADCASTS["row"], op, nz)
            add_binary(w, f"{op}_{name_of(dt)}", op, a, b, ref)
    nan = np.array([np.nan, 1.0, np.nan, -np.inf, 0.0, -0.0], F32)
    other = np.array([2.0, np.nan, np.nan, 1.0, -0.0, 0.0], F32)
    for op in ["add", "sub", "mul", "maximum", "minimum"]:
        add_binary(w, f"{op}_specials", op, nan, other, ARITH[op])
    add_binary(w, "div_specials", "div", nan, other, trunc_div)
    add_binary(w, "div_by_zero_float", "div", np.array([1, -1, 0], F32), np.array([0.0, 0.0, 0.0], F32), trunc_div)
    a = ints((4, 4), -20, 20, np.int32)
    b = np.array([3, -3, 7, -1], np.int32)
    add_binary(w, "div_i32_signs", "div", a, b, trunc_div)
    add_binary(w, "div_int_min_by_minus_one", "div", np.array([-128, 127], np.int8), np.array([-1, -1], np.int8),
               trunc_div)
    for dt in [F32, F64, F16]:
        a = uniform((3, 4), -4, 4, dt)
        b = uniform((4,), -4, 4, dt)
        add_binary(w, f"atan2_{name_of(dt)}", "atan2", a, b, np.arctan2)
    z = np.array([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan], F32)
    zz = np.array([0.0, 0.0, -0.0, -0.0, np.inf, -np.inf, np.inf, 1.0, 1.0], F32)
    add_binary(w, "atan2_specials", "atan2", z, zz, np.arctan2)
    add_binary(w, "atan2_scalar", "atan2", uniform((2, 3), -1, 1), np.array(0.5, F32), np.arctan2)


def gen_mod(w):
    for fmod in (0, 1):
        ref = np.fmod if fmod else np.mod
        for dt in [F32, F64, F16]:
            a = uniform((3, 5), -10, 10, dt)
            b = np.where(np.abs(u := uniform((5,), -4, 4, dt)) < 0.5, 2.5, u).astype(dt)
            add_binary(w, f"mod_{name_of(dt)}_fmod{fmod}", "mod", a, b, ref, {"fmod": fmod})
        for dt in INTS:
            signed = np.iinfo(dt).min < 0
            a = ints((3, 4), -50 if signed else 0, 50 if signed else 200, dt)
            b = np.array([3, -4, 7, -1] if signed else [3, 4, 7, 1], dt)
            add_binary(w, f"mod_{name_of(dt)}_fmod{fmod}", "mod", a, b, ref, {"fmod": fmod})
        add_binary(w, f"mod_scalar_fmod{fmod}", "mod", np.array([-7, -6, 6, 7, 0], np.int64), np.array(-3, np.int64),
                   ref, {"fmod": fmod})
    add_binary(w, "mod_float_exact_multiple", "mod", np.array([-6.0, 6.0, -0.0], F32), np.array([3.0, -3.0, 2.0], F32),
               np.mod)


def gen_pow(w):
    pw = np.power
    add_binary(w, "pow_f32", "pow", uniform((3, 4), 0.1, 3), uniform((3, 4), -2, 2), pw)
    add_binary(w, "pow_f32_row", "pow", uniform((2, 3, 4), 0.1, 3), uniform((4,), -2, 2), pw)
    add_binary(w, "pow_f32_scalar_exp", "pow", uniform((5,), -3, 3), np.array(2.0, F32), pw)
    add_binary(w, "pow_f32_i64_exp", "pow", uniform((3, 4), -3, 3), ints((4,), -3, 3, np.int64), pw)
    add_binary(w, "pow_f32_i32_exp", "pow", uniform((6,), 0.5, 2), ints((6,), 0, 4, np.int32), pw)
    add_binary(w, "pow_f64", "pow", uniform((3, 4), 0.1, 3, F64), uniform((3, 4), -2, 2, F64), pw)
    add_binary(w, "pow_f16", "pow", uniform((8,), 0.1, 2, F16), uniform((8,), -2, 2, F16), pw)
    add_binary(w, "pow_f16_f32_exp", "pow", uniform((8,), 0.1, 2, F16), uniform((8,), -2, 2, F32), pw)
    add_binary(w, "pow_f64_f32_exp", "pow", uniform((2, 3), 0.1, 2, F64), uniform((3,), -2, 2, F32), pw)
    add_binary(w, "pow_i64", "pow", ints((3, 4), -5, 5, np.int64), ints((4,), 0, 5, np.int64), pw)
    add_binary(w, "pow_i32", "pow", ints((6,), -9, 9, np.int32), ints((6,), 0, 6, np.int32), pw)
    add_binary(w, "pow_specials", "pow", np.array([0.0, -0.0, np.inf, 2.0, np.nan, 1.0, -8.0], F32),
               np.array([0.0, -1.0, -1.0, np.inf, 0.0, np.nan, 1.0 / 3.0], F32), pw)


def gen_bits_logic(w):
    bit = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor}
    for op, ref in bit.items():
        for dt in INTS:
            info = np.iinfo(dt)
            a = ints((3, 4), max(info.min, -(2**40)), min(info.max, 2**40), dt)
            b = ints((4,), max(info.min, -(2**40)), min(info.max, 2**40), dt)
            add_binary(w, f"{op}_{name_of(dt)}", op, a, b, ref)
        add_binary(w, f"{op}_bool", op, rng.random((3, 1)) < 0.5, rng.random((1, 4)) < 0.5, ref)
    for direction in ("left", "right"):
        ref = np.left_shift if direction == "left" else np.right_shift
        for dt in UNSIGNED:
            bits = np.iinfo(dt).bits
            a = ints((3, 4), 0, np.iinfo(dt).max, dt)
            b = ints((4,), 0, bits - 1, dt)
            add_binary(w, f"bit_shift_{direction}_{name_of(dt)}", "bit_shift", a, b, ref, {"direction": direction})
        a = np.array([1, 255, 16, 3], np.uint8)
        add_binary(w, f"bit_shift_{direction}_scalar", "bit_shift", a, np.array(3, np.uint8), ref, {"direction": direction})
    logic = {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}
    for op, ref in logic.items():
        for layout in ["same", "scalar", "col", "expand"]:
            sa, sb = BROADCASTS[layout]
            add_binary(w, f"{op}_{layout}", op, rng.random(sa) < 0.5, rng.random(sb) < 0.5, ref)


def gen_compare(w):
    cmp = {"equal": np.equal, "not_equal": np.not_equal, "less": np.less, "less_equal": np.less_equal,
           "greater": np.greater, "greater_equal": np.greater_equal}
    for op, ref in cmp.items():
        for layout in ["same", "scalar", "row", "expand", "empty"]:
            sa, sb = BROADCASTS[layout]
            a, b = ints(sa, -3, 3, np.int32).astype(F32), ints(sb, -3, 3, np.int32).astype(F32)
            add_binary(w, f"{op}_{layout}", op, a, b, ref, out_dtype=np.bool_)
        for dt in [F16, F64] + INTS:
            lo = 0 if np.dtype(dt).kind == "u" else -3
            a, b = ints((3, 4), lo, 3, np.int64).astype(dt), ints((4,), lo, 3, np.int64).astype(dt)
            add_binary(w, f"{op}_{name_of(dt)}", op, a, b, ref, out_dtype=np.bool_)
        add_binary(w, f"{op}_bool", op, rng.random((3, 1)) < 0.5, rng.random((4,)) < 0.5, ref, out_dtype=np.bool_)
        s = np.array([np.nan, np.nan, 1.0, np.inf, -np.inf, 0.0, -0.0], F32)
        t = np.array([np.nan, 1.0, np.nan, np.inf, np.inf, -0.0, 0.0], F32)
        add_binary(w, f"{op}_specials", op, s, t, ref, out_dtype=np.bool_)
        big = np.array([2**63 - 1, 2**63, 2**64 - 1], np.uint64)
        add_binary(w, f"{op}_u64_large", op, big, big[::-1].copy(), ref, out_dtype=np.bool_)


def gen_prelu_where(w):
    def prelu(x, s):
        return np.where(x < 0, x * s, x)

    for name, xs, ss in [("channel", (2, 3, 4), (3, 1)), ("last", (2, 3, 4), (4,)), ("scalar", (2, 3), ()),
                         ("same", (3, 4), (3, 4)), ("rank1_1", (5,), (1,))]:
        add_binary(w, f"prelu_{name}", "prelu", uniform(xs, -3, 3), uniform(ss, 0, 0.5), prelu)
    add_binary(w, "prelu_f16", "prelu", uniform((2, 4), -3, 3, F16), uniform((4,), 0, 0.5, F16), prelu)
    add_binary(w, "prelu_f64", "prelu", uniform((2, 4), -3, 3, F64), uniform((4,), 0, 0.5, F64), prelu)
    add_binary(w, "prelu_i32", "prelu", ints((2, 4), -9, 9, np.int32), ints((4,), 0, 3, np.int32), prelu)

    for name, cs, xs, ys, dt in [("f32", (3, 4), (3, 4), (3, 4), F32), ("bcast", (3, 1), (1, 4), (), F32),
                                  ("expand", (2, 1, 1), (3, 1), (4,), F32), ("i64", (4,), (2, 4), (1,), np.int64),
                                  ("f16", (2, 3), (3,), (2, 1), F16), ("bool", (5,), (5,), (), np.bool_),
                                  ("u8", (2, 2), (2,), (2, 1), np.uint8), ("scalar", (), (), (), F64)]:
        c = rng.random(cs) < 0.5
        if dt == np.bool_:
            x, y = rng.random(xs) < 0.5, np.array(True)
        elif np.dtype(dt).kind == "f":
            x, y = uniform(xs, -5, 5, dt), uniform(ys, -5, 5, dt)
        else:
            x, y = ints(xs, 0, 100, dt), ints(ys, 0, 100, dt)
        out = np.where(c, x, y)
        w.add(f"where_{name}", "where", [c, x, y], [out], rtol=0, atol=0)


def generate(w):
    gen_unary(w)
    gen_predicates(w)
    gen_clip(w)
    gen_cast(w)
    gen_arith(w)
    gen_mod(w)
    gen_pow(w)
    gen_bits_logic(w)
    gen_compare(w)
    gen_prelu_where(w)
