// ShapeConverters.cpp - ONNX layout ops (Reshape, Squeeze, Slice, Split, Pad, ...) to weft ops, across attribute/input opsets.
#include <algorithm>

#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/KnownElements.h"
#include "importers/onnx/converters/DynamicAxes.h"

namespace weft::onnx_import {
namespace {

// Reshape: the shape is an attribute before opset 5, an input from it.
std::vector<Expr> convert_reshape(NodeContext& ctx) {
  Expr shape = ctx.opset() < 5 ? ctx.i64_vector(ctx.attr_ints("shape")) : as_i64(ctx, 1);
  return {ctx.op("reshape", {ctx.input(0), shape}, {{"allowzero", attr_bool(ctx, "allowzero", false)}})};
}

std::vector<Expr> convert_flatten(NodeContext& ctx) {
  return {ctx.op("flatten", {ctx.input(0)}, {{"axis", ctx.attr_int("axis", 1)}})};
}

// Squeeze / Unsqueeze: axes are an attribute before opset 13, an input from it.
std::vector<Expr> convert_squeeze(NodeContext& ctx) {
  IntsOperand axes = ints_operand(ctx, "axes", 1, 13);
  if (axes.runtime)
    return {dynamic_squeeze(ctx, ctx.input(0), ctx.input_rank(0), axes.runtime, static_length(ctx, 1, "axes"))};
  return {ctx.op("squeeze", {ctx.input(0)}, {{"axes", axes.values.value_or(Ints{})}})};
}

std::vector<Expr> convert_unsqueeze(NodeContext& ctx) {
  IntsOperand axes = ints_operand(ctx, "axes", 1, 13);
  if (!axes.present) ctx.fail("axes are required");
  if (axes.runtime)
    return {dynamic_unsqueeze(ctx, ctx.input(0), ctx.input_rank(0), axes.runtime, static_length(ctx, 1, "axes"))};
  return {ctx.op("unsqueeze", {ctx.input(0)}, {{"axes", *axes.values}})};
}

std::vector<Expr> convert_transpose(NodeContext& ctx) {
  return {ctx.op("transpose", {ctx.input(0)}, {{"perm", ctx.attr_ints("perm", Ints{})}})};
}

std::vector<Expr> convert_expand(NodeContext& ctx) { return {ctx.op("expand", {ctx.input(0), as_i64(ctx, 1)})}; }

std::vector<Expr> convert_concat(NodeContext& ctx) {
  std::vector<Expr> args;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.input(i));
  return {ctx.op("concat", args, {{"axis", ctx.opset() < 4 ? ctx.attr_int("axis", 1) : ctx.attr_int("axis")}})};
}

// Split: sizes are an attribute before opset 13, an optional input from it; without
// them the axis is cut into as many equal parts as the node has outputs.
std::vector<Expr> convert_split(NodeContext& ctx) {
  // Split-1 also took the sizes as an optional second input.
  IntsOperand split = ints_operand(ctx, "split", 1, ctx.opset() < 2 && ctx.has_input(1) ? 1 : 13);
  const int64_t n = int64_t(ctx.num_outputs());
  Attrs attrs{{"axis", ctx.attr_int("axis", 0)}};
  std::vector<Expr> args{ctx.input(0)};
  if (split.present) {
    if (split.values && int64_t(split.values->size()) != n)
      ctx.fail(Msg() << "split has " << split.values->size() << " sizes for " << n << " outputs");
    args.push_back(ints_expr(ctx, split));
  } else {
    attrs.set("num_outputs", n);
  }
  Expr parts = ctx.op("split", args, attrs);
  std::vector<Expr> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(tuple_field(ctx, parts, int(i)));
  return out;
}

// Slice: starts/ends/axes are attributes before opset 10 (no steps), inputs from it.
std::vector<Expr> convert_slice(NodeContext& ctx) {
  std::vector<Expr> args{ctx.input(0)};
  if (ctx.opset() < 10) {
    args.push_back(ctx.i64_vector(ctx.attr_ints("starts")));
    args.push_back(ctx.i64_vector(ctx.attr_ints("ends")));
    if (ctx.has_attr("axes")) args.push_back(ctx.i64_vector(ctx.attr_ints("axes")));
    return {ctx.op("slice", args)};
  }
  args.push_back(as_i64(ctx, 1));
  args.push_back(as_i64(ctx, 2));
  if (ctx.has_input(3) || ctx.has_input(4))  // absent axes before steps: a zero-size placeholder
    args.push_back(ctx.has_input(3) ? as_i64(ctx, 3) : ctx.constant(Tensor(DType::I64, {0})));
  if (ctx.has_input(4)) args.push_back(as_i64(ctx, 4));
  return {ctx.op("slice", args)};
}

std::vector<Expr> convert_tile(NodeContext& ctx) {
  if (ctx.opset() < 6) ctx.fail("Tile before opset 6 (tiles and axis inputs) is not supported");
  return {ctx.op("tile", {ctx.input(0), as_i64(ctx, 1)})};
}

// Pad: pads and value are attributes before opset 11, inputs from it.
std::vector<Expr> convert_pad(NodeContext& ctx) {
  std::string mode = ctx.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") ctx.fail("attribute mode='" + mode + "' is not supported");
  if (ctx.opset() >= 18 && ctx.has_input(3)) ctx.fail("the axes input is not supported");
  std::vector<Expr> args{ctx.input(0)};
  if (ctx.opset() < 11) {
    Ints pads = ctx.attr_ints(ctx.opset() < 2 ? "paddings" : "pads");
    args.push_back(ctx.i64_vector(pads));
    args.push_back(scalar_const(ctx, ctx.input_dtype(0), ctx.attr_float("value", 0.0)));
  } else {
    args.push_back(as_i64(ctx, 1));
    if (ctx.has_input(2)) args.push_back(ctx.op("reshape", {ctx.input(2), ctx.i64_vector({})}));
  }
  return {ctx.op("pad", args, {{"mode", mode}})};
}

// Shape and Size of a statically shaped input are constants, so shape arithmetic
// downstream (Reshape targets, Slice bounds) folds at import time; Shape's static dims
// are known even when others are not (known_shape, registered with it).
std::vector<Expr> convert_shape(NodeContext& ctx) {
  Attrs attrs{{"start", ctx.attr_int("start", 0)}};
  if (ctx.has_attr("end")) attrs.set("end", ctx.attr_int("end"));
  return {ctx.op("shape", {ctx.input(0)}, attrs)};
}

std::vector<Expr> convert_size(NodeContext& ctx) {
  if (auto dims = static_dims(ctx, 0)) return {ctx.i64_scalar(shape_numel(*dims))};
  return {ctx.op("size", {ctx.input(0)})};
}

std::vector<Expr> convert_depth_to_space(NodeContext& ctx) {
  return {ctx.op("depth_to_space", {ctx.input(0)},
                 {{"blocksize", ctx.attr_int("blocksize")}, {"mode", ctx.attr_string("mode", "DCR")}})};
}

std::vector<Expr> convert_space_to_depth(NodeContext& ctx) {
  return {ctx.op("space_to_depth", {ctx.input(0)}, {{"blocksize", ctx.attr_int("blocksize")}})};
}

}  // namespace

void register_shape_converters(ConverterTable& table) {
  table.add("Reshape", convert_reshape);
  table.add("Flatten", convert_flatten);
  table.add("Squeeze", convert_squeeze);
  table.add("Unsqueeze", convert_unsqueeze);
  table.add("Transpose", convert_transpose);
  table.add("Expand", convert_expand);
  table.add("Concat", with_known_elements(convert_concat, known_concat));
  table.add("Split", convert_split);
  table.add("Slice", with_known_elements(convert_slice, known_slice));
  table.add("Tile", convert_tile);
  table.add("Pad", convert_pad);
  table.add("Shape", with_known_elements(convert_shape, known_shape));
  table.add("Size", convert_size);
  table.add("DepthToSpace", convert_depth_to_space);
  table.add("SpaceToDepth", convert_space_to_depth);
}

}  // namespace weft::onnx_import
