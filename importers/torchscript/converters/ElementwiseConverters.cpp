// ElementwiseConverters.cpp - aten arithmetic, comparisons, logic and activations on tensors and numbers.
#include <cmath>

#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

// Operands of a binary op in one dtype: numbers compute as TorchScript numbers do
// (int op int stays int, anything with a float is float); tensors by torch promotion.
DType operand_dtype(NodeContext& c, bool is_compare) {
  bool numbers = !c.in(0).is_tensor_like() || c.in(0).kind != Kind::Tensor;
  numbers = numbers && c.in(1).kind != Kind::Tensor;
  if (numbers) {
    if (!is_compare && c.out_kind(0) != Kind::Tensor && c.out_kind(0) != Kind::Bool) return scalar_dtype(c.out_kind(0));
    bool any_float = c.in(0).kind == Kind::Float || c.in(1).kind == Kind::Float;
    bool all_bool = c.in(0).kind == Kind::Bool && c.in(1).kind == Kind::Bool;
    return any_float ? DType::F64 : all_bool ? DType::Bool : DType::I64;
  }
  return c.result_dtype({0, 1});
}

// == / != of two lists known element by element at import time.
std::vector<TsVal> list_compare(NodeContext& c, bool eq) {
  auto a = c.list_items(0), b = c.list_items(1);
  TExpr same = IrBuilder::constant(Tensor::scalar<bool>(a.size() == b.size()));
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (!a[i].is_tensor_like() || !b[i].is_tensor_like()) c.fail("comparing lists of non-numbers");
    DType dt = a[i].kind == Kind::Float || b[i].kind == Kind::Float ? DType::F64 : DType::I64;
    TExpr e = c.op("equal", {c.cast(a[i].v, dt), c.cast(b[i].v, dt)});
    same = c.op("logical_and", {same, e});
  }
  if (!eq) same = c.op("logical_not", {same});
  return {TsVal::make(Kind::Bool, same)};
}

Converter binary(const std::string& op, bool is_compare = false, bool has_alpha = false) {
  return [=](NodeContext& c) {
    if (is_compare && c.in(0).kind == Kind::List && (op == "equal" || op == "not_equal")) return list_compare(c, op == "equal");
    if (c.in(0).kind == Kind::String && op == "add") {  // str + str: folded when both are known
      // An unknown part makes an unknown string, fine where only a raise message uses it
      // (TorchScript builds messages this way); a comparison or len of it fails there.
      if (!c.in(0).str || !c.in(1).str) return std::vector<TsVal>{TsVal::string(std::nullopt)};
      return std::vector<TsVal>{TsVal::string(*c.in(0).str + *c.in(1).str)};
    }
    if (c.in(0).kind == Kind::String || c.in(0).kind == Kind::Device) {  // str == str, known at import time
      if (!c.in(0).str || !c.in(1).str || (op != "equal" && op != "not_equal")) c.fail("string comparison not known at import time");
      bool eq = *c.in(0).str == *c.in(1).str;
      return std::vector<TsVal>{bool_const(eq == (op == "equal"))};
    }
    DType dt = operand_dtype(c, is_compare);
    TExpr a = c.cast(c.tensor(0), dt), b = c.cast(c.tensor(1), dt);
    if (has_alpha && c.num_inputs() > 2 && c.has(2)) {
      auto al = c.in(2).constant();
      if (!al || al->as_double() != 1.0) b = c.op("mul", {b, c.cast(c.tensor(2), dt)});
    }
    return std::vector<TsVal>{c.out(c.op(op, {a, b}))};
  };
}

// Python floor division on integers: truncating division, minus one when the signs differ
// and there is a remainder.
TExpr floor_div(NodeContext& c, TExpr a, TExpr b) {
  if (is_float(a.dtype())) return c.op("floor", {c.op("div", {a, b})});
  TExpr q = c.op("div", {a, b});
  TExpr zero = c.scalar(0, a.dtype());
  TExpr rem = c.op("not_equal", {c.op("mod", {a, b}, Attrs{{"fmod", int64_t(1)}}), zero});
  TExpr signs = c.op("not_equal", {c.op("less", {a, zero}), c.op("less", {b, zero})});
  return c.op("sub", {q, c.cast(c.op("logical_and", {rem, signs}), a.dtype())});
}

std::vector<TsVal> div(NodeContext& c) {
  DType dt = operand_dtype(c, false);
  std::string mode = c.num_inputs() > 2 && c.in(2).kind == Kind::String ? c.str_arg(2) : "";
  if (mode.empty() && !is_float(dt)) dt = c.out_kind(0) == Kind::Tensor ? DType::F32 : DType::F64;
  TExpr a = c.cast(c.tensor(0), dt), b = c.cast(c.tensor(1), dt);
  if (mode == "floor") return {c.out(floor_div(c, a, b))};
  TExpr q = c.op("div", {a, b});
  if (mode == "trunc" && is_float(dt)) q = c.op("mul", {c.op("sign", {q}), c.op("floor", {c.op("abs", {q})})});
  return {c.out(q)};
}

Converter unary(const std::string& op, Attrs attrs = {}) {
  return [=](NodeContext& c) {
    TExpr x = c.tensor(0);
    if (!is_float(x.dtype()) && op != "neg" && op != "abs" && op != "relu" && op != "sign" && op != "logical_not" && op != "bitwise_not")
      x = c.cast(x, DType::F32);
    return std::vector<TsVal>{c.out(c.op(op, {x}, attrs))};
  };
}

std::vector<TsVal> clamp(NodeContext& c, std::optional<double> lo, std::optional<double> hi) {
  TExpr x = c.tensor(0);
  std::vector<TExpr> args{x};
  auto bound = [&](size_t i, std::optional<double> fixed) -> TExpr {
    if (fixed) return c.scalar(*fixed, x.dtype());
    if (!c.has(i)) return IrBuilder::constant(Tensor(x.dtype(), {0}));  // no elements: no bound
    return c.cast(c.tensor(i), x.dtype());
  };
  args.push_back(bound(1, lo));
  args.push_back(bound(2, hi));
  return {c.out(c.op("clip", args))};
}

}  // namespace

void register_elementwise_converters(ConverterTable& t) {
  t.add("aten::add", binary("add", false, true));
  t.add("aten::sub", binary("sub", false, true));
  t.add("aten::rsub", [](NodeContext& c) {
    DType dt = operand_dtype(c, false);
    return std::vector<TsVal>{c.out(c.op("sub", {c.cast(c.tensor(1), dt), c.cast(c.tensor(0), dt)}))};
  });
  t.add("aten::mul", binary("mul"));
  t.add("aten::div", div);
  t.add("aten::true_divide", div);
  Converter floordiv = [](NodeContext& c) {
    DType dt = operand_dtype(c, false);
    return std::vector<TsVal>{c.out(floor_div(c, c.cast(c.tensor(0), dt), c.cast(c.tensor(1), dt)))};
  };
  t.add("aten::floordiv", floordiv);
  t.add("aten::floor_divide", floordiv);
  t.add("aten::remainder", binary("mod"));
  t.add("aten::__mod__", binary("mod"));
  t.add("aten::fmod", [](NodeContext& c) {
    DType dt = operand_dtype(c, false);
    return std::vector<TsVal>{c.out(c.op("mod", {c.cast(c.tensor(0), dt), c.cast(c.tensor(1), dt)}, Attrs{{"fmod", int64_t(1)}}))};
  });
  t.add("aten::pow", [](NodeContext& c) {
    DType dt = operand_dtype(c, false);
    if (c.out_kind(0) == Kind::Tensor && !is_float(dt) && c.in(1).kind == Kind::Float) dt = DType::F32;
    return std::vector<TsVal>{c.out(c.op("pow", {c.cast(c.tensor(0), dt), c.cast(c.tensor(1), dt)}))};
  });
  t.add("aten::maximum", binary("maximum"));
  t.add("aten::minimum", binary("minimum"));
  t.add("aten::atan2", binary("atan2"));
  t.add("aten::eq", binary("equal", true));
  t.add("aten::ne", binary("not_equal", true));
  t.add("aten::lt", binary("less", true));
  t.add("aten::le", binary("less_equal", true));
  t.add("aten::gt", binary("greater", true));
  t.add("aten::ge", binary("greater_equal", true));
  t.add("aten::__and__", binary("bitwise_and"));
  t.add("aten::__or__", binary("bitwise_or"));
  t.add("aten::__xor__", binary("bitwise_xor"));
  t.add("aten::bitwise_and", binary("bitwise_and"));
  t.add("aten::bitwise_or", binary("bitwise_or"));
  t.add("aten::logical_and", [](NodeContext& c) {
    return std::vector<TsVal>{c.out(c.op("logical_and", {c.cast(c.tensor(0), DType::Bool), c.cast(c.tensor(1), DType::Bool)}))};
  });
  t.add("aten::logical_or", [](NodeContext& c) {
    return std::vector<TsVal>{c.out(c.op("logical_or", {c.cast(c.tensor(0), DType::Bool), c.cast(c.tensor(1), DType::Bool)}))};
  });
  t.add("aten::logical_not", [](NodeContext& c) { return std::vector<TsVal>{c.out(c.op("logical_not", {c.cast(c.tensor(0), DType::Bool)}))}; });
  t.add("aten::__not__", [](NodeContext& c) { return std::vector<TsVal>{c.out(c.op("logical_not", {c.cast(c.tensor(0), DType::Bool)}))}; });
  t.add("aten::bitwise_not", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    return std::vector<TsVal>{c.out(c.op(x.dtype() == DType::Bool ? "logical_not" : "bitwise_not", {x}))};
  });
  for (auto name : {"neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil",
                    "round", "sign", "erf", "reciprocal", "asin", "acos", "atan", "sinh", "cosh", "softplus", "silu", "mish"})
    t.add(std::string("aten::") + name, unary(name));
  t.add("aten::negative", unary("neg"));
  // log2 (the FPN level of a box in torchvision's poolers) as log(x) / log(2).
  t.add("aten::log2", [](NodeContext& c) {
    TExpr l = unary("log")(c)[0].v;
    return std::vector<TsVal>{c.out(c.op("div", {l, c.scalar(std::log(2.0), l.dtype())}))};
  });
  t.add("aten::hardswish", unary("hard_swish"));
  t.add("aten::hardsigmoid", unary("hard_sigmoid", Attrs{{"alpha", 1.0 / 6}, {"beta", 0.5}}));
  t.add("aten::gelu", [](NodeContext& c) {
    std::string approx = c.num_inputs() > 1 ? c.str_arg(1) : "none";
    return std::vector<TsVal>{c.out(c.op("gelu", {c.tensor(0)}, Attrs{{"approximate", approx}}))};
  });
  t.add("aten::leaky_relu", [](NodeContext& c) {
    double a = c.num_inputs() > 1 ? c.float_arg(1) : 0.01;
    return std::vector<TsVal>{c.out(c.op("leaky_relu", {c.tensor(0)}, Attrs{{"alpha", a}}))};
  });
  t.add("aten::elu", [](NodeContext& c) {
    double a = c.num_inputs() > 1 ? c.float_arg(1) : 1.0;
    return std::vector<TsVal>{c.out(c.op("elu", {c.tensor(0)}, Attrs{{"alpha", a}}))};
  });
  t.add("aten::hardtanh", [](NodeContext& c) { return clamp(c, c.float_arg(1), c.float_arg(2)); });
  t.add("aten::relu6", [](NodeContext& c) { return clamp(c, 0.0, 6.0); });
  t.add("aten::clamp", [](NodeContext& c) { return clamp(c, std::nullopt, std::nullopt); });
  t.add("aten::clip", [](NodeContext& c) { return clamp(c, std::nullopt, std::nullopt); });
  t.add("aten::clamp_min", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    return std::vector<TsVal>{c.out(c.op("maximum", {x, c.cast(c.tensor(1), x.dtype())}))};
  });
  t.add("aten::clamp_max", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    return std::vector<TsVal>{c.out(c.op("minimum", {x, c.cast(c.tensor(1), x.dtype())}))};
  });
  t.add("aten::where", [](NodeContext& c) {
    if (c.num_inputs() == 1) {
      // torch.where(cond): one tensor of positions per dim of cond (nonzero's rows), as
      // torchvision's remove_small_boxes keeps `torch.where(keep)[0]`.
      TExpr cond = c.tensor(0);
      TExpr nz = c.op("non_zero", {cond});  // [rank, K]
      std::vector<TsVal> rows;
      for (int d = 0; d < cond.rank(); ++d) rows.push_back(TsVal::tensor(c.op("gather", {nz, c.i64(d)}, Attrs{{"axis", int64_t(0)}})));
      return std::vector<TsVal>{TsVal::static_list(Kind::Tensor, rows)};
    }
    if (c.num_inputs() < 3) c.fail("where(cond, x) with two arguments is not supported");
    DType dt = c.result_dtype({1, 2});
    return std::vector<TsVal>{c.out(c.op("where", {c.cast(c.tensor(0), DType::Bool), c.cast(c.tensor(1), dt), c.cast(c.tensor(2), dt)}))};
  });
  t.add("aten::masked_fill", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    return std::vector<TsVal>{c.out(c.op("where", {c.cast(c.tensor(1), DType::Bool), c.cast(c.tensor(2), x.dtype()), x}))};
  });
  t.add("aten::isnan", [](NodeContext& c) { return std::vector<TsVal>{c.out(c.op("is_nan", {c.tensor(0)}))}; });
}

}  // namespace weft::ts
