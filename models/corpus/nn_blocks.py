"""torch.nn building blocks users deploy, for the real-model corpus (models/corpus/make_corpus.py).

Small widths, the real layers: a Transformer encoder/decoder fed a causal mask, LSTM and GRU
language models over token ids, and a greedy decoding loop written in TorchScript (a while
loop whose trip count depends on the data). Random weights; nothing is downloaded.
"""
from typing import List

import torch
import torch.nn as nn

VOCAB = 20


class TransformerSeq2Seq(nn.Module):
    """nn.Transformer (2 encoder + 2 decoder layers) with a float causal mask on the target."""

    def __init__(self, d_model: int = 32):
        super().__init__()
        self.src_embed = nn.Linear(8, d_model)
        self.tgt_embed = nn.Linear(8, d_model)
        self.transformer = nn.Transformer(d_model=d_model, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                                          dim_feedforward=64, dropout=0.0, batch_first=True)
        self.out = nn.Linear(d_model, 8)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor, tgt_mask: torch.Tensor) -> torch.Tensor:
        h = self.transformer(self.src_embed(src), self.tgt_embed(tgt), tgt_mask=tgt_mask)
        return self.out(h)


class TransformerEncoderMasked(nn.Module):
    """nn.TransformerEncoder (3 layers, norm_first) with a float attention mask."""

    def __init__(self, d_model: int = 32):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=d_model, nhead=4, dim_feedforward=64, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=3, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 5)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x, mask=mask))


class LstmLanguageModel(nn.Module):
    """Embedding, a 2-layer LSTM and a vocabulary projection: logits and the final states."""

    def __init__(self, hidden: int = 24):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, hidden)
        self.rnn = nn.LSTM(hidden, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, VOCAB)

    def forward(self, tokens: torch.Tensor):
        y, (h, c) = self.rnn(self.embed(tokens))
        return self.out(y), h, c


class GruLanguageModel(nn.Module):
    """Embedding, a bidirectional GRU and a vocabulary projection."""

    def __init__(self, hidden: int = 24):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, hidden)
        self.rnn = nn.GRU(hidden, hidden, num_layers=1, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, VOCAB)

    def forward(self, tokens: torch.Tensor):
        y, h = self.rnn(self.embed(tokens))
        return self.out(y), h


class GreedyDecoder(nn.Module):
    """A GRU decoding greedily, one step at a time, until every sequence emits EOS or max_len
    steps pass (nn.GRU on one step, not nn.GRUCell, which torch.onnx cannot export)."""

    def __init__(self, hidden: int = 16):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, hidden)
        self.cell = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, VOCAB)
        self.eos = 0

    def forward(self, h0: torch.Tensor, max_len: int):
        h = h0.unsqueeze(0)
        tok = torch.ones([h0.size(0)], dtype=torch.long)
        tokens: List[torch.Tensor] = []
        step = 0
        done = torch.zeros([h0.size(0)], dtype=torch.bool)
        while step < max_len and not bool(done.all()):
            y, h = self.cell(self.embed(tok).unsqueeze(1), h)
            tok = torch.argmax(self.out(y.squeeze(1)), dim=1)
            done = done | (tok == self.eos)
            tokens.append(tok)
            step += 1
        return torch.stack(tokens, dim=1), h.squeeze(0)
