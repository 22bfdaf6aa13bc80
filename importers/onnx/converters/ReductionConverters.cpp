// ReductionConverters.cpp - ONNX Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax and CumSum to weft ops.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/DynamicAxes.h"

namespace weft::onnx_import {
namespace {

// `since`: the opset from which axes are an input instead of an attribute (ReduceSum
// moved at 13, the others at 18).
struct ReduceOp {
  const char* onnx;
  const char* weft;
  int since;
  bool decomposable;  // reducing axis by axis gives the same result (for run-time axes)
};
constexpr ReduceOp kReduce[] = {
    {"ReduceSum", "reduce_sum", 13, true},          {"ReduceMean", "reduce_mean", 18, false},
    {"ReduceMax", "reduce_max", 18, true},          {"ReduceMin", "reduce_min", 18, true},
    {"ReduceProd", "reduce_prod", 18, true},        {"ReduceL1", "reduce_l1", 18, false},
    {"ReduceL2", "reduce_l2", 18, false},           {"ReduceLogSum", "reduce_log_sum", 18, false},
    {"ReduceLogSumExp", "reduce_log_sum_exp", 18, false}, {"ReduceSumSquare", "reduce_sum_square", 18, false},
};

Converter reduce(const ReduceOp& r) {
  return [r](NodeContext& ctx) -> std::vector<Expr> {
    const bool keepdims = attr_bool(ctx, "keepdims", true);
    const bool noop = ctx.opset() >= r.since && attr_bool(ctx, "noop_with_empty_axes", false);
    IntsOperand axes = ints_operand(ctx, "axes", 1, r.since);
    if (axes.runtime) {
      const int64_t k = static_length(ctx, 1, "axes");
      if (k > 0) {
        if (!r.decomposable) ctx.fail("axes given at run time are not supported for this reduction");
        return {dynamic_reduce(ctx, r.weft, ctx.input(0), ctx.input_dtype(0), ctx.input_rank(0), axes.runtime, k, keepdims)};
      }
    }
    Attrs attrs{{"axes", axes.values.value_or(Ints{})}, {"keepdims", keepdims}, {"noop_with_empty_axes", noop}};
    return {ctx.op(r.weft, {ctx.input(0)}, attrs)};
  };
}

Converter arg_extreme(std::string weft) {
  return [weft](NodeContext& ctx) -> std::vector<Expr> {
    Attrs attrs{{"axis", ctx.attr_int("axis", 0)},
                {"keepdims", attr_bool(ctx, "keepdims", true)},
                {"select_last_index", attr_bool(ctx, "select_last_index", false)}};
    return {ctx.op(weft, {ctx.input(0)}, attrs)};
  };
}

// Before opset 13 these ops see x as a 2-D matrix [prod(dims < axis), prod(dims >= axis)]
// (axis default 1) and normalize its rows; from 13 they work along one axis (default -1).
// `along(x, axis, rank)` builds the op along one axis of x.
std::vector<Expr> along_axis_or_flattened(NodeContext& ctx, const std::function<Expr(const Expr&, int64_t, int)>& along) {
  const int rank = ctx.input_rank(0);
  Expr x = ctx.input(0);
  if (ctx.opset() >= 13) return {along(x, positive_axis(ctx, ctx.attr_int("axis", -1), rank), rank)};
  int64_t axis = ctx.attr_int("axis", 1);
  if (axis < -rank || axis > rank) ctx.fail(Msg() << "axis " << axis << " is out of range for rank " << rank);
  if (axis < 0) axis += rank;
  if (axis == rank - 1) return {along(x, axis, rank)};  // flattening would change nothing
  Expr flat = ctx.op("flatten", {x}, {{"axis", axis}});
  return {ctx.op("reshape", {along(flat, 1, 2), ctx.op("shape", {x})})};
}

Converter softmax(std::string weft) {
  return [weft](NodeContext& ctx) {
    return along_axis_or_flattened(ctx, [&](const Expr& x, int64_t axis, int) { return ctx.op(weft, {x}, {{"axis", axis}}); });
  };
}

// Hardmax: 1 at the first maximum along the axis, 0 elsewhere: argmax compared with the
// positions along that axis.
std::vector<Expr> convert_hardmax(NodeContext& ctx) {
  const DType dt = ctx.input_dtype(0);
  return along_axis_or_flattened(ctx, [&](const Expr& x, int64_t axis, int rank) {
    Expr am = ctx.op("argmax", {x}, {{"axis", axis}, {"keepdims", true}});
    Expr n = ctx.op("reshape", {ctx.op("shape", {x}, {{"start", axis}, {"end", axis + 1}}), ctx.i64_vector({})});
    Expr pos = ctx.op("range", {ctx.i64_scalar(0), n, ctx.i64_scalar(1)});
    // pos shaped [1, ..., n, ..., 1] so it broadcasts along `axis`.
    Ints shape;
    for (int64_t i = 0; i < rank; ++i) shape.push_back(i == axis ? -1 : 1);
    pos = ctx.op("reshape", {pos, ctx.i64_vector(shape)});
    return ctx.op("cast", {ctx.op("equal", {pos, am})}, {{"to", dt}});
  });
}

std::vector<Expr> convert_cumsum(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  Attrs attrs{{"exclusive", attr_bool(ctx, "exclusive", false)}, {"reverse", attr_bool(ctx, "reverse", false)}};
  auto with_axis = [&](int64_t axis) {
    Attrs a = attrs;
    a.set("axis", axis);
    return a;
  };
  if (auto axis = const_int(ctx, 1)) return {ctx.op("cumsum", {ctx.input(0)}, with_axis(positive_axis(ctx, *axis, rank)))};
  Expr x = ctx.input(0);
  return {select_axis(ctx, ctx.input(1), rank, [&](int axis) { return make_op_call("cumsum", {x}, with_axis(axis), ctx.span()); })};
}

}  // namespace

void register_reduction_converters(ConverterTable& table) {
  for (const ReduceOp& r : kReduce) table.add(r.onnx, reduce(r));
  table.add("ArgMax", arg_extreme("argmax"));
  table.add("ArgMin", arg_extreme("argmin"));
  table.add("Softmax", softmax("softmax"));
  table.add("LogSoftmax", softmax("log_softmax"));
  table.add("Hardmax", convert_hardmax);
  table.add("CumSum", convert_cumsum);
}

}  // namespace weft::onnx_import
