"""Writes the benchmark's TorchScript models: python3 make_models.py OUT_DIR.

Every model has fixed input shapes, given to weft in the extra file `weft_inputs`, so that
weft compiles it fully static (memory plan included). OUT_DIR/manifest.txt lists the models
in table order, one `name` a line; OUT_DIR/<name>.pt is the model. The models are generated
at bench time and never committed. The weights are random: only speed and memory matter
here, and run_vs_libtorch checks the two engines agree on each model's output.
"""
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
# nn.TransformerEncoderLayer trips a harmless TorchScript warning about its own constants.
warnings.filterwarnings("ignore", message="'batch_first' was found in ScriptModule constants")


class Mlp(nn.Module):
    """3 linear layers 512 wide, relu between; batch 32."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(512, 512)
        self.fc2 = nn.Linear(512, 512)
        self.fc3 = nn.Linear(512, 512)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class SmallCnn(nn.Module):
    """2 x (conv3x3 + relu + maxpool 2) on 1x3x64x64, then a linear classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 16 * 16, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class Lstm(nn.Module):
    """One LSTM layer: seq 16, batch 8, input 64, hidden 128; returns every step's output."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(64, 128)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out


class Gru(nn.Module):
    """Two GRU layers, batch first: batch 8, seq 16, input 64, hidden 128; the last hidden state."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(64, 128, num_layers=2, batch_first=True)

    def forward(self, x):
        _, h = self.gru(x)
        return h[-1]


class Encoder(nn.Module):
    """One transformer encoder layer: d_model 128, 4 heads, feed-forward 256; batch 4, seq 32."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256, dropout=0.0,
                                                batch_first=True)

    def forward(self, x):
        return self.layer(x)


class BigLinear(nn.Module):
    """One 3600x3600 linear layer: 51.8 MB of f32 weights, to time `weft compile` on a large model."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3600, 3600)

    def forward(self, x):
        return self.fc(x)


# name -> (constructor, weft_inputs text); table order.
MODELS = {
    "mlp": (Mlp, "x: f32[32, 512]"),
    "small_cnn": (SmallCnn, "x: f32[1, 3, 64, 64]"),
    "lstm": (Lstm, "x: f32[16, 8, 64]"),
    "gru2": (Gru, "x: f32[8, 16, 64]"),
    "encoder_layer": (Encoder, "x: f32[4, 32, 128]"),
    "linear_50mb": (BigLinear, "x: f32[8, 3600]"),
}


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    for name, (ctor, signature) in MODELS.items():
        scripted = torch.jit.script(ctor().eval())
        torch.jit.save(scripted, os.path.join(out, name + ".pt"), _extra_files={"weft_inputs": signature + "\n"})
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write("".join(name + "\n" for name in MODELS))
    print(f"wrote {len(MODELS)} models to {out}")


if __name__ == "__main__":
    main()
