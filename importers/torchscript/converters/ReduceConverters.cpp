// ReduceConverters.cpp - reductions (sum/mean/prod/amax/amin, max/min), argmax/argmin, topk, sorting and cumsum.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;

// Reductions: sum/mean/prod/amax/amin over `dim` (None or [] = all).
Converter reduce(const std::string& op) {
  return [op](NodeContext& c) {
    TExpr x = c.tensor(0);
    std::vector<int64_t> axes;
    bool keep = false;
    if (c.num_inputs() > 1 && (c.in(1).kind == Kind::List || c.in(1).kind == Kind::Int) && c.num_inputs() > 2 && c.in(2).kind == Kind::Bool) {
      for (int64_t a : c.ints_arg(1)) axes.push_back(c.axis(a, x.rank()));
      keep = c.bool_arg(2);
    }
    if (axes.empty())
      for (int i = 0; i < x.rank(); ++i) axes.push_back(i);
    if ((op == "reduce_sum" || op == "reduce_prod") && !is_float(x.dtype())) x = c.cast(x, DType::I64);
    if (x.rank() == 0) return V{c.out(x)};
    return V{c.out(c.op(op, {x}, Attrs{{"axes", axes}, {"keepdims", keep}}))};
  };
}

// max/min: of everything, along a dim with indices, or of two tensors.
Converter max_min(bool is_max) {
  return [is_max](NodeContext& c) {
    TExpr x = c.tensor(0);
    if (c.num_inputs() == 1) return reduce(is_max ? "reduce_max" : "reduce_min")(c);
    if (c.in(1).kind == Kind::Tensor) {
      DType dt = c.result_dtype({0, 1});
      return V{c.out(c.op(is_max ? "maximum" : "minimum", {c.cast(x, dt), c.cast(c.tensor(1), dt)}))};
    }
    int64_t d = c.axis(c.int_arg(1), x.rank());
    bool keep = c.num_inputs() > 2 && c.bool_arg(2);
    TExpr v = c.op(is_max ? "reduce_max" : "reduce_min", {x}, Attrs{{"axes", std::vector<int64_t>{d}}, {"keepdims", keep}});
    TExpr i = c.op(is_max ? "argmax" : "argmin", {x}, Attrs{{"axis", d}, {"keepdims", keep}});
    return V{TsVal::tensor(v), TsVal::tensor(i)};
  };
}

Converter arg_max_min(bool is_max) {
  return [is_max](NodeContext& c) {
    TExpr x = c.tensor(0);
    if (!c.has(1)) {
      x = c.op("reshape", {x, c.i64s({-1})});
      return V{c.out(c.op(is_max ? "argmax" : "argmin", {x}, Attrs{{"axis", int64_t(0)}, {"keepdims", false}}))};
    }
    int64_t d = c.axis(c.int_arg(1), x.rank());
    bool keep = c.num_inputs() > 2 && c.bool_arg(2);
    return V{c.out(c.op(is_max ? "argmax" : "argmin", {x}, Attrs{{"axis", d}, {"keepdims", keep}}))};
  };
}

V topk(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.num_inputs() > 2 ? c.int_arg(2) : -1, x.rank());
  bool largest = c.num_inputs() > 3 ? c.bool_arg(3) : true;
  TExpr r = c.op("topk", {x, c.cast(c.tensor(1), DType::I64)}, Attrs{{"axis", d}, {"largest", largest}});
  return {TsVal::tensor(c.ir().tuple_get(c.block(), r, 0)), TsVal::tensor(c.ir().tuple_get(c.block(), r, 1))};
}

V sort(NodeContext& c) {
  TExpr x = c.tensor(0);
  bool stable_overload = c.num_inputs() > 1 && c.in(1).kind == Kind::Bool && c.num_inputs() == 4;
  size_t di = stable_overload ? 2 : 1;
  int64_t d = c.axis(c.num_inputs() > di ? c.int_arg(di) : -1, x.rank());
  bool desc = c.num_inputs() > di + 1 ? c.bool_arg(di + 1) : false;
  TExpr r = c.op("sort", {x}, Attrs{{"axis", d}, {"descending", desc}});
  return {TsVal::tensor(c.ir().tuple_get(c.block(), r, 0)), TsVal::tensor(c.ir().tuple_get(c.block(), r, 1))};
}

V argsort(NodeContext& c) {
  V s = sort(c);
  return {s[1]};
}

V cumsum(NodeContext& c) {
  TExpr x = c.tensor(0);
  if (!is_float(x.dtype())) x = c.cast(x, DType::I64);
  return {c.out(c.op("cumsum", {x}, Attrs{{"axis", c.axis(c.int_arg(1), x.rank())}}))};
}

}  // namespace

void register_reduce_converters(ConverterTable& t) {
  t.add("aten::sum", reduce("reduce_sum"));
  t.add("aten::mean", reduce("reduce_mean"));
  t.add("aten::prod", reduce("reduce_prod"));
  t.add("aten::amax", reduce("reduce_max"));
  t.add("aten::amin", reduce("reduce_min"));
  t.add("aten::max", max_min(true));
  t.add("aten::min", max_min(false));
  t.add("aten::argmax", arg_max_min(true));
  t.add("aten::argmin", arg_max_min(false));
  t.add("aten::topk", topk);
  t.add("aten::sort", sort);
  t.add("aten::argsort", argsort);
  t.add("aten::cumsum", cumsum);
}

}  // namespace weft::ts
