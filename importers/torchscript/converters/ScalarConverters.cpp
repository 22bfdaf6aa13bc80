// ScalarConverters.cpp - numbers, strings and predicates TorchScript evaluates around the tensors.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

// A number from a one-element tensor (int(t), float(t), bool(t), t.item()).
Converter to_number(Kind k) {
  return [k](NodeContext& c) {
    TExpr x = c.tensor(0);
    if (x.rank() != 0) x = c.op("reshape", {x, c.i64s({})});
    TsVal r = TsVal::make(k, c.cast(x, scalar_dtype(k)));
    if (k == Kind::Int) r.size_dim = c.in(0).size_dim;  // int(x.size(0)) in traced code
    return std::vector<TsVal>{r};
  };
}

// A str.format with every argument known at import time; otherwise an unknown string
// (TorchScript builds these only for messages and fast-path checks).
std::vector<TsVal> format(NodeContext& c) {
  if (!c.in(0).str) return {TsVal::string(std::nullopt)};
  std::string fmt = *c.in(0).str, out;
  size_t arg = 1;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '{' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      if (arg >= c.num_inputs()) return {TsVal::string(std::nullopt)};
      const TsVal& v = c.in(arg++);
      if (v.str) out += *v.str;
      else if (auto k = v.constant(); k && k->numel() == 1) out += v.kind == Kind::Bool ? (k->as_int() ? "True" : "False") : (v.kind == Kind::Float ? std::to_string(k->as_double()) : std::to_string(k->as_int()));
      else return {TsVal::string(std::nullopt)};
      ++i;
    } else {
      out += fmt[i];
    }
  }
  return {TsVal::string(out)};
}

// prim::min / prim::max of two numbers or of a list of numbers.
Converter min_max(const std::string& op) {
  return [op](NodeContext& c) {
    std::vector<TExpr> xs;
    if (c.in(0).kind == Kind::List) {
      for (auto& e : c.list_items(0)) xs.push_back(e.v);
    } else {
      xs = {c.tensor(0), c.tensor(1)};
    }
    if (xs.empty()) c.fail("min/max of an empty list");
    DType dt = scalar_dtype(c.out_kind(0));
    TExpr r = c.cast(xs[0], dt);
    for (size_t i = 1; i < xs.size(); ++i) r = c.op(op, {r, c.cast(xs[i], dt)});
    return std::vector<TsVal>{c.out(r)};
  };
}

// Python floor division of two i64 scalars.
TExpr floor_div_i64(NodeContext& c, const TExpr& a, const TExpr& b) {
  TExpr q = c.op("div", {a, b});
  TExpr zero = c.i64(0);
  TExpr rem = c.op("not_equal", {c.op("mod", {a, b}, Attrs{{"fmod", int64_t(1)}}), zero});
  TExpr signs = c.op("not_equal", {c.op("less", {a, zero}), c.op("less", {b, zero})});
  return c.op("sub", {q, c.cast(c.op("logical_and", {rem, signs}), DType::I64)});
}

// len(range(lo, hi, step)) = max(0, ceil((hi - lo) / step)), as `for i in range(lo, hi, step)` lowers.
std::vector<TsVal> range_length(NodeContext& c) {
  TExpr lo = c.cast(c.tensor(0), DType::I64), hi = c.cast(c.tensor(1), DType::I64), step = c.cast(c.tensor(2), DType::I64);
  TExpr n = c.op("neg", {floor_div_i64(c, c.op("sub", {lo, hi}), step)});
  return {TsVal::make(Kind::Int, c.op("maximum", {n, c.i64(0)}))};
}

}  // namespace

void register_scalar_converters(ConverterTable& t) {
  t.add("aten::__range_length", range_length);
  t.add("aten::__derive_index", [](NodeContext& c) {  // start + index * step
    TExpr i = c.cast(c.tensor(0), DType::I64), start = c.cast(c.tensor(1), DType::I64), step = c.cast(c.tensor(2), DType::I64);
    return std::vector<TsVal>{TsVal::make(Kind::Int, c.op("add", {start, c.op("mul", {i, step})}))};
  });
  t.add("aten::Int", to_number(Kind::Int));
  t.add("aten::Float", to_number(Kind::Float));
  t.add("aten::Bool", to_number(Kind::Bool));
  t.add("aten::item", [](NodeContext& c) {
    Kind k = c.out_kind(0) == Kind::Tensor ? (is_float(c.tensor(0).dtype()) ? Kind::Float : Kind::Int) : c.out_kind(0);
    return to_number(k)(c);
  });
  t.add("aten::ScalarImplicit", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    return to_number(is_float(x.dtype()) ? Kind::Float : x.dtype() == DType::Bool ? Kind::Bool : Kind::Int)(c);
  });
  t.add("aten::is_floating_point", [](NodeContext& c) { return std::vector<TsVal>{bool_const(is_float(c.tensor(0).dtype()))}; });
  t.add("aten::dim", [](NodeContext& c) { return std::vector<TsVal>{int_const(c.tensor(0).rank())}; });
  t.add("aten::numel", [](NodeContext& c) { return std::vector<TsVal>{TsVal::make(Kind::Int, c.op("size", {c.tensor(0)}))}; });
  t.add("aten::is_grad_enabled", [](NodeContext&) { return std::vector<TsVal>{bool_const(false)}; });
  t.add("aten::is_autocast_enabled", [](NodeContext&) { return std::vector<TsVal>{bool_const(false)}; });
  t.add("aten::is_autocast_cpu_enabled", [](NodeContext&) { return std::vector<TsVal>{bool_const(false)}; });
  t.add("aten::is_scripting", [](NodeContext&) { return std::vector<TsVal>{bool_const(true)}; });
  t.add("aten::format", format);
  t.add("aten::str", [](NodeContext& c) { return std::vector<TsVal>{TsVal::string(c.in(0).str)}; });
  t.add("aten::warn", [](NodeContext&) { return std::vector<TsVal>{}; });
  t.add("aten::find", [](NodeContext& c) {
    if (!c.in(0).str || !c.in(1).str) c.fail("str.find on a string not known at import time");
    auto p = c.in(0).str->find(*c.in(1).str);
    return std::vector<TsVal>{int_const(p == std::string::npos ? -1 : int64_t(p))};
  });
  t.add("aten::__contains__", [](NodeContext& c) {
    auto k = c.in(1).constant();
    if (!k) c.fail("`in` needs a value known at import time");
    for (auto& e : c.list_items(0))
      if (auto x = e.constant(); x && x->as_double() == k->as_double()) return std::vector<TsVal>{bool_const(true)};
    return std::vector<TsVal>{bool_const(false)};
  });
  t.add("prim::min", min_max("minimum"));
  t.add("prim::max", min_max("maximum"));
  t.add("prim::abs", [](NodeContext& c) { return std::vector<TsVal>{c.out(c.op("abs", {c.tensor(0)}))}; });
  auto is = [](bool want_none) {
    return [want_none](NodeContext& c) {
      const TsVal& a = c.in(0);
      const TsVal& b = c.in(1);
      if (b.kind == Kind::None && a.kind == Kind::Option) {
        TExpr r = c.ir().is_none(c.block(), a.v);
        if (!want_none) r = c.op("logical_not", {r});
        return std::vector<TsVal>{TsVal::make(Kind::Bool, r)};
      }
      if (b.kind == Kind::None || a.kind == Kind::None) {
        bool same = a.kind == Kind::None && b.kind == Kind::None;
        return std::vector<TsVal>{bool_const(same == want_none)};
      }
      // Two values that are not None: identity holds only for the same IR expression.
      bool same = a.v.e && a.v.e.get() == b.v.e.get();
      return std::vector<TsVal>{bool_const(same == want_none)};
    };
  };
  t.add("aten::__is__", is(true));
  t.add("aten::__isnot__", is(false));
}

}  // namespace weft::ts
