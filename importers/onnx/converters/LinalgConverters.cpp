// LinalgConverters.cpp - ONNX Det for small static matrices, by cofactor expansion.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Cofactor expansion costs n! products, fine up to 4x4; larger matrices need an LU
// factorization, which is a loop weft's op set cannot express in one op yet.
constexpr int64_t kMaxDetSize = 4;

// m[..., i, j] for the batch of matrices m [..., n, n].
Expr element(NodeContext& ctx, const Expr& m, int64_t i, int64_t j) {
  Expr row = ctx.op("gather", {m, ctx.i64_scalar(i)}, {{"axis", int64_t(-2)}});
  return ctx.op("gather", {row, ctx.i64_scalar(j)}, {{"axis", int64_t(-1)}});
}

Expr det(NodeContext& ctx, const Expr& m, int64_t n) {
  if (n == 1) return element(ctx, m, 0, 0);
  if (n == 2)
    return ctx.op("sub", {ctx.op("mul", {element(ctx, m, 0, 0), element(ctx, m, 1, 1)}),
                          ctx.op("mul", {element(ctx, m, 0, 1), element(ctx, m, 1, 0)})});
  Ints rows;
  for (int64_t i = 1; i < n; ++i) rows.push_back(i);
  Expr rest = ctx.op("gather", {m, ctx.i64_vector(rows)}, {{"axis", int64_t(-2)}});
  Expr sum;
  for (int64_t j = 0; j < n; ++j) {
    Ints cols;
    for (int64_t c = 0; c < n; ++c)
      if (c != j) cols.push_back(c);
    Expr minor = ctx.op("gather", {rest, ctx.i64_vector(cols)}, {{"axis", int64_t(-1)}});
    Expr term = ctx.op("mul", {element(ctx, m, 0, j), det(ctx, minor, n - 1)});
    sum = !sum ? term : ctx.op(j % 2 ? "sub" : "add", {sum, term});
  }
  return sum;
}

std::vector<Expr> convert_det(NodeContext& ctx) {
  const TensorTypeNode* t = as_ranked(ctx.input_type(0));
  if (!t || t->rank() < 2) ctx.fail("input must be a batch of square matrices [..., n, n]");
  const Dim& n = t->shape.back();
  if (!n.is_static() || n != t->shape[size_t(t->rank() - 2)])
    ctx.fail("the matrix size must be static and square, found " + shape_str(t->shape));
  if (n.value() > kMaxDetSize || n.value() < 1)
    ctx.fail(Msg() << "Det of " << n.value() << "x" << n.value() << " matrices is not supported (at most "
                   << kMaxDetSize << "x" << kMaxDetSize << ")");
  return {det(ctx, ctx.input(0), n.value())};
}

}  // namespace

void register_linalg_converters(ConverterTable& table) { table.add("Det", convert_det); }

}  // namespace weft::onnx_import
