"""Writes the TorchScript test models and their random inputs: python3 make_models.py OUT_DIR [name...].

Each model is saved as OUT_DIR/<name>.pt with an extra file `weft_inputs` giving the weft
type of each tensor argument of forward (dims that vary between cases are symbols), and
its cases as OUT_DIR/<name>/<case>/<i>.npy (an int or float argument is a rank-0 array).
OUT_DIR/manifest.json lists models, argument kinds and case folders. LibTorch (in the
C++ test) is the oracle; nothing here computes expected outputs.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from typing import Dict, List, Optional, Tuple

torch.manual_seed(0)
RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# --- the vertical slice: linear layers, an if on data, a counted loop, an assert ----------
class MlpIfLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 8)

    def forward(self, x, n: int):
        assert n >= 0, "n must not be negative"
        h = F.relu(self.fc1(x))
        y = self.fc2(h)
        if bool(y.sum() > 0):
            y = torch.tanh(y) * 2.0
        else:
            y = torch.sigmoid(y) - 0.5
        for i in range(n):
            y = y + 0.1 * i * torch.sin(y)
        return y, n * 2


# --- an LSTM greedy decoder: while loop with a data-dependent stop, list of steps stacked --
class LstmDecoder(nn.Module):
    def __init__(self, vocab: int = 12, hidden: int = 16):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.cell = nn.LSTMCell(hidden, hidden)
        self.out = nn.Linear(hidden, vocab)
        self.eos = 0

    def forward(self, h0, max_len: int):
        h = h0
        c = torch.zeros_like(h0)
        tok = torch.full([h0.size(0)], 1, dtype=torch.long)
        steps: List[torch.Tensor] = []
        i = 0
        while i < max_len:
            h, c = self.cell(self.embed(tok), (h, c))
            logits = self.out(h)
            steps.append(F.log_softmax(logits, dim=-1))
            tok = torch.argmax(logits, dim=-1)
            i += 1
            if bool((tok == self.eos).all()):
                break
        return torch.stack(steps, dim=1), i


# --- a GRU classifier over sequences of varying length, masked mean over valid steps ------
class GruClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 12, num_layers=2, batch_first=True)
        self.head = nn.Linear(12, 4)

    def forward(self, x, lengths):
        out, h = self.gru(x)
        steps = torch.arange(x.size(1)).unsqueeze(0)
        mask = (steps < lengths.unsqueeze(1)).to(out.dtype).unsqueeze(2)
        mean = (out * mask).sum(dim=1) / lengths.unsqueeze(1).to(out.dtype)
        return F.log_softmax(self.head(mean + h[-1]), dim=1)


# --- a 2-layer transformer encoder --------------------------------------------------------
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, x):
        return self.enc(x)


# --- multi-head attention with a key padding mask, weights averaged over heads ------------
class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x, mask):
        out, weights = self.mha(x, x, x, key_padding_mask=mask)
        return out, weights


def padding_mask(b, s):
    lengths = RNG.integers(1, s + 1, b)
    return np.arange(s)[None, :] >= lengths[:, None]


# --- nested loops and topk ----------------------------------------------------------------
class NestedTopk(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(5, 5)

    def forward(self, x, k: int):
        acc = torch.zeros_like(x)
        for i in range(x.size(0)):
            row = x[i]
            j = 0
            while j < i + 1:
                j += 1
                row = torch.relu(self.proj(row)) + row * 0.5
                if j % 2 == 0:
                    continue
                acc[i] = acc[i] + row
        values, indices = torch.topk(acc.flatten(), k)
        order = torch.argsort(values, descending=False)
        return values, indices[order], torch.cumsum(values, dim=0)


# --- a tree encoded as tensors, walked bottom up, keeping per-node states in a list -------
class TreeWalker(nn.Module):
    def __init__(self, feat: int = 6, hidden: int = 10):
        super().__init__()
        self.leaf = nn.Linear(feat, hidden)
        self.combine = nn.Linear(feat + 2 * hidden, hidden)
        self.hidden = hidden

    def forward(self, feats, children):
        # children[i] = (left, right), -1 for none; a child's index is larger than its parent's.
        n = feats.size(0)
        states: List[torch.Tensor] = []
        for _ in range(n):
            states.append(torch.zeros(self.hidden))
        for k in range(n):
            i = n - 1 - k
            left = int(children[i, 0])
            right = int(children[i, 1])
            if left < 0 and right < 0:
                s = torch.tanh(self.leaf(feats[i]))
            else:
                ls = states[left] if left >= 0 else torch.zeros(self.hidden)
                rs = states[right] if right >= 0 else torch.zeros(self.hidden)
                s = torch.tanh(self.combine(torch.cat([feats[i], ls, rs], dim=0)))
            states[i] = s
        return states[0], torch.stack(states)


# --- common nn and tensor ops, one after another -----------------------------------------
class OpsZoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3, padding=1)
        self.bn = nn.BatchNorm1d(6)
        self.ln = nn.LayerNorm(6)
        self.embed = nn.Embedding(10, 6)
        self.lstm = nn.LSTM(6, 5, batch_first=True, bidirectional=True)
        self.gru_cell = nn.GRUCell(6, 6)
        self.bn.running_mean.uniform_(-0.5, 0.5)
        self.bn.running_var.uniform_(0.5, 1.5)

    def forward(self, x, tokens):
        # x [b, 4, t], tokens [b, t]
        h = self.bn(torch.relu(self.conv(x)))                   # [b, 6, t]
        h = F.max_pool1d(h, 1) + F.avg_pool1d(h, 1)
        h = h.permute(0, 2, 1).contiguous()                     # [b, t, 6]
        h = self.ln(h) + self.embed(tokens)
        h = F.gelu(h) + F.silu(h) - F.hardswish(h) * F.hardsigmoid(h)
        out, (hn, cn) = self.lstm(h)                            # [b, t, 10]
        a, b = torch.chunk(out, 2, dim=2)
        parts = torch.split(out, [4, 6], dim=2)
        att = torch.softmax(torch.bmm(a, b.transpose(1, 2)), dim=-1)   # [b, t, t]
        ctx = torch.bmm(att, parts[1])                          # [b, t, 6]
        g = self.gru_cell(ctx[:, -1], ctx[:, 0])                # [b, 6]
        mask = torch.arange(ctx.size(1)).unsqueeze(0) > 1
        ctx = ctx.masked_fill(mask.unsqueeze(2), 0.0)
        ctx = torch.where(ctx > 0.1, ctx, torch.zeros_like(ctx) - 0.5)
        flat = ctx.flatten(1)
        vals, idx = torch.sort(out.flatten(1), dim=1, descending=True)  # no ties: torch does not promise their order
        best = torch.argmax(flat, dim=1)
        cs = torch.cumsum(torch.clamp(torch.clamp(flat, max=0.3), min=-0.3), dim=1)  # one bound None each (box decoding)
        narrow = flat.narrow(1, 1, 3) * torch.ones(1, 3) + torch.full([1, 3], 0.25)
        st = torch.stack([g.sum(1), hn.sum((0, 2)), cn.mean((0, 2))], dim=1)
        y = torch.cat([st, narrow, torch.log_softmax(g, dim=1), torch.tanh(vals[:, :2]), torch.sigmoid(cs[:, -2:])], dim=1)
        return y.view(y.size(0), -1), idx[:, :3], best, (cs > 0).any(), torch.sqrt(torch.abs(y)).max(dim=1)[0]


# --- Optional and int-list arguments: None checks, refinement, a shape from a list ---------
class OptionalArgs(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor], shape: List[int]):
        y = x.reshape(shape[0], shape[1], -1)  # a rank must be static: the list is indexed
        if bias is not None:
            y = y + bias.sum()
        sizes: List[int] = []
        for s in shape:
            sizes.append(s * 2)
        z = torch.zeros_like(x)
        for i in range(x.size(0) - 1, -1, -2):  # a range with start and step; writes into views
            z[i] = x[i] * float(i)
        z[torch.arange(1)] = x[-1] + 1.0  # index_put
        return y, len(sizes), sizes[-1], z


# --- a traced model (no control flow) -------------------------------------------------------
class Traced(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = F.relu(self.conv(x))
        h = F.adaptive_avg_pool2d(h, (4, 4))
        return torch.softmax(self.fc(h.reshape(h.shape[0], -1)), dim=1)


# --- an operator the importer has no converter for (the test checks the error) -----------
class Unsupported(nn.Module):
    def forward(self, x):
        return torch.logdet(x) + 1.0


# --- ops real models use (issue 11): F.interpolate's upsample_*.vec, baddbmm, chunk of a dim
# a reshape with -1 must keep static, dict results, strings built for messages ------------
class Interpolate(nn.Module):
    def forward(self, x):
        a = F.interpolate(x, size=[x.shape[-2] * 2, x.shape[-1] * 2], mode="bilinear", align_corners=False)
        b = F.interpolate(x, scale_factor=2.0, mode="nearest")
        c = F.interpolate(x, size=[x.shape[-2] * 2, x.shape[-1] * 2], mode="bilinear", align_corners=True)
        d = F.interpolate(x, scale_factor=1.5, mode="nearest-exact")
        e = F.interpolate(x, size=[3, 4], mode="bicubic", align_corners=False)
        f = F.interpolate(x, size=[7, 5], mode="nearest")
        g = F.interpolate(x.flatten(2), scale_factor=3.0, mode="linear")
        return a + b + c, d, e, f, g


class Baddbmm(nn.Module):
    def forward(self, s, a, b):
        return torch.baddbmm(s, a, b, beta=0.5, alpha=2.0), torch.baddbmm(s, a, b), torch.baddbmm(s, a, b, beta=0)


# --- einsum (MaxViT's attention) and in-place writes through views that regroup elements
# (EfficientNet's in-place dropout on a flatten) ----------------------------------------------
class EinsumViews(nn.Module):
    def forward(self, a, b, m):
        scores = torch.einsum("B H I D, B H J D -> B H I J", a, b)
        diag = torch.einsum("ii->i", m)
        implicit = torch.einsum("...ij,...kj", a, b)
        total = torch.einsum("bhid->", a)
        f = a.clone()
        flat = f.flatten(1)
        flat.mul_(2.0)
        F.dropout(flat, 0.2, False, True)
        g = f.transpose(1, 3)
        g.add_(1.0)
        h = f.permute(2, 0, 3, 1)
        h.sub_(0.5)
        return scores, diag, implicit, total, f


# --- a module attribute forward assigns and reads back (RAFT's CorrBlock keeps its correlation
# pyramid in self.corr_pyramid): freezing leaves prim::SetAttr / prim::GetAttr on a submodule ----
class Pyramid(nn.Module):
    def __init__(self):
        super().__init__()
        self.levels: List[torch.Tensor] = [torch.zeros(1)]
        self.scale = 2.0

    def build(self, x):
        # RAFT's CorrBlock: the list assigned, then grown through the attribute (a loop freezing unrolls).
        self.levels = [x]
        for _ in range(2):
            x = F.avg_pool2d(x, 2)
            self.levels.append(x)

    def read(self, i: int):
        return self.levels[i] * self.scale


class AttributeState(nn.Module):
    def __init__(self):
        super().__init__()
        self.pyramid = Pyramid()

    def forward(self, x):
        self.pyramid.build(x)
        total = self.pyramid.read(1).sum()
        for i in range(2):
            total = total + self.pyramid.read(0).mean() * float(i)
        for level in self.pyramid.levels:  # every level, as RAFT's index_pyramid reads them
            total = total + level.mean()
        return self.pyramid.read(0) - total, self.pyramid.read(1), self.pyramid.read(2)


# --- torchvision.ops.nms (detection post-processing): torchvision's own C++ operator ---------
class Nms(nn.Module):
    def forward(self, boxes, scores):
        keep = torchvision.ops.nms(boxes, scores, 0.4)
        # Box decoding's shapes: corners flattened from a stack and unbound again (flatten
        # must keep the static 4), and a score threshold as a bool mask index.
        corners = torch.stack((boxes[:, 0::2], boxes[:, 1::2]), dim=2).flatten(1)
        x1, y1, x2, y2 = corners.unbind(1)
        return keep, boxes[keep], (x2 - x1) * (y2 - y1), scores[scores > 0.5]


def nms_case(n):
    # Boxes crowded into a small square so that many overlap; distinct scores (torch does
    # not promise the order of ties).
    xy = RNG.uniform(0, 6, size=(n, 2))
    wh = RNG.uniform(1, 4, size=(n, 2))
    scores = RNG.permutation(n) / n + 0.01
    return [np.concatenate([xy, xy + wh], axis=1).astype(np.float32), scores.astype(np.float32)]


# --- torchvision's box pooling as Faster R-CNN runs it: roi_align, the level of each box
# (log2), scatter back by position, torch.where(cond), x[rows, cols], a split by run-time sizes.
# Traced, as the corpus's traced detector (scripted roi_align checks its boxes with isinstance) ---
class RoiPooling(nn.Module):
    def forward(self, x, rois):
        a = torchvision.ops.roi_align(x, rois, output_size=(3, 2), spatial_scale=0.5, sampling_ratio=2, aligned=False)
        b = torchvision.ops.roi_align(x, rois, output_size=(2, 2), spatial_scale=1.0, sampling_ratio=1, aligned=True)
        area = (rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2])
        level = torch.floor(torch.log2(torch.sqrt(area) + 1.0))
        big = torch.where(level > 1.0)[0]
        spread = torch.zeros_like(area).scatter(0, big, area[big])
        rows = torch.arange(a.shape[0])[:, None]
        picked = a.flatten(1)[rows, torch.zeros_like(rows) + 1]
        head, tail = a.split([a.shape[0] - 1, 1])
        return a, b, level, spread, picked, head.sum() - tail.sum()


def roi_case(k, h, w):
    x = np.sort(RNG.uniform(-2, w + 2, size=(k, 2)), axis=1)
    y = np.sort(RNG.uniform(-2, h + 2, size=(k, 2)), axis=1)
    rois = np.concatenate([np.zeros((k, 1)), x[:, :1], y[:, :1], x[:, 1:], y[:, 1:]], axis=1).astype(np.float32)
    return [randn(1, 3, h, w), rois]


# --- F.grid_sample (RAFT's bilinear_sampler): every mode and padding, both align_corners ------
class GridSample(nn.Module):
    def forward(self, x, grid):
        return (F.grid_sample(x, grid, align_corners=False), F.grid_sample(x, grid, padding_mode="border", align_corners=True),
                F.grid_sample(x, grid, padding_mode="reflection", align_corners=False),
                F.grid_sample(x, grid, mode="nearest", padding_mode="reflection", align_corners=True),
                F.grid_sample(x, grid, mode="nearest", align_corners=False),
                F.grid_sample(x, grid, mode="bicubic", padding_mode="border", align_corners=False),
                F.grid_sample(x, grid, mode="bicubic", padding_mode="reflection", align_corners=True))


def channel_shuffle(x, groups: int):  # torchvision's shufflenetv2.channel_shuffle
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    x = x.view(batchsize, -1, height, width)
    return x


class ChannelShuffle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)

    def forward(self, x):
        x = channel_shuffle(self.conv(x), 2)
        a, b = x.chunk(2, dim=1)
        rows = x.chunk(3, dim=2)  # a dim known only at run time
        return torch.cat((torch.relu(a), b), dim=1), rows[0] - 1.0, rows[2]


class DictResult(nn.Module):  # torchvision's IntermediateLayerGetter returns an OrderedDict
    def __init__(self):
        super().__init__()
        from torchvision.models._utils import IntermediateLayerGetter
        body = nn.Sequential()
        body.add_module("conv", nn.Conv2d(3, 4, 3, padding=1))
        body.add_module("act", nn.ReLU())
        body.add_module("pool", nn.MaxPool2d(2))
        self.body = IntermediateLayerGetter(body, {"pool": "out", "act": "aux"})

    def forward(self, x) -> Dict[str, torch.Tensor]:
        feats = self.body(x)
        out: Dict[str, torch.Tensor] = {"out": feats["out"] * 2.0}
        out["sum"] = feats["out"].sum() + float(len(feats)) + float(len(feats.keys())) + feats.values()[1].mean()
        if "aux" in feats:
            out["aux"] = feats["aux"] + 1.0
        out["out"] = out["out"] - 1.0  # an existing key keeps its place
        return out


class PadNormSplit(nn.Module):  # swin's F.pad to window multiples and roll, raft's instance norm and meshgrid, split_with_sizes, shape[-2:]
    # running_stats: the second norm uses running statistics in eval (use_input_stats=False);
    # traced only, since freeze_module keeps the buffers instance_norm may write as GetAttr.
    def __init__(self, running_stats=False):
        super().__init__()
        self.inorm = nn.InstanceNorm2d(3, affine=True)
        self.inorm_running = nn.InstanceNorm2d(3, track_running_stats=running_stats)
        with torch.no_grad():
            self.inorm.weight.normal_()
            self.inorm.bias.normal_()
            if running_stats:
                self.inorm_running.running_mean.normal_()
                self.inorm_running.running_var.uniform_(0.5, 2.0)

    def forward(self, x):
        B, C, H, W = x.shape
        pad_r = (4 - W % 4) % 4
        pad_b = (4 - H % 4) % 4
        a = F.pad(x, (0, pad_r, 0, pad_b))  # run-time pads when H, W vary
        b = F.pad(x, (1, 2, 0, 1), mode="reflect")
        c = F.pad(x, (1, 1, 2, 0), mode="replicate")
        d = F.pad(x, (1, -1, 0, 0, 0, 1), value=0.5)  # a negative pad crops
        e = torch.constant_pad_nd(x, [2, 1], -1.0)
        lo, hi = x.split([1, 2], dim=1)
        hw = x.shape[-2:]
        rev = x.shape[::-1][1:3]
        f = x.reshape(B * rev[1], hw[0], hw[1] * rev[0] // H)
        n = self.inorm(x) + self.inorm_running(x) + F.instance_norm(x)
        shifts = [1, -2]
        s2 = shifts.copy()  # swin's shift_size.copy(), then written
        s2[0] = -3
        r = torch.roll(a, shifts=(s2[0], s2[1]), dims=(2, 3)) + shifts[0]  # rolls a dim known only at run time
        gy, gx = torch.meshgrid(x[0, 0, :, 0], x[0, 1, 0, :], indexing="ij")  # raft's coords_grid
        my, mx = torch.meshgrid(x[0, 0, :, 0], x[0, 1, 0, :], indexing="xy")
        if W > 6:  # case 0 keeps it, case 1 writes it
            s2[1] = 0  # written in a branch: a list known only at run time
        z = x.new_zeros((H, W)) + x.new_ones([W]) * float(sum(s2))  # swin's attention mask base
        z = torch.roll(z, shifts=(s2[1], -s2[0]), dims=(0, 1))  # shifts known at run time only
        z = z + torch.tensor(W) + torch.tensor([H, s2[1]], dtype=torch.float32).sum() + torch.tensor(0.5)
        z[1:3, -2:] = 2.5  # fill_ through slice views (swin's attention mask)
        return a, b, c, d, e, hi - lo.sum(), f, n, r, gy - 2.0 * gx, my * mx, z


def causal_mask(n):  # nn.Transformer.generate_square_subsequent_mask
    return np.triu(np.full((n, n), -np.inf, dtype=np.float32), 1)


class TinyTransformer(nn.Module):  # nn.Transformer: baddbmm with an attention mask, messages built with str +
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16, dropout=0.0)

    def forward(self, src, tgt, tgt_mask):
        return self.t(src, tgt, tgt_mask=tgt_mask)


def tree_case(n):
    children = -np.ones((n, 2), dtype=np.int64)
    for c in range(1, n):
        parent = int(RNG.integers(0, c))
        free = [s for s in range(2) if children[parent, s] < 0]
        while not free:
            parent = int(RNG.integers(0, c))
            free = [s for s in range(2) if children[parent, s] < 0]
        children[parent, free[0]] = c
    return [randn(n, 6), children]


def resnet18():
    import torchvision
    return torchvision.models.resnet18(weights=None, num_classes=10)


def mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None, num_classes=10)


# name -> (constructor, weft_inputs text, argument kinds, cases, script or trace)
MODELS = {
    "mlp_if_loop": (MlpIfLoop, "x: f32[batch, 8]", ["tensor", "int"],
                    lambda: [[randn(2, 8), 0], [randn(3, 8), 3], [randn(1, 8), 5], [-randn(4, 8), 2]]),
    "lstm_decoder": (LstmDecoder, "h0: f32[batch, 16]", ["tensor", "int"],
                     lambda: [[randn(1, 16), 8], [randn(3, 16), 6], [randn(2, 16) * 3, 10], [randn(1, 16), 1]]),
    "gru_classifier": (GruClassifier, "x: f32[batch, seq, 6]\nlengths: i64[batch]", ["tensor", "tensor"],
                       lambda: [[randn(2, 5, 6), np.array([5, 3], dtype=np.int64)],
                                [randn(3, 9, 6), np.array([1, 9, 4], dtype=np.int64)],
                                [randn(1, 2, 6), np.array([2], dtype=np.int64)]]),
    "transformer_encoder": (Encoder, "x: f32[batch, seq, 16]", ["tensor"],
                            lambda: [[randn(2, 5, 16)], [randn(1, 7, 16)], [randn(3, 2, 16)]]),
    "attention": (Attention, "x: f32[batch, seq, 8]\nmask: bool[batch, seq]", ["tensor", "tensor"],
                  lambda: [[randn(2, 5, 8), padding_mask(2, 5)], [randn(3, 4, 8), padding_mask(3, 4)]]),
    "nested_topk": (NestedTopk, "x: f32[n, 5]", ["tensor", "int"],
                    lambda: [[randn(3, 5), 4], [randn(5, 5), 7], [randn(1, 5), 2]]),
    "tree_walker": (TreeWalker, "feats: f32[n, 6]\nchildren: i64[n, 2]", ["tensor", "tensor"],
                    lambda: [tree_case(1), tree_case(5), tree_case(9)]),
    "resnet18": (resnet18, "x: f32[batch, 3, h, w]", ["tensor"],
                 lambda: [[randn(1, 3, 64, 64)], [randn(2, 3, 32, 48)]]),
    "ops_zoo": (OpsZoo, "x: f32[batch, 4, t]\ntokens: i64[batch, t]", ["tensor", "tensor"],
                lambda: [[randn(2, 4, 5), RNG.integers(0, 10, (2, 5))], [randn(3, 4, 7), RNG.integers(0, 10, (3, 7))]]),
    "optional_args": (OptionalArgs, "x: f32[n, 6]\nbias: Option[f32[k]]", ["tensor", "optional", "int_list"],
                      lambda: [[randn(2, 6), randn(3), np.array([3, 4], dtype=np.int64)],
                               [randn(4, 6), None, np.array([2, 2, 6], dtype=np.int64)]]),
    "traced": (Traced, "x: f32[batch, 3, 8, 8]", ["tensor"], lambda: [[randn(1, 3, 8, 8)], [randn(3, 3, 8, 8)]]),
    "unsupported": (Unsupported, "x: f32[3, 3]", ["tensor"], lambda: []),
    "mobilenet_v2": (mobilenet_v2, "x: f32[batch, 3, h, w]", ["tensor"],
                     lambda: [[randn(1, 3, 64, 64)], [randn(2, 3, 32, 32)]]),
    "interpolate": (Interpolate, "x: f32[batch, 2, h, w]", ["tensor"],
                    lambda: [[randn(1, 2, 4, 5)], [randn(2, 2, 3, 3)]]),
    "interpolate_traced": (Interpolate, "x: f32[batch, 2, h, w]", ["tensor"],
                           lambda: [[randn(1, 2, 4, 5)], [randn(2, 2, 3, 3)]]),
    "baddbmm_traced": (Baddbmm, "s: f32[b, n, p]\na: f32[b, n, k]\nb: f32[b, k, p]", ["tensor", "tensor", "tensor"],
                       lambda: [[randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5)], [randn(1, 1, 2), randn(1, 1, 3), randn(1, 3, 2)]]),
    "channel_shuffle": (ChannelShuffle, "x: f32[batch, 3, h, w]", ["tensor"],
                        lambda: [[randn(1, 3, 6, 4)], [randn(2, 3, 9, 5)]]),
    "channel_shuffle_traced": (ChannelShuffle, "x: f32[batch, 3, h, w]", ["tensor"],
                               lambda: [[randn(1, 3, 6, 4)], [randn(2, 3, 9, 5)]]),
    "dict_result": (DictResult, "x: f32[batch, 3, h, w]", ["tensor"],
                    lambda: [[randn(1, 3, 8, 8)], [randn(2, 3, 6, 10)]]),
    "pad_norm_split": (PadNormSplit, "x: f32[batch, 3, h, w]", ["tensor"],
                       lambda: [[randn(1, 3, 5, 6)], [randn(2, 3, 8, 7)]]),
    "pad_norm_split_traced": (lambda: PadNormSplit(running_stats=True), "x: f32[batch, 3, h, w]", ["tensor"],
                              lambda: [[randn(1, 3, 5, 6)], [randn(2, 3, 8, 7)]]),
    "einsum_views": (EinsumViews, "a: f32[b, h, i, d]\nb: f32[b, h, j, d]\nm: f32[n, n]", ["tensor", "tensor", "tensor"],
                     lambda: [[randn(1, 2, 3, 4), randn(1, 2, 5, 4), randn(3, 3)], [randn(2, 3, 4, 2), randn(2, 3, 2, 2), randn(5, 5)]]),
    "einsum_views_traced": (EinsumViews, "a: f32[b, h, i, d]\nb: f32[b, h, j, d]\nm: f32[n, n]", ["tensor", "tensor", "tensor"],
                            lambda: [[randn(1, 2, 3, 4), randn(1, 2, 5, 4), randn(3, 3)], [randn(2, 3, 4, 2), randn(2, 3, 2, 2), randn(5, 5)]]),
    "attribute_state": (AttributeState, "x: f32[batch, 3, h, w]", ["tensor"],
                        lambda: [[randn(1, 3, 4, 6)], [randn(2, 3, 8, 4)]]),
    "roi_pooling_traced": (RoiPooling, "x: f32[1, 3, h, w]\nrois: f32[k, 5]", ["tensor", "tensor"],
                    lambda: [roi_case(4, 16, 12), roi_case(7, 9, 20)]),
    "nms": (Nms, "boxes: f32[n, 4]\nscores: f32[n]", ["tensor", "tensor"], lambda: [nms_case(12), nms_case(30), nms_case(0)]),
    "grid_sample": (GridSample, "x: f32[n, c, h, w]\ngrid: f32[n, ho, wo, 2]", ["tensor", "tensor"],
                    lambda: [[randn(1, 2, 4, 5), 0.7 * randn(1, 3, 4, 2)], [randn(2, 3, 6, 3), 0.7 * randn(2, 5, 2, 2)]]),
    "grid_sample_traced": (GridSample, "x: f32[n, c, h, w]\ngrid: f32[n, ho, wo, 2]", ["tensor", "tensor"],
                           lambda: [[randn(1, 2, 4, 5), 0.7 * randn(1, 3, 4, 2)], [randn(2, 3, 6, 3), 0.7 * randn(2, 5, 2, 2)]]),
    "transformer_scripted": (TinyTransformer, "src: f32[s, batch, 8]\ntgt: f32[t, batch, 8]\ntgt_mask: f32[t, t]",
                             ["tensor", "tensor", "tensor"],
                             lambda: [[randn(5, 2, 8), randn(3, 2, 8), causal_mask(3)], [randn(2, 1, 8), randn(4, 1, 8), causal_mask(4)]]),
}

# Models saved by torch.jit.trace, with the example inputs traced on.
TRACE_EXAMPLES = {
    "traced": lambda: (torch.from_numpy(randn(2, 3, 8, 8)),),
    "interpolate_traced": lambda: (torch.from_numpy(randn(2, 2, 5, 6)),),
    "baddbmm_traced": lambda: tuple(torch.from_numpy(randn(*s)) for s in [(3, 2, 4), (3, 2, 3), (3, 3, 4)]),
    "channel_shuffle_traced": lambda: (torch.from_numpy(randn(2, 3, 6, 6)),),
    "pad_norm_split_traced": lambda: (torch.from_numpy(randn(2, 3, 6, 5)),),
    "grid_sample_traced": lambda: (torch.from_numpy(randn(2, 2, 5, 4)), torch.from_numpy(0.7 * randn(2, 3, 3, 2))),
    "einsum_views_traced": lambda: tuple(torch.from_numpy(randn(*s)) for s in [(2, 2, 3, 4), (2, 2, 5, 4), (4, 4)]),
    "roi_pooling_traced": lambda: tuple(torch.from_numpy(a) for a in roi_case(5, 10, 10)),
}


def save_case(folder, values):
    os.makedirs(folder, exist_ok=True)
    for i, v in enumerate(values):
        if v is None:  # an absent optional: no file
            continue
        if isinstance(v, bool):
            arr = np.array(v, dtype=np.bool_)
        elif isinstance(v, int):
            arr = np.array(v, dtype=np.int64)
        elif isinstance(v, float):
            arr = np.array(v, dtype=np.float64)
        else:
            arr = np.ascontiguousarray(v)
        np.save(os.path.join(folder, f"{i}.npy"), arr)


def main():
    out = os.path.abspath(sys.argv[1])
    wanted = sys.argv[2:] or list(MODELS)
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name in wanted:
        ctor, signature, kinds, cases = MODELS[name]
        model = ctor().eval()
        if name in TRACE_EXAMPLES:
            scripted = torch.jit.trace(model, TRACE_EXAMPLES[name]())
        else:
            scripted = torch.jit.script(model)
        path = os.path.join(out, name + ".pt")
        torch.jit.save(scripted, path, _extra_files={"weft_inputs": signature + "\n"})
        folders = []
        for k, values in enumerate(cases()):
            folder = os.path.join(out, name, f"case{k}")
            save_case(folder, values)
            folders.append(folder)
        manifest.append({"name": name, "file": path, "inputs": kinds, "cases": folders})
        print(f"{name}: {len(folders)} cases")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"models": manifest}, f, indent=1)


if __name__ == "__main__":
    main()
