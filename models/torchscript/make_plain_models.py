"""Writes TorchScript models as users save them (no weft_inputs extra file), inputs and torch's outputs.

python3 make_plain_models.py OUT_DIR

- OUT_DIR/seq.pt: torch.jit.script(nn.Sequential(Conv2d, ReLU, ...)).save(); its argument is `input`.
- OUT_DIR/traced_cnn.pt: torch.jit.trace of a small CNN (traced at batch 2), .save(); argument `x`.
- OUT_DIR/with_int.pt: a scripted module whose forward takes a tensor and an int; arguments `x`, `n`.
- OUT_DIR/optional_bias.pt: a scripted module with an Optional[Tensor] argument; arguments `x`, `bias`
  (case0 passes a bias, case1 passes None: no in_bias.npy).
- OUT_DIR/list_sum.pt: a scripted module whose argument `xs` is a List[Tensor] (in_xs.npz: arr_0, arr_1, ...).
- OUT_DIR/seq.onnx: seq exported by torch.onnx.export, input `x` of type f32[batch, 3, 16, 16].
For each model, OUT_DIR/<model>/case<k>/in_<arg>.npy and out_<i>.npy: random inputs and the
outputs torch computes for them (the oracle; the C++ test compares weft against these).
Made with the torch and numpy of Debian's python3 (versions printed into OUT_DIR/versions.txt).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from typing import List, Optional

torch.manual_seed(0)
RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def sequential():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 4, 3), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 5))


class SmallCnn(nn.Module):
    """Its adaptive pooling to 8x8 needs static spatial sizes to import (weft run retries with the files' sizes)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.pool = nn.AdaptiveAvgPool2d(8)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.fc = nn.Linear(8 * 3 * 3, 10)

    def forward(self, x):
        h = self.pool(torch.relu(self.bn(self.conv1(x))))
        h = torch.relu(self.conv2(h))
        return torch.softmax(self.fc(h.flatten(1)), dim=1)


class WithInt(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x, n: int):
        y = x
        for _ in range(n):
            y = 0.5 * y + torch.tanh(self.fc(y))
        return y, n + 1


class OptionalBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x, bias: Optional[torch.Tensor]):
        y = self.fc(x)
        if bias is not None:
            y = y + bias
        return torch.relu(y)


class ListSum(nn.Module):
    def forward(self, xs: List[torch.Tensor]):
        total = torch.zeros_like(xs[0])
        for i, x in enumerate(xs):
            total = total + float(i + 1) * torch.sigmoid(x)
        return total


def save_case(folder, args, outputs):
    os.makedirs(folder, exist_ok=True)
    for name, value in args.items():
        if value is None:  # an absent optional: no file
            continue
        if isinstance(value, list):  # a list value: an .npz of arr_0, arr_1, ...
            np.savez(os.path.join(folder, f"in_{name}.npz"), *value)
            continue
        np.save(os.path.join(folder, f"in_{name}.npy"), value if isinstance(value, np.ndarray) else np.array(value, dtype=np.int64))
    for i, out in enumerate(outputs):
        np.save(os.path.join(folder, f"out_{i}.npy"), np.asarray(out.detach().numpy() if torch.is_tensor(out) else np.array(out, dtype=np.int64)))


def to_torch(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, list):
        return [torch.from_numpy(v) for v in value]
    return value


def write(out, name, module, cases):
    """Saves `module` (scripted or traced) as OUT/name.pt and each case's inputs and outputs."""
    module.save(os.path.join(out, name + ".pt"))
    for k, args in enumerate(cases):
        with torch.no_grad():
            result = module(*[to_torch(v) for v in args.values()])
        save_case(os.path.join(out, name, f"case{k}"), args, result if isinstance(result, tuple) else (result,))


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    seq = sequential().eval()
    write(out, "seq", torch.jit.script(seq), [{"input": randn(2, 3, 16, 16)}, {"input": randn(1, 3, 20, 12)}])
    cnn = SmallCnn().eval()
    with torch.no_grad():  # BatchNorm's running statistics, so that eval() is not the identity
        cnn.bn.running_mean.uniform_(-0.5, 0.5)
        cnn.bn.running_var.uniform_(0.5, 2.0)
    write(out, "traced_cnn", torch.jit.trace(cnn, torch.from_numpy(randn(2, 3, 16, 16))),
          [{"x": randn(2, 3, 16, 16)}, {"x": randn(3, 3, 16, 16)}])
    write(out, "with_int", torch.jit.script(WithInt().eval()), [{"x": randn(2, 8), "n": 3}, {"x": randn(5, 8), "n": 0}])
    write(out, "optional_bias", torch.jit.script(OptionalBias().eval()), [{"x": randn(3, 8), "bias": randn(4)}, {"x": randn(2, 8), "bias": None}])
    write(out, "list_sum", torch.jit.script(ListSum()), [{"xs": [randn(2, 3), randn(2, 3), randn(2, 3)]}, {"xs": [randn(4)]}])
    torch.onnx.export(seq, torch.from_numpy(randn(1, 3, 16, 16)), os.path.join(out, "seq.onnx"), opset_version=13,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    with open(os.path.join(out, "versions.txt"), "w") as f:
        f.write(f"made by {os.path.basename(__file__)} with torch {torch.__version__}, numpy {np.__version__}\n")
    print(f"wrote seq, traced_cnn, with_int, optional_bias, list_sum (.pt) and seq.onnx to {out}")


if __name__ == "__main__":
    main()
