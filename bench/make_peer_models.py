"""Writes the peer benchmark's models in both forms: python3 make_peer_models.py OUT_DIR.

For every model: OUT_DIR/<name>.onnx (torch.onnx.export, opset 17, named inputs, static shapes) for
the ONNX Runtime comparison and OUT_DIR/<name>.pt (TorchScript: traced, or scripted where the model
holds a loop) for the LibTorch one, with the extra file `weft_inputs` declaring its input shapes.
OUT_DIR/peer_manifest.txt lists them in table order, one line each:
    <name> <input>=<d0>,<d1>,... [<input>=...]
(the ONNX input names and the static shapes weft specializes). Models are made at bench time and
never committed; a directory already written by this same script is left as it is (see up_to_date),
so the libraries compiled from it stay valid.

The weights are random (torch.manual_seed(0)), nothing is downloaded: the time of a dense model
does not depend on its weight values, and the benchmarks check the two engines agree on the outputs.
Batch norm statistics are calibrated on random inputs (calibrate_batch_norm) so that activations
keep a trained net's scale.
"""
import hashlib
import inspect
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision.models as tvm

OPSET = 17
warnings.filterwarnings("ignore", message="'batch_first' was found in ScriptModule constants")
warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
warnings.filterwarnings("ignore", category=UserWarning)


class RnnClassifier(nn.Module):
    """A GRU or LSTM over 50 frames of 40 features (batch 1), hidden 256; logits of 10 classes
    from the last step's output."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(40, 256, batch_first=True)
        self.head = nn.Linear(256, 10)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


class Encoder(nn.Module):
    """nn.TransformerEncoder: 2 layers, d_model 256, 4 heads, feed-forward 1024; batch 1, seq 64."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


class AudioFrontEnd(nn.Module):
    """An M5-style keyword-spotting net: Conv1d stack (with batch norm, relu, max pool) over one
    second of 16 kHz audio, average pooled, 35 classes."""

    def __init__(self):
        super().__init__()
        layers, c_in = [], 1
        for c_out, k, stride in [(64, 80, 4), (64, 3, 1), (128, 3, 1), (256, 3, 1)]:
            layers += [nn.Conv1d(c_in, c_out, k, stride=stride, padding=k // 2), nn.BatchNorm1d(c_out), nn.ReLU(),
                       nn.MaxPool1d(4)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(256, 35)

    def forward(self, wave):
        return self.head(self.features(wave).mean(dim=2))


class GreedyDecoder(nn.Module):
    """A GRU decoder run greedily for 20 steps from an encoder state h0 [1, 256]: each step embeds
    the previous argmax token (vocabulary 64); returns every step's logits [1, 20, 64]. A loop in
    TorchScript (scripted, so the loop stays a loop; ONNX exports it as Loop). nn.GRU on one step,
    as torch.onnx cannot export nn.GRUCell."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(64, 256)
        self.cell = nn.GRU(256, 256, batch_first=True)
        self.out = nn.Linear(256, 64)

    def forward(self, h0):
        h = h0.unsqueeze(0)
        # The start token's batch read from h0, as a decoder written for any batch does. (A literal
        # torch.zeros([1]) here folds, in weft's TorchScript importer, into a tuple constant that it
        # rejects: "prim::Constant of unsupported type (int, int, int)".)
        tok = torch.zeros([h0.size(0)], dtype=torch.long)
        steps = []
        for _ in range(20):
            y, h = self.cell(self.embed(tok).unsqueeze(1), h)
            logits = self.out(y.squeeze(1))
            tok = torch.argmax(logits, dim=1)
            steps.append(logits)
        return torch.stack(steps, dim=1)


IMAGE = [1, 3, 224, 224]
# name -> (constructor, input shapes in forward's order, scripted?); table order.
MODELS = {
    "resnet18": (lambda: tvm.resnet18(weights=None), [IMAGE], False),
    "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small(weights=None), [IMAGE], False),
    "squeezenet1_1": (lambda: tvm.squeezenet1_1(weights=None), [IMAGE], False),
    "gru_classifier": (lambda: RnnClassifier(nn.GRU), [[1, 50, 40]], False),
    "lstm_classifier": (lambda: RnnClassifier(nn.LSTM), [[1, 50, 40]], False),
    "transformer_encoder": (Encoder, [[1, 64, 256]], False),
    "audio_frontend": (AudioFrontEnd, [[1, 1, 16000]], False),
    "greedy_decoder": (GreedyDecoder, [[1, 256]], True),
}


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read() + torch.__version__.encode()).hexdigest()


def up_to_date(out):
    """The directory holds every model this very script (and torch version) writes."""
    try:
        with open(os.path.join(out, "peer_manifest.stamp")) as f:
            if f.read().strip() != script_hash():
                return False
    except OSError:
        return False
    return all(os.path.exists(os.path.join(out, n + ext)) for n in MODELS for ext in (".onnx", ".pt"))


def calibrate_batch_norm(model, shapes):
    """Sets every batch norm's running statistics to those of random inputs (a few forward passes
    in training mode), as training would: with the fresh defaults (mean 0, variance 1) activations
    of a randomly initialized deep net such as mobilenet_v3 shrink layer after layer to ~1e-9 at the
    output, which would make the output comparison meaningless and could reach subnormal floats,
    whose arithmetic is slow on x86 and would distort the timing."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a plain average over the calibration passes
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(*(torch.rand(2, *s[1:]) * 2 - 1 for s in shapes))
    model.eval()


def export(name, ctor, shapes, scripted, out):
    torch.manual_seed(0)
    model = ctor().eval()
    calibrate_batch_norm(model, shapes)
    names = [p for p in inspect.signature(model.forward).parameters]
    example = tuple(torch.rand(*s) * 2 - 1 for s in shapes)
    # Not under torch.no_grad(): with grad enabled nn.TransformerEncoderLayer takes its plain path
    # (matmuls, softmax, layer norm) instead of the fused aten::_transformer_encoder_layer_fwd
    # that neither torch.onnx nor weft's TorchScript importer knows.
    # check_trace off: its re-trace differs from the first only in mangled class names for the encoder.
    ts = torch.jit.script(model) if scripted else torch.jit.trace(model, example, check_trace=False)
    signature = "".join(f"{n}: f32[{', '.join(map(str, s))}]\n" for n, s in zip(names, shapes))
    torch.jit.save(ts, os.path.join(out, name + ".pt"), _extra_files={"weft_inputs": signature})
    # A scripted model is exported from its script, so that its loop stays a Loop.
    torch.onnx.export(ts if scripted else model, example, os.path.join(out, name + ".onnx"), opset_version=OPSET,
                      input_names=names, output_names=["y"])
    return name + "".join(f" {n}={','.join(map(str, s))}" for n, s in zip(names, shapes))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_peer_models.py OUT_DIR")
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    if up_to_date(out):
        print(f"peer models in {out} are up to date")
        return
    lines = [export(name, *spec, out) for name, spec in MODELS.items()]
    with open(os.path.join(out, "peer_manifest.txt"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    with open(os.path.join(out, "peer_manifest.stamp"), "w") as f:
        f.write(script_hash() + "\n")
    print(f"wrote {len(MODELS)} models (.onnx and .pt) to {out}")


if __name__ == "__main__":
    main()
