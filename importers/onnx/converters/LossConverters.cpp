// LossConverters.cpp - ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss composed from gathers and reductions.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// loss[n, d...] = -input[n, target[n, d...], d...] * weight[target] (0 where target is
// ignore_index), then reduced: none, sum, or mean = sum(loss) / sum(weights).
Expr nll_loss(NodeContext& ctx, const Expr& input, DType dt, size_t target_input, size_t weight_input) {
  std::string reduction = ctx.attr_string("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    ctx.fail("attribute reduction='" + reduction + "' is not supported");
  Expr target = as_i64(ctx, target_input);
  Expr mask;
  if (ctx.has_attr("ignore_index")) {
    mask = ctx.op("not_equal", {target, ctx.i64_scalar(ctx.attr_int("ignore_index"))});
    target = ctx.op("where", {mask, target, ctx.i64_scalar(0)});  // any valid class; its weight is 0
  }
  Expr picked = ctx.op("gather_elements", {input, ctx.op("unsqueeze", {target}, {{"axes", Ints{1}}})}, {{"axis", int64_t(1)}});
  Expr loss = ctx.op("neg", {ctx.op("squeeze", {picked}, {{"axes", Ints{1}}})});
  Expr weight;
  if (ctx.has_input(weight_input)) weight = ctx.op("gather", {ctx.input(weight_input), target}, {{"axis", int64_t(0)}});
  if (mask) weight = weight ? ctx.op("where", {mask, weight, scalar_const(ctx, dt, 0)}) : ctx.op("cast", {mask}, {{"to", dt}});
  if (weight) loss = ctx.op("mul", {loss, weight});
  if (reduction == "none") return loss;
  Attrs all{{"axes", Ints{}}, {"keepdims", false}};
  if (reduction == "sum") return ctx.op("reduce_sum", {loss}, all);
  if (!weight) return ctx.op("reduce_mean", {loss}, all);
  return ctx.op("div", {ctx.op("reduce_sum", {loss}, all), ctx.op("reduce_sum", {weight}, all)});
}

std::vector<Expr> convert_nll_loss(NodeContext& ctx) { return {nll_loss(ctx, ctx.input(0), ctx.input_dtype(0), 1, 2)}; }

std::vector<Expr> convert_softmax_cross_entropy(NodeContext& ctx) {
  Expr log_prob = ctx.op("log_softmax", {ctx.input(0)}, {{"axis", int64_t(1)}});
  return {nll_loss(ctx, log_prob, ctx.input_dtype(0), 1, 2), log_prob};
}

}  // namespace

void register_loss_converters(ConverterTable& table) {
  table.add("NegativeLogLikelihoodLoss", convert_nll_loss);
  table.add("SoftmaxCrossEntropyLoss", convert_softmax_cross_entropy);
}

}  // namespace weft::onnx_import
