"""The real-model corpus's table: each model's builder, its inputs at two sizes, and how it exports.

A Spec's `args` names forward's arguments with their weft type (None for an int, whose type
TorchScript records); dims that vary between the two sizes are symbols. `dynamic` marks the
ONNX export's dynamic axes per argument (position -> symbol). Widths are small where the
builder allows (num_classes=10), the architecture is the builder's own; weights are random.
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torchvision.models as tvm
import torchvision.models.detection as tvd
import torchvision.models.optical_flow as tvf
import torchvision.models.segmentation as tvs
import torchvision.models.video as tvv

import nn_blocks

FORMS = ("scripted", "traced", "onnx13", "onnx17")


@dataclass
class Spec:
    name: str
    build: Callable[[], nn.Module]
    args: List[tuple]                    # (name, weft type or None)
    sizes: List[Callable[[np.random.Generator], list]]  # two input sets
    dynamic: Dict[int, Dict[int, str]]   # ONNX dynamic axes per argument index
    representative: bool = False
    forms: tuple = FORMS
    onnx_from_script: bool = False       # export the scripted module (keeps loops as Loop)
    note: str = ""


def image(*shape):
    return lambda rng: [rng.standard_normal(shape).astype(np.float32)]


IMG_T = [("x", "f32[batch, 3, h, w]")]
IMG_DYN = {0: {0: "batch", 2: "h", 3: "w"}}
SIZES = [image(1, 3, 64, 64), image(2, 3, 96, 96)]


class FirstOutput(nn.Module):
    """Returns the logits of models whose scripted forward returns a named tuple (aux outputs)."""

    def __init__(self, m: nn.Module):
        super().__init__()
        self.m = m

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.m(x)
        if isinstance(y, torch.Tensor):
            return y
        return y[0]


class SegmentationOut(nn.Module):
    """The "out" entry of a segmentation model's dict, as deployed."""

    def __init__(self, m: nn.Module):
        super().__init__()
        self.m = m

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.m(x)["out"]


class DetectionBoxes(nn.Module):
    """Boxes, scores and labels of the first image: a detector as deployed on one image."""

    def __init__(self, m: nn.Module):
        super().__init__()
        self.m = m

    def forward(self, x: torch.Tensor):
        out = self.m([x[0]])
        det = out[1][0] if isinstance(out, tuple) else out[0]
        return det["boxes"], det["scores"], det["labels"]


class FinalFlow(nn.Module):
    """RAFT's last flow estimate after a few refinement steps (a loop over updates)."""

    def __init__(self, m: nn.Module):
        super().__init__()
        self.m = m

    def forward(self, image1: torch.Tensor, image2: torch.Tensor) -> torch.Tensor:
        return self.m(image1, image2, num_flow_updates=3)[-1]


def classifier(name, builder, representative=False, sizes=SIZES, wrap=False, **kw):
    def build():
        m = builder(num_classes=10, **kw)
        return FirstOutput(m) if wrap else m
    return Spec(name, build, IMG_T, sizes, IMG_DYN, representative)


def tokens(b, t):
    return lambda rng: [rng.integers(0, nn_blocks.VOCAB, size=(b, t)).astype(np.int64)]


def causal(t):
    return np.triu(np.full((t, t), -np.inf, dtype=np.float32), k=1)


def seq2seq(b, s, t):
    return lambda rng: [rng.standard_normal((b, s, 8)).astype(np.float32),
                        rng.standard_normal((b, t, 8)).astype(np.float32), causal(t)]


def encoder_in(b, t):
    return lambda rng: [rng.standard_normal((b, t, 32)).astype(np.float32), causal(t)]


def calibrated(detector, image_shape, batches=2):
    """The detector with batch-norm statistics measured on random images. With the defaults
    (mean 0, variance 1) a randomly initialized backbone's features vanish (1e-13 at the
    heads), every score ties at 1/num_classes, and which boxes come first is then down to
    each sort's tie-breaking, not to the model; measured statistics give distinct scores."""
    norms = [m for m in detector.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # a plain average over the calibration batches
        bn.train()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(batches):
            detector([torch.randn(image_shape, generator=g) for _ in range(4)])  # 4 images: batch statistics
    return detector.eval()


def detector(name, builder, **kw):
    """A detector's first detections. Scores still differ by float noise from the order weft
    sums in (1e-5 relative), and two boxes whose scores are that close may come in either
    order; the fewer detections kept (kw), the fewer such near ties in the output."""
    return Spec(name, lambda: DetectionBoxes(calibrated(builder(num_classes=10, weights_backbone=None, **kw).eval(), (3, 96, 128))),
                IMG_T,
                [image(1, 3, 96, 128), image(1, 3, 128, 96)], {0: {2: "h", 3: "w"}},
                note="detection: per-image list input, NMS, data-dependent output count")


SPECS = [
    classifier("resnet18", tvm.resnet18, representative=True),
    classifier("resnet50", tvm.resnet50),
    classifier("resnext50_32x4d", tvm.resnext50_32x4d),
    classifier("wide_resnet50_2", tvm.wide_resnet50_2),
    classifier("mobilenet_v2", tvm.mobilenet_v2),
    classifier("mobilenet_v3_small", tvm.mobilenet_v3_small, representative=True),
    classifier("mobilenet_v3_large", tvm.mobilenet_v3_large),
    classifier("mnasnet0_5", tvm.mnasnet0_5, representative=True),
    classifier("shufflenet_v2_x0_5", tvm.shufflenet_v2_x0_5, representative=True),
    classifier("squeezenet1_0", tvm.squeezenet1_0),
    classifier("squeezenet1_1", tvm.squeezenet1_1, representative=True),
    classifier("densenet121", tvm.densenet121),
    classifier("googlenet", tvm.googlenet, wrap=True, aux_logits=False, init_weights=True),
    classifier("inception_v3", tvm.inception_v3, sizes=[image(1, 3, 80, 80), image(2, 3, 96, 96)], wrap=True,
               aux_logits=False, init_weights=True),
    classifier("efficientnet_b0", tvm.efficientnet_b0),
    classifier("regnet_y_400mf", tvm.regnet_y_400mf),
    classifier("convnext_tiny", tvm.convnext_tiny),
    # Position embeddings fix ViT's image size; only the batch varies.
    Spec("vit_b_16", lambda: tvm.vit_b_16(num_classes=10, image_size=32), [("x", "f32[batch, 3, 32, 32]")],
         [image(1, 3, 32, 32), image(2, 3, 32, 32)], {0: {0: "batch"}}),
    classifier("swin_t", tvm.swin_t),
    # MaxViT's block and grid partitions need sides divisible by 7 * 32.
    Spec("maxvit_t", lambda: tvm.maxvit_t(num_classes=10), [("x", "f32[batch, 3, 224, 224]")],
         [image(1, 3, 224, 224), image(2, 3, 224, 224)], {0: {0: "batch"}}),
    Spec("fcn_resnet50", lambda: SegmentationOut(tvs.fcn_resnet50(num_classes=10, aux_loss=False, weights_backbone=None)),
         IMG_T, SIZES, IMG_DYN),
    Spec("deeplabv3_mobilenet_v3_large",
         lambda: SegmentationOut(tvs.deeplabv3_mobilenet_v3_large(num_classes=10, aux_loss=False, weights_backbone=None)),
         IMG_T, SIZES, IMG_DYN),
    Spec("lraspp_mobilenet_v3_large",
         lambda: SegmentationOut(tvs.lraspp_mobilenet_v3_large(num_classes=10, weights_backbone=None)),
         IMG_T, SIZES, IMG_DYN, representative=True),
    detector("ssdlite320_mobilenet_v3_large", tvd.ssdlite320_mobilenet_v3_large, detections_per_img=20),
    detector("fasterrcnn_mobilenet_v3_large_320_fpn", tvd.fasterrcnn_mobilenet_v3_large_320_fpn, box_detections_per_img=20),
    Spec("r3d_18", lambda: tvv.r3d_18(num_classes=10), [("x", "f32[batch, 3, t, h, w]")],
         [image(1, 3, 4, 32, 32), image(2, 3, 6, 48, 48)], {0: {0: "batch", 2: "t", 3: "h", 4: "w"}}),
    Spec("raft_small", lambda: FinalFlow(tvf.raft_small()),
         [("image1", "f32[batch, 3, h, w]"), ("image2", "f32[batch, 3, h, w]")],
         # Sides of 128 or more: at 64 the correlation pyramid's last level is 1 pixel wide, RAFT
         # divides by its width - 1, and torch's flow is NaN everywhere (a comparison of nothing).
         [lambda rng: image(1, 3, 128, 128)(rng) + image(1, 3, 128, 128)(rng),
          lambda rng: image(1, 3, 128, 192)(rng) + image(1, 3, 128, 192)(rng)],
         {0: {0: "batch", 2: "h", 3: "w"}, 1: {0: "batch", 2: "h", 3: "w"}},
         note="optical flow: a refinement loop over a correlation pyramid"),
    Spec("transformer_seq2seq", nn_blocks.TransformerSeq2Seq,
         [("src", "f32[batch, s, 8]"), ("tgt", "f32[batch, t, 8]"), ("tgt_mask", "f32[t, t]")],
         [seq2seq(1, 5, 4), seq2seq(2, 7, 6)],
         {0: {0: "batch", 1: "s"}, 1: {0: "batch", 1: "t"}, 2: {0: "t", 1: "t"}}, representative=True),
    Spec("transformer_encoder_masked", nn_blocks.TransformerEncoderMasked,
         [("x", "f32[batch, t, 32]"), ("mask", "f32[t, t]")], [encoder_in(1, 5), encoder_in(3, 9)],
         {0: {0: "batch", 1: "t"}, 1: {0: "t", 1: "t"}}),
    Spec("lstm_lm", nn_blocks.LstmLanguageModel, [("tokens", "i64[batch, t]")], [tokens(1, 6), tokens(3, 11)],
         {0: {0: "batch", 1: "t"}}, representative=True),
    Spec("gru_lm", nn_blocks.GruLanguageModel, [("tokens", "i64[batch, t]")], [tokens(1, 6), tokens(3, 11)],
         {0: {0: "batch", 1: "t"}}, representative=True),
    # Tracing would unroll the loop for one input's trip count: scripted and ONNX (from the script) only.
    Spec("greedy_decoder", nn_blocks.GreedyDecoder, [("h0", "f32[batch, 16]"), ("max_len", None)],
         [lambda rng: [rng.standard_normal((1, 16)).astype(np.float32), 5],
          lambda rng: [rng.standard_normal((3, 16)).astype(np.float32), 9]],
         {0: {0: "batch"}}, representative=True, forms=("scripted", "onnx13", "onnx17"), onnx_from_script=True,
         note="a while loop with a data-dependent stop"),
]


def find(names: Optional[List[str]], subset: str) -> List[Spec]:
    if names:
        known = {s.name: s for s in SPECS}
        missing = [n for n in names if n not in known]
        if missing:
            raise SystemExit("unknown model(s): " + ", ".join(missing) + "; known: " + ", ".join(known))
        return [known[n] for n in names]
    return [s for s in SPECS if subset == "all" or s.representative]
