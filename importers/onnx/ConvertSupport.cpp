// ConvertSupport.cpp - arity checks, scalar inputs, ADT values and type widening for converters.
#include "importers/onnx/ConvertSupport.h"

#include "importers/onnx/GraphBuilder.h"

namespace weft::onnx_import {

std::string output_hint(const NodeContext& ctx) {
  const auto& node = ctx.node();
  return node.output_size() > 0 && !node.output(0).empty() ? node.output(0) : node.op_type();
}

void expect_inputs(const NodeContext& ctx, size_t min, int max) {
  size_t n = ctx.num_inputs();
  if (n < min || (max >= 0 && n > size_t(max))) {
    Msg m;
    m << "wrong arity: " << ctx.op_type() << " takes ";
    if (max < 0) m << "at least " << min;
    else if (size_t(max) == min) m << min;
    else m << min << " to " << max;
    m << " inputs, got " << n;
    ctx.fail(m);
  }
}

Expr scalar_input(NodeContext& ctx, size_t i, DType dtype, const std::string& what) {
  Expr e = ctx.input(i);
  auto t = as_ranked(ctx.input_type(i));
  if (t) {
    bool widen_int = dtype == DType::I64 && t->dtype == DType::I32;
    if (t->dtype != dtype && !widen_int)
      ctx.fail(Msg() << what << " (input " << i << ") must be " << dtype_name(dtype) << ", got " << dtype_name(t->dtype));
    // Any one-element tensor passes, as ONNX Runtime lets it (exporters emit `[1, 1]`
    // conditions); a dim known to be larger is a defect, other sizes are checked by the reshape.
    for (const Dim& d : t->shape)
      if (d.is_static() && d.value() != 1)
        ctx.fail(Msg() << what << " (input " << i << ") must have one element, got " << type_str(t));
    if (widen_int) e = ctx.op("cast", {e}, {{"to", DType::I64}});
    if (t->rank() == 0) return e;
  }
  return ctx.op("reshape", {e, ctx.i64_vector({})});
}

Expr construct(NodeContext& ctx, const std::string& ctor, std::vector<Expr> args) {
  Constructor c = ctx.graph().module().constructor(ctor);
  WEFT_ASSERT(c, "prelude constructor " << ctor << " missing");
  return make_call(c, std::move(args), ctx.span());
}

Expr call_global(NodeContext& ctx, const std::string& fn, std::vector<Expr> args, Type type, bool annotate) {
  Expr call = make_call(make_global_var(fn, ctx.span()), std::move(args), ctx.span());
  return ctx.graph().bind(call, output_hint(ctx), ctx.span(), type, annotate && type);
}

Type elem_type(const Type& t, const std::string& adt) {
  auto a = as_adt(t);
  return a && a->name == adt && a->args.size() == 1 ? a->args[0] : nullptr;
}

Expr widen(NodeContext& ctx, const Expr& e, const Type& target) {
  Type t = ctx.graph().type_of(e);
  if (!target || (t && type_equal(t, target))) return e;
  return ctx.graph().bind(e, as<VarNode>(e) ? as<VarNode>(e)->name_hint : "v", ctx.span(), target, /*annotate=*/true);
}

Expr dim_size(NodeContext& ctx, size_t i, int axis) {
  auto t = as_ranked(ctx.input_type(i));
  if (t && axis < t->rank() && t->shape[size_t(axis)].is_static()) return ctx.i64_scalar(t->shape[size_t(axis)].value());
  Expr shape = ctx.op("shape", {ctx.input(i)});
  return ctx.op("gather", {shape, ctx.i64_scalar(axis)});
}

int normalize_axis(const NodeContext& ctx, int64_t axis, int rank, bool one_more, const std::string& what) {
  int64_t hi = rank + (one_more ? 1 : 0);
  if (axis < -hi || axis >= hi) ctx.fail(Msg() << "bad attribute '" << what << "': " << axis << " is out of range for rank " << rank);
  return int(axis < 0 ? axis + hi : axis);
}

}  // namespace weft::onnx_import
