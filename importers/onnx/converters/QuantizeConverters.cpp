// QuantizeConverters.cpp - ONNX (De)QuantizeLinear, DynamicQuantizeLinear and the integer/QLinear matmul and conv, in float math.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/WindowAttrs.h"

namespace weft::onnx_import {
namespace {

// Note on precision: integer products are computed in f64, exact while sums stay below
// 2^53 (far beyond 8-bit operands). Scaling is done in f32 as ONNX Runtime does (so
// halves round the same way), then rounded half to even and saturated to the target
// integer type, as ONNX specifies.

Expr to_f64(NodeContext& ctx, const Expr& x) { return ctx.op("cast", {x}, {{"to", DType::F64}}); }
Expr to_f32(NodeContext& ctx, const Expr& x) { return ctx.op("cast", {x}, {{"to", DType::F32}}); }

// A per-axis parameter (1-D, one value per slice of `axis`) shaped to broadcast against
// a tensor of rank `rank`; a scalar stays as it is.
Expr along_axis(NodeContext& ctx, const Expr& p, int p_rank, int64_t axis, int rank) {
  if (p_rank == 0 || rank <= 1) return p;
  int a = positive_axis(ctx, axis, rank);
  Ints shape(size_t(rank), 1);
  shape[size_t(a)] = -1;
  return ctx.op("reshape", {p, ctx.i64_vector(shape)});
}

// Optional zero point input i (default 0) as f64, shaped along `axis`.
Expr zero_point(NodeContext& ctx, size_t i, int64_t axis, int rank) {
  if (!ctx.has_input(i)) return scalar_const(ctx, DType::F64, 0);
  return along_axis(ctx, to_f64(ctx, ctx.input(i)), ctx.input_rank(i), axis, rank);
}

double lowest_of(DType d) {
  switch (d) {
    case DType::U8: return 0;
    case DType::I8: return -128;
    case DType::U16: return 0;
    case DType::I16: return -32768;
    case DType::I32: return -2147483648.0;
    default: return 0;
  }
}
double highest_of(DType d) {
  switch (d) {
    case DType::U8: return 255;
    case DType::I8: return 127;
    case DType::U16: return 65535;
    case DType::I16: return 32767;
    case DType::I32: return 2147483647.0;
    default: return 0;
  }
}

// round(v) + zp saturated to dtype `to` (v f32, zp f64).
Expr requantize(NodeContext& ctx, const Expr& v, const Expr& zp, DType to) {
  if (!is_int(to)) ctx.fail(Msg() << "quantized type " << dtype_name(to) << " is not supported");
  Expr q = ctx.op("add", {to_f64(ctx, ctx.op("round", {v})), zp});
  q = ctx.op("clip", {q, scalar_const(ctx, DType::F64, lowest_of(to)), scalar_const(ctx, DType::F64, highest_of(to))});
  return ctx.op("cast", {q}, {{"to", to}});
}

std::vector<Expr> convert_quantize(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const int64_t axis = ctx.attr_int("axis", 1);
  DType to = ctx.has_input(2) ? ctx.input_dtype(2) : DType::U8;
  Expr scale = along_axis(ctx, to_f32(ctx, ctx.input(1)), ctx.input_rank(1), axis, rank);
  Expr v = ctx.op("div", {to_f32(ctx, ctx.input(0)), scale});
  return {requantize(ctx, v, zero_point(ctx, 2, axis, rank), to)};
}

std::vector<Expr> convert_dequantize(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const int64_t axis = ctx.attr_int("axis", 1);
  Expr scale = along_axis(ctx, to_f64(ctx, ctx.input(1)), ctx.input_rank(1), axis, rank);
  Expr v = ctx.op("mul", {ctx.op("sub", {to_f64(ctx, ctx.input(0)), zero_point(ctx, 2, axis, rank)}), scale});
  return {ctx.op("cast", {v}, {{"to", ctx.input_dtype(1)}})};
}

// DynamicQuantizeLinear: uint8 with scale (max(0, x) - min(0, x)) / 255 and the zero
// point that maps 0 exactly, in f32 as the ONNX function computes it.
std::vector<Expr> convert_dynamic_quantize(NodeContext& ctx) {
  Expr x = ctx.input(0);
  Attrs all{{"axes", Ints{}}, {"keepdims", false}};
  Expr zero = scalar_const(ctx, DType::F32, 0);
  Expr lo = ctx.op("minimum", {ctx.op("reduce_min", {x}, all), zero});
  Expr hi = ctx.op("maximum", {ctx.op("reduce_max", {x}, all), zero});
  Expr scale = ctx.op("div", {ctx.op("sub", {hi, lo}), scalar_const(ctx, DType::F32, 255)});
  Expr zp_real = ctx.op("sub", {zero, ctx.op("div", {lo, scale})});
  Expr zp = requantize(ctx, zp_real, scalar_const(ctx, DType::F64, 0), DType::U8);
  Expr y = requantize(ctx, ctx.op("div", {x, scale}), to_f64(ctx, zp), DType::U8);
  return {y, scale, zp};
}

// x - zero_point in f64; `zp_axis` places a 1-D zero point (A's rows, W's output channels).
Expr centered(NodeContext& ctx, size_t x, size_t zp, int64_t zp_axis) {
  const int rank = ctx.input_rank(x);
  return ctx.op("sub", {to_f64(ctx, ctx.input(x)), zero_point(ctx, zp, zp_axis, rank)});
}

std::vector<Expr> convert_matmul_integer(NodeContext& ctx) {
  Expr a = centered(ctx, 0, 2, -2), b = centered(ctx, 1, 3, -1);
  return {ctx.op("cast", {ctx.op("matmul", {a, b})}, {{"to", DType::I32}})};
}

std::vector<Expr> convert_conv_integer(NodeContext& ctx) {
  Expr x = centered(ctx, 0, 2, 1), w = centered(ctx, 1, 3, 0);
  return {ctx.op("cast", {ctx.op("conv", {x, w}, conv_attrs(ctx, 1))}, {{"to", DType::I32}})};
}

// Scale input i as f32, shaped along `axis`.
Expr scale_of(NodeContext& ctx, size_t i, int64_t axis, int rank) {
  return along_axis(ctx, to_f32(ctx, ctx.input(i)), ctx.input_rank(i), axis, rank);
}

// QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp).
std::vector<Expr> convert_qlinear_matmul(NodeContext& ctx) {
  Expr acc = ctx.op("matmul", {centered(ctx, 0, 2, -2), centered(ctx, 3, 5, -1)});
  const int rank = ctx.input_rank(0);
  Expr mult = ctx.op("div", {ctx.op("mul", {scale_of(ctx, 1, -2, rank), scale_of(ctx, 4, -1, ctx.input_rank(3))}),
                             to_f32(ctx, ctx.input(6))});
  return {requantize(ctx, ctx.op("mul", {to_f32(ctx, acc), mult}), to_f64(ctx, ctx.input(7)), ctx.input_dtype(7))};
}

// QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?); w_scale and w_zp
// may be per output channel; B is int32 at scale x_scale * w_scale.
std::vector<Expr> convert_qlinear_conv(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  Expr x = centered(ctx, 0, 2, 1), w = centered(ctx, 3, 5, 0);
  Expr acc = ctx.op("conv", {x, w}, conv_attrs(ctx, 3));
  if (ctx.has_input(8)) acc = ctx.op("add", {acc, along_axis(ctx, to_f64(ctx, ctx.input(8)), 1, 1, rank)});
  Expr mult = ctx.op("div", {ctx.op("mul", {to_f32(ctx, ctx.input(1)), scale_of(ctx, 4, 1, rank)}), to_f32(ctx, ctx.input(6))});
  return {requantize(ctx, ctx.op("mul", {to_f32(ctx, acc), mult}), to_f64(ctx, ctx.input(7)), ctx.input_dtype(7))};
}

}  // namespace

void register_quantize_converters(ConverterTable& table) {
  table.add("QuantizeLinear", convert_quantize);
  table.add("DequantizeLinear", convert_dequantize);
  table.add("DynamicQuantizeLinear", convert_dynamic_quantize);
  table.add("MatMulInteger", convert_matmul_integer);
  table.add("ConvInteger", convert_conv_integer);
  table.add("QLinearMatMul", convert_qlinear_matmul);
  table.add("QLinearConv", convert_qlinear_conv);
}

}  // namespace weft::onnx_import
