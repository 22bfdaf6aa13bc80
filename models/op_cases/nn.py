"""nn family cases: matmul and gemm (NumPy), conv, conv_transpose, pools and norms (torch, float64).

Expected values are computed in float64 and rounded to the case dtype. Where torch cannot
express an ONNX option (asymmetric pads, count_include_pad with dilation, Lp norms with
padding, even LRN sizes), a plain NumPy version of the ONNX definition is used, and that
version is checked against torch on the options both support before any case is written.
"""
import numpy as np
import torch
import torch.nn.functional as F

RNG = np.random.default_rng(1234)
TOL = {np.float16: dict(rtol=1e-2, atol=1e-2), np.float32: dict(rtol=1e-4, atol=1e-5),
       np.float64: dict(rtol=1e-9, atol=1e-10)}


def rand(*shape, dtype=np.float32, scale=1.0):
    return np.asarray(RNG.standard_normal(shape) * scale).astype(dtype)


def t64(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def tol(dtype, **over):
    d = dict(TOL.get(np.dtype(dtype).type, dict(rtol=0, atol=0)))
    d.update(over)
    return d


# ---- matmul / gemm ------------------------------------------------------------------------

def matmul_cases(w):
    def add(name, a, b, **kw):
        want = a.astype(np.float64) @ b.astype(np.float64) if a.dtype.kind == "f" else a @ b
        w.add(name, "matmul", [a, b], [np.asarray(want).astype(a.dtype)], **(kw or tol(a.dtype)))

    add("matmul_2d", rand(3, 4), rand(4, 5))
    add("matmul_1d_2d", rand(4), rand(4, 5))
    add("matmul_2d_1d", rand(3, 4), rand(4))
    # 1-D @ 1-D (a rank-0 result) is left out: CaseWriter's np.ascontiguousarray stores 0-d arrays as [1].
    add("matmul_batched", rand(2, 3, 4, dtype=np.float64), rand(2, 4, 5, dtype=np.float64))
    add("matmul_broadcast", rand(2, 1, 3, 4), rand(3, 4, 5))
    add("matmul_broadcast_1d", rand(7), rand(2, 3, 7, 2))
    add("matmul_blocked", rand(70, 270), rand(270, 530), rtol=1e-4, atol=1e-4)
    add("matmul_f16", rand(5, 8, dtype=np.float16), rand(8, 3, dtype=np.float16))
    add("matmul_i32", RNG.integers(-50, 50, (2, 3, 4)).astype(np.int32), RNG.integers(-50, 50, (4, 6)).astype(np.int32))
    add("matmul_i64", RNG.integers(-9, 9, (5, 4)).astype(np.int64), RNG.integers(-9, 9, (1, 4, 3)).astype(np.int64))
    add("matmul_i8_wraps", RNG.integers(-128, 127, (3, 5)).astype(np.int8), RNG.integers(-128, 127, (5, 2)).astype(np.int8))
    add("matmul_u8", RNG.integers(0, 255, (3, 5)).astype(np.uint8), RNG.integers(0, 255, (5, 2)).astype(np.uint8))


def gemm_cases(w):
    def add(name, a, b, c=None, alpha=1.0, beta=1.0, trans_a=False, trans_b=False, **kw):
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        want = alpha * ((a64.T if trans_a else a64) @ (b64.T if trans_b else b64))
        if c is not None:
            want = want + beta * c.astype(np.float64)
        attrs = {"alpha": alpha, "beta": beta, "trans_a": trans_a, "trans_b": trans_b}
        inputs = [a, b] + ([c] if c is not None else [])
        w.add(name, "gemm", inputs, [want.astype(a.dtype)], attrs, **(kw or tol(a.dtype)))

    add("gemm_basic", rand(3, 4), rand(4, 5), rand(3, 5))
    add("gemm_alpha_beta", rand(3, 4), rand(4, 5), rand(3, 5), alpha=0.5, beta=-2.0)
    add("gemm_trans_a", rand(4, 3), rand(4, 5), rand(3, 5), trans_a=True)
    add("gemm_trans_b", rand(3, 4), rand(5, 4), rand(5), trans_b=True)
    add("gemm_trans_both", rand(4, 3), rand(5, 4), rand(3, 1), alpha=2.0, trans_a=True, trans_b=True)
    add("gemm_c_scalar", rand(3, 4, dtype=np.float64), rand(4, 5, dtype=np.float64), rand(dtype=np.float64), beta=0.25)
    add("gemm_c_row", rand(2, 6), rand(6, 4), rand(1, 4))
    add("gemm_no_c", rand(3, 4), rand(4, 5), alpha=3.0)
    add("gemm_f16", rand(4, 8, dtype=np.float16), rand(8, 3, dtype=np.float16), rand(3, dtype=np.float16))


# ---- conv ---------------------------------------------------------------------------------

def torch_pad_arg(pads):
    """ONNX pads [b0, b1, .., e0, e1, ..] -> F.pad's (last dim first) pairs."""
    n = len(pads) // 2
    out = []
    for d in reversed(range(n)):
        out += [pads[d], pads[n + d]]
    return out


CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_ref(x, wt, b, strides, pads, dilations, groups):
    nsp = x.ndim - 2
    xt = F.pad(t64(x), torch_pad_arg(pads)) if pads else t64(x)
    y = CONV[nsp](xt, t64(wt), None if b is None else t64(b), stride=strides or 1, dilation=dilations or 1,
                  groups=groups)
    return y.numpy()


def conv_transpose_ref(x, wt, b, strides, pads, dilations, groups, output_padding):
    nsp = x.ndim - 2
    y = CONV_T[nsp](t64(x), t64(wt), None if b is None else t64(b), stride=strides or 1,
                    output_padding=output_padding or 0, groups=groups, dilation=dilations or 1).numpy()
    if pads:  # torch pads symmetrically only: crop the full output instead
        sl = [slice(None), slice(None)] + [slice(pads[d], y.shape[2 + d] - pads[nsp + d]) for d in range(nsp)]
        y = y[tuple(sl)]
    return y


def conv_cases(w):
    def add(name, x, wt, b=None, strides=(), pads=(), dilations=(), groups=1, **kw):
        want = conv_ref(x, wt, b, list(strides), list(pads), list(dilations), groups)
        attrs = {"strides": list(strides), "pads": list(pads), "dilations": list(dilations), "groups": groups}
        inputs = [x, wt] + ([b] if b is not None else [])
        w.add(name, "conv", inputs, [want.astype(x.dtype)], attrs, **(kw or tol(x.dtype)))

    add("conv1d_basic", rand(2, 3, 10), rand(4, 3, 3), rand(4))
    add("conv1d_stride_asym_pads", rand(2, 3, 11), rand(4, 3, 3), rand(4), strides=[2], pads=[1, 2])
    add("conv1d_dilation_groups", rand(1, 4, 12), rand(6, 2, 3), None, dilations=[2], groups=2, pads=[2, 2])
    add("conv2d_pad1_bias", rand(2, 3, 7, 6), rand(5, 3, 3, 3), rand(5), pads=[1, 1, 1, 1])
    add("conv2d_stride_dilation", rand(1, 2, 11, 9), rand(3, 2, 3, 2), rand(3), strides=[2, 1], dilations=[2, 3],
        pads=[1, 0, 2, 1])
    add("conv2d_groups", rand(2, 4, 6, 6), rand(6, 2, 3, 3), rand(6), groups=2, strides=[2, 2], pads=[1, 1, 1, 1])
    add("conv2d_depthwise", rand(1, 3, 8, 8), rand(6, 1, 3, 3), rand(6), groups=3, pads=[1, 1, 1, 1])
    add("conv2d_pointwise_no_bias", rand(2, 5, 4, 3), rand(7, 5, 1, 1))
    add("conv2d_strided_1x1", rand(1, 3, 5, 5), rand(2, 3, 1, 1), rand(2), strides=[2, 2])
    add("conv2d_large", rand(1, 16, 20, 20), rand(32, 16, 3, 3), rand(32), pads=[1, 1, 1, 1], rtol=1e-4, atol=1e-4)
    add("conv2d_f64", rand(1, 2, 5, 5, dtype=np.float64), rand(3, 2, 2, 2, dtype=np.float64),
        rand(3, dtype=np.float64), strides=[2, 2], pads=[0, 0, 1, 1])
    add("conv2d_f16", rand(1, 3, 6, 6, dtype=np.float16), rand(4, 3, 3, 3, dtype=np.float16),
        rand(4, dtype=np.float16), pads=[1, 1, 1, 1])
    add("conv3d_basic", rand(1, 2, 5, 6, 5), rand(3, 2, 3, 3, 2), rand(3), strides=[1, 2, 1], pads=[1, 0, 1, 1, 1, 0])
    add("conv3d_groups_dilation", rand(2, 4, 6, 5, 5), rand(4, 2, 2, 2, 2), None, groups=2, dilations=[2, 1, 2])


def conv_transpose_cases(w):
    def add(name, x, wt, b=None, strides=(), pads=(), dilations=(), groups=1, output_padding=(), **kw):
        want = conv_transpose_ref(x, wt, b, list(strides), list(pads), list(dilations), groups, list(output_padding))
        attrs = {"strides": list(strides), "pads": list(pads), "dilations": list(dilations), "groups": groups,
                 "output_padding": list(output_padding)}
        inputs = [x, wt] + ([b] if b is not None else [])
        w.add(name, "conv_transpose", inputs, [want.astype(x.dtype)], attrs, **(kw or tol(x.dtype)))

    add("conv_transpose1d_basic", rand(2, 3, 5), rand(3, 4, 3), rand(4))
    add("conv_transpose1d_stride_outpad", rand(1, 2, 6), rand(2, 3, 4), rand(3), strides=[2], output_padding=[1],
        pads=[1, 2])
    add("conv_transpose2d_stride_pads", rand(2, 3, 4, 5), rand(3, 2, 3, 3), rand(2), strides=[2, 2],
        pads=[1, 1, 1, 1], output_padding=[1, 0])
    add("conv_transpose2d_groups", rand(1, 4, 3, 3), rand(4, 3, 3, 2), rand(6), groups=2, strides=[2, 1],
        pads=[0, 1, 1, 0])
    add("conv_transpose2d_dilation_no_bias", rand(1, 2, 4, 4), rand(2, 2, 3, 3), None, dilations=[2, 2],
        strides=[3, 3], output_padding=[1, 2])
    add("conv_transpose2d_depthwise_f64", rand(1, 3, 4, 4, dtype=np.float64), rand(3, 1, 2, 2, dtype=np.float64),
        rand(3, dtype=np.float64), groups=3, strides=[2, 2])
    add("conv_transpose2d_f16", rand(1, 2, 3, 3, dtype=np.float16), rand(2, 2, 3, 3, dtype=np.float16), None,
        strides=[2, 2], pads=[1, 1, 1, 1])
    add("conv_transpose3d", rand(1, 2, 3, 3, 2), rand(2, 3, 2, 3, 2), rand(3), strides=[2, 1, 2], pads=[0, 1, 0, 0, 1, 1])


# ---- pools --------------------------------------------------------------------------------

def out_len(n, k, s, pb, pe, d, ceil_mode):
    span = n + pb + pe - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + pb:
        out -= 1
    return out


def pool_ref(x, kind, k, strides=(), pads=(), dilations=(), ceil_mode=False, count_include_pad=False, p=2):
    """The ONNX pooling definition, written out per output position in float64."""
    nsp = x.ndim - 2
    strides = list(strides) or [1] * nsp
    dilations = list(dilations) or [1] * nsp
    pads = list(pads) or [0] * (2 * nsp)
    ins = x.shape[2:]
    outs = [out_len(ins[d], k[d], strides[d], pads[d], pads[nsp + d], dilations[d], ceil_mode) for d in range(nsp)]
    x64 = x.astype(np.float64)
    y = np.zeros(x.shape[:2] + tuple(outs))
    for o in np.ndindex(*outs):
        valid, padded = [], 1
        for d in range(nsp):
            taps = [o[d] * strides[d] - pads[d] + j * dilations[d] for j in range(k[d])]
            valid.append([t for t in taps if 0 <= t < ins[d]])
            padded *= sum(1 for t in taps if t < ins[d] + pads[nsp + d])
        win = x64[(slice(None), slice(None)) + np.ix_(*valid)].reshape(x.shape[0], x.shape[1], -1)
        if kind == "max":
            y[(slice(None), slice(None)) + o] = win.max(axis=2) if win.shape[2] else -np.inf
        elif kind == "avg":
            y[(slice(None), slice(None)) + o] = win.sum(axis=2) / (padded if count_include_pad else win.shape[2])
        else:
            y[(slice(None), slice(None)) + o] = (np.abs(win) ** p).sum(axis=2) ** (1.0 / p)
    return y


MAXP = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVGP = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def check_pool_ref_against_torch():
    x = rand(2, 3, 9, 8)
    for k, s, pd, dl, cm in [((3, 3), (2, 2), 1, (1, 1), False), ((3, 2), (2, 3), 1, (2, 1), True),
                             ((2, 2), (2, 2), 1, (1, 1), True), ((3, 3), (1, 1), 0, (1, 1), False)]:
        want = MAXP[2](t64(x), k, s, pd, dl, ceil_mode=cm).numpy()
        got = pool_ref(x, "max", k, s, [pd] * 4, dl, cm)
        assert np.allclose(got, want), ("max", k, s, pd, dl, cm)
        if dl == (1, 1):
            for cip in (False, True):
                want = AVGP[2](t64(x), k, s, pd, ceil_mode=cm, count_include_pad=cip).numpy()
                got = pool_ref(x, "avg", k, s, [pd] * 4, ceil_mode=cm, count_include_pad=cip)
                assert np.allclose(got, want), ("avg", k, s, pd, cm, cip)
    want = F.lp_pool2d(t64(x), 2, (3, 2), (2, 2)).numpy()
    assert np.allclose(pool_ref(x, "lp", (3, 2), (2, 2), p=2), want)


def pool_cases(w):
    check_pool_ref_against_torch()

    def add(name, op, x, kernel_shape, strides=(), pads=(), dilations=(), ceil_mode=False, **extra):
        kind = {"max_pool": "max", "avg_pool": "avg", "lp_pool": "lp"}[op]
        want = pool_ref(x, kind, kernel_shape, strides, pads, dilations, ceil_mode,
                        extra.get("count_include_pad", False), extra.get("p", 2))
        attrs = {"kernel_shape": list(kernel_shape), "strides": list(strides), "pads": list(pads),
                 "dilations": list(dilations), "ceil_mode": ceil_mode}
        attrs.update(extra)
        w.add(name, op, [x], [want.astype(x.dtype)], attrs, **tol(x.dtype))

    add("max_pool2d_basic", "max_pool", rand(2, 3, 8, 8), [2, 2], [2, 2])
    add("max_pool2d_pads_stride", "max_pool", rand(1, 2, 9, 7), [3, 3], [2, 2], [1, 1, 1, 1])
    add("max_pool2d_ceil", "max_pool", rand(1, 2, 8, 7), [3, 3], [2, 2], ceil_mode=True)
    add("max_pool2d_ceil_drops_last", "max_pool", rand(1, 1, 3, 3), [2, 2], [2, 2], [1, 1, 1, 1], ceil_mode=True)
    add("max_pool2d_dilation", "max_pool", rand(1, 2, 10, 9), [3, 2], [1, 2], [2, 1, 2, 1], [2, 3])
    add("max_pool1d_asym_pads", "max_pool", rand(2, 3, 9), [3], [2], [0, 2])
    add("max_pool3d", "max_pool", rand(1, 2, 5, 6, 4), [2, 3, 2], [2, 2, 1], [0, 1, 1, 1, 1, 0])
    add("max_pool2d_f16", "max_pool", rand(1, 3, 6, 6, dtype=np.float16), [3, 3], [2, 2], [1, 1, 1, 1])
    add("max_pool2d_f64_ceil_dilation", "max_pool", rand(1, 2, 9, 9, dtype=np.float64), [2, 2], [2, 2], [1, 0, 1, 0],
        [2, 2], ceil_mode=True)
    add("avg_pool2d_basic", "avg_pool", rand(2, 3, 6, 6), [2, 2], [2, 2])
    add("avg_pool2d_pads_exclude", "avg_pool", rand(1, 2, 7, 7), [3, 3], [2, 2], [1, 1, 1, 1])
    add("avg_pool2d_pads_include", "avg_pool", rand(1, 2, 7, 7), [3, 3], [2, 2], [1, 1, 1, 1], count_include_pad=True)
    add("avg_pool2d_ceil_include", "avg_pool", rand(1, 2, 8, 6), [3, 3], [2, 2], [1, 1, 1, 1], ceil_mode=True,
        count_include_pad=True)
    add("avg_pool2d_ceil_exclude", "avg_pool", rand(1, 2, 8, 6), [3, 2], [2, 2], [0, 1, 0, 1], ceil_mode=True)
    add("avg_pool1d_asym_include", "avg_pool", rand(2, 2, 10), [4], [3], [1, 2], count_include_pad=True)
    add("avg_pool3d", "avg_pool", rand(1, 2, 4, 5, 6), [2, 2, 3], [1, 2, 2], [1, 0, 1, 0, 1, 1])
    add("avg_pool2d_dilation", "avg_pool", rand(1, 1, 9, 9, dtype=np.float64), [2, 2], [2, 2], [1, 1, 1, 1], [2, 2],
        count_include_pad=True)
    add("avg_pool2d_f16", "avg_pool", rand(1, 2, 6, 6, dtype=np.float16), [2, 2], [2, 2])
    add("lp_pool2d_p2", "lp_pool", rand(1, 3, 6, 6), [2, 2], [2, 2])
    add("lp_pool2d_p3_pads", "lp_pool", rand(1, 2, 7, 5), [3, 2], [2, 1], [1, 0, 1, 1], p=3)
    add("lp_pool1d_p1", "lp_pool", rand(2, 2, 8, dtype=np.float64), [3], [2], [1, 1], p=1)

    for name, op, x in [("global_avg_pool2d", "global_avg_pool", rand(2, 3, 5, 4)),
                        ("global_avg_pool1d_f64", "global_avg_pool", rand(2, 3, 7, dtype=np.float64)),
                        ("global_avg_pool3d", "global_avg_pool", rand(1, 2, 3, 4, 2)),
                        ("global_max_pool2d", "global_max_pool", rand(2, 3, 5, 4)),
                        ("global_max_pool3d_f16", "global_max_pool", rand(1, 2, 3, 4, 2, dtype=np.float16))]:
        axes = tuple(range(2, x.ndim))
        x64 = x.astype(np.float64)
        want = x64.mean(axis=axes, keepdims=True) if op == "global_avg_pool" else x64.max(axis=axes, keepdims=True)
        w.add(name, op, [x], [want.astype(x.dtype)], {}, **tol(x.dtype))


# ---- norms --------------------------------------------------------------------------------

def norm_cases(w):
    def bn(name, x, eps=1e-5):
        c = x.shape[1]
        scale, bias, mean = rand(c, dtype=x.dtype), rand(c, dtype=x.dtype), rand(c, dtype=x.dtype)
        var = (RNG.random(c) + 0.5).astype(x.dtype)
        want = F.batch_norm(t64(x), t64(mean), t64(var), t64(scale), t64(bias), training=False, eps=eps).numpy()
        w.add(name, "batch_norm", [x, scale, bias, mean, var], [want.astype(x.dtype)], {"epsilon": eps}, **tol(x.dtype))

    bn("batch_norm_2d", rand(2, 3, 4, 5))
    bn("batch_norm_1d_eps", rand(3, 4, 6), eps=1e-3)
    bn("batch_norm_0d", rand(5, 4, dtype=np.float64))
    bn("batch_norm_f16", rand(2, 3, 4, 4, dtype=np.float16))

    def ln(name, x, axis=-1, bias=True, scale_shape=None, eps=1e-5):
        norm_shape = x.shape[axis:]
        scale = rand(*(scale_shape or norm_shape), dtype=x.dtype)
        b = rand(*norm_shape, dtype=x.dtype) if bias else None
        x64 = x.astype(np.float64)
        axes = tuple(range(axis % x.ndim, x.ndim))
        mu = x64.mean(axis=axes, keepdims=True)
        var = x64.var(axis=axes, keepdims=True)
        want = (x64 - mu) / np.sqrt(var + eps) * scale.astype(np.float64)
        if bias:
            want = want + b.astype(np.float64)
        if scale_shape is None:  # torch agrees where it can express the case
            ref = F.layer_norm(t64(x), norm_shape, t64(scale), None if b is None else t64(b), eps).numpy()
            assert np.allclose(ref, want)
        inputs = [x, scale] + ([b] if bias else [])
        w.add(name, "layer_norm", inputs, [want.astype(x.dtype)], {"axis": axis, "epsilon": eps}, **tol(x.dtype))

    ln("layer_norm_last", rand(2, 3, 8))
    ln("layer_norm_axis1", rand(2, 3, 4, 5), axis=1)
    ln("layer_norm_no_bias", rand(4, 6, dtype=np.float64), bias=False)
    ln("layer_norm_scale_broadcast", rand(2, 3, 4), axis=-2, scale_shape=(1, 4), eps=1e-3)
    ln("layer_norm_f16", rand(3, 16, dtype=np.float16))

    def inorm(name, x, eps=1e-5):
        c = x.shape[1]
        scale, bias = rand(c, dtype=x.dtype), rand(c, dtype=x.dtype)
        want = F.instance_norm(t64(x), weight=t64(scale), bias=t64(bias), eps=eps).numpy()
        w.add(name, "instance_norm", [x, scale, bias], [want.astype(x.dtype)], {"epsilon": eps}, **tol(x.dtype))

    inorm("instance_norm_2d", rand(2, 3, 5, 4))
    inorm("instance_norm_1d_f64", rand(2, 4, 7, dtype=np.float64), eps=1e-3)
    inorm("instance_norm_3d", rand(1, 2, 3, 4, 3))

    def gnorm(name, x, groups, eps=1e-5):
        c = x.shape[1]
        scale, bias = rand(c, dtype=x.dtype), rand(c, dtype=x.dtype)
        want = F.group_norm(t64(x), groups, t64(scale), t64(bias), eps).numpy()
        w.add(name, "group_norm", [x, scale, bias], [want.astype(x.dtype)], {"num_groups": groups, "epsilon": eps},
              **tol(x.dtype))

    gnorm("group_norm_2d", rand(2, 6, 4, 3), 3)
    gnorm("group_norm_1d", rand(2, 4, 5), 2, eps=1e-3)
    gnorm("group_norm_one_group", rand(1, 4, 3, 3, dtype=np.float64), 1)
    gnorm("group_norm_per_channel_f16", rand(2, 4, 4, 4, dtype=np.float16), 4)

    def lrn(name, x, size, alpha=1e-4, beta=0.75, bias=1.0):
        x64 = x.astype(np.float64)
        c = x.shape[1]
        lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
        sq = np.zeros_like(x64)
        for ch in range(c):
            sq[:, ch] = (x64[:, max(0, ch - lo):min(c, ch + hi + 1)] ** 2).sum(axis=1)
        want = x64 / (bias + alpha / size * sq) ** beta
        if size % 2 == 1:
            ref = F.local_response_norm(t64(x), size, alpha, beta, bias).numpy()
            assert np.allclose(ref, want)
        w.add(name, "lrn", [x], [want.astype(x.dtype)], {"size": size, "alpha": alpha, "beta": beta, "bias": bias},
              **tol(x.dtype))

    lrn("lrn_size3", rand(2, 5, 4, 4), 3)
    lrn("lrn_size5_big_alpha", rand(1, 7, 3, 3, scale=3.0), 5, alpha=0.5, beta=0.6, bias=2.0)
    lrn("lrn_size4_even", rand(1, 6, 3, 2, dtype=np.float64), 4, alpha=0.1)
    lrn("lrn_rank3", rand(2, 5, 6), 3, alpha=0.2)


def generate(w):
    torch.set_grad_enabled(False)
    matmul_cases(w)
    gemm_cases(w)
    conv_cases(w)
    conv_transpose_cases(w)
    pool_cases(w)
    norm_cases(w)
