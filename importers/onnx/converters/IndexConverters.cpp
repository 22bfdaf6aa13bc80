// IndexConverters.cpp - ONNX gather/scatter, TopK, OneHot, NonZero, Trilu, Range, Compress and ReverseSequence to weft ops.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/KnownElements.h"

namespace weft::onnx_import {
namespace {

// Gather-like ops: data, i64 indices, one int attribute copied under a new name.
Converter indexed(std::string weft, std::string onnx_attr, std::string weft_attr) {
  return [weft, onnx_attr, weft_attr](NodeContext& ctx) -> std::vector<Expr> {
    return {ctx.op(weft, {ctx.input(0), as_i64(ctx, 1)}, {{weft_attr, ctx.attr_int(onnx_attr, 0)}})};
  };
}

std::string scatter_reduction(const NodeContext& ctx) {
  std::string r = ctx.attr_string("reduction", "none");
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    ctx.fail("attribute reduction='" + r + "' is not supported");
  return r;
}

std::vector<Expr> convert_scatter_elements(NodeContext& ctx) {
  return {ctx.op("scatter_elements", {ctx.input(0), as_i64(ctx, 1), ctx.input(2)},
                 {{"axis", ctx.attr_int("axis", 0)}, {"reduction", scatter_reduction(ctx)}})};
}

std::vector<Expr> convert_scatter_nd(NodeContext& ctx) {
  return {ctx.op("scatter_nd", {ctx.input(0), as_i64(ctx, 1), ctx.input(2)}, {{"reduction", scatter_reduction(ctx)}})};
}

// TopK: k is an attribute before opset 10, an input from it.
std::vector<Expr> convert_topk(NodeContext& ctx) {
  Expr k = ctx.opset() < 10 ? ctx.i64_scalar(ctx.attr_int("k")) : ctx.op("reshape", {as_i64(ctx, 1), ctx.i64_vector({})});
  Expr both = ctx.op("topk", {ctx.input(0), k},
                     {{"axis", ctx.attr_int("axis", -1)}, {"largest", attr_bool(ctx, "largest", true)},
                      {"sorted", attr_bool(ctx, "sorted", true)}});
  return {tuple_field(ctx, both, 0), tuple_field(ctx, both, 1)};
}

std::vector<Expr> convert_one_hot(NodeContext& ctx) {
  Expr depth = ctx.op("reshape", {ctx.input(1), ctx.i64_vector({})});
  return {ctx.op("one_hot", {ctx.input(0), depth, ctx.input(2)}, {{"axis", ctx.attr_int("axis", -1)}})};
}

std::vector<Expr> convert_trilu(NodeContext& ctx) {
  std::vector<Expr> args{ctx.input(0)};
  if (ctx.has_input(1)) args.push_back(ctx.op("reshape", {as_i64(ctx, 1), ctx.i64_vector({})}));
  return {ctx.op("trilu", args, {{"upper", attr_bool(ctx, "upper", true)}})};
}

// Compress: the slices along axis (or elements of the flattened input) where the
// condition is true: gather at the condition's nonzero positions.
std::vector<Expr> convert_compress(NodeContext& ctx) {
  Expr cond = ctx.input(1);
  Expr pos = ctx.op("reshape", {ctx.op("non_zero", {cond}), ctx.i64_vector({-1})});
  Expr x = ctx.input(0);
  if (!ctx.has_attr("axis")) return {ctx.op("gather", {ctx.op("reshape", {x, ctx.i64_vector({-1})}), pos}, {{"axis", int64_t(0)}})};
  int axis = positive_axis(ctx, ctx.attr_int("axis"), ctx.input_rank(0));
  // A condition shorter than the axis selects only among its first elements.
  Expr n = ctx.op("shape", {cond});
  Expr head = ctx.op("slice", {x, ctx.i64_vector({0}), n, ctx.i64_vector({axis})});
  return {ctx.op("gather", {head, pos}, {{"axis", int64_t(axis)}})};
}

// ReverseSequence: along time_axis, the first seq_lens[b] elements of batch b reversed:
// gather_elements with index t -> len - 1 - t for t < len, t otherwise.
std::vector<Expr> convert_reverse_sequence(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const int time = positive_axis(ctx, ctx.attr_int("time_axis", 0), rank, "time_axis");
  const int batch = positive_axis(ctx, ctx.attr_int("batch_axis", 1), rank, "batch_axis");
  Expr x = ctx.input(0);
  auto along = [&](int axis) {
    Ints shape(size_t(rank), 1);
    shape[size_t(axis)] = -1;
    return ctx.i64_vector(shape);
  };
  Expr steps = ctx.op("reshape", {ctx.op("shape", {x}, {{"start", int64_t(time)}, {"end", int64_t(time + 1)}}), ctx.i64_vector({})});
  Expr t = ctx.op("reshape", {ctx.op("range", {ctx.i64_scalar(0), steps, ctx.i64_scalar(1)}), along(time)});
  Expr len = ctx.op("reshape", {as_i64(ctx, 1), along(batch)});
  Expr flipped = ctx.op("sub", {ctx.op("sub", {len, ctx.i64_scalar(1)}), t});
  Expr idx = ctx.op("where", {ctx.op("less", {t, len}), flipped, t});
  idx = ctx.op("expand", {idx, ctx.op("shape", {x})});
  return {ctx.op("gather_elements", {x, idx}, {{"axis", int64_t(time)}})};
}

}  // namespace

void register_index_converters(ConverterTable& table) {
  table.add("Gather", with_known_elements(indexed("gather", "axis", "axis"), known_gather));
  table.add("GatherElements", indexed("gather_elements", "axis", "axis"));
  table.add("GatherND", indexed("gather_nd", "batch_dims", "batch_dims"));
  table.add("ScatterElements", convert_scatter_elements);
  table.add("Scatter", convert_scatter_elements);  // the opset 9-10 name of ScatterElements
  table.add("ScatterND", convert_scatter_nd);
  table.add("TopK", convert_topk);
  table.add("OneHot", convert_one_hot);
  table.add("NonZero", [](NodeContext& ctx) -> std::vector<Expr> { return {ctx.op("non_zero", {ctx.input(0)})}; });
  table.add("Trilu", convert_trilu);
  table.add("Range", [](NodeContext& ctx) -> std::vector<Expr> {
    return {ctx.op("range", {ctx.input(0), ctx.input(1), ctx.input(2)})};
  });
  table.add("Compress", convert_compress);
  table.add("ReverseSequence", convert_reverse_sequence);
}

}  // namespace weft::onnx_import
