"""Shape-family cases: reshape, flatten, (un)squeeze, transpose, expand, concat, split, slice,
gather*, scatter*, tile, pad, shape, size, depth_to_space, space_to_depth (ONNX semantics)."""
import numpy as np

I64MAX = np.iinfo(np.int64).max
I64MIN = np.iinfo(np.int64).min
DTYPES = [np.float32, np.int64, np.bool_, np.float16, np.uint8]


def make(rng, shape, dt):
    dt = np.dtype(dt)
    if dt == np.bool_:
        return rng.random(shape) > 0.5
    if dt.kind == "f":
        return rng.standard_normal(shape).astype(dt)
    if dt.kind == "u":
        return rng.integers(0, 250, shape).astype(dt)
    return rng.integers(-50, 50, shape).astype(dt)


def i64(v):
    return np.array(v, dtype=np.int64)


def tag(dt):
    return np.dtype(dt).name


def views(w, rng):
    # reshape: 0 copies a dim, -1 is inferred, allowzero keeps a 0.
    for dt in DTYPES:
        x = make(rng, (2, 3, 4), dt)
        w.add(f"reshape_{tag(dt)}", "reshape", [x, i64([4, -1])], [x.reshape(4, 6)])
    x = make(rng, (2, 3, 4), np.float32)
    w.add("reshape_zero_copies", "reshape", [x, i64([0, 0, -1, 2])], [x.reshape(2, 3, 2, 2)])
    w.add("reshape_i32_shape", "reshape", [x, np.array([-1, 12], np.int32)], [x.reshape(2, 12)])
    w.add("reshape_to_scalar", "reshape", [x[:1, :1, :1], i64([])], [x[:1, :1, :1].reshape(())])
    w.add("reshape_from_scalar", "reshape", [np.float32(3.5), i64([1, 1])], [np.full((1, 1), 3.5, np.float32)])
    e = np.zeros((2, 0, 3), np.float32)
    w.add("reshape_allowzero", "reshape", [e, i64([3, 0, 2])], [e.reshape(3, 0, 2)], {"allowzero": True})
    w.add("reshape_empty_infer", "reshape", [e, i64([0, -1, 3])], [e.reshape(2, 0, 3)])

    for axis in [0, 1, -1, 3, -3]:
        x = make(rng, (2, 3, 2), np.float16 if axis == -1 else np.float32)
        a = axis + 3 if axis < 0 else axis
        outer = int(np.prod(x.shape[:a]))
        w.add(f"flatten_axis{axis}", "flatten", [x], [x.reshape(outer, -1)], {"axis": axis})
    x = make(rng, (2, 3), np.bool_)
    w.add("flatten_default_bool", "flatten", [x], [x.reshape(2, 3)])

    x = make(rng, (1, 3, 1, 2), np.float32)
    w.add("squeeze_all", "squeeze", [x], [np.squeeze(x)])
    w.add("squeeze_neg_axes", "squeeze", [x], [np.squeeze(x, axis=(0, 2))], {"axes": [0, -2]})
    xb = make(rng, (3, 1), np.bool_)
    w.add("squeeze_bool", "squeeze", [xb], [xb[:, 0]], {"axes": [1]})
    w.add("squeeze_empty", "squeeze", [np.zeros((0, 1), np.int64)], [np.zeros((0,), np.int64)], {"axes": [-1]})

    x = make(rng, (2, 3), np.int64)
    w.add("unsqueeze_front", "unsqueeze", [x], [x[None]], {"axes": [0]})
    w.add("unsqueeze_neg", "unsqueeze", [x], [x[:, :, None]], {"axes": [-1]})
    w.add("unsqueeze_two", "unsqueeze", [x], [x[:, None, :, None]], {"axes": [3, 1]})
    w.add("unsqueeze_scalar", "unsqueeze", [np.float16(2.0)], [np.full((1,), 2.0, np.float16)], {"axes": [0]})

    for dt in DTYPES:
        x = make(rng, (2, 3, 4, 5), dt)
        w.add(f"transpose_{tag(dt)}", "transpose", [x], [x.transpose(2, 0, 3, 1)], {"perm": [2, 0, -1, 1]})
    x = make(rng, (2, 3, 4), np.float32)
    w.add("transpose_reverse", "transpose", [x], [x.transpose()])
    x = np.zeros((0, 3), np.float32)
    w.add("transpose_empty", "transpose", [x], [x.T], {"perm": [1, 0]})

    # expand: bidirectional broadcasting, the shape may be shorter or hold 1s.
    for name, xs, shape in [("grow", (3, 1), [2, 3, 4]), ("bidir", (3, 1), [2, 1, 4]), ("short", (2, 3, 4), [4]),
                            ("ones", (2, 3), [1, 1]), ("empty", (1, 1), [0, 5]), ("scalar", (), [2, 2])]:
        for dt in ([np.float32, np.bool_, np.float16, np.uint8, np.int64] if name == "grow" else [np.float32]):
            x = make(rng, xs, dt)
            out = np.broadcast_to(x, np.broadcast_shapes(x.shape, tuple(shape)))
            w.add(f"expand_{name}_{tag(dt)}", "expand", [x, i64(shape)], [out])

    for dt in [np.float32, np.bool_]:
        x = make(rng, (2, 3, 4), dt)
        w.add(f"shape_{tag(dt)}", "shape", [x], [i64(x.shape)])
    x = make(rng, (2, 3, 4, 5), np.float32)
    for s, e in [(1, None), (0, -1), (-10, 2), (-2, 100), (3, 1)]:
        attrs = {"start": s} if e is None else {"start": s, "end": e}
        r = len(x.shape)
        lo = max(0, s + r) if s < 0 else min(s, r)
        hi = r if e is None else (max(0, e + r) if e < 0 else min(e, r))
        w.add(f"shape_s{s}_e{e}".replace("-", "m"), "shape", [x], [i64(x.shape[lo:max(lo, hi)])], attrs)
    for xs, dt in [((2, 3), np.float32), ((), np.int64), ((4, 0), np.bool_), ((5,), np.float16)]:
        w.add(f"size_{len(xs)}d_{tag(dt)}", "size", [make(rng, xs, dt)], [np.int64(int(np.prod(xs)))])

    # depth_to_space / space_to_depth, from the formulas in the ONNX spec.
    b = 2
    for dt in [np.float32, np.int64, np.float16]:
        x = make(rng, (2, 8, 2, 3), dt)
        n, c, h, wd = x.shape
        dcr = x.reshape(n, b, b, c // 4, h, wd).transpose(0, 3, 4, 1, 5, 2).reshape(n, c // 4, h * b, wd * b)
        crd = x.reshape(n, c // 4, b, b, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // 4, h * b, wd * b)
        w.add(f"depth_to_space_dcr_{tag(dt)}", "depth_to_space", [x], [dcr], {"blocksize": b})
        w.add(f"depth_to_space_crd_{tag(dt)}", "depth_to_space", [x], [crd], {"blocksize": b, "mode": "CRD"})
        y = make(rng, (2, 3, 4, 6), dt)
        n, c, h, wd = y.shape
        s2d = y.reshape(n, c, h // b, b, wd // b, b).transpose(0, 3, 5, 1, 2, 4).reshape(n, c * 4, h // b, wd // b)
        w.add(f"space_to_depth_{tag(dt)}", "space_to_depth", [y], [s2d], {"blocksize": b})
    x = make(rng, (1, 9, 1, 2), np.uint8)
    n, c, h, wd = x.shape
    w.add("depth_to_space_b3", "depth_to_space", [x],
          [x.reshape(n, 3, 3, 1, h, wd).transpose(0, 3, 4, 1, 5, 2).reshape(n, 1, 3, 6)], {"blocksize": 3})


def joins(w, rng):
    for dt in DTYPES:
        xs = [make(rng, (2, k, 3), dt) for k in (1, 2, 3)]
        w.add(f"concat_{tag(dt)}", "concat", xs, [np.concatenate(xs, axis=1)], {"axis": 1})
    xs = [make(rng, (2, 3), np.float32), make(rng, (2, 0), np.float32), make(rng, (2, 1), np.float32)]
    w.add("concat_neg_axis_empty", "concat", xs, [np.concatenate(xs, axis=-1)], {"axis": -1})
    x = make(rng, (4,), np.int64)
    w.add("concat_single", "concat", [x], [x], {"axis": 0})
    xs = [make(rng, (0, 2), np.float32), make(rng, (3, 2), np.float32)]
    w.add("concat_axis0", "concat", xs, [np.concatenate(xs)], {"axis": 0})

    for dt in DTYPES:
        x = make(rng, (2, 6), dt)
        w.add(f"split_sizes_{tag(dt)}", "split", [x, i64([2, 3, 1])], np.split(x, [2, 5], axis=1), {"axis": -1})
    x = make(rng, (7, 2), np.float32)
    w.add("split_num_uneven", "split", [x], np.split(x, [3, 6]), {"num_outputs": 3})
    x = make(rng, (3, 6), np.float16)
    w.add("split_num_even", "split", [x], np.split(x, 2, axis=1), {"axis": 1, "num_outputs": 2})
    x = make(rng, (4, 3), np.float32)
    w.add("split_zero_part", "split", [x, np.array([0, 4], np.int32)], [x[:0], x], {"axis": 0})
    w.add("split_one", "split", [x, i64([3])], [x], {"axis": 1})

    for dt in [np.float32, np.bool_, np.float16]:
        x = make(rng, (2, 3), dt)
        w.add(f"tile_{tag(dt)}", "tile", [x, i64([2, 3])], [np.tile(x, (2, 3))])
    x = make(rng, (2, 1, 3), np.int64)
    w.add("tile_zero", "tile", [x, i64([1, 0, 2])], [np.tile(x, (1, 0, 2))])
    w.add("tile_i32", "tile", [x, np.array([3, 2, 1], np.int32)], [np.tile(x, (3, 2, 1))])
    w.add("tile_scalar", "tile", [np.float32(1.5), i64([])], [np.float32(1.5)])


def onnx_slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        d = x.shape[a]
        s = s + d if s < 0 else s
        e = e + d if e < 0 else e
        if st > 0:
            s, e = min(max(s, 0), d), min(max(e, 0), d)
        else:
            s, e = min(max(s, 0), d - 1), min(max(e, -1), d - 1)
        idx[a] = slice(s, None if e < 0 else e, st)
    return x[tuple(idx)]


def slices(w, rng):
    cases = [
        ("basic", (5, 4), [1], [3], None, None),
        ("reverse_all", (5, 4), [-1], [I64MIN], [0], [-1]),
        ("neg_step2_clamped", (6, 5), [10, -1], [-100, 0], [1, 0], [-2, -2]),
        ("clamp_out_of_range", (4, 3), [-100, 1], [100, I64MAX], [0, 1], None),
        ("neg_axes", (3, 4, 5), [1, -3], [-1, 5], [-1, 0], [2, 1]),
        ("empty_result", (4, 4), [3], [1], [1], [1]),
        ("neg_step_empty", (4, 4), [0], [3], [0], [-1]),
        ("open_end_step3", (10,), [1], [I64MAX], [0], [3]),
        ("steps_only_neg", (3, 5), [4], [-6], [1], [-1]),
    ]
    for name, xs, st, en, ax, sp in cases:
        x = make(rng, xs, np.float32)
        ins = [x, i64(st), i64(en)]
        if ax is not None:
            ins.append(i64(ax))
        if sp is not None:
            ins.append(i64(sp))
        w.add(f"slice_{name}", "slice", ins, [onnx_slice(x, st, en, ax, sp)])
    for dt in DTYPES:
        x = make(rng, (4, 5, 3), dt)
        st, en, ax, sp = [3, 1], [0, -1], [0, -2], [-1, 2]
        w.add(f"slice_{tag(dt)}", "slice", [x, i64(st), i64(en), i64(ax), i64(sp)], [onnx_slice(x, st, en, ax, sp)])
    x = make(rng, (6, 2), np.int64)
    w.add("slice_i32", "slice", [x, np.array([1], np.int32), np.array([5], np.int32), np.array([0], np.int32)],
          [x[1:5]])
    x = np.zeros((0, 3), np.float32)
    w.add("slice_empty_dim", "slice", [x, i64([0, 1]), i64([2, 3])], [x[0:2, 1:3]])


def onnx_gather_nd(x, idx, b):
    bshape = x.shape[:b]
    xb = x.reshape((-1,) + x.shape[b:])
    ib = idx.reshape((-1,) + idx.shape[b:])
    out = []
    for n in range(xb.shape[0]):
        rows = ib[n].reshape(-1, idx.shape[-1])
        out.append(np.stack([xb[n][tuple(r)] for r in rows]) if len(rows) else
                   np.zeros((0,) + x.shape[b + idx.shape[-1]:], x.dtype))
    return np.stack(out).reshape(bshape + idx.shape[b:-1] + x.shape[b + idx.shape[-1]:])


def element_index(idx, axis):
    coords = list(np.indices(idx.shape))
    coords[axis] = idx
    return tuple(coords)


UFUNC = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


def gathers(w, rng):
    for dt in DTYPES:
        x = make(rng, (4, 3), dt)
        idx = i64([[0, -1], [2, -4]])
        w.add(f"gather_{tag(dt)}", "gather", [x, idx], [np.take(x, idx, axis=0)])
    x = make(rng, (2, 5, 3), np.float32)
    w.add("gather_axis1_neg", "gather", [x, i64([4, -5, 0])], [np.take(x, [4, -5, 0], axis=1)], {"axis": 1})
    w.add("gather_scalar_index", "gather", [x, np.int64(-1)], [x[..., -1]], {"axis": -1})
    w.add("gather_i32_index", "gather", [x, np.array([[1], [0]], np.int32)], [np.take(x, [[1], [0]], axis=0)])
    w.add("gather_empty_index", "gather", [x, i64([])], [np.take(x, [], axis=1).astype(np.float32)], {"axis": 1})

    for dt in [np.float32, np.int64, np.bool_, np.float16]:
        x = make(rng, (3, 4), dt)
        idx = rng.integers(-3, 3, (2, 4)).astype(np.int64)
        w.add(f"gather_elements_{tag(dt)}", "gather_elements", [x, idx],
              [np.take_along_axis(x, np.where(idx < 0, idx + 3, idx), 0)])
    x = make(rng, (3, 4, 2), np.float32)
    idx = rng.integers(-4, 4, (2, 5, 2)).astype(np.int64)
    w.add("gather_elements_smaller", "gather_elements", [x, idx],
          [np.take_along_axis(x[:2], np.where(idx < 0, idx + 4, idx), 1)], {"axis": -2})

    x = make(rng, (3, 4, 2), np.float32)
    for name, idx, b in [("points", i64([[0, 1, 1], [-1, -1, 0]]), 0), ("rows", i64([[[1], [-3]]]), 0),
                         ("pairs", i64([[2, 3], [0, 0], [1, -2]]), 0),
                         ("batch1", i64([[[1, 0], [3, 1]], [[0, 1], [2, 0]], [[-1, -1], [0, 0]]]), 1),
                         ("batch1_rows", i64([[2], [0], [-1]]), 1)]:
        w.add(f"gather_nd_{name}", "gather_nd", [x, idx], [onnx_gather_nd(x, idx, b)], {"batch_dims": b})
    xb = make(rng, (2, 3), np.bool_)
    w.add("gather_nd_bool", "gather_nd", [xb, i64([[1, 2], [0, 0]])], [xb[[1, 0], [2, 0]]])

    # scatter_elements: unique targets for "none", duplicates for the reductions.
    x = make(rng, (3, 4), np.float32)
    idx = i64([[1, 0, 2, -1], [0, 2, -3, 1]])
    upd = make(rng, (2, 4), np.float32)
    out = x.copy()
    out[element_index(np.where(idx < 0, idx + 3, idx), 0)] = upd
    w.add("scatter_elements_none", "scatter_elements", [x, idx, upd], [out])
    for dt in [np.float32, np.int64, np.float16, np.bool_, np.uint8]:
        x = make(rng, (3, 4), dt)
        idx = rng.integers(-4, 4, (3, 3)).astype(np.int64)
        upd = make(rng, (3, 3), dt)
        for red in ["add", "mul", "max", "min"]:
            if dt == np.bool_ and red in ("add", "mul"):
                continue
            out = x.copy()
            UFUNC[red].at(out, element_index(np.where(idx < 0, idx + 4, idx), 1), upd)
            w.add(f"scatter_elements_{red}_{tag(dt)}", "scatter_elements", [x, idx, upd], [out],
                  {"axis": -1, "reduction": red}, rtol=1e-3, atol=1e-3)

    x = make(rng, (4, 3), np.float32)
    idx = i64([[1], [-1]])
    upd = make(rng, (2, 3), np.float32)
    out = x.copy()
    out[[1, 3]] = upd
    w.add("scatter_nd_rows", "scatter_nd", [x, idx, upd], [out])
    for dt in [np.float32, np.int64, np.float16, np.uint8]:
        x = make(rng, (3, 4), dt)
        idx = i64([[0, 1], [2, -1], [0, 1], [-3, 1]])
        upd = make(rng, (4,), dt)
        for red in ["add", "mul", "max", "min"]:
            out = x.copy()
            UFUNC[red].at(out, (np.array([0, 2, 0, 0]), np.array([1, 3, 1, 1])), upd)
            w.add(f"scatter_nd_{red}_{tag(dt)}", "scatter_nd", [x, idx, upd], [out], {"reduction": red},
                  rtol=1e-3, atol=1e-3)
    xb = make(rng, (2, 2, 2), np.bool_)
    out = xb.copy()
    out[1, 0] = [True, False]
    w.add("scatter_nd_bool", "scatter_nd", [xb, i64([[1, 0]]), np.array([[True, False]])], [out])


def pads(w, rng):
    def ref(x, p, mode, value=0):
        r = x.ndim
        pos = [(max(p[i], 0), max(p[i + r], 0)) for i in range(r)]
        y = np.pad(x, pos, mode=mode, constant_values=value) if mode == "constant" else np.pad(x, pos, mode=mode)
        sl = tuple(slice(-min(p[i], 0), y.shape[i] + min(p[i + r], 0)) for i in range(r))
        return y[sl]

    for dt in DTYPES:
        x = make(rng, (2, 3), dt)
        v = np.array(make(rng, (), dt))
        w.add(f"pad_constant_value_{tag(dt)}", "pad", [x, i64([1, 0, 2, 2]), v], [ref(x, [1, 0, 2, 2], "constant", v)])
    for mode in ["constant", "reflect", "edge"]:
        x = make(rng, (3, 4), np.float32)
        for name, p in [("grow", [1, 2, 2, 1]), ("crop", [-1, 2, 1, -2]), ("zero", [0, 0, 0, 0])]:
            w.add(f"pad_{mode}_{name}", "pad", [x, i64(p)], [ref(x, p, mode)], {"mode": mode})
    x = make(rng, (3,), np.int64)
    w.add("pad_reflect_wide", "pad", [x, i64([5, 4])], [ref(x, [5, 4], "reflect")], {"mode": "reflect"})
    x = make(rng, (2, 2, 3), np.float16)
    w.add("pad_edge_3d", "pad", [x, i64([0, 1, 2, 1, 0, 1])], [ref(x, [0, 1, 2, 1, 0, 1], "edge")], {"mode": "edge"})
    x = make(rng, (1, 2), np.bool_)
    w.add("pad_reflect_bool", "pad", [x, i64([0, 1, 0, 1])], [ref(x, [0, 1, 0, 1], "reflect")], {"mode": "reflect"})
    x = np.zeros((0, 2), np.float32)
    w.add("pad_constant_empty", "pad", [x, i64([1, 0, 1, 1])], [ref(x, [1, 0, 1, 1], "constant")])


def generate(w):
    rng = np.random.default_rng(20240611)
    views(w, rng)
    joins(w, rng)
    slices(w, rng)
    gathers(w, rng)
    pads(w, rng)
