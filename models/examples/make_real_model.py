"""Exports the main job's real model: python3 make_real_model.py OUT_DIR.

torchvision's squeezenet1_1 (10 classes, random weights seeded so every run is the same,
nothing downloaded) saved as a user gets it: torch.onnx.export at opset 13 with a dynamic
batch and no input_names, so its input keeps the exporter's name. Writes OUT_DIR/squeezenet1_1.onnx,
OUT_DIR/input_name.txt (that name), OUT_DIR/x.npy (one 3x96x96 image) and OUT_DIR/torch_out.npy
(PyTorch's logits for it, which scripts/run-example.sh compares weft's output with).
"""
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    model = torchvision.models.squeezenet1_1(num_classes=10).eval()
    x = np.random.default_rng(0).standard_normal((1, 3, 96, 96)).astype(np.float32)
    path = os.path.join(out, "squeezenet1_1.onnx")
    # A first export learns the input's name, the second marks its batch dynamic.
    torch.onnx.export(model, (torch.from_numpy(x),), path, opset_version=13)
    name = onnx.load(path).graph.input[0].name
    torch.onnx.export(model, (torch.from_numpy(x),), path, opset_version=13, dynamic_axes={name: {0: "batch"}})
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "torch_out.npy"), y)
    with open(os.path.join(out, "input_name.txt"), "w") as f:
        f.write(name + "\n")
    print(f"exported torchvision squeezenet1_1 (random weights) to {path}: input '{name}' f32[batch, 3, 96, 96], "
          f"{sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    main()
