"""Misc-family cases: range, one_hot, non_zero, trilu, topk, sort, resize (ONNX semantics).

Resize: torch.nn.functional.interpolate is the oracle where its modes agree with ONNX's
(linear/bilinear/trilinear/bicubic with half_pixel or align_corners); nearest modes and the
rest use resize_ref below, a direct float64 transcription of the ONNX Resize formulas."""
import numpy as np
import torch
import torch.nn.functional as F

from shape import make, i64, tag


def ranges(w, rng):
    for name, s, l, d, dt in [("i64", 2, 11, 3, np.int64), ("neg_delta", 5, -4, -2, np.int64), ("empty", 5, 1, 1, np.int64),
                              ("f32", 0.5, 2.3, 0.4, np.float32), ("f32_neg", 1.0, -1.0, -0.25, np.float32),
                              ("i32", -3, 4, 2, np.int32), ("f16", 0, 3, 0.5, np.float16), ("f64", 1, 2, 0.1, np.float64)]:
        n = max(int(np.ceil((float(dt(l)) - float(dt(s))) / float(dt(d)))), 0)
        out = (np.float64(dt(s)) + np.arange(n) * np.float64(dt(d))).astype(dt)
        w.add(f"range_{name}", "range", [dt(s), dt(l), dt(d)], [out], rtol=1e-3 if dt == np.float16 else 1e-5)


def one_hots(w, rng):
    def ref(idx, depth, vals, axis):
        idx = np.asarray(idx).astype(np.int64)
        idx = np.where(idx < 0, idx + depth, idx)
        hot = idx[..., None] == np.arange(depth)
        out = np.where(hot, vals[1], vals[0]).astype(vals.dtype)
        return np.moveaxis(out, -1, axis if axis >= 0 else axis + out.ndim)

    idx = i64([[0, 2, -1], [4, -5, 9]])  # 9 and -5 are out of range: all "off"
    for axis in [-1, 0, 1, -2]:
        vals = np.array([0, 1], np.float32)
        w.add(f"one_hot_axis{axis}", "one_hot", [idx, np.int64(4), vals], [ref(idx, 4, vals, axis)], {"axis": axis})
    for dt in [np.int64, np.bool_, np.float16, np.uint8]:
        vals = np.array([2, 7] if dt != np.bool_ else [False, True], dt)
        w.add(f"one_hot_values_{tag(dt)}", "one_hot", [i64([1, 0, 3]), i64([3]), vals], [ref([1, 0, 3], 3, vals, -1)])
    fidx = np.array([1.0, 2.0, 0.0], np.float32)
    vals = np.array([-1, 1], np.float32)
    w.add("one_hot_float_indices", "one_hot", [fidx, np.float32(3), vals], [ref(fidx, 3, vals, -1)])
    w.add("one_hot_scalar_index", "one_hot", [np.int32(2), np.int64(3), vals], [ref(np.int32(2), 3, vals, -1)])


def non_zeros(w, rng):
    x = make(rng, (3, 4), np.float32)
    x[x < 0.3] = 0
    x[0, 0] = -0.0
    w.add("non_zero_f32", "non_zero", [x], [np.array(np.nonzero(x), np.int64)])
    for dt in [np.bool_, np.int64, np.float16, np.uint8]:
        x = make(rng, (2, 3, 2), dt)
        if dt != np.bool_:
            x[x.astype(np.float64) < 10 if dt != np.float16 else x < 0] = 0
        w.add(f"non_zero_{tag(dt)}", "non_zero", [x], [np.array(np.nonzero(x), np.int64)])
    w.add("non_zero_none", "non_zero", [np.zeros((2, 2), np.int64)], [np.zeros((2, 0), np.int64)])
    w.add("non_zero_1d", "non_zero", [np.array([0, 3, 0, 1], np.int32)], [i64([[1, 3]])])


def trilus(w, rng):
    for dt in [np.float32, np.int64, np.bool_, np.float16]:
        x = make(rng, (2, 3, 4), dt)
        w.add(f"trilu_upper_{tag(dt)}", "trilu", [x], [np.triu(x)])
        w.add(f"trilu_lower_{tag(dt)}", "trilu", [x], [np.tril(x)], {"upper": False})
    x = make(rng, (5, 3), np.float32)
    for k in [-6, -1, 1, 2, 4]:
        w.add(f"trilu_upper_k{k}".replace("-", "m"), "trilu", [x, np.int64(k)], [np.triu(x, k)])
        w.add(f"trilu_lower_k{k}".replace("-", "m"), "trilu", [x, i64([k])], [np.tril(x, k)], {"upper": False})
    x = np.zeros((0, 3, 3), np.float32)
    w.add("trilu_empty", "trilu", [x], [x])


def stable_sort(x, axis, descending):
    """(values, indices) of a stable sort; equal values keep the lower index first."""
    if not descending:
        idx = np.argsort(x, axis=axis, kind="stable")
    else:
        n = x.shape[axis]
        rev = np.flip(x, axis)
        idx = n - 1 - np.flip(np.argsort(rev, axis=axis, kind="stable"), axis)
    return np.take_along_axis(x, idx, axis), idx.astype(np.int64)


def sorts(w, rng):
    for dt in [np.float32, np.int64, np.float16, np.uint8]:
        x = rng.integers(0, 5, (3, 6)).astype(dt)  # small range: many ties
        for largest in [True, False]:
            v, i = stable_sort(x, -1, largest)
            w.add(f"topk_{'largest' if largest else 'smallest'}_{tag(dt)}", "topk", [x, i64([3])],
                  [v[:, :3], i[:, :3]], {"largest": largest})
    x = make(rng, (5, 2, 3), np.float32)
    v, i = stable_sort(x, 0, True)
    w.add("topk_axis0", "topk", [x, np.int64(2)], [v[:2], i[:2]], {"axis": 0})
    v, i = stable_sort(x, 1, False)
    w.add("topk_all_neg_axis", "topk", [x, i64([2])], [v, i], {"axis": -2, "largest": False})
    w.add("topk_zero", "topk", [x, i64([0])], [v[:, :0], i[:, :0]], {"axis": 1})

    for dt in [np.float32, np.int64, np.float16, np.uint8, np.bool_]:
        x = rng.integers(0, 4, (4, 5)).astype(dt)
        for desc in [False, True]:
            v, i = stable_sort(x, -1, desc)
            w.add(f"sort_{'desc' if desc else 'asc'}_{tag(dt)}", "sort", [x], [v, i], {"descending": desc})
    x = make(rng, (4, 3), np.float32)
    x[1, 0] = np.nan
    v, i = stable_sort(x, 0, False)
    w.add("sort_axis0_nan", "sort", [x], [v, i], {"axis": 0})
    v, i = stable_sort(x, 0, True)
    w.add("sort_axis0_nan_desc", "sort", [x], [v, i], {"axis": -2, "descending": True})
    x = np.zeros((2, 0), np.float32)
    w.add("sort_empty", "sort", [x], [x, np.zeros((2, 0), np.int64)])


# ---- resize ----

def coord(o, n_in, n_out, scale, ctm, roi_s, roi_e):
    x = float(o)
    if ctm == "half_pixel":
        return (x + 0.5) / scale - 0.5
    if ctm == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if n_out > 1 else 0.0
    if ctm == "align_corners":
        return 0.0 if n_out == 1 else x * float(n_in - 1) / float(n_out - 1)
    if ctm == "asymmetric":
        return x / scale
    if ctm == "tf_half_pixel_for_nn":
        return (x + 0.5) / scale
    assert ctm == "tf_crop_and_resize"
    if n_out == 1:
        return 0.5 * (roi_s + roi_e) * float(n_in - 1)
    return roi_s * float(n_in - 1) + x * (roi_e - roi_s) * float(n_in - 1) / float(n_out - 1)


def round_nearest(x, mode):
    f = np.floor(x)
    if mode == "floor":
        return int(f)
    if mode == "ceil":
        return int(np.ceil(x))
    if x - f == 0.5:
        return int(f + 1 if mode == "round_prefer_ceil" else f)
    return int(np.floor(x + 0.5))


def cubic_coeffs(r, A):
    s = 1 - r
    return [((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A, ((A + 2) * r - (A + 3)) * r * r + 1,
            ((A + 2) * s - (A + 3)) * s * s + 1, ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A]


def resize_ref(x, scales=None, sizes=None, roi=None, mode="nearest", ctm="half_pixel", nearest_mode="round_prefer_floor",
               A=-0.75, exclude_outside=0, extrapolation_value=0.0):
    r = x.ndim
    if sizes is None:
        scales = [float(np.float32(s)) for s in scales]
        sizes = [int(np.floor(float(d) * s)) for d, s in zip(x.shape, scales)]
    else:
        scales = [float(o) / float(d) for o, d in zip(sizes, x.shape)]
    roi = [0.0] * r + [1.0] * r if roi is None else [float(np.float32(v)) for v in roi]
    crop = ctm == "tf_crop_and_resize"
    coords = [[coord(o, x.shape[a], sizes[a], scales[a], ctm, roi[a], roi[a + r]) for o in range(sizes[a])] for a in range(r)]
    outside = [np.array([crop and (c < 0 or c > x.shape[a] - 1) for c in coords[a]], bool) for a in range(r)]
    if mode == "nearest":
        maps = [[min(max(round_nearest(c, nearest_mode), 0), x.shape[a] - 1) for c in coords[a]] for a in range(r)]
        out = x[np.ix_(*[np.array(m, np.int64) for m in maps])]
    else:
        out = x.astype(np.float64)
        for a in range(r):
            n = x.shape[a]
            W = np.zeros((sizes[a], n))
            for o, c in enumerate(coords[a]):
                f = np.floor(c)
                ratio = c - f
                if mode == "linear":
                    taps = [(int(f), 1 - ratio), (int(f) + 1, ratio)]
                else:
                    taps = [(int(f) - 1 + k, wk) for k, wk in enumerate(cubic_coeffs(ratio, A))]
                if exclude_outside:
                    taps = [(i, wk if 0 <= i < n else 0.0) for i, wk in taps]
                    tot = sum(wk for _, wk in taps)
                    taps = [(i, wk / tot) for i, wk in taps]
                for i, wk in taps:
                    W[o, min(max(i, 0), n - 1)] += wk
            out = np.moveaxis(np.tensordot(W, np.moveaxis(out, a, 0), axes=1), 0, a)
        out = out.astype(x.dtype)
    if crop:
        mask = np.zeros(out.shape, bool)
        for a in range(r):
            shape = [1] * r
            shape[a] = -1
            mask |= outside[a].reshape(shape)
        out = np.where(mask, np.array(extrapolation_value).astype(x.dtype), out)
    return out


def add_resize(w, name, x, out, scales=None, sizes=None, roi=None, rtol=1e-4, atol=1e-5, **attrs):
    empty = np.zeros((0,), np.float32)
    ins = [x, empty if roi is None else np.array(roi, np.float32),
           empty if scales is None else np.array(scales, np.float32)]
    if sizes is not None:
        ins.append(i64(sizes))
    w.add(f"resize_{name}", "resize", ins, [out], attrs, rtol=rtol, atol=atol)


def resizes(w, rng):
    # nearest: every rounding mode and coordinate transform, up and down, scales and sizes.
    x = make(rng, (1, 2, 4, 5), np.float32)
    for ctm in ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"]:
        for nm in ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]:
            kw = dict(mode="nearest", coordinate_transformation_mode=ctm, nearest_mode=nm)
            ref = dict(mode="nearest", ctm=ctm, nearest_mode=nm)
            add_resize(w, f"nearest_up_{ctm}_{nm}", x, resize_ref(x, scales=[1, 1, 2, 1.5], **ref),
                       scales=[1, 1, 2, 1.5], **kw)
            add_resize(w, f"nearest_down_{ctm}_{nm}", x, resize_ref(x, sizes=[1, 2, 3, 2], **ref), sizes=[1, 2, 3, 2], **kw)
    for dt in [np.uint8, np.int64, np.float16, np.bool_]:
        y = make(rng, (2, 3, 3), dt)
        add_resize(w, f"nearest_{tag(dt)}", y, resize_ref(y, sizes=[2, 5, 2]), sizes=[2, 5, 2])
    y = make(rng, (6,), np.int64)
    add_resize(w, "nearest_1d_scale_down", y, resize_ref(y, scales=[0.6], nearest_mode="floor", ctm="asymmetric"),
               scales=[0.6], nearest_mode="floor", coordinate_transformation_mode="asymmetric")

    # linear / cubic against torch where the modes agree.
    def torch_resize(x, size, mode, align):
        return F.interpolate(torch.from_numpy(x), size=size, mode=mode, align_corners=align).numpy()

    for tmode, shape, size in [("linear", (2, 3, 5), [9]), ("bilinear", (1, 2, 4, 5), [7, 3]),
                               ("trilinear", (1, 2, 3, 4, 3), [5, 2, 6]), ("bicubic", (2, 1, 5, 4), [8, 7]),
                               ("bicubic", (1, 2, 6, 6), [3, 4])]:
        x = make(rng, shape, np.float32)
        mode = "cubic" if tmode == "bicubic" else "linear"
        sizes = list(shape[:2]) + size
        updown = "up" if size[0] > shape[2] else "down"
        add_resize(w, f"{tmode}_{updown}_half_pixel_torch", x, torch_resize(x, size, tmode, False), sizes=sizes, mode=mode,
                   coordinate_transformation_mode="pytorch_half_pixel" if mode == "linear" else "half_pixel")
        add_resize(w, f"{tmode}_{updown}_align_corners_torch", x, torch_resize(x, size, tmode, True), sizes=sizes,
                   mode=mode, coordinate_transformation_mode="align_corners")
    x = make(rng, (1, 1, 4, 4), np.float32)
    t = F.interpolate(torch.from_numpy(x), scale_factor=2.0, mode="bilinear", align_corners=False).numpy()
    add_resize(w, "bilinear_scales_torch", x, t, scales=[1, 1, 2, 2], mode="linear")

    # linear / cubic in the remaining modes, from the formulas.
    x = make(rng, (3, 5), np.float32)
    for ctm in ["asymmetric", "half_pixel", "tf_half_pixel_for_nn"]:
        for mode in ["linear", "cubic"]:
            add_resize(w, f"{mode}_2d_{ctm}", x, resize_ref(x, scales=[2, 0.8], mode=mode, ctm=ctm), scales=[2, 0.8],
                       mode=mode, coordinate_transformation_mode=ctm)
    add_resize(w, "cubic_exclude_outside", x, resize_ref(x, sizes=[7, 9], mode="cubic", A=-0.5, exclude_outside=1),
               sizes=[7, 9], mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1)
    add_resize(w, "linear_to_one", x, resize_ref(x, sizes=[1, 1], mode="linear", ctm="pytorch_half_pixel"),
               sizes=[1, 1], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
    h = make(rng, (2, 4, 4), np.float16)
    add_resize(w, "linear_f16", h, resize_ref(h, scales=[1, 1.5, 0.5], mode="linear"), scales=[1, 1.5, 0.5],
               mode="linear", rtol=2e-3, atol=2e-3)
    x = make(rng, (2, 4, 5), np.float32)
    roi = [0, 0.2, -0.1, 1, 0.9, 1.3]
    for mode in ["nearest", "linear"]:
        add_resize(w, f"{mode}_tf_crop_and_resize", x,
                   resize_ref(x, sizes=[2, 3, 6], roi=roi, mode=mode, ctm="tf_crop_and_resize", extrapolation_value=-2.5),
                   sizes=[2, 3, 6], roi=roi, mode=mode, coordinate_transformation_mode="tf_crop_and_resize",
                   extrapolation_value=-2.5)
    x = np.zeros((1, 0, 3), np.float32)
    add_resize(w, "empty", x, np.zeros((1, 0, 6), np.float32), scales=[1, 1, 2], mode="linear")


def generate(w):
    rng = np.random.default_rng(20240612)
    ranges(w, rng)
    one_hots(w, rng)
    non_zeros(w, rng)
    trilus(w, rng)
    sorts(w, rng)
    resizes(w, rng)
