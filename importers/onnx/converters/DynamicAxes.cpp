// DynamicAxes.cpp - Squeeze, Unsqueeze, reductions and single-axis ops with axes known only at run time.
#include "importers/onnx/converters/DynamicAxes.h"

namespace weft::onnx_import {
namespace {

Expr i64_const(int64_t v) { return make_constant(Tensor::scalar<int64_t>(v)); }

// axes + n where negative (i64[k] or scalar).
Expr wrap_negative(NodeContext& ctx, const Expr& axes, int64_t n) {
  Expr zero = ctx.i64_scalar(0), nn = ctx.i64_scalar(n);
  return ctx.op("where", {ctx.op("less", {axes, zero}), ctx.op("add", {axes, nn}), axes});
}

// i64[n]: 1 where position i is listed in `axes` (already non-negative), else 0.
Expr listed_mask(NodeContext& ctx, const Expr& axes, int64_t n) {
  Expr eq = ctx.op("equal", {iota(ctx, n, {n, 1}), ctx.op("unsqueeze", {axes}, {{"axes", Ints{0}}})});
  Expr hits = ctx.op("cast", {eq}, {{"to", DType::I64}});
  return ctx.op("reduce_max", {hits}, {{"axes", Ints{1}}, {"keepdims", false}});
}

// out[j] = sum_i dims[i] * (pos[i] == j) * weight[i] for j < m: a one-hot matrix gathers
// dims into their new positions with ops of static shape.
Expr scatter_dims(NodeContext& ctx, const Expr& dims, const Expr& pos, const Expr& weight, int64_t m) {
  Expr onehot = ctx.op("equal", {iota(ctx, m, {m, 1}), ctx.op("unsqueeze", {pos}, {{"axes", Ints{0}}})});
  Expr mat = ctx.op("mul", {ctx.op("cast", {onehot}, {{"to", DType::I64}}), ctx.op("unsqueeze", {weight}, {{"axes", Ints{0}}})});
  return ctx.op("matmul", {mat, dims});
}

}  // namespace

int64_t static_length(const NodeContext& ctx, size_t i, const std::string& what) {
  const TensorTypeNode* t = as_ranked(ctx.input_type(i));
  if (!t || t->rank() > 1 || (t->rank() == 1 && !t->shape[0].is_static()))
    ctx.fail(what + " given at run time must be a 1-D tensor of static length");
  return t->rank() == 0 ? 1 : t->shape[0].value();
}

Expr dynamic_unsqueeze(NodeContext& ctx, const Expr& x, int rank, const Expr& axes, int64_t k) {
  const int64_t out_rank = rank + k;
  Expr is_new = listed_mask(ctx, wrap_negative(ctx, axes, out_rank), out_rank);
  Expr keep = ctx.op("sub", {ctx.i64_scalar(1), is_new});
  // Output position j takes input dim (number of kept positions up to j) - 1.
  Expr src = ctx.op("sub", {ctx.op("cumsum", {keep}, {{"axis", int64_t(0)}}), ctx.i64_scalar(1)});
  Expr onehot = ctx.op("equal", {ctx.op("unsqueeze", {src}, {{"axes", Ints{1}}}), iota(ctx, rank, {1, int64_t(rank)})});
  Expr picked = ctx.op("matmul", {ctx.op("cast", {onehot}, {{"to", DType::I64}}), ctx.op("shape", {x})});
  Expr shape = ctx.op("add", {ctx.op("mul", {picked, keep}), is_new});
  return ctx.op("reshape", {x, shape});
}

Expr dynamic_squeeze(NodeContext& ctx, const Expr& x, int rank, const Expr& axes, int64_t k) {
  const int64_t out_rank = rank - k;
  if (out_rank < 0) ctx.fail(Msg() << "cannot remove " << k << " axes from a tensor of rank " << rank);
  Expr removed = listed_mask(ctx, wrap_negative(ctx, axes, rank), rank);
  Expr keep = ctx.op("sub", {ctx.i64_scalar(1), removed});
  Expr pos = ctx.op("sub", {ctx.op("cumsum", {keep}, {{"axis", int64_t(0)}}), ctx.i64_scalar(1)});
  return ctx.op("reshape", {x, scatter_dims(ctx, ctx.op("shape", {x}), pos, keep, out_rank)});
}

Expr dynamic_reduce(NodeContext& ctx, const std::string& op, const Expr& x, DType dtype, int rank, const Expr& axes,
                    int64_t k, bool keepdims) {
  Expr listed = listed_mask(ctx, wrap_negative(ctx, axes, rank), rank);
  Expr cur = x;
  for (int i = 0; i < rank; ++i) {
    Expr hit = ctx.op("greater", {ctx.op("gather", {listed, ctx.i64_scalar(i)}), ctx.i64_scalar(0)});
    Expr reduced = make_op_call(op, {cur}, {{"axes", Ints{i}}, {"keepdims", true}}, ctx.span());
    cur = ctx.bind(make_if(hit, with_unknown_dims(reduced, dtype, rank), with_unknown_dims(cur, dtype, rank), ctx.span()));
  }
  return keepdims ? cur : dynamic_squeeze(ctx, cur, rank, axes, k);
}

Expr select_axis(NodeContext& ctx, const Expr& axis, int rank, const std::function<Expr(int)>& make) {
  if (rank < 1) ctx.fail("an axis of a scalar is out of range");
  Expr scalar = ctx.op("reshape", {ctx.op("cast", {axis}, {{"to", DType::I64}}), ctx.i64_vector({})});
  Expr a = wrap_negative(ctx, scalar, rank);
  Expr chain = make(rank - 1);
  for (int i = rank - 2; i >= 0; --i)
    chain = make_if(make_op_call("equal", {a, i64_const(i)}, {}, ctx.span()), make(i), chain, ctx.span());
  return ctx.bind(chain);
}

}  // namespace weft::onnx_import
