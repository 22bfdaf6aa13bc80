# export_torch_models.py - exports real PyTorch models (CNN, LSTM, scripted loop) to ONNX with torch's outputs as fixtures.
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

OPSET = 13


class LstmTagger(nn.Module):
    # LSTM + Linear: the recurrent op with dynamic batch and sequence length.
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=8, hidden_size=16, num_layers=1, batch_first=True)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y)


class GrowUntil(nn.Module):
    # A data-dependent while with an early break and a growing list: exported as Loop + If + sequence ops.
    def forward(self, x: torch.Tensor, limit: torch.Tensor) -> torch.Tensor:
        acc = x
        parts = [x]
        i = 0
        while i < 10:
            acc = acc * 1.5 + 0.25
            parts.append(acc)
            if bool(acc.sum() > limit.sum()):
                break
            i += 1
        return torch.stack(parts, 0)


def export(model, args, path, input_names, output_names, dynamic_axes):
    torch.onnx.export(model, args, path, opset_version=OPSET, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes)


def save_case(out, name, model, path, input_sets):
    # Torch itself computes the expected outputs so the test checks weft against the source framework.
    runs = []
    with torch.no_grad():
        for r, inputs in enumerate(input_sets):
            got = model(*[torch.from_numpy(a) for a in inputs])
            outs = list(got) if isinstance(got, (tuple, list)) else [got]
            run = {"inputs": [], "outputs": []}
            for k, a in enumerate(inputs):
                f = os.path.join(out, f"{name}_run{r}_in{k}.npy")
                np.save(f, a)
                run["inputs"].append(f)
            for k, o in enumerate(outs):
                f = os.path.join(out, f"{name}_run{r}_out{k}.npy")
                np.save(f, o.numpy())
                run["outputs"].append(f)
            runs.append(run)
    return {"name": name, "model": path, "runs": runs}


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "torch_models")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    cases = []

    cnn = torchvision.models.resnet18(weights=None, num_classes=10).eval()
    p = os.path.join(out, "resnet18.onnx")
    export(cnn, (torch.randn(1, 3, 64, 64),), p, ["x"], ["logits"], {"x": {0: "batch"}, "logits": {0: "batch"}})
    sets = [[rng.standard_normal((n, 3, 64, 64), dtype=np.float32)] for n in (1, 3)]
    cases.append(save_case(out, "resnet18", cnn, p, sets))

    lstm = LstmTagger().eval()
    p = os.path.join(out, "lstm.onnx")
    export(lstm, (torch.randn(2, 7, 8),), p, ["x"], ["y"], {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}})
    sets = [[rng.standard_normal((n, t, 8), dtype=np.float32)] for n, t in ((1, 4), (3, 9))]
    cases.append(save_case(out, "lstm", lstm, p, sets))

    loop = torch.jit.script(GrowUntil())
    p = os.path.join(out, "grow_until.onnx")
    export(loop, (torch.ones(2, 3), torch.tensor([40.0])), p, ["x", "limit"], ["parts"],
           {"x": {0: "rows"}, "parts": {0: "steps", 1: "rows"}})
    # The limits make the first set break early and the second run all ten trips.
    sets = [[rng.standard_normal((2, 3), dtype=np.float32) + 1, np.array([30.0], dtype=np.float32)],
            [rng.standard_normal((4, 3), dtype=np.float32), np.array([1e9], dtype=np.float32)]]
    cases.append(save_case(out, "grow_until", loop, p, sets))

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()
