"""rnn family cases: ONNX lstm / gru / rnn layers and torch-style cells.

The layers' expected outputs come from a plain NumPy transcription of the ONNX equations
(float64), itself checked against torch.nn.LSTM / GRU / RNN (gates reordered) on the
configurations torch can express before any case is written. Cells are checked against
torch.nn.LSTMCell / GRUCell / RNNCell directly.
"""
import numpy as np
import torch

RNG = np.random.default_rng(4321)
TOL = {np.float16: dict(rtol=1e-2, atol=1e-2), np.float32: dict(rtol=1e-4, atol=1e-5),
       np.float64: dict(rtol=1e-9, atol=1e-10)}
NONE_F = np.zeros((0,), np.float32)  # a zero-size tensor: an absent optional input
NONE_I = np.zeros((0,), np.int32)


def rand(*shape, dtype=np.float32, scale=0.5):
    return np.asarray(RNG.standard_normal(shape) * scale).astype(dtype)


# ---- the ONNX equations in NumPy ----------------------------------------------------------

def activation(name, alpha, beta):
    n = name.lower()
    return {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
        "leakyrelu": lambda v: np.where(v >= 0, v, alpha * v),
        "thresholdedrelu": lambda v: np.where(v > alpha, v, 0),
        "scaledtanh": lambda v: alpha * np.tanh(beta * v),
        "hardsigmoid": lambda v: np.clip(alpha * v + beta, 0, 1),
        "elu": lambda v: np.where(v >= 0, v, alpha * (np.exp(v) - 1)),
        "softsign": lambda v: v / (1 + np.abs(v)),
        "softplus": lambda v: np.log1p(np.exp(v)),
        "affine": lambda v: alpha * v + beta,
    }[n]


DEFAULT_ALPHA = {"leakyrelu": 0.01, "hardsigmoid": 0.2}
DEFAULT_BETA = {"hardsigmoid": 0.5, "affine": 0.0}
TAKES_ALPHA = {"leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu", "affine"}
TAKES_BETA = {"scaledtanh", "hardsigmoid", "affine"}
DEFAULT_ACTS = {"lstm": ["Sigmoid", "Tanh", "Tanh"], "gru": ["Sigmoid", "Tanh"], "rnn": ["Tanh"]}
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def parse_acts(kind, dirs, names, alphas, betas):
    names = list(names) or DEFAULT_ACTS[kind] * dirs
    alphas, betas = list(alphas), list(betas)
    fns = []
    for n in names:
        a = alphas.pop(0) if n.lower() in TAKES_ALPHA and alphas else DEFAULT_ALPHA.get(n.lower(), 1.0)
        b = betas.pop(0) if n.lower() in TAKES_BETA and betas else DEFAULT_BETA.get(n.lower(), 1.0)
        fns.append(activation(n, a, b))
    per = len(DEFAULT_ACTS[kind])
    return [fns[d * per:(d + 1) * per] for d in range(dirs)]


def onnx_layer(kind, x, W, R, B=None, seq_lens=None, h0=None, c0=None, P=None, hidden_size=0, direction="forward",
               activations=(), activation_alpha=(), activation_beta=(), clip=0.0, input_forget=0,
               linear_before_reset=0):
    x, W, R = (a.astype(np.float64) for a in (x, W, R))
    seq, batch, _ = x.shape
    H = hidden_size
    dirs = 2 if direction == "bidirectional" else 1
    acts = parse_acts(kind, dirs, activations, activation_alpha, activation_beta)
    lens = np.full(batch, seq) if seq_lens is None else seq_lens
    cl = (lambda v: np.clip(v, -clip, clip)) if clip > 0 else (lambda v: v)
    Y = np.zeros((seq, dirs, batch, H))
    Yh = np.zeros((dirs, batch, H))
    Yc = np.zeros((dirs, batch, H))
    for d in range(dirs):
        fwd = d == 0 and direction != "reverse"
        Wd, Rd = W[d], R[d]
        Bd = np.zeros(2 * GATES[kind] * H) if B is None else B[d].astype(np.float64)
        Wb, Rb = Bd[:GATES[kind] * H], Bd[GATES[kind] * H:]
        f, g, h = (acts[d] + [None, None])[:3]
        for b in range(batch):
            hb = np.zeros(H) if h0 is None else h0[d, b].astype(np.float64)
            cb = np.zeros(H) if c0 is None else c0[d, b].astype(np.float64)
            steps = range(lens[b]) if fwd else reversed(range(lens[b]))
            for t in steps:
                xt = x[t, b]
                if kind == "lstm":
                    pre = xt @ Wd.T + hb @ Rd.T + Wb + Rb
                    i, o, fg, c = np.split(pre, 4)
                    if P is not None:
                        p = P[d].astype(np.float64)
                        i, fg = i + p[:H] * cb, fg + p[2 * H:] * cb
                    i = f(cl(i))
                    fg = 1 - i if input_forget else f(cl(fg))
                    cb = fg * cb + i * g(cl(c))
                    if P is not None:
                        o = o + P[d].astype(np.float64)[H:2 * H] * cb
                    hb = f(cl(o)) * h(cb)
                elif kind == "gru":
                    Wz, Wr, Wh = np.split(Wd, 3)
                    Rz, Rr, Rh = np.split(Rd, 3)
                    wbz, wbr, wbh = np.split(Wb, 3)
                    rbz, rbr, rbh = np.split(Rb, 3)
                    z = f(cl(xt @ Wz.T + hb @ Rz.T + wbz + rbz))
                    r = f(cl(xt @ Wr.T + hb @ Rr.T + wbr + rbr))
                    if linear_before_reset:
                        hh = g(cl(xt @ Wh.T + wbh + r * (hb @ Rh.T + rbh)))
                    else:
                        hh = g(cl(xt @ Wh.T + (r * hb) @ Rh.T + rbh + wbh))
                    hb = (1 - z) * hh + z * hb
                else:
                    hb = f(cl(xt @ Wd.T + hb @ Rd.T + Wb + Rb))
                Y[t, d, b] = hb
            Yh[d, b], Yc[d, b] = hb, cb
    return (Y, Yh, Yc) if kind == "lstm" else (Y, Yh)


# ---- the NumPy transcription against torch ------------------------------------------------

TORCH_ORDER = {"lstm": [0, 2, 3, 1], "gru": [1, 0, 2], "rnn": [0]}  # torch gate k = ONNX gate ORDER[k]


def to_torch(a, kind, H):
    chunks = np.split(a, GATES[kind])
    return torch.from_numpy(np.concatenate([chunks[k] for k in TORCH_ORDER[kind]]).astype(np.float64))


def check_against_torch(kind):
    seq, batch, I, H = 4, 3, 5, 6
    G = GATES[kind]
    x, W, R, B = rand(seq, batch, I), rand(2, G * H, I), rand(2, G * H, H), rand(2, 2 * G * H)
    h0 = rand(2, batch, H)
    mod = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind](I, H, bidirectional=True).double()
    for d, sfx in enumerate(["", "_reverse"]):
        getattr(mod, "weight_ih_l0" + sfx).data = to_torch(W[d], kind, H)
        getattr(mod, "weight_hh_l0" + sfx).data = to_torch(R[d], kind, H)
        getattr(mod, "bias_ih_l0" + sfx).data = to_torch(B[d][:G * H], kind, H)
        getattr(mod, "bias_hh_l0" + sfx).data = to_torch(B[d][G * H:], kind, H)
    xt = torch.from_numpy(x.astype(np.float64))
    if kind == "lstm":
        c0 = rand(2, batch, H)
        y, (hn, cn) = mod(xt, (torch.from_numpy(h0.astype(np.float64)), torch.from_numpy(c0.astype(np.float64))))
        want = onnx_layer(kind, x, W, R, B, h0=h0, c0=c0, hidden_size=H, direction="bidirectional")
        assert np.allclose(cn.numpy(), want[2])
    else:
        y, hn = mod(xt, torch.from_numpy(h0.astype(np.float64)))
        want = onnx_layer(kind, x, W, R, B, h0=h0, hidden_size=H, direction="bidirectional", linear_before_reset=1)
    assert np.allclose(y.numpy().reshape(seq, batch, 2, H).transpose(0, 2, 1, 3), want[0])
    assert np.allclose(hn.numpy(), want[1])


# ---- cases --------------------------------------------------------------------------------

def layer_cases(w, kind):
    G = GATES[kind]

    def add(name, seq=5, batch=3, I=4, H=6, dtype=np.float32, direction="forward", bias=True, seq_lens=None,
            h0=False, c0=False, peep=False, trailing_none=False, **attrs):
        dirs = 2 if direction == "bidirectional" else 1
        x, W, R = rand(seq, batch, I, dtype=dtype), rand(dirs, G * H, I, dtype=dtype), rand(dirs, G * H, H, dtype=dtype)
        opt = {"B": rand(dirs, 2 * G * H, dtype=dtype) if bias else None,
               "seq_lens": None if seq_lens is None else np.array(seq_lens, np.int32),
               "h0": rand(dirs, batch, H, dtype=dtype) if h0 else None,
               "c0": rand(dirs, batch, H, dtype=dtype) if c0 else None,
               "P": rand(dirs, 3 * H, dtype=dtype) if peep else None}
        names = ["B", "seq_lens", "h0"] + (["c0", "P"] if kind == "lstm" else [])
        want = onnx_layer(kind, x, W, R, **opt, hidden_size=H, direction=direction, **attrs)
        inputs = [x, W, R]
        last = max([k for k, n in enumerate(names) if opt[n] is not None], default=-1)
        if trailing_none:
            last = len(names) - 1
        for k, n in enumerate(names[:last + 1]):  # absent middle inputs as zero-size tensors
            inputs.append(opt[n] if opt[n] is not None else (NONE_I if n == "seq_lens" else NONE_F.astype(dtype)))
        attrs = dict(attrs, hidden_size=H, direction=direction)
        w.add(f"{kind}_{name}", kind, inputs, [o.astype(dtype) for o in want], attrs, **TOL[np.dtype(dtype).type])

    add("forward")
    add("forward_no_bias", bias=False)
    add("reverse_h0", direction="reverse", h0=True, c0=kind == "lstm")
    add("bidirectional", direction="bidirectional", h0=True)
    add("bidirectional_seq_lens", direction="bidirectional", seq_lens=[5, 2, 4], h0=True, c0=kind == "lstm")
    add("reverse_seq_lens_zero", direction="reverse", seq_lens=[3, 0, 5], bias=False, h0=True)
    add("absent_as_zero_size", h0=True, trailing_none=True)
    add("clip", direction="bidirectional", clip=0.4, seq=4)
    add("f64", dtype=np.float64, direction="bidirectional", h0=True)
    add("f16", dtype=np.float16, seq=3, batch=2, I=3, H=4)
    add("batch1_long", seq=12, batch=1, I=2, H=3, h0=True)
    if kind == "lstm":
        add("peepholes", peep=True, h0=True, c0=True, seq_lens=[5, 4, 1])
        add("input_forget", input_forget=1, direction="bidirectional")
        add("activations", activations=["HardSigmoid", "LeakyRelu", "Softsign"], activation_alpha=[0.3, 0.1],
            activation_beta=[0.4])
        add("activations_bidirectional", direction="bidirectional",
            activations=["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Elu", "ScaledTanh"],
            activation_alpha=[0.25, 0.9, 1.2], activation_beta=[0.5, 0.8])
    if kind == "gru":
        add("linear_before_reset", linear_before_reset=1, direction="bidirectional", h0=True)
        add("linear_before_reset_seq_lens", linear_before_reset=1, seq_lens=[2, 5, 3], direction="reverse")
        add("activations", activations=["HardSigmoid", "Softplus"], activation_alpha=[0.3], activation_beta=[0.45])
    if kind == "rnn":
        add("relu", activations=["Relu"], h0=True)
        add("activations_bidirectional", direction="bidirectional", activations=["Affine", "ThresholdedRelu"],
            activation_alpha=[0.7, 0.1], activation_beta=[0.2])


def cell_cases(w):
    def add(name, op, B=3, I=4, H=5, dtype=np.float32, bias=True, unbatched=False, nonlinearity="tanh",
            none_bias=False):
        cls = {"lstm_cell": torch.nn.LSTMCell, "gru_cell": torch.nn.GRUCell, "rnn_cell": torch.nn.RNNCell}[op]
        kw = {"nonlinearity": nonlinearity} if op == "rnn_cell" else {}
        cell = cls(I, H, bias=bias, **kw).double()
        shape = (I,) if unbatched else (B, I)
        sshape = (H,) if unbatched else (B, H)
        x, h = rand(*shape, dtype=dtype), rand(*sshape, dtype=dtype)
        params = [p.detach().numpy().astype(dtype) for p in (cell.weight_ih, cell.weight_hh)]
        if bias:
            params += [p.detach().numpy().astype(dtype) for p in (cell.bias_ih, cell.bias_hh)]
        with torch.no_grad():  # torch sees the parameters rounded to the case dtype, as weft does
            cell.weight_ih.copy_(torch.from_numpy(params[0].astype(np.float64)))
            cell.weight_hh.copy_(torch.from_numpy(params[1].astype(np.float64)))
            if bias:
                cell.bias_ih.copy_(torch.from_numpy(params[2].astype(np.float64)))
                cell.bias_hh.copy_(torch.from_numpy(params[3].astype(np.float64)))
        xt, ht = (torch.from_numpy(a.astype(np.float64)) for a in (x, h))
        if op == "lstm_cell":
            c = rand(*sshape, dtype=dtype)
            h1, c1 = cell(xt, (ht, torch.from_numpy(c.astype(np.float64))))
            inputs, outs = [x, h, c], [h1.numpy(), c1.numpy()]
        else:
            inputs, outs = [x, h], [cell(xt, ht).numpy()]
        inputs += params
        if none_bias:
            inputs += [NONE_F.astype(dtype), NONE_F.astype(dtype)]
        attrs = {"nonlinearity": nonlinearity} if op == "rnn_cell" else {}
        w.add(name, op, inputs, [o.astype(dtype) for o in outs], attrs, **TOL[np.dtype(dtype).type])

    for op in ("lstm_cell", "gru_cell", "rnn_cell"):
        add(f"{op}_basic", op)
        add(f"{op}_no_bias", op, bias=False)
        add(f"{op}_zero_size_bias", op, bias=False, none_bias=True)
        add(f"{op}_unbatched", op, unbatched=True)
        add(f"{op}_f64", op, dtype=np.float64, B=2, I=7, H=3)
        add(f"{op}_f16", op, dtype=np.float16, B=2, I=3, H=4)
    add("rnn_cell_relu", "rnn_cell", nonlinearity="relu")


def generate(w):
    torch.set_grad_enabled(False)
    for kind in ("lstm", "gru", "rnn"):
        check_against_torch(kind)
        layer_cases(w, kind)
    cell_cases(w)
