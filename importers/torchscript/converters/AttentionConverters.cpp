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

// Rows [i*e, (i+1)*e) of a packed in-projection (folds on constants).
TExpr rows(NodeContext& c, const TExpr& w, int64_t i, int64_t e) {
  return c.op("slice", {w, c.i64s({i * e}), c.i64s({(i + 1) * e}), c.i64s({0})});
}

struct Attention {
  TExpr out;      // [B, Sq, E]
  TExpr weights;  // [B, H, Sq, Sk] softmax probabilities
};

// Multi-head attention of q [B, Sq, E], k and v [B, Sk, E] with a packed in-projection
// (3E x E) and out_proj. `mask`, when given, is bool and broadcasts to [B, H, Sq, Sk]:
// true masks a position out.
Attention attention(NodeContext& c, const TExpr& query, const TExpr& key, const TExpr& value, int64_t e, int64_t heads,
                    const TExpr& wqkv, const TExpr& bqkv, const TExpr& wo, const TExpr& bo, std::optional<TExpr> mask) {
  int64_t d = e / heads;
  auto head_view = [&](const TExpr& x, int i) {
    TExpr p = linear(c, x, rows(c, wqkv, i, e), rows(c, bqkv, i, e));
    p = c.op("reshape", {p, c.i64s({0, 0, heads, d})});
    return c.op("transpose", {p}, Attrs{{"perm", Ints{0, 2, 1, 3}}});  // [B, H, S, D]
  };
  TExpr q = head_view(query, 0), k = head_view(key, 1), v = head_view(value, 2);
  TExpr scores = c.op("matmul", {q, c.op("transpose", {k}, Attrs{{"perm", Ints{0, 1, 3, 2}}})});
  scores = c.op("mul", {scores, c.scalar(1.0 / std::sqrt(double(d)), query.dtype())});
  if (mask) scores = c.op("where", {*mask, c.scalar(-INFINITY, query.dtype()), scores});
  TExpr probs = c.op("softmax", {scores}, Attrs{{"axis", int64_t(-1)}});
  TExpr attn = c.op("matmul", {probs, v});
  attn = c.op("transpose", {attn}, Attrs{{"perm", Ints{0, 2, 1, 3}}});
  attn = c.op("reshape", {attn, c.i64s({0, 0, e})});
  return {linear(c, attn, wo, bo), probs};
}

// A fast-path mask as [B, 1, 1, Sk] (mask_type 1, key padding) or [1, 1, Sq, Sk] (0, attention mask).
std::optional<TExpr> fast_path_mask(NodeContext& c, size_t mask_at, size_t type_at) {
  if (!c.has(mask_at)) return std::nullopt;
  TExpr m = c.tensor(mask_at);
  if (m.dtype() != DType::Bool) c.fail("only bool attention masks are supported");
  int64_t type = c.has(type_at) ? c.int_arg(type_at) : (m.rank() == 2 ? 1 : 0);
  if (type == 1 && m.rank() == 2) return c.op("unsqueeze", {m}, Attrs{{"axes", Ints{1, 2}}});
  if (m.rank() == 2) return c.op("unsqueeze", {m}, Attrs{{"axes", Ints{0, 1}}});
  return m;
}

// _native_multi_head_attention(q, k, v, embed_dim, num_head, qkv_w, qkv_b, proj_w, proj_b, mask?,
//   need_weights, average_attn_weights, mask_type?) -> (out, weights)
V multi_head_attention(NodeContext& c) {
  TExpr q = c.tensor(0), k = c.tensor(1), v = c.tensor(2);
  if (q.rank() != 3) c.fail("only batched (3-D) attention inputs are supported");
  Attention a = attention(c, q, k, v, c.int_arg(3), c.int_arg(4), c.tensor(5), c.tensor(6), c.tensor(7), c.tensor(8),
                          fast_path_mask(c, 9, 12));
  bool need = c.num_inputs() > 10 ? c.bool_arg(10) : true, average = c.num_inputs() > 11 ? c.bool_arg(11) : true;
  TExpr w = a.weights;
  if (!need) w = IrBuilder::constant(Tensor(q.dtype(), {0}));
  else if (average) w = c.op("reduce_mean", {w}, Attrs{{"axes", Ints{1}}, {"keepdims", false}});
  return {TsVal::tensor(a.out), TsVal::tensor(w)};
}

// _transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_w, qkv_b, proj_w, proj_b, use_gelu,
//   norm_first, eps, norm1_w, norm1_b, norm2_w, norm2_b, ffn1_w, ffn1_b, ffn2_w, ffn2_b, mask?, mask_type?)
V encoder_layer(NodeContext& c) {
  TExpr x = c.tensor(0);
  bool unbatched = x.rank() == 2;
  if (unbatched) x = c.op("unsqueeze", {x}, Attrs{{"axes", Ints{0}}});
  int64_t e = c.int_arg(1), heads = c.int_arg(2);
  bool gelu = c.bool_arg(7), norm_first = c.bool_arg(8);
  double eps = c.float_arg(9);
  auto norm = [&](const TExpr& y, size_t w) {
    return c.op("layer_norm", {y, c.tensor(w), c.tensor(w + 1)}, Attrs{{"axis", int64_t(-1)}, {"epsilon", eps}});
  };
  std::optional<TExpr> mask = fast_path_mask(c, 18, 19);
  auto self_attention = [&](const TExpr& y) {
    return attention(c, y, y, y, e, heads, c.tensor(3), c.tensor(4), c.tensor(5), c.tensor(6), mask).out;
  };
  auto ffn = [&](const TExpr& y) {
    TExpr h = linear(c, y, c.tensor(14), c.tensor(15));
    h = gelu ? c.op("gelu", {h}) : c.op("relu", {h});
    return linear(c, h, c.tensor(16), c.tensor(17));
  };
  if (norm_first) {
    x = c.op("add", {x, self_attention(norm(x, 10))});
    x = c.op("add", {x, ffn(norm(x, 12))});
  } else {
    x = norm(c.op("add", {x, self_attention(x)}), 10);
    x = norm(c.op("add", {x, ffn(x)}), 12);
  }
  if (unbatched) x = c.op("squeeze", {x}, Attrs{{"axes", Ints{0}}});
  return {c.out(x)};
}

}  // namespace

void register_attention_converters(ConverterTable& t) {
  t.add("aten::_transformer_encoder_layer_fwd", encoder_layer);
  t.add("aten::_native_multi_head_attention", multi_head_attention);
}

}  // namespace weft::ts
