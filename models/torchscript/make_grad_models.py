"""Writes TorchScript models with control flow and torch.autograd's gradients of them, for `weft grad`.

python3 make_grad_models.py OUT_DIR

- OUT_DIR/loop_branch.pt: a scripted module (Linear, LayerNorm, tanh) whose forward(x: f32[2, 8], n: int)
  runs a residual step n times (a loop with a data-dependent trip count, 0 included), branches on
  the sign of the result's first column, and returns two outputs.
For each case OUT_DIR/loop_branch/case<k>/: in_x.npy, in_n.npy, the cotangents d_0.npy and
d_1.npy (random), out_0.npy, out_1.npy (torch's outputs) and grad_x.npy (torch.autograd.grad of
<d_0, out_0> + <d_1, out_1> with respect to x): the oracle the C++ test compares weft with.
Made with the torch and numpy of Debian's python3 (versions printed into OUT_DIR/versions.txt).
"""
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


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    model = torch.jit.script(LoopBranch().eval())
    model.save(os.path.join(out_dir, "loop_branch.pt"))
    for k, n in enumerate([0, 1, 3]):
        case = os.path.join(out_dir, "loop_branch", "case%d" % k)
        os.makedirs(case, exist_ok=True)
        # Inputs whose branch condition is clearly on one side: rounding must not decide it.
        while True:
            x = torch.tensor(RNG.standard_normal((2, 8)).astype(np.float32), requires_grad=True)
            h = x
            for _ in range(n):
                h = model.norm(h + torch.tanh(model.fc(h)))
            if abs(float(h[:, 0].sum())) > 0.1:
                break
        outs = model(x, n)
        ds = [torch.tensor(RNG.standard_normal(tuple(o.shape)).astype(np.float32)) for o in outs]
        (gx,) = torch.autograd.grad(sum((o * d).sum() for o, d in zip(outs, ds)), [x])
        np.save(os.path.join(case, "in_x.npy"), x.detach().numpy())
        np.save(os.path.join(case, "in_n.npy"), np.array(n, dtype=np.int64))
        for i, (o, d) in enumerate(zip(outs, ds)):
            np.save(os.path.join(case, "out_%d.npy" % i), o.detach().numpy())
            np.save(os.path.join(case, "d_%d.npy" % i), d.numpy())
        np.save(os.path.join(case, "grad_x.npy"), gx.numpy())
    with open(os.path.join(out_dir, "versions.txt"), "w") as f:
        f.write("torch %s\nnumpy %s\n" % (torch.__version__, np.__version__))


if __name__ == "__main__":
    main(sys.argv[1])
