"""Writes TorchScript models with control flow and torch.autograd's gradients of them, for `weft grad`.

python3 make_grad_models.py OUT_DIR

For each model NAME: OUT_DIR/NAME.pt (scripted, eval mode) and OUT_DIR/NAME/manifest.json, which says
the --input-type flags, the --wrt names (forward's inputs and parameters as named_parameters() spells
them) and, per case (with its own --input-type flags where it gives them) (two or more input sizes, so loops run different trip counts), the files of
case<k>/: in_<arg>.npy, the random cotangents d_<i>.npy, torch's outputs out_<i>.npy and
grad_<j>.npy, torch.autograd.grad of sum_i <d_i, out_i> with respect to the j-th --wrt name:
the oracle the C++ test (tests/cli/grad_cli_test.cpp) compares weft with.
- loop_branch: Linear, LayerNorm, tanh in a loop with a data-dependent trip count (0 included),
  a branch on the sign of the result, two outputs.
- conv_bn: two convolutions with batch norm in eval mode, relu, a global mean.
- attention: single-head self-attention (q, k, v projections, softmax) with a residual and LayerNorm.
- list_break: a list that grows in a loop (early break on the running norm) and is stacked.
- recurrent: nn.LSTM (batch first) into a bidirectional nn.GRU, three outputs.
Made with the torch and numpy of Debian's python3 (versions printed into OUT_DIR/versions.txt).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
RNG = np.random.default_rng(0)


class LoopBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.norm = nn.LayerNorm(8)

    def forward(self, x, n: int):
        h = x
        for _ in range(n):
            h = self.norm(h + torch.tanh(self.fc(h)))
        if bool(h[:, 0].sum() > 0):
            y = torch.sigmoid(h) * x
        else:
            y = torch.exp(-h * h)
        return torch.softmax(y, dim=1), (y * y).mean(dim=1)


class ConvBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)
        for bn in (self.bn1, self.bn2):  # statistics that are not the identity
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.uniform_(-0.5, 0.5)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = torch.tanh(self.bn2(self.conv2(h)))
        return h, h.mean(dim=(2, 3))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)
        self.v = nn.Linear(8, 8)
        self.norm = nn.LayerNorm(8)

    def forward(self, x):
        a = torch.softmax(torch.matmul(self.q(x), self.k(x).transpose(1, 2)) / 8 ** 0.5, dim=-1)
        return self.norm(x + torch.matmul(a, self.v(x)))


class ListBreak(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x, limit: float):
        hs = []
        h = x[0]
        for t in range(x.size(0)):
            h = torch.tanh(self.fc(h) + x[t])
            hs.append(h * h)
            if float(h.abs().sum()) > limit:
                break
        return torch.stack(hs).sum(dim=0), torch.stack(hs, dim=1)


class Recurrent(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.gru = nn.GRU(5, 3, bidirectional=True)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        z, hg = self.gru(y.transpose(0, 1))
        return z, h * c, hg


def write_cases(name, model, flags, wrt, cases, case_flags=None):
    """cases: list of dicts arg -> value (torch tensors or python numbers), in forward's order;
    case_flags: each case's own --input-type flags, if not `flags`."""
    out_dir = os.path.join(OUT, name)
    manifest = {"model": name + ".pt", "input_types": flags, "wrt": wrt, "cases": []}
    params = dict(model.named_parameters())
    for k, args in enumerate(cases):
        case = os.path.join(out_dir, "case%d" % k)
        os.makedirs(case, exist_ok=True)
        leaves = []
        for w in wrt:
            if w in args:
                args[w] = args[w].clone().requires_grad_(True)
                leaves.append(args[w])
            else:
                leaves.append(params[w])
        outs = model(*args.values())
        outs = outs if isinstance(outs, tuple) else (outs,)
        ds = [torch.tensor(RNG.standard_normal(tuple(o.shape)).astype(np.float32)) for o in outs]
        grads = torch.autograd.grad(sum((o * d).sum() for o, d in zip(outs, ds)), leaves, allow_unused=True)
        grads = [torch.zeros_like(l) if g is None else g for g, l in zip(grads, leaves)]  # unused (0 trips): zero
        entry = {"inputs": {}, "cotangents": {}, "outputs": [], "grads": []}
        if case_flags:
            entry["input_types"] = case_flags[k]
        for a, v in args.items():
            arr = v.detach().numpy() if isinstance(v, torch.Tensor) else np.array(v, dtype=np.float64 if isinstance(v, float) else np.int64)
            np.save(os.path.join(case, "in_%s.npy" % a), arr)
            entry["inputs"][a] = "case%d/in_%s.npy" % (k, a)
        for i, (o, d) in enumerate(zip(outs, ds)):
            np.save(os.path.join(case, "out_%d.npy" % i), o.detach().numpy())
            np.save(os.path.join(case, "d_%d.npy" % i), d.numpy())
            entry["outputs"].append("case%d/out_%d.npy" % (k, i))
            entry["cotangents"]["d_output%d" % i] = "case%d/d_%d.npy" % (k, i)
        for j, g in enumerate(grads):
            np.save(os.path.join(case, "grad_%d.npy" % j), g.numpy())
            entry["grads"].append("case%d/grad_%d.npy" % (k, j))
        manifest["cases"].append(entry)
    model.save(os.path.join(OUT, name + ".pt"))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def f32(*shape):
    return torch.tensor(RNG.standard_normal(shape).astype(np.float32))


def loop_branch_inputs(model, n):
    # Inputs whose branch condition is clearly on one side: rounding must not decide it.
    while True:
        x = f32(2, 8)
        h = x
        for _ in range(n):
            h = model.norm(h + torch.tanh(model.fc(h)))
        if abs(float(h[:, 0].sum())) > 0.1:
            return {"x": x, "n": n}


def main():
    os.makedirs(OUT, exist_ok=True)
    with torch.no_grad():
        lb = torch.jit.script(LoopBranch().eval())
    write_cases("loop_branch", lb, "x=f32[2, 8]", ["x", "fc.weight", "norm.bias"],
                [loop_branch_inputs(lb, n) for n in (0, 1, 3)])
    with torch.no_grad():
        cb = torch.jit.script(ConvBn().eval())
    # The convolutions' gradients need static sizes: each case gives its own --input-type.
    write_cases("conv_bn", cb, "", ["x", "conv1.weight", "bn1.weight", "conv2.weight"],
                [{"x": f32(1, 3, 6, 6)}, {"x": f32(2, 3, 9, 7)}],
                ["x=f32[1, 3, 6, 6]", "x=f32[2, 3, 9, 7]"])
    at = torch.jit.script(Attention().eval())
    write_cases("attention", at, "x=f32[?, ?, 8]", ["x", "q.weight", "v.bias", "norm.weight"],
                [{"x": f32(1, 3, 8)}, {"x": f32(2, 5, 8)}])
    lbk = torch.jit.script(ListBreak().eval())
    cases = []
    for seq, limit in ((5, 1e9), (7, 1e9), (7, None)):
        x = f32(seq, 3, 6)
        if limit is None:  # break after the second step: a limit between the steps' norms
            with torch.no_grad():
                h1 = torch.tanh(lbk.fc(x[0]) + x[0])
                h2 = torch.tanh(lbk.fc(h1) + x[1])
            n1, n2 = float(h1.abs().sum()), float(h2.abs().sum())
            if n2 <= n1 + 0.1:
                x[1] = x[1] * 4  # push the second step's norm up
                with torch.no_grad():
                    h2 = torch.tanh(lbk.fc(h1) + x[1])
                n2 = float(h2.abs().sum())
            limit = (n1 + n2) / 2 if n2 > n1 + 0.1 else 1e9
        cases.append({"x": x, "limit": float(limit)})
    write_cases("list_break", lbk, "x=f32[?, 3, 6]", ["x", "fc.weight", "fc.bias"], cases)
    rec = torch.jit.script(Recurrent().eval())
    # The layers' gradients need a static sequence length and batch: each case gives its types.
    write_cases("recurrent", rec, "", ["x", "lstm.weight_ih_l0", "lstm.bias_hh_l0", "gru.weight_hh_l0_reverse", "gru.bias_ih_l0"],
                [{"x": f32(2, 3, 4)}, {"x": f32(1, 6, 4)}], ["x=f32[2, 3, 4]", "x=f32[1, 6, 4]"])
    with open(os.path.join(OUT, "versions.txt"), "w") as f:
        f.write("torch %s\nnumpy %s\n" % (torch.__version__, np.__version__))


if __name__ == "__main__":
    OUT = sys.argv[1]
    main()
