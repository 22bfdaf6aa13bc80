// NnConverters.cpp - ONNX Conv, ConvTranspose, pooling, Gemm and MatMul to weft ops, auto_pad resolved at import.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/MaxPoolIndices.h"
#include "importers/onnx/converters/WindowAttrs.h"

namespace weft::onnx_import {
namespace {

std::vector<Expr> convert_conv(NodeContext& ctx) {
  std::vector<Expr> args{ctx.input(0), ctx.input(1)};
  if (ctx.has_input(2)) args.push_back(ctx.input(2));
  return {ctx.op("conv", args, conv_attrs(ctx, 1))};
}

// ConvTranspose: output_shape (or auto_pad SAME, meaning output = input * stride) fixes the
// total padding per dim; SAME_UPPER puts its larger half at the end (the spec's formula).
// A target larger than pads can give is reached with output_padding.
std::vector<Expr> convert_conv_transpose(NodeContext& ctx) {
  Window w = read_window(ctx, 1);
  Ints out_pad = ints_or(ctx, "output_padding", w.nsp, 0);
  std::string mode = ctx.attr_string("auto_pad", "NOTSET");
  Ints target = ctx.attr_ints("output_shape", Ints{});
  if (target.size() == w.nsp + 2) target.erase(target.begin(), target.begin() + 2);
  if (mode == "VALID") w.pads.assign(2 * w.nsp, 0);
  else if (mode != "NOTSET" && mode != "SAME_UPPER" && mode != "SAME_LOWER")
    ctx.fail("attribute auto_pad='" + mode + "' is not supported");
  if (!target.empty() || mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    Ints in = static_spatial(ctx, w.nsp, target.empty() ? "auto_pad=" + mode : "output_shape");
    if (!target.empty() && target.size() != w.nsp)
      ctx.fail(Msg() << "output_shape has " << target.size() << " values, expected " << w.nsp);
    for (size_t i = 0; i < w.nsp; ++i) {
      int64_t want = target.empty() ? in[i] * w.strides[i] : target[i];
      int64_t full = w.strides[i] * (in[i] - 1) + out_pad[i] + (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total = full - want;
      if (total < 0) out_pad[i] -= total, total = 0;
      int64_t small = total / 2, big = total - small;
      bool big_first = mode != "SAME_UPPER";  // NOTSET with output_shape splits as SAME_LOWER
      w.pads[i] = big_first ? big : small;
      w.pads[i + w.nsp] = big_first ? small : big;
    }
  }
  std::vector<Expr> args{ctx.input(0), ctx.input(1)};
  if (ctx.has_input(2)) args.push_back(ctx.input(2));
  return {ctx.op("conv_transpose", args,
                 {{"strides", w.strides}, {"pads", w.pads}, {"dilations", w.dilations},
                  {"groups", ctx.attr_int("group", 1)}, {"output_padding", out_pad}})};
}

// MaxPool / AveragePool / LpPool. `extra` adds the op's own attributes.
Converter pool(std::string weft, std::function<void(const NodeContext&, Attrs&)> extra) {
  return [weft, extra](NodeContext& ctx) -> std::vector<Expr> {
    Window w = read_window(ctx, -1);
    resolve_auto_pad(ctx, w);
    const bool ceil_mode = attr_bool(ctx, "ceil_mode", false);
    Attrs attrs{{"kernel_shape", w.kernel}, {"strides", w.strides}, {"pads", w.pads},
                {"dilations", w.dilations}, {"ceil_mode", ceil_mode}};
    if (extra) extra(ctx, attrs);
    // weft pools floats; integer max pooling goes through f64, which holds them exactly.
    DType dt = ctx.input_dtype(0);
    Expr pooled;
    if (is_float(dt)) {
      pooled = ctx.op(weft, {ctx.input(0)}, attrs);
    } else {
      pooled = ctx.op(weft, {ctx.op("cast", {ctx.input(0)}, {{"to", DType::F64}})}, attrs);
      pooled = ctx.op("cast", {pooled}, {{"to", dt}});
    }
    if (!ctx.has_output(1)) return {pooled};
    return {pooled, max_pool_indices(ctx, ctx.input(0), w, ceil_mode, ctx.attr_int("storage_order", 0))};
  };
}

// MaxUnpool: the values scattered to their flat indices (into the whole tensor the
// pooling read, whose shape inverts the pooling's size formula) in a zero tensor; an
// output_shape larger than that pads zeros at the end of each dim.
std::vector<Expr> convert_max_unpool(NodeContext& ctx) {
  Window w = read_window(ctx, -1);
  auto dims = static_dims(ctx, 0);
  if (!dims) ctx.fail("the input's dims must be known at import time");
  Ints unpooled{(*dims)[0], (*dims)[1]};
  for (size_t i = 0; i < w.nsp; ++i)
    unpooled.push_back(((*dims)[i + 2] - 1) * w.strides[i] + w.kernel[i] - w.pads[i] - w.pads[i + w.nsp]);
  Expr flat = ctx.i64_vector({-1});
  Expr zeros = ctx.op("expand", {scalar_const(ctx, ctx.input_dtype(0), 0), ctx.i64_vector({shape_numel(unpooled)})});
  Expr values = ctx.op("reshape", {ctx.input(0), flat}), where = ctx.op("reshape", {as_i64(ctx, 1), flat});
  Expr y = ctx.op("scatter_elements", {zeros, where, values}, {{"axis", int64_t(0)}});
  y = ctx.op("reshape", {y, ctx.i64_vector(unpooled)});
  if (!ctx.has_input(2)) return {y};
  Expr grow = ctx.op("sub", {as_i64(ctx, 2), ctx.i64_vector(unpooled)});
  Expr pads = ctx.op("concat", {ctx.i64_vector(Ints(unpooled.size(), 0)), grow}, {{"axis", int64_t(0)}});
  return {ctx.op("pad", {y, pads})};
}

// GlobalLpPool: (sum |x|^p)^(1/p) over the spatial dims, kept as size 1.
std::vector<Expr> convert_global_lp_pool(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const DType dt = ctx.input_dtype(0);
  double p = ctx.opset() < 2 ? ctx.attr_float("p", 2.0) : double(ctx.attr_int("p", 2));
  Ints axes;
  for (int i = 2; i < rank; ++i) axes.push_back(i);
  Expr x = ctx.input(0);
  if (p == 2) return {ctx.op("reduce_l2", {x}, {{"axes", axes}, {"keepdims", true}})};
  if (p == 1) return {ctx.op("reduce_l1", {x}, {{"axes", axes}, {"keepdims", true}})};
  Expr powed = ctx.op("pow", {ctx.op("abs", {x}), scalar_const(ctx, dt, p)});
  Expr sum = ctx.op("reduce_sum", {powed}, {{"axes", axes}, {"keepdims", true}});
  return {ctx.op("pow", {sum, scalar_const(ctx, dt, 1.0 / p)})};
}

std::vector<Expr> convert_gemm(NodeContext& ctx) {
  std::vector<Expr> args{ctx.input(0), ctx.input(1)};
  if (ctx.has_input(2)) args.push_back(ctx.input(2));
  return {ctx.op("gemm", args,
                 {{"alpha", ctx.attr_float("alpha", 1.0)}, {"beta", ctx.attr_float("beta", 1.0)},
                  {"trans_a", attr_bool(ctx, "transA", false)}, {"trans_b", attr_bool(ctx, "transB", false)}})};
}

}  // namespace

void register_nn_converters(ConverterTable& table) {
  table.add("Conv", convert_conv);
  table.add("ConvTranspose", convert_conv_transpose);
  table.add("MaxPool", pool("max_pool", nullptr));
  table.add("AveragePool", pool("avg_pool", [](const NodeContext& ctx, Attrs& a) {
              a.set("count_include_pad", attr_bool(ctx, "count_include_pad", false));
            }));
  table.add("LpPool", pool("lp_pool", [](const NodeContext& ctx, Attrs& a) {
              a.set("p", ctx.opset() < 2 ? int64_t(ctx.attr_float("p", 2.0)) : ctx.attr_int("p", 2));
            }));
  table.add("MaxUnpool", convert_max_unpool);
  table.add("GlobalAveragePool", [](NodeContext& ctx) -> std::vector<Expr> { return {ctx.op("global_avg_pool", {ctx.input(0)})}; });
  table.add("GlobalMaxPool", [](NodeContext& ctx) -> std::vector<Expr> { return {ctx.op("global_max_pool", {ctx.input(0)})}; });
  table.add("GlobalLpPool", convert_global_lp_pool);
  table.add("Gemm", convert_gemm);
  table.add("MatMul", [](NodeContext& ctx) -> std::vector<Expr> { return {ctx.op("matmul", {ctx.input(0), ctx.input(1)})}; });
}

}  // namespace weft::onnx_import
