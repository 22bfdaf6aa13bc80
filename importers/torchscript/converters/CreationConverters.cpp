// CreationConverters.cpp - zeros/ones/full/arange and their _like and new_ forms.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;

// The dtype argument at i (a ScalarType code), or `def` when None/absent.
DType dtype_at(NodeContext& c, size_t i, DType def) {
  if (i < c.num_inputs() && c.in(i).kind == Kind::Int) return torch_dtype(c, c.int_arg(i));
  return def;
}

TExpr filled(NodeContext& c, TExpr value, DType dt, TExpr shape) { return c.op("expand", {c.cast(value, dt), shape}); }

Converter constant_fill(double v) {
  return [v](NodeContext& c) {
    DType dt = dtype_at(c, 1, DType::F32);
    return V{c.out(filled(c, c.scalar(v, dt), dt, c.int_list_tensor(0)))};
  };
}

Converter constant_fill_like(double v) {
  return [v](NodeContext& c) {
    TExpr x = c.tensor(0);
    DType dt = dtype_at(c, 1, x.dtype());
    TExpr r = filled(c, c.scalar(v, dt), dt, c.op("shape", {x}));
    r.t = tensor_type(dt, x.tensor()->shape);  // x's dims, symbols included
    return V{c.out(r)};
  };
}

DType fill_default(const TsVal& v) {
  return v.kind == Kind::Float ? DType::F32 : v.kind == Kind::Bool ? DType::Bool : v.kind == Kind::Int ? DType::I64 : v.v.dtype();
}

V full(NodeContext& c) {
  DType dt = dtype_at(c, 2, fill_default(c.in(1)));
  return {c.out(filled(c, c.tensor(1), dt, c.int_list_tensor(0)))};
}

V full_like(NodeContext& c) {
  TExpr x = c.tensor(0);
  DType dt = dtype_at(c, 2, x.dtype());
  TExpr r = filled(c, c.tensor(1), dt, c.op("shape", {x}));
  r.t = tensor_type(dt, x.tensor()->shape);
  return {c.out(r)};
}

// x.new_zeros(size, dtype=None, ...) and kin: the size given, x's dtype unless one is given.
Converter constant_fill_new(double v) {
  return [v](NodeContext& c) {
    DType dt = dtype_at(c, 2, c.tensor(0).dtype());
    return V{c.out(filled(c, c.scalar(v, dt), dt, c.int_list_tensor(1)))};
  };
}

V new_full(NodeContext& c) {
  DType dt = dtype_at(c, 3, c.tensor(0).dtype());
  return {c.out(filled(c, c.tensor(2), dt, c.int_list_tensor(1)))};
}

// torch.tensor(number or flat list of numbers, dtype=None): int -> i64, float -> f32, bool.
V tensor_from_data(NodeContext& c) {
  const TsVal& d = c.in(0);
  if (d.is_scalar()) {
    DType dt = dtype_at(c, 1, fill_default(d));
    return {c.out(c.cast(d.v, dt))};
  }
  std::vector<TsVal> items = c.list_items(0);
  if (items.empty()) c.fail("torch.tensor of an empty list is not supported");
  Kind k = items[0].kind;
  for (auto& e : items)
    if (!e.is_scalar() || e.kind != k) c.fail("torch.tensor of a list that is not flat numbers of one kind is not supported");
  DType dt = dtype_at(c, 1, fill_default(items[0]));
  std::vector<TExpr> parts;
  for (auto& e : items) parts.push_back(c.op("reshape", {c.cast(e.v, dt), c.i64s({1})}));
  return {c.out(parts.size() == 1 ? parts[0] : c.op("concat", parts, Attrs{{"axis", int64_t(0)}}))};
}

V arange(NodeContext& c) {
  const std::string& s = c.schema();
  size_t nums = s.rfind("aten::arange.start_step", 0) == 0 ? 3 : s.rfind("aten::arange.start", 0) == 0 ? 2 : 1;
  bool any_float = false;
  for (size_t i = 0; i < nums; ++i) any_float = any_float || c.in(i).kind == Kind::Float || (c.in(i).kind == Kind::Tensor && is_float(c.in(i).v.dtype()));
  DType dt = dtype_at(c, nums, any_float ? DType::F32 : DType::I64);
  DType calc = is_float(dt) ? DType::F64 : DType::I64;
  TExpr start = nums > 1 ? c.cast(c.tensor(0), calc) : c.scalar(0, calc);
  TExpr end = c.cast(c.tensor(nums > 1 ? 1 : 0), calc);
  TExpr step = nums > 2 ? c.cast(c.tensor(2), calc) : c.scalar(1, calc);
  return {c.out(c.cast(c.op("range", {start, end, step}), dt))};
}

}  // namespace

void register_creation_converters(ConverterTable& t) {
  t.add("aten::zeros", constant_fill(0));
  t.add("aten::ones", constant_fill(1));
  t.add("aten::empty", constant_fill(0));
  t.add("aten::zeros_like", constant_fill_like(0));
  t.add("aten::ones_like", constant_fill_like(1));
  t.add("aten::empty_like", constant_fill_like(0));
  t.add("aten::new_zeros", constant_fill_new(0));
  t.add("aten::new_ones", constant_fill_new(1));
  t.add("aten::new_empty", constant_fill_new(0));
  t.add("aten::new_full", new_full);
  t.add("aten::full", full);
  t.add("aten::full_like", full_like);
  t.add("aten::arange", arange);
  // fill(self, value) is full_like(self, value) (no dtype argument: self's); `x[a:b] = v` and
  // traced swin's mask fill are fill_ through a slice view, written back by the translator.
  t.add("aten::fill", full_like);
  t.add("aten::tensor", tensor_from_data);
  t.add("aten::as_tensor.list", tensor_from_data);  // same arguments; detection transforms' mean and std
}

}  // namespace weft::ts
