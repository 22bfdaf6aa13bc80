// MiscConverters.cpp - ONNX Dropout, ConstantOfShape, EyeLike and Resize/Upsample to weft ops.
#include "importers/onnx/OnnxTensors.h"
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Dropout is imported for inference: the output is the input and the mask all true.
// Training mode is refused unless it is known to be off (or the ratio known to be 0).
// training_mode is a bool tensor by the spec (torch.onnx exports a constant false);
// an integer one is accepted too, as ONNX Runtime does.
std::vector<Expr> convert_dropout(NodeContext& ctx) {
  if (ctx.opset() < 7 && ctx.attr_int("is_test", 0) == 0)
    ctx.fail("Dropout with is_test=0 runs in training mode, which is random and not supported");
  if (ctx.opset() >= 12 && ctx.has_input(2)) {
    const Tensor* mode = ctx.input_constant(2);
    if (!mode) ctx.fail("training_mode given at run time is not supported (Dropout is imported for inference)");
    if (mode->numel() != 1) ctx.fail(Msg() << "training_mode must hold one value, found " << mode->numel());
    bool training = mode->as_double(0) != 0;
    auto ratio = ctx.has_input(1) ? const_float(ctx, 1) : std::optional<double>(0.5);
    if (training && (!ratio || *ratio != 0))
      ctx.fail("dropout in training mode (training_mode true) with a nonzero ratio is not supported (it is random)");
  }
  Expr x = ctx.input(0);
  std::vector<Expr> out{ctx.op("identity", {x})};
  if (ctx.has_output(1)) {
    DType mask_dt = ctx.opset() >= 10 ? DType::Bool : ctx.input_dtype(0);
    out.push_back(ctx.op("expand", {scalar_const(ctx, mask_dt, 1), ctx.op("shape", {x})}));
  }
  return out;
}

// ConstantOfShape: the one-element `value` (default f32 0) broadcast to the shape input.
std::vector<Expr> convert_constant_of_shape(NodeContext& ctx) {
  Tensor value = ctx.has_attr("value") ? ctx.attr_tensor("value") : Tensor::scalar<float>(0.0f);
  if (value.numel() != 1) ctx.fail(Msg() << "attribute value must hold one element, found " << value.numel());
  return {ctx.op("expand", {ctx.constant(value.reshape({})), as_i64(ctx, 0)})};
}

// EyeLike: ones on the k-th diagonal of a matrix shaped like the input: a constant when
// the shape is static, else equal(row + k, column) over ranges.
std::vector<Expr> convert_eye_like(NodeContext& ctx) {
  if (ctx.input_rank(0) != 2) ctx.fail("input must be 2-D");
  DType dt = ctx.has_attr("dtype") ? to_dtype(int(ctx.attr_int("dtype")), ctx.span()) : ctx.input_dtype(0);
  const int64_t k = ctx.attr_int("k", 0);
  if (auto dims = static_dims(ctx, 0)) {
    const int64_t rows = (*dims)[0], cols = (*dims)[1];
    std::vector<double> v(size_t(rows * cols), 0.0);
    for (int64_t i = 0; i < rows; ++i)
      if (i + k >= 0 && i + k < cols) v[size_t(i * cols + i + k)] = 1.0;
    return {ctx.constant(Tensor::from_vector<double>(v, *dims).cast(dt))};
  }
  Expr x = ctx.input(0);
  auto positions = [&](int64_t dim) {
    Expr n = ctx.op("reshape", {ctx.op("shape", {x}, {{"start", dim}, {"end", dim + 1}}), ctx.i64_vector({})});
    return ctx.op("range", {ctx.i64_scalar(0), n, ctx.i64_scalar(1)});
  };
  Expr rows = ctx.op("unsqueeze", {ctx.op("add", {positions(0), ctx.i64_scalar(k)})}, {{"axes", Ints{1}}});
  return {ctx.op("cast", {ctx.op("equal", {rows, positions(1)})}, {{"to", dt}})};
}

// Resize (10, 11-17) and Upsample (7-9). Opset 10's Resize and Upsample scale with the
// asymmetric transform and take the floor for nearest.
std::vector<Expr> resize(NodeContext& ctx, Expr scales, bool legacy) {
  std::string mode = ctx.attr_string("mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear") mode = "linear";  // Upsample-7's names
  if (mode != "nearest" && mode != "linear" && mode != "cubic") ctx.fail("attribute mode='" + mode + "' is not supported");
  Attrs attrs{{"mode", mode}};
  Expr none_f = ctx.constant(Tensor(DType::F32, {0}));
  Expr roi = none_f, sizes = ctx.constant(Tensor(DType::I64, {0}));
  if (legacy) {
    attrs.set("coordinate_transformation_mode", std::string("asymmetric"));
    attrs.set("nearest_mode", std::string("floor"));
  } else {
    if (ctx.attr_int("antialias", 0) != 0) ctx.fail("attribute antialias=1 is not supported");
    if (ctx.has_attr("axes")) ctx.fail("attribute axes is not supported");
    attrs.set("coordinate_transformation_mode", ctx.attr_string("coordinate_transformation_mode", "half_pixel"));
    attrs.set("nearest_mode", ctx.attr_string("nearest_mode", "round_prefer_floor"));
    attrs.set("cubic_coeff_a", ctx.attr_float("cubic_coeff_a", -0.75));
    attrs.set("exclude_outside", ctx.attr_int("exclude_outside", 0));
    attrs.set("extrapolation_value", ctx.attr_float("extrapolation_value", 0.0));
    if (ctx.has_input(1)) roi = ctx.op("cast", {ctx.input(1)}, {{"to", DType::F32}});
    if (ctx.has_input(3)) sizes = as_i64(ctx, 3);
  }
  if (!scales) scales = none_f;
  return {ctx.op("resize", {ctx.input(0), roi, scales, sizes}, attrs)};
}

std::vector<Expr> convert_resize(NodeContext& ctx) {
  if (ctx.opset() < 11) return resize(ctx, ctx.op("cast", {ctx.input(1)}, {{"to", DType::F32}}), true);
  Expr scales;
  if (ctx.has_input(2)) scales = ctx.op("cast", {ctx.input(2)}, {{"to", DType::F32}});
  return resize(ctx, scales, false);
}

std::vector<Expr> convert_upsample(NodeContext& ctx) {
  Expr scales;
  if (ctx.opset() < 9) {
    std::vector<double> s = ctx.attr_floats("scales");
    scales = ctx.constant(Tensor::from_vector<double>(s, {int64_t(s.size())}).cast(DType::F32));
  } else {
    scales = ctx.op("cast", {ctx.input(1)}, {{"to", DType::F32}});
  }
  return resize(ctx, scales, true);
}

}  // namespace

void register_misc_converters(ConverterTable& table) {
  table.add("Dropout", convert_dropout);
  table.add("ConstantOfShape", convert_constant_of_shape);
  table.add("EyeLike", convert_eye_like);
  table.add("Resize", convert_resize);
  table.add("Upsample", convert_upsample);
}

}  // namespace weft::onnx_import
