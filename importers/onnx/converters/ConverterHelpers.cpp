// ConverterHelpers.cpp - constants, axes and attribute-or-input operands for the ONNX op converters.
#include "importers/onnx/converters/ConverterHelpers.h"

namespace weft::onnx_import {

Tensor scalar_tensor(DType d, double v) { return Tensor::scalar<double>(v).cast(d); }

Expr scalar_const(NodeContext& ctx, DType d, double v) { return ctx.constant(scalar_tensor(d, v)); }

Expr iota(NodeContext& ctx, int64_t n, std::vector<int64_t> shape) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = i;
  if (shape.empty()) shape = {n};
  return ctx.constant(Tensor::from_vector<int64_t>(v, shape));
}

std::optional<Ints> static_dims(const NodeContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  const TensorTypeNode* t = as_ranked(ctx.input_type(i));
  if (!t) return std::nullopt;
  Ints dims;
  for (const Dim& d : t->shape) {
    if (!d.is_static()) return std::nullopt;
    dims.push_back(d.value());
  }
  return dims;
}

std::optional<Ints> const_ints(const NodeContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  const Tensor* t = ctx.input_constant(i);
  if (!t) return std::nullopt;
  if (!is_int(t->dtype())) ctx.fail(Msg() << "input " << i << " must be an integer tensor, found " << dtype_name(t->dtype()));
  return t->to_int_vector();
}

std::optional<int64_t> const_int(const NodeContext& ctx, size_t i) {
  auto v = const_ints(ctx, i);
  if (!v) return std::nullopt;
  if (v->size() != 1) ctx.fail(Msg() << "input " << i << " must hold one value, found " << v->size());
  return (*v)[0];
}

std::optional<double> const_float(const NodeContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  const Tensor* t = ctx.input_constant(i);
  if (!t || t->numel() < 1) return std::nullopt;
  return t->as_double(0);
}

int positive_axis(const NodeContext& ctx, int64_t axis, int rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    ctx.fail(Msg() << what << " " << axis << " is out of range for a tensor of rank " << rank);
  return int(axis < 0 ? axis + rank : axis);
}

Expr tuple_field(NodeContext& ctx, const Expr& tuple, int i) { return ctx.bind(make_tuple_get(tuple, i, ctx.span())); }

bool attr_bool(const NodeContext& ctx, const std::string& name, bool def) { return ctx.attr_int(name, def ? 1 : 0) != 0; }

IntsOperand ints_operand(NodeContext& ctx, const std::string& attr, size_t input, int since) {
  IntsOperand op;
  if (ctx.opset() < since) {
    if (ctx.has_attr(attr)) {
      op.present = true;
      op.values = ctx.attr_ints(attr);
    }
    return op;
  }
  if (!ctx.has_input(input)) return op;
  op.present = true;
  op.values = const_ints(ctx, input);
  if (!op.values) op.runtime = as_i64(ctx, input);
  return op;
}

Expr as_i64(NodeContext& ctx, size_t i) {
  Expr e = ctx.input(i);
  const TensorTypeNode* t = as_tensor(ctx.input_type(i));
  if (t && t->dtype == DType::I64) return e;
  return ctx.op("cast", {e}, {{"to", DType::I64}});
}

Expr ints_expr(NodeContext& ctx, const IntsOperand& op) {
  return op.values ? ctx.i64_vector(*op.values) : op.runtime;
}

Expr with_unknown_dims(const Expr& e, DType dtype, int rank) {
  Var v = make_var("dyn", tensor_type(dtype, Shape(size_t(rank), Dim::unknown())));
  return make_let(v, e, v);
}

}  // namespace weft::onnx_import
