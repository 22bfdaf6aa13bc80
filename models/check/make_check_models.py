"""Writes the models of `weft check`'s tests (tests/cli/check_cli_test.cpp).

python3 make_check_models.py OUT_DIR

- OUT_DIR/two_dims.pt: a scripted module, forward(x, y) -> (tanh(linear(x)) * 2, y.sum(1)), its
  inputs declared in the weft_inputs extra file as x: f32[batch, 4], y: f32[batch, seq].
- OUT_DIR/two_dims_bad.pt: the same with one weight changed (bias[1] += 0.5): the first output differs.
- OUT_DIR/two_dims.onnx, two_dims_bad.onnx: the same two models exported by torch.onnx.export
  (inputs x: f32[batch, 4], y: f32[batch, seq]).
- OUT_DIR/other.onnx, other.pt: a model whose input differs (x: f32[batch, 4, 2], one input), for a
  library that does not match.
- OUT_DIR/in_x.npy, in_y.npy: one set of inputs of two_dims (batch 2, seq 3).
- OUT_DIR/loop.pt: forward(x, n) runs h = tanh(linear(h)) + delta * (i // 2) for i in range(n) (delta
  zeros); loop_bad.pt: the same with delta[1] = 0.5, which changes nothing before iteration 2, for
  `--mark-all`'s per-iteration comparison (inputs x: f32[batch, 4], n: i64[]); loop.onnx and
  loop_bad.onnx: the scripted modules exported (an ONNX Loop).
Made with the torch and numpy of Debian's python3.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn


class TwoDims(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x, y):
        return torch.tanh(self.lin(x)) * 2.0, y.sum(1)


class Loop(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.delta = nn.Parameter(torch.zeros(4))

    def forward(self, x, n: int):
        h = x
        for i in range(n):
            h = torch.tanh(self.lin(h)) + self.delta * (i // 2)
        return h


class Other(nn.Module):
    def forward(self, x):
        return x.sum(2)


def save_pt(module, path, signature):
    torch.jit.save(torch.jit.script(module), path, _extra_files={"weft_inputs": signature})


def save_onnx(module, path, inputs, names, outputs, dynamic):
    # Output names as TorchScript's (output0, ...), so one test reads both formats' reports: weft
    # keeps an ONNX model's own output names, and an unnamed export would call them "7" and "9".
    torch.onnx.export(module, inputs, path, input_names=names, output_names=outputs, dynamic_axes=dynamic, opset_version=13)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    good = TwoDims().eval()
    bad = TwoDims().eval()
    bad.load_state_dict(good.state_dict())
    with torch.no_grad():
        bad.lin.bias[1] += 0.5
    signature = "x: f32[batch, 4]\ny: f32[batch, seq]"
    example = (torch.randn(2, 4), torch.randn(2, 3))
    dynamic = {"x": {0: "batch"}, "y": {0: "batch", 1: "seq"}}
    for name, module in (("two_dims", good), ("two_dims_bad", bad)):
        save_pt(module, os.path.join(out, name + ".pt"), signature)
        save_onnx(module, os.path.join(out, name + ".onnx"), example, ["x", "y"], ["output0", "output1"], dynamic)
    save_pt(Other(), os.path.join(out, "other.pt"), "x: f32[batch, 4, 2]")
    save_onnx(Other(), os.path.join(out, "other.onnx"), (torch.randn(2, 4, 2),), ["x"], ["output0"], {"x": {0: "batch"}})
    loop = Loop().eval()
    loop_bad = Loop().eval()
    loop_bad.load_state_dict(loop.state_dict())
    with torch.no_grad():
        loop_bad.delta[1] += 0.5
    for name, module in (("loop", loop), ("loop_bad", loop_bad)):
        save_pt(module, os.path.join(out, name + ".pt"), "x: f32[batch, 4]\nn: i64[]")
        # Scripted, so that the loop is exported as a Loop rather than unrolled by tracing.
        save_onnx(torch.jit.script(module), os.path.join(out, name + ".onnx"), (torch.randn(2, 4), torch.tensor(3)), ["x", "n"],
                  ["output0"], {"x": {0: "batch"}})
    np.save(os.path.join(out, "in_x.npy"), example[0].numpy())
    np.save(os.path.join(out, "in_y.npy"), example[1].numpy())


if __name__ == "__main__":
    main(sys.argv[1])
