# export_torch_models.py - exports real PyTorch models (CNN, LSTM, scripted loop and if, unnamed inputs) to ONNX with torch's outputs as fixtures.
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


class IfAroundLstm(nn.Module):
    # An `if` on data around an LSTM, scripted: PyTorch exports If branches without value_info,
    # so the LSTM's input types must be derived inside the branch.
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=4, hidden_size=5, batch_first=True)

    def forward(self, x):
        if bool(x.sum() > 0):
            y, _ = self.lstm(x)
            return y
        return x.new_zeros(x.shape[0], x.shape[1], 5) - 1.0


class LoopIfLstm(nn.Module):
    # A scripted loop whose body branches on data between an LSTM and a Conv1d: If inside
    # Loop, the LSTM's input a loop-carried value whose type the importer must settle.
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=4, hidden_size=4, batch_first=True)
        self.conv = nn.Conv1d(4, 4, 1)

    def forward(self, x, n: int):
        for _ in range(n):
            if bool(x.sum() > 0):
                x, state = self.lstm(x)
            else:
                x = self.conv(x.transpose(1, 2)).transpose(1, 2)
        return x


class ConvAfterConcatReshape(nn.Module):
    # A Conv fed by a Concat/Reshape chain on dynamic dims: the Reshape's shape is a tensor
    # computed from Shape/Gather/Concat, so its result's rank comes from the shape's length.
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(6, 4, 3, padding=1)

    def forward(self, x, y):
        z = torch.cat([x, y], 1)
        z = z.reshape(z.shape[0], 6, z.shape[2], -1)
        return self.conv(z)


class SqueezeIfUnitDim(nn.Module):
    # Faster R-CNN's box pooling squeezes a dim only where it is 1. Scripted, the test is
    # Shape -> Gather -> Equal -> If with branches of different ranks, on a tensor whose other
    # dim is dynamic: the importer decides it from the one static dim, or the If has no type.
    def forward(self, x):
        y = x[:, :1]
        if y.shape[1] == 1:
            y = y.squeeze(1)
        return torch.clamp(y, -1.0, 1.0)


class RoiAlignOnFeatures(nn.Module):
    # torchvision's roi_align (Faster R-CNN's box pooling) on an image of run-time size: ONNX RoiAlign
    # whose X has no static H and W.
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x, rois):
        return torchvision.ops.roi_align(self.conv(x), rois, output_size=(3, 2), spatial_scale=0.5, sampling_ratio=2)


def random_rois(rng, k, h, w):
    # [k, 5]: image 0, then x1 < x2, y1 < y2 inside an h x w image (some reach past the border).
    x = np.sort(rng.uniform(-2, w + 2, size=(k, 2)), axis=1)
    y = np.sort(rng.uniform(-2, h + 2, size=(k, 2)), axis=1)
    return np.concatenate([np.zeros((k, 1)), x[:, :1], y[:, :1], x[:, 1:], y[:, 1:]], axis=1).astype(np.float32)


def export(model, args, path, input_names, output_names, dynamic_axes, opset=OPSET):
    torch.onnx.export(model, args, path, opset_version=opset, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes)


def rename_values(path, mapping, strip_value_info=False):
    # Renames graph values everywhere (subgraphs too): exports with torch's own generated names
    # (`onnx::Concat_0`), which torch.onnx.export gives only when it is not told dynamic axes.
    import onnx
    m = onnx.load(path)

    def walk(g):
        if strip_value_info:  # as other tools save models: no types but the graph inputs'
            del g.value_info[:]
            for o in g.output:
                o.ClearField("type")
        for vi in list(g.input) + list(g.output) + list(g.value_info):
            vi.name = mapping.get(vi.name, vi.name)
        for n in g.node:
            n.input[:] = [mapping.get(x, x) for x in n.input]
            n.output[:] = [mapping.get(x, x) for x in n.output]
            for a in n.attribute:
                if a.HasField("g"):
                    walk(a.g)
    walk(m.graph)
    onnx.save(m, path)


def save_case(out, name, model, path, input_sets):
    # Torch itself computes the expected outputs so the test checks weft against the source framework.
    runs = []
    with torch.no_grad():
        for r, inputs in enumerate(input_sets):
            # An int argument (a loop count) is a NumPy scalar here, a rank-0 tensor in the model.
            got = model(*[torch.from_numpy(a) if isinstance(a, np.ndarray) else int(a) for a in inputs])
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

    for opset in (13, 17):
        name = f"if_lstm_opset{opset}"
        model = torch.jit.script(IfAroundLstm().eval())
        p = os.path.join(out, name + ".onnx")
        export(model, (torch.randn(2, 3, 4),), p, ["x"], None, {"x": {0: "batch", 1: "seq"}}, opset)
        rename_values(p, {"x": "x.1"}, strip_value_info=True)  # the name a scripted forward's argument gets
        sets = [[np.abs(rng.standard_normal((2, 3, 4), dtype=np.float32))],
                [-np.abs(rng.standard_normal((1, 5, 4), dtype=np.float32))],
                [np.abs(rng.standard_normal((3, 6, 4), dtype=np.float32))]]
        cases.append(save_case(out, name, model, p, sets))

        name = f"conv_concat_reshape_opset{opset}"
        model = ConvAfterConcatReshape().eval()
        p = os.path.join(out, name + ".onnx")
        dyn = {0: "batch", 2: "h", 3: "w"}
        export(model, (torch.randn(1, 3, 8, 8), torch.randn(1, 3, 8, 8)), p, ["a", "b"], None, {"a": dyn, "b": dyn}, opset)
        rename_values(p, {"a": "onnx::Concat_0", "b": "onnx::Concat_1"}, strip_value_info=True)
        sets = [[rng.standard_normal((n, 3, h, w), dtype=np.float32) for _ in range(2)] for n, h, w in ((1, 8, 8), (2, 5, 7))]
        cases.append(save_case(out, name, model, p, sets))

        name = f"loop_if_lstm_opset{opset}"
        model = torch.jit.script(LoopIfLstm().eval())
        p = os.path.join(out, name + ".onnx")
        export(model, (torch.randn(2, 3, 4), 3), p, ["x", "n"], None, {"x": {0: "batch", 1: "seq"}}, opset)
        rename_values(p, {}, strip_value_info=True)
        sets = [[rng.standard_normal((2, 3, 4), dtype=np.float32), np.int64(3)],
                [rng.standard_normal((1, 5, 4), dtype=np.float32) - 1, np.int64(2)],
                [rng.standard_normal((3, 2, 4), dtype=np.float32), np.int64(0)]]
        cases.append(save_case(out, name, model, p, sets))

        name = f"squeeze_if_unit_dim_opset{opset}"
        model = torch.jit.script(SqueezeIfUnitDim().eval())
        p = os.path.join(out, name + ".onnx")
        export(model, (torch.randn(5, 3),), p, ["x"], None, {"x": {0: "n"}}, opset)
        rename_values(p, {}, strip_value_info=True)
        sets = [[rng.standard_normal((n, 3), dtype=np.float32)] for n in (5, 2)]
        cases.append(save_case(out, name, model, p, sets))

    model = RoiAlignOnFeatures().eval()
    p = os.path.join(out, "roi_align_dynamic.onnx")
    export(model, (torch.randn(1, 3, 16, 12), torch.from_numpy(random_rois(rng, 4, 16, 12))), p, ["x", "rois"], ["pooled"],
           {"x": {2: "h", 3: "w"}, "rois": {0: "k"}, "pooled": {0: "k"}})
    sets = [[rng.standard_normal((1, 3, h, w), dtype=np.float32), random_rois(rng, k, h, w)]
            for h, w, k in ((16, 12, 4), (9, 20, 7), (10, 8, 0))]  # no boxes at all: a detector's empty level
    cases.append(save_case(out, "roi_align_dynamic", model, p, sets))

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()
