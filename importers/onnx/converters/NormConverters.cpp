// NormConverters.cpp - ONNX normalizations (BatchNorm incl. training mode, Instance, Layer, LRN, MVN, LpNorm) to weft ops.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

Ints range_axes(int begin, int end, int skip = -1) {
  Ints axes;
  for (int i = begin; i < end; ++i)
    if (i != skip) axes.push_back(i);
  return axes;
}

Expr mean_over(NodeContext& ctx, const Expr& x, const Ints& axes, bool keepdims) {
  return ctx.op("reduce_mean", {x}, {{"axes", axes}, {"keepdims", keepdims}});
}

Expr square(NodeContext& ctx, const Expr& x) { return ctx.op("mul", {x, x}); }

// Training mode: normalize with the batch's own statistics (population variance) and
// return running statistics blended with momentum, as the ONNX reference does.
std::vector<Expr> batch_norm_training(NodeContext& ctx) {
  if (ctx.has_output(3) || ctx.has_output(4)) ctx.fail("the saved_mean / saved_var outputs are not supported");
  const int rank = ctx.input_rank(0);
  const DType dt = ctx.input_dtype(0);
  const double eps = ctx.attr_float("epsilon", 1e-5), momentum = ctx.attr_float("momentum", 0.9);
  Expr x = ctx.input(0);
  Ints axes = range_axes(0, rank, 1);
  Expr mean = mean_over(ctx, x, axes, false);
  Expr centered = ctx.op("sub", {x, mean_over(ctx, x, axes, true)});
  Expr var = mean_over(ctx, square(ctx, centered), axes, false);
  Expr y = ctx.op("batch_norm", {x, ctx.input(1), ctx.input(2), mean, var}, {{"epsilon", eps}});
  auto blend = [&](const Expr& running, const Expr& current) {
    return ctx.op("add", {ctx.op("mul", {running, scalar_const(ctx, dt, momentum)}),
                          ctx.op("mul", {current, scalar_const(ctx, dt, 1.0 - momentum)})});
  };
  return {y, blend(ctx.input(3), mean), blend(ctx.input(4), var)};
}

std::vector<Expr> convert_batch_norm(NodeContext& ctx) {
  bool training = ctx.opset() >= 14 ? attr_bool(ctx, "training_mode", false) : ctx.has_output(1);
  if (ctx.opset() < 9 && !attr_bool(ctx, "spatial", true)) ctx.fail("attribute spatial=0 is not supported");
  if (training) return batch_norm_training(ctx);
  std::vector<Expr> args;
  for (size_t i = 0; i < 5; ++i) args.push_back(ctx.input(i));
  return {ctx.op("batch_norm", args, {{"epsilon", ctx.attr_float("epsilon", 1e-5)}})};
}

std::vector<Expr> convert_instance_norm(NodeContext& ctx) {
  return {ctx.op("instance_norm", {ctx.input(0), ctx.input(1), ctx.input(2)}, {{"epsilon", ctx.attr_float("epsilon", 1e-5)}})};
}

std::vector<Expr> convert_lrn(NodeContext& ctx) {
  return {ctx.op("lrn", {ctx.input(0)},
                 {{"size", ctx.attr_int("size")}, {"alpha", ctx.attr_float("alpha", 1e-4)},
                  {"beta", ctx.attr_float("beta", 0.75)}, {"bias", ctx.attr_float("bias", 1.0)}})};
}

// LayerNormalization: Y from layer_norm; the optional Mean and InvStdDev outputs
// (statistics over dims axis..end, kept as size 1) are computed alongside.
std::vector<Expr> convert_layer_norm(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const int axis = positive_axis(ctx, ctx.attr_int("axis", -1), rank);
  const double eps = ctx.attr_float("epsilon", 1e-5);
  std::vector<Expr> args{ctx.input(0), ctx.input(1)};
  if (ctx.has_input(2)) args.push_back(ctx.input(2));
  std::vector<Expr> out{ctx.op("layer_norm", args, {{"axis", int64_t(axis)}, {"epsilon", eps}})};
  if (!ctx.has_output(1) && !ctx.has_output(2)) return out;
  Ints axes = range_axes(axis, rank);
  Expr x = ctx.input(0);
  Expr mean = mean_over(ctx, x, axes, true);
  Expr var = mean_over(ctx, square(ctx, ctx.op("sub", {x, mean})), axes, true);
  Expr inv = ctx.op("rsqrt", {ctx.op("add", {var, scalar_const(ctx, ctx.input_dtype(0), eps)})});
  out.push_back(mean);
  out.push_back(inv);
  return out;
}

// MeanVarianceNormalization (the ONNX function): (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
std::vector<Expr> convert_mvn(NodeContext& ctx) {
  const DType dt = ctx.input_dtype(0);
  Ints axes = ctx.attr_ints("axes", Ints{0, 2, 3});
  Expr x = ctx.input(0);
  Expr mean = mean_over(ctx, x, axes, true);
  Expr var = ctx.op("sub", {mean_over(ctx, square(ctx, x), axes, true), square(ctx, mean)});
  Expr std = ctx.op("add", {ctx.op("sqrt", {var}), scalar_const(ctx, dt, 1e-9)});
  return {ctx.op("div", {ctx.op("sub", {x, mean}), std})};
}

// LpNormalization: x divided by its L1 or L2 norm along axis.
std::vector<Expr> convert_lp_norm(NodeContext& ctx) {
  int64_t p = ctx.attr_int("p", 2);
  if (p != 1 && p != 2) ctx.fail(Msg() << "attribute p=" << p << " is not supported (1 or 2)");
  Ints axes{ctx.attr_int("axis", -1)};
  Expr norm = ctx.op(p == 1 ? "reduce_l1" : "reduce_l2", {ctx.input(0)}, {{"axes", axes}, {"keepdims", true}});
  return {ctx.op("div", {ctx.input(0), norm})};
}

}  // namespace

void register_norm_converters(ConverterTable& table) {
  table.add("BatchNormalization", convert_batch_norm);
  table.add("InstanceNormalization", convert_instance_norm);
  table.add("LRN", convert_lrn);
  table.add("LayerNormalization", convert_layer_norm);
  table.add("MeanVarianceNormalization", convert_mvn);
  table.add("LpNormalization", convert_lp_norm);
}

}  // namespace weft::onnx_import
