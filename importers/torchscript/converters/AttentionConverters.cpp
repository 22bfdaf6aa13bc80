// AttentionConverters.cpp - torch's fused transformer fast path decomposed into weft ops.
#include "importers/torchscript/NodeContext.h"

#include <cmath>

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;
using Ints = std::vector<int64_t>;

TExpr linear(NodeContext& c, const TExpr& x, const TExpr& w, const TExpr& b) {
  return c.op("add", {c.op("matmul", {x, c.op("transpose", {w}, Attrs{{"perm", Ints{1, 0}}})}), b});
}

// Self-attention of x [B, S, E] with packed in_proj (3E x E) and out_proj, no mask.
TExpr self_attention(NodeContext& c, const TExpr& x, int64_t e, int64_t heads, const TExpr& wqkv, const TExpr& bqkv,
                     const TExpr& wo, const TExpr& bo) {
  int64_t d = e / heads;
  TExpr qkv = linear(c, x, wqkv, bqkv);
  TExpr parts = c.op("split", {qkv, c.i64s({e, e, e})}, Attrs{{"axis", int64_t(-1)}});
  auto head_view = [&](int i) {
    TExpr p = c.ir().tuple_get(c.block(), parts, i);
    p = c.op("reshape", {p, c.i64s({0, 0, heads, d})});
    return c.op("transpose", {p}, Attrs{{"perm", Ints{0, 2, 1, 3}}});  // [B, H, S, D]
  };
  TExpr q = head_view(0), k = head_view(1), v = head_view(2);
  TExpr scores = c.op("matmul", {q, c.op("transpose", {k}, Attrs{{"perm", Ints{0, 1, 3, 2}}})});
  scores = c.op("mul", {scores, c.scalar(1.0 / std::sqrt(double(d)), x.dtype())});
  TExpr attn = c.op("matmul", {c.op("softmax", {scores}, Attrs{{"axis", int64_t(-1)}}), v});
  attn = c.op("transpose", {attn}, Attrs{{"perm", Ints{0, 2, 1, 3}}});
  attn = c.op("reshape", {attn, c.i64s({0, 0, e})});
  return linear(c, attn, wo, bo);
}

// _transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_w, qkv_b, proj_w, proj_b, use_gelu,
//   norm_first, eps, norm1_w, norm1_b, norm2_w, norm2_b, ffn1_w, ffn1_b, ffn2_w, ffn2_b, mask?, mask_type?)
V encoder_layer(NodeContext& c) {
  if (c.has(18)) c.fail("attention masks are not supported");
  TExpr x = c.tensor(0);
  bool unbatched = x.rank() == 2;
  if (unbatched) x = c.op("unsqueeze", {x}, Attrs{{"axes", Ints{0}}});
  int64_t e = c.int_arg(1), heads = c.int_arg(2);
  bool gelu = c.bool_arg(7), norm_first = c.bool_arg(8);
  double eps = c.float_arg(9);
  auto norm = [&](const TExpr& y, size_t w) {
    return c.op("layer_norm", {y, c.tensor(w), c.tensor(w + 1)}, Attrs{{"axis", int64_t(-1)}, {"epsilon", eps}});
  };
  auto attention = [&](const TExpr& y) { return self_attention(c, y, e, heads, c.tensor(3), c.tensor(4), c.tensor(5), c.tensor(6)); };
  auto ffn = [&](const TExpr& y) {
    TExpr h = linear(c, y, c.tensor(14), c.tensor(15));
    h = gelu ? c.op("gelu", {h}) : c.op("relu", {h});
    return linear(c, h, c.tensor(16), c.tensor(17));
  };
  if (norm_first) {
    x = c.op("add", {x, attention(norm(x, 10))});
    x = c.op("add", {x, ffn(norm(x, 12))});
  } else {
    x = norm(c.op("add", {x, attention(x)}), 10);
    x = norm(c.op("add", {x, ffn(x)}), 12);
  }
  if (unbatched) x = c.op("squeeze", {x}, Attrs{{"axes", Ints{0}}});
  return {c.out(x)};
}

}  // namespace

void register_attention_converters(ConverterTable& t) { t.add("aten::_transformer_encoder_layer_fwd", encoder_layer); }

}  // namespace weft::ts
