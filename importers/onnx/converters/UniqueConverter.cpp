// UniqueConverter.cpp - ONNX Unique (with or without axis, sorted or in first-seen order) from stable sorts and scans.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the method: the input becomes rows [R, L] (the slices along `axis`, or single
// elements without one). Rows are ordered lexicographically by L stable sorts, last
// column first (an LSD radix sort), so equal rows stay in their original order; a row
// unlike the one before it starts a group. Then, in sorted order:
//   indices = perm[group starts]         (first occurrence: the sorts are stable)
//   counts  = differences of the starts
//   inverse = group number of each row, scattered back through perm
// For sorted=0 the groups are renumbered by first occurrence with one more sort.
// Cost: L sorts of R keys, so L (the slice size) must be static.

struct Builder {
  NodeContext& ctx;
  Expr op(const std::string& name, std::vector<Expr> args, Attrs a = {}) { return ctx.op(name, std::move(args), a); }
  Expr axis_attr_op(const std::string& name, std::vector<Expr> args, int64_t axis) {
    return op(name, std::move(args), {{"axis", axis}});
  }
  Expr sort_indices(const Expr& key) { return tuple_field(ctx, op("sort", {key}, {{"axis", int64_t(0)}}), 1); }
  Expr length(const Expr& v) { return op("reshape", {op("shape", {v}), ctx.i64_vector({})}); }
  Expr iota_like(const Expr& v) { return op("range", {ctx.i64_scalar(0), length(v), ctx.i64_scalar(1)}); }
  // out[i] = values[j] where where[j] = i: the inverse of a permutation applied to `values`.
  Expr scatter_by(const Expr& where, const Expr& values) {
    Expr zeros = op("expand", {ctx.i64_scalar(0), op("shape", {where})});
    return axis_attr_op("scatter_elements", {zeros, where, values}, 0);
  }
};

std::vector<Expr> convert_unique(NodeContext& ctx) {
  Builder b{ctx};
  const int rank = ctx.input_rank(0);
  const bool sorted = attr_bool(ctx, "sorted", true);
  Expr x = ctx.input(0);
  int64_t axis = -1, cols = 1;
  Expr rows;
  if (ctx.has_attr("axis")) {
    axis = positive_axis(ctx, ctx.attr_int("axis"), rank);
    auto dims = as_ranked(ctx.input_type(0))->shape;
    for (int i = 0; i < rank; ++i) {
      if (i == axis) continue;
      if (!dims[size_t(i)].is_static()) ctx.fail("with axis, the other dims must be known at import time");
      cols *= dims[size_t(i)].value();
    }
    Ints perm{axis};
    for (int i = 0; i < rank; ++i)
      if (i != axis) perm.push_back(i);
    rows = b.op("reshape", {b.op("transpose", {x}, {{"perm", perm}}), ctx.i64_vector({-1, cols})});
  } else {
    rows = b.op("reshape", {x, ctx.i64_vector({-1, 1})});
  }

  Expr n = b.op("reshape", {b.op("shape", {rows}, {{"start", int64_t(0)}, {"end", int64_t(1)}}), ctx.i64_vector({})});
  Expr perm = b.op("range", {ctx.i64_scalar(0), n, ctx.i64_scalar(1)});
  for (int64_t c = cols - 1; c >= 0; --c) {
    Expr key = b.axis_attr_op("gather", {b.axis_attr_op("gather", {rows, perm}, 0), ctx.i64_scalar(c)}, 1);
    perm = b.axis_attr_op("gather", {perm, b.sort_indices(key)}, 0);
  }
  Expr ordered = b.axis_attr_op("gather", {rows, perm}, 0);
  auto rows_from = [&](int64_t first, const Expr& end) {
    return b.op("slice", {ordered, ctx.i64_vector({first}), b.op("reshape", {end, ctx.i64_vector({1})}), ctx.i64_vector({0})});
  };
  Expr changed = b.op("reduce_max", {b.op("cast", {b.op("not_equal", {rows_from(1, n), rows_from(0, b.op("sub", {n, ctx.i64_scalar(1)}))})},
                                          {{"to", DType::I64}})},
                      {{"axes", Ints{1}}, {"keepdims", false}});
  Expr first = b.op("concat", {ctx.i64_vector({1}), changed}, {{"axis", int64_t(0)}});
  Expr starts = b.op("reshape", {b.op("non_zero", {first}), ctx.i64_vector({-1})});
  Expr indices = b.axis_attr_op("gather", {perm, starts}, 0);
  Expr ends = b.op("concat", {b.op("slice", {starts, ctx.i64_vector({1}), ctx.i64_vector({INT64_MAX})}), b.op("reshape", {n, ctx.i64_vector({1})})},
                   {{"axis", int64_t(0)}});
  Expr counts = b.op("sub", {ends, starts});
  Expr group = b.op("sub", {b.op("cumsum", {first}, {{"axis", int64_t(0)}}), ctx.i64_scalar(1)});
  Expr inverse = b.scatter_by(perm, group);
  if (!sorted) {  // renumber groups by first occurrence
    Expr by_first = tuple_field(ctx, b.op("sort", {indices}, {{"axis", int64_t(0)}}), 1);
    Expr rank_of = b.scatter_by(by_first, b.iota_like(by_first));
    indices = b.axis_attr_op("gather", {indices, by_first}, 0);
    counts = b.axis_attr_op("gather", {counts, by_first}, 0);
    inverse = b.axis_attr_op("gather", {rank_of, inverse}, 0);
  }
  Expr y = axis < 0 ? b.axis_attr_op("gather", {b.op("reshape", {x, ctx.i64_vector({-1})}), indices}, 0)
                    : b.axis_attr_op("gather", {x, indices}, axis);
  return {y, indices, inverse, counts};
}

}  // namespace

void register_unique_converters(ConverterTable& table) { table.add("Unique", convert_unique); }

}  // namespace weft::onnx_import
