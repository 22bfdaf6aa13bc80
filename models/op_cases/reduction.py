"""Reduction operator cases: reduce_* over axes, argmax/argmin, softmax/log_softmax, cumsum.

Float expectations are computed in float64 and rounded to the case's dtype once (weft
accumulates in double); integer ones are exact and wrap to the input dtype.
"""
import warnings

import numpy as np

from case_writer import name_of, tol


F16, F32, F64 = np.float16, np.float32, np.float64
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]

rng = np.random.default_rng(7)


def uniform(shape, lo, hi, dt=F32):
    return rng.uniform(lo, hi, size=shape).astype(dt)


def ints(shape, lo, hi, dt):
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)


def _max(x, axis, keepdims):
    if x.size == 0:  # NumPy refuses; weft gives -inf (floats) or the lowest value
        shape = np.sum(x, axis=axis, keepdims=keepdims).shape
        return np.full(shape, -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min, F64)
    return np.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis, keepdims):
    if x.size == 0:
        shape = np.sum(x, axis=axis, keepdims=keepdims).shape
        return np.full(shape, np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max, F64)
    return np.min(x, axis=axis, keepdims=keepdims)


def _lse(x, axis, keepdims):
    m = _max(x, axis, True)
    fin = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - fin), axis=axis, keepdims=True)) + fin
    s = np.where(np.isfinite(m), s, m)
    return s if keepdims else np.squeeze(s, axis=axis)


def _int_mean(x, axis, keepdims):
    s = np.sum(x.astype(np.int64), axis=axis, keepdims=keepdims)
    n = x.size // max(s.size, 1) if x.size else 0
    return np.where(s < 0, -((-s) // n), s // n) if n else np.zeros_like(s)


# name: (reference on float64 or int arrays, dtype families: "f" floats only, "n" also ints)
REDUCE = {
    "reduce_sum": (np.sum, "n"),
    "reduce_prod": (np.prod, "n"),
    "reduce_mean": (np.mean, "n"),
    "reduce_max": (_max, "n"),
    "reduce_min": (_min, "n"),
    "reduce_l1": (lambda x, axis, keepdims: np.sum(np.abs(x), axis=axis, keepdims=keepdims), "n"),
    "reduce_l2": (lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)), "f"),
    "reduce_log_sum": (lambda x, axis, keepdims: np.log(np.sum(x, axis=axis, keepdims=keepdims)), "f"),
    "reduce_log_sum_exp": (_lse, "f"),
    "reduce_sum_square": (lambda x, axis, keepdims: np.sum(x * x, axis=axis, keepdims=keepdims), "n"),
}

AXES = [[], [0], [1], [-1], [0, 2], [-3, -1], [2, 0, 1]]


def reduce_ref(op, x, axes, keepdims, noop=False):
    if not axes and noop:
        return x
    axis = tuple(axes) if axes else None
    fn = REDUCE[op][0]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice is NaN, as intended
        if x.dtype.kind == "f":
            y = fn(x.astype(F64), axis=axis, keepdims=keepdims)
        elif op == "reduce_mean":
            y = _int_mean(x, axis, keepdims)
        else:  # integers: exact in int64/uint64, wrapped to the dtype
            wide = np.uint64 if x.dtype.kind == "u" else np.int64
            y = fn(x.astype(wide), axis=axis, keepdims=keepdims)
    return np.asarray(y).astype(x.dtype)


def add_reduce(w, name, op, x, axes, keepdims=True, noop=None):
    attrs = {"axes": axes, "keepdims": keepdims}
    if noop is not None:
        attrs["noop_with_empty_axes"] = noop
    y = reduce_ref(op, x, axes, keepdims, bool(noop))
    w.add(name, op, [x], [y], attrs, *tol(x.dtype))


def gen_reduce(w):
    for op, (_, kinds) in REDUCE.items():
        lo, hi = (0.1, 2) if op == "reduce_log_sum" else (0.5, 1.5) if op == "reduce_prod" else (-3, 3)
        x = uniform((2, 3, 4), lo, hi)
        for axes in AXES:
            for keep in (True, False):
                tag = "all" if not axes else "_".join(str(a).replace("-", "m") for a in axes)
                add_reduce(w, f"{op}_{tag}_{'keep' if keep else 'drop'}", op, x, axes, keep)
        add_reduce(w, f"{op}_noop", op, x, [], True, noop=True)
        add_reduce(w, f"{op}_empty_axes_not_noop", op, x, [], False, noop=False)
        add_reduce(w, f"{op}_scalar", op, np.array(1.25, F32), [], False)
        add_reduce(w, f"{op}_rank1", op, uniform((7,), lo, hi), [0], False)
        add_reduce(w, f"{op}_rank4", op, uniform((2, 3, 2, 5), lo, hi), [1, 3], True)
        add_reduce(w, f"{op}_f16", op, uniform((4, 6), lo, hi, F16), [1], False)
        add_reduce(w, f"{op}_f64", op, uniform((3, 5), lo, hi, F64), [0], True)
        if op != "reduce_log_sum":
            add_reduce(w, f"{op}_empty_input", op, np.zeros((0, 3), F32), [0], False)
        if kinds == "n":
            for dt in INTS:
                signed = np.iinfo(dt).min < 0
                small = op in ("reduce_prod", "reduce_sum_square")
                lo_i, hi_i = (-3 if signed else 0, 3) if small else (-40 if signed else 0, 40)
                xi = ints((3, 4), lo_i, hi_i, dt)
                add_reduce(w, f"{op}_{name_of(dt)}", op, xi, [1], False)
                add_reduce(w, f"{op}_{name_of(dt)}_all", op, xi, [], True)
    # Large values: log_sum_exp must not overflow.
    add_reduce(w, "reduce_log_sum_exp_large", "reduce_log_sum_exp", uniform((3, 4), 500, 1000), [1], False)
    add_reduce(w, "reduce_log_sum_exp_very_negative", "reduce_log_sum_exp", uniform((3, 4), -1000, -500), [0], False)
    s = np.array([[1.0, np.nan, 2.0], [np.inf, 1.0, 0.0], [-np.inf, -np.inf, -np.inf], [3.0, -1.0, 0.5]], F32)
    for op in ["reduce_max", "reduce_min", "reduce_sum", "reduce_log_sum_exp"]:
        add_reduce(w, f"{op}_specials", op, s, [1], False)


def gen_arg(w):
    def ref(x, axis, keepdims, last, fn):
        if last:
            r = x.shape[axis] - 1 - fn(np.flip(x, axis=axis), axis=axis)
        else:
            r = fn(x, axis=axis)
        r = np.asarray(r, np.int64)
        return np.expand_dims(r, axis) if keepdims else r

    for op, fn in [("argmax", np.argmax), ("argmin", np.argmin)]:
        x = uniform((3, 4, 5), -5, 5)
        for axis in [0, 1, 2, -1, -3]:
            for keep in (True, False):
                w.add(f"{op}_ax{axis}_{'keep' if keep else 'drop'}".replace("-", "m"), op, [x],
                      [ref(x, axis, keep, False, fn)], {"axis": axis, "keepdims": keep})
        ties = ints((4, 6), 0, 2, np.int32)
        for last in (False, True):
            w.add(f"{op}_ties_last{int(last)}", op, [ties], [ref(ties, 1, True, last, fn)],
                  {"axis": 1, "keepdims": True, "select_last_index": last})
        w.add(f"{op}_default_attrs", op, [x], [ref(x, 0, True, False, fn)])
        for dt in [F16, F64, np.int8, np.uint8, np.int64, np.uint64]:
            xd = (uniform((3, 4), -5, 5, dt) if np.dtype(dt).kind == "f" else ints((3, 4), 0, 50, dt))
            w.add(f"{op}_{name_of(dt)}", op, [xd], [ref(xd, 1, False, False, fn)], {"axis": 1, "keepdims": False})
        b = rng.random((3, 5)) < 0.5
        w.add(f"{op}_bool", op, [b], [ref(b, 1, False, False, fn)], {"axis": 1, "keepdims": False})
        nan = np.array([[1.0, np.nan, 3.0, np.nan], [np.inf, 2.0, -np.inf, 0.0]], F32)
        w.add(f"{op}_nan", op, [nan], [ref(nan, 1, False, False, fn)], {"axis": 1, "keepdims": False})
        w.add(f"{op}_rank1", op, [x[0, 0]], [ref(x[0, 0], 0, False, False, fn)], {"axis": 0, "keepdims": False})


def gen_softmax(w):
    def ref(x, axis, log):
        x = x.astype(F64)
        d = x - np.max(x, axis=axis, keepdims=True)
        ls = np.log(np.sum(np.exp(d), axis=axis, keepdims=True))
        return d - ls if log else np.exp(d - ls)

    for op, log in [("softmax", False), ("log_softmax", True)]:
        x = uniform((2, 3, 4), -4, 4)
        for axis in [-1, 0, 1, 2, -2]:
            w.add(f"{op}_ax{axis}".replace("-", "m"), op, [x], [ref(x, axis, log).astype(F32)], {"axis": axis})
        w.add(f"{op}_default", op, [x], [ref(x, -1, log).astype(F32)])
        xl = uniform((3, 5), 500, 1000)
        w.add(f"{op}_large", op, [xl], [ref(xl, -1, log).astype(F32)], {"axis": -1})
        xh = uniform((4, 8), -3, 3, F16)
        w.add(f"{op}_f16", op, [xh], [ref(xh, -1, log).astype(F16)], {"axis": -1}, *tol(F16))
        xd = uniform((3, 7), -3, 3, F64)
        w.add(f"{op}_f64", op, [xd], [ref(xd, 0, log)], {"axis": 0}, *tol(F64))
        x1 = uniform((6,), -3, 3)
        w.add(f"{op}_rank1", op, [x1], [ref(x1, 0, log).astype(F32)], {"axis": 0})
        w.add(f"{op}_empty_rows", op, [np.zeros((0, 4), F32)], [np.zeros((0, 4), F32)], {"axis": -1})


def gen_cumsum(w):
    def ref(x, axis, exclusive, reverse):
        wide = F64 if x.dtype.kind == "f" else (np.uint64 if x.dtype.kind == "u" else np.int64)
        y = x.astype(wide)
        if reverse:
            y = np.flip(y, axis)
        c = np.cumsum(y, axis=axis)
        if exclusive:
            c = c - y
        if reverse:
            c = np.flip(c, axis)
        return c.astype(x.dtype)

    x = uniform((3, 4, 5), -3, 3)
    for axis in [0, 1, 2, -1]:
        for exclusive in (False, True):
            for reverse in (False, True):
                name = f"cumsum_ax{axis}_ex{int(exclusive)}_rev{int(reverse)}".replace("-", "m")
                w.add(name, "cumsum", [x], [ref(x, axis, exclusive, reverse)],
                      {"axis": axis, "exclusive": exclusive, "reverse": reverse})
    w.add("cumsum_default", "cumsum", [x], [ref(x, 0, False, False)])
    for dt in [F16, F64] + INTS:
        signed = np.dtype(dt).kind != "u"
        xd = uniform((4, 6), -3, 3, dt) if np.dtype(dt).kind == "f" else ints((4, 6), -5 if signed else 0, 10, dt)
        for exclusive, reverse in [(False, False), (True, True)]:
            w.add(f"cumsum_{name_of(dt)}_ex{int(exclusive)}_rev{int(reverse)}", "cumsum", [xd],
                  [ref(xd, 1, exclusive, reverse)], {"axis": 1, "exclusive": exclusive, "reverse": reverse}, *tol(dt))
    w.add("cumsum_rank1", "cumsum", [x[0, 0]], [ref(x[0, 0], 0, False, False)], {"axis": 0})
    w.add("cumsum_empty", "cumsum", [np.zeros((2, 0), F32)], [np.zeros((2, 0), F32)], {"axis": 1})


def generate(w):
    gen_reduce(w)
    gen_arg(w)
    gen_softmax(w)
    gen_cumsum(w)
