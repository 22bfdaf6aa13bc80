// NodeContext.cpp - argument access, casts and torch's type promotion for converters.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

// torch.promote_types for the dtypes weft has.
DType promote(DType a, DType b) {
  if (a == b) return a;
  if (a == DType::Bool) return b;
  if (b == DType::Bool) return a;
  if (is_float(a) || is_float(b)) {
    if (!is_float(a)) return b;
    if (!is_float(b)) return a;
    if (a == DType::F64 || b == DType::F64) return DType::F64;
    return DType::F32;  // f32 with a half type, or f16 with bf16
  }
  if (dtype_size(a) == dtype_size(b) && is_unsigned_int(a) != is_unsigned_int(b)) return dtype_size(a) == 1 ? DType::I16 : DType::I64;
  if (is_unsigned_int(a) && !is_unsigned_int(b) && dtype_size(b) <= dtype_size(a)) return dtype_size(a) >= 4 ? DType::I64 : (dtype_size(a) == 1 ? DType::I16 : DType::I32);
  if (is_unsigned_int(b) && !is_unsigned_int(a) && dtype_size(a) <= dtype_size(b)) return dtype_size(b) >= 4 ? DType::I64 : (dtype_size(b) == 1 ? DType::I16 : DType::I32);
  return dtype_size(a) >= dtype_size(b) ? a : b;
}

std::optional<DType> promote_opt(std::optional<DType> a, DType b) { return a ? promote(*a, b) : b; }

// c10's combine_categories: a higher-priority class keeps its dtype unless a lower one
// brings a higher category.
std::optional<DType> combine(std::optional<DType> higher, std::optional<DType> lower) {
  if (!higher) return lower;
  if (!lower) return higher;
  if (is_float(*higher)) return higher;
  if (*higher == DType::Bool || is_float(*lower)) return promote(*higher, *lower);
  return higher;
}

}  // namespace

const TsVal& NodeContext::in(size_t i) const {
  if (i >= inputs_.size()) fail(Msg() << "expected an input " << i);
  return inputs_[i];
}

void NodeContext::fail(const std::string& why) const { throw CompileError(span_, schema_ + ": " + why); }

int64_t NodeContext::int_arg(size_t i) const {
  auto c = in(i).constant();
  if (!c || c->numel() != 1) fail(Msg() << "argument " << i << " must be an int known at import time");
  return c->as_int();
}
double NodeContext::float_arg(size_t i) const {
  auto c = in(i).constant();
  if (!c || c->numel() != 1) fail(Msg() << "argument " << i << " must be a number known at import time");
  return c->as_double();
}
bool NodeContext::bool_arg(size_t i) const { return int_arg(i) != 0; }
std::string NodeContext::str_arg(size_t i) const {
  if (in(i).kind != Kind::String || !in(i).str) fail(Msg() << "argument " << i << " must be a string known at import time");
  return *in(i).str;
}
std::optional<int64_t> NodeContext::opt_int(size_t i) const {
  if (!has(i)) return std::nullopt;
  return int_arg(i);
}

std::vector<int64_t> NodeContext::ints_arg(size_t i) const {
  const TsVal& v = in(i);
  if (v.is_scalar()) return {int_arg(i)};
  std::vector<int64_t> r;
  for (auto& e : list_items(i)) {
    auto c = e.constant();
    if (!c) fail(Msg() << "argument " << i << " must be a list of ints known at import time");
    r.push_back(c->as_int());
  }
  return r;
}

std::vector<TsVal> NodeContext::list_items(size_t i) const {
  const TsVal& v = in(i);
  if (v.kind != Kind::List && v.kind != Kind::Tuple) fail(Msg() << "argument " << i << " must be a list, found " << kind_name(v.kind));
  if (!v.is_static) fail(Msg() << "argument " << i << " must be a list whose length is known at import time");
  return v.elems;
}

TExpr NodeContext::tensor(size_t i) const {
  const TsVal& v = in(i);
  if (!v.is_tensor_like()) fail(Msg() << "argument " << i << " must be a tensor or a number, found " << kind_name(v.kind));
  return v.v;
}

TExpr NodeContext::cast(const TExpr& x, DType to) {
  if (x.dtype() == to) return x;
  return op("cast", {x}, Attrs{{"to", to}});
}

TExpr NodeContext::scalar(double v, DType dt) {
  return IrBuilder::constant(Tensor::scalar<double>(v).cast(dt));
}

TExpr NodeContext::dim_size(const TExpr& x, int64_t a) {
  auto tt = x.tensor();
  a = axis(a, tt->rank());
  if (tt->shape[size_t(a)].is_static()) return i64(tt->shape[size_t(a)].value());
  TExpr s = op("shape", {x}, Attrs{{"start", a}, {"end", a + 1}});
  return op("reshape", {s, i64s({})});
}

int64_t NodeContext::axis(int64_t a, int rank) const {
  int64_t r = a < 0 ? a + rank : a;
  if (r < 0 || r >= std::max(rank, 1)) fail(Msg() << "dim " << a << " out of range for rank " << rank);
  return r;
}

TExpr NodeContext::int_list_tensor(size_t i) {
  const TsVal& v = in(i);
  if (v.is_tensor_like()) return cast(op("reshape", {v.v, i64s({-1})}), DType::I64);
  if (v.kind == Kind::List && !v.is_static) return ir_.list_concat(block_, v.v, 0, true, span_);
  std::vector<TExpr> parts;
  bool all_const = true;
  std::vector<int64_t> consts;
  for (auto& e : list_items(i)) {
    if (!e.is_tensor_like()) fail(Msg() << "argument " << i << " must be a list of ints");
    TExpr x = cast(e.v, DType::I64);
    if (auto c = x.constant()) consts.push_back(c->as_int());
    else all_const = false;
    parts.push_back(op("reshape", {x, i64s({1})}));
  }
  if (all_const) return i64s(consts);
  return op("concat", parts, Attrs{{"axis", int64_t(0)}});
}

DType NodeContext::result_dtype(const std::vector<size_t>& idx) const {
  std::optional<DType> dim, zero, wrapped;
  for (size_t i : idx) {
    const TsVal& v = in(i);
    if (v.kind == Kind::Tensor) {
      if (v.v.rank() > 0) dim = promote_opt(dim, v.v.dtype());
      else zero = promote_opt(zero, v.v.dtype());
    } else if (v.is_scalar()) {
      wrapped = promote_opt(wrapped, v.kind == Kind::Float ? DType::F32 : scalar_dtype(v.kind));
    }
  }
  auto r = combine(dim, combine(zero, wrapped));
  if (!r) fail("no tensor or number operands");
  return *r;
}

TsVal NodeContext::out(TExpr e) const {
  Kind k = out_kinds_.empty() ? Kind::Tensor : out_kinds_[0];
  if (k == Kind::Int || k == Kind::Float || k == Kind::Bool) {
    DType want = scalar_dtype(k);
    if (e.dtype() != want || e.rank() != 0) {
      auto& self = const_cast<NodeContext&>(*this);
      if (e.rank() != 0) e = self.op("reshape", {e, self.i64s({})});
      e = self.cast(e, want);
    }
  }
  return TsVal::make(k, e);
}

const Converter* ConverterTable::find(const std::string& name, const std::string& overload) const {
  if (!overload.empty()) {
    auto it = table_.find(name + "." + overload);
    if (it != table_.end()) return &it->second;
  }
  auto it = table_.find(name);
  return it == table_.end() ? nullptr : &it->second;
}

const ConverterTable& ConverterTable::global() {
  static const ConverterTable table = [] {
    ConverterTable t;
    register_elementwise_converters(t);
    register_scalar_converters(t);
    register_nn_converters(t);
    register_shape_converters(t);
    register_reduce_converters(t);
    register_list_converters(t);
    register_creation_converters(t);
    register_attention_converters(t);
    register_resize_converters(t);
    register_dict_converters(t);
    register_einsum_converters(t);
    register_torchvision_converters(t);
    return t;
  }();
  return table;
}

}  // namespace weft::ts
