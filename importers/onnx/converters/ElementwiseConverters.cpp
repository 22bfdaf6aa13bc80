// ElementwiseConverters.cpp - ONNX elementwise ops (math, activations, comparisons, logic, casts) to weft ops.
#include <limits>

#include "importers/onnx/OnnxTensors.h"
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/KnownElements.h"

namespace weft::onnx_import {
namespace {

// ONNX ops that are one weft op applied to all inputs, attributes aside.
struct Renamed {
  const char* onnx;
  const char* weft;
};

constexpr Renamed kUnary[] = {
    {"Abs", "abs"},         {"Neg", "neg"},           {"Exp", "exp"},         {"Log", "log"},
    {"Sqrt", "sqrt"},       {"Reciprocal", "reciprocal"}, {"Sin", "sin"},     {"Cos", "cos"},
    {"Tan", "tan"},         {"Asin", "asin"},         {"Acos", "acos"},       {"Atan", "atan"},
    {"Sinh", "sinh"},       {"Cosh", "cosh"},         {"Tanh", "tanh"},       {"Asinh", "asinh"},
    {"Acosh", "acosh"},     {"Atanh", "atanh"},       {"Sigmoid", "sigmoid"}, {"Erf", "erf"},
    {"Floor", "floor"},     {"Ceil", "ceil"},         {"Round", "round"},     {"Softplus", "softplus"},
    {"Softsign", "softsign"}, {"Sign", "sign"},       {"Relu", "relu"},       {"Not", "logical_not"},
    {"IsNaN", "is_nan"},    {"HardSwish", "hard_swish"}, {"Mish", "mish"},    {"BitwiseNot", "bitwise_not"},
};

constexpr Renamed kBinary[] = {
    {"Add", "add"},          {"Sub", "sub"},           {"Mul", "mul"},
    {"Div", "div"},          {"Pow", "pow"},           {"And", "logical_and"},
    {"Or", "logical_or"},    {"Xor", "logical_xor"},   {"Equal", "equal"},
    {"Less", "less"},        {"Greater", "greater"},   {"LessOrEqual", "less_equal"},
    {"GreaterOrEqual", "greater_equal"}, {"PRelu", "prelu"}, {"BitwiseAnd", "bitwise_and"},
    {"BitwiseOr", "bitwise_or"}, {"BitwiseXor", "bitwise_xor"},
};

// Activations with float attributes of the same name in ONNX and weft; an absent
// attribute keeps the weft default, which is ONNX's.
struct ParamUnary {
  const char* onnx;
  const char* weft;
  std::vector<const char*> attrs;
};
const ParamUnary kParamUnary[] = {
    {"LeakyRelu", "leaky_relu", {"alpha"}},
    {"Elu", "elu", {"alpha"}},
    {"Selu", "selu", {"alpha", "gamma"}},
    {"Celu", "celu", {"alpha"}},
    {"ThresholdedRelu", "thresholded_relu", {"alpha"}},
    {"HardSigmoid", "hard_sigmoid", {"alpha", "beta"}},
};

// Max/Min/Sum fold their inputs pairwise (broadcasting as they go).
constexpr Renamed kVariadic[] = {{"Max", "maximum"}, {"Min", "minimum"}, {"Sum", "add"}, {"Mean", "add"}};

Converter same_op(std::string weft) {
  return [weft](NodeContext& ctx) -> std::vector<Expr> {
    std::vector<Expr> args;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.input(i));
    return {ctx.op(weft, args)};
  };
}

// Binary ops before opset 7 broadcast only with broadcast=1, and then B's dims line up
// with A's starting at `axis` (default: at the end, as NumPy does); B gets trailing
// size-1 dims so that NumPy broadcasting means the same.
Converter legacy_binary(std::string weft) {
  return [weft](NodeContext& ctx) -> std::vector<Expr> {
    Expr a = ctx.input(0), b = ctx.input(1);
    if (ctx.opset() < 7 && ctx.attr_int("broadcast", 0) != 0 && ctx.has_attr("axis")) {
      const int ra = ctx.input_rank(0), rb = ctx.input_rank(1);
      const int axis = positive_axis(ctx, ctx.attr_int("axis"), ra);
      Ints trailing;
      for (int i = axis + rb; i < ra; ++i) trailing.push_back(i - axis);
      if (axis + rb > ra) ctx.fail(Msg() << "B of rank " << rb << " does not fit in A of rank " << ra << " at axis " << axis);
      if (!trailing.empty()) b = ctx.op("unsqueeze", {b}, {{"axes", trailing}});
    }
    return {ctx.op(weft, {a, b})};
  };
}

Converter param_unary(const ParamUnary& p) {
  return [p](NodeContext& ctx) -> std::vector<Expr> {
    Attrs attrs;
    for (const char* a : p.attrs)
      if (ctx.has_attr(a)) attrs.set(a, ctx.attr_float(a));
    return {ctx.op(p.weft, {ctx.input(0)}, attrs)};
  };
}

Converter variadic(std::string onnx, std::string weft) {
  return [onnx, weft](NodeContext& ctx) -> std::vector<Expr> {
    if (ctx.num_inputs() == 0) ctx.fail("needs at least one input");
    Expr acc = ctx.input(0);
    for (size_t i = 1; i < ctx.num_inputs(); ++i) acc = ctx.op(weft, {acc, ctx.input(i)});
    if (ctx.num_inputs() == 1) acc = ctx.op("identity", {acc});
    if (onnx == "Mean" && ctx.num_inputs() > 1)
      acc = ctx.op("div", {acc, scalar_const(ctx, ctx.input_dtype(0), double(ctx.num_inputs()))});
    return {acc};
  };
}

// Clip: bounds are attributes before opset 11, optional inputs from it. An absent bound
// is passed as a zero-size tensor (weft's "no bound").
std::vector<Expr> convert_clip(NodeContext& ctx) {
  DType dt = ctx.input_dtype(0);
  Expr none = ctx.constant(Tensor(dt, {0}));
  std::vector<Expr> args{ctx.input(0)};
  if (ctx.opset() < 11) {
    args.push_back(ctx.has_attr("min") ? scalar_const(ctx, dt, ctx.attr_float("min")) : none);
    args.push_back(ctx.has_attr("max") ? scalar_const(ctx, dt, ctx.attr_float("max")) : none);
  } else {
    for (size_t i = 1; i <= 2; ++i) args.push_back(ctx.has_input(i) ? ctx.input(i) : none);
  }
  return {ctx.op("clip", args)};
}

std::vector<Expr> convert_cast(NodeContext& ctx) {
  const onnx::AttributeProto* a = ctx.find_attr("to");
  onnx::TensorProto::DataType named;  // before opset 6 `to` was a name ("FLOAT")
  if (a && a->type() == onnx::AttributeProto::STRING && onnx::TensorProto::DataType_Parse(a->s(), &named))
    return {ctx.op("cast", {ctx.input(0)}, {{"to", to_dtype(named, ctx.span())}})};
  DType to = to_dtype(int(ctx.attr_int("to")), ctx.span());
  return {ctx.op("cast", {ctx.input(0)}, {{"to", to}})};
}

std::vector<Expr> convert_cast_like(NodeContext& ctx) {
  return {ctx.op("cast", {ctx.input(0)}, {{"to", ctx.input_dtype(1)}})};
}

std::vector<Expr> convert_mod(NodeContext& ctx) {
  return {ctx.op("mod", {ctx.input(0), ctx.input(1)}, {{"fmod", ctx.attr_int("fmod", 0)}})};
}

std::vector<Expr> convert_bit_shift(NodeContext& ctx) {
  std::string dir = ctx.attr_string("direction");
  if (dir != "LEFT" && dir != "RIGHT") ctx.fail("attribute direction='" + dir + "' is not supported (LEFT or RIGHT)");
  return {ctx.op("bit_shift", {ctx.input(0), ctx.input(1)}, {{"direction", std::string(dir == "LEFT" ? "left" : "right")}})};
}

std::vector<Expr> convert_is_inf(NodeContext& ctx) {
  return {ctx.op("is_inf", {ctx.input(0)},
                 {{"detect_positive", attr_bool(ctx, "detect_positive", true)},
                  {"detect_negative", attr_bool(ctx, "detect_negative", true)}})};
}

// Shrink: x + bias below -lambd, x - bias above lambd, 0 between.
std::vector<Expr> convert_shrink(NodeContext& ctx) {
  DType dt = ctx.input_dtype(0);
  double lambd = ctx.attr_float("lambd", 0.5), bias = ctx.attr_float("bias", 0.0);
  Expr x = ctx.input(0);
  Expr lo = ctx.op("less", {x, scalar_const(ctx, dt, -lambd)});
  Expr hi = ctx.op("greater", {x, scalar_const(ctx, dt, lambd)});
  Expr b = scalar_const(ctx, dt, bias);
  Expr above = ctx.op("where", {hi, ctx.op("sub", {x, b}), scalar_const(ctx, dt, 0)});
  return {ctx.op("where", {lo, ctx.op("add", {x, b}), above})};
}

// Identity passes any value through (tensors, sequences, optionals).
std::vector<Expr> convert_identity(NodeContext& ctx) { return {ctx.input(0)}; }

}  // namespace

void register_elementwise_converters(ConverterTable& table) {
  for (const Renamed& r : kUnary) table.add(r.onnx, same_op(r.weft));
  for (const Renamed& r : kBinary) table.add(r.onnx, legacy_binary(r.weft));
  table.add("Where", same_op("where"));
  for (const ParamUnary& p : kParamUnary) table.add(p.onnx, param_unary(p));
  for (const Renamed& r : kVariadic) table.add(r.onnx, variadic(r.onnx, r.weft));
  table.add("Clip", convert_clip);
  table.add("Cast", with_known_elements(convert_cast, known_cast));
  table.add("CastLike", convert_cast_like);
  table.add("Mod", convert_mod);
  table.add("BitShift", convert_bit_shift);
  table.add("IsInf", convert_is_inf);
  table.add("Shrink", convert_shrink);
  table.add("Identity", convert_identity);
}

}  // namespace weft::onnx_import
