// SimplifyAlgebra.cpp - identities exact in IEEE arithmetic and compositions of shape ops, removed or composed.
//
// Note on exactness. Every rule gives the same bits (NaN for NaN) on every input, and the
// same type, so a rewrite shows only in time:
// - x*1, 1*x, x/1 are x in IEEE arithmetic (a signaling NaN comes back quiet, which no op
//   tells apart). For integers they are x as well.
// - x-(+0), x+(-0) and (-0)+x are x, zeros included: -0 + -0 = -0 and +0 + -0 = +0.
// - x+(+0) is NOT x: for x = -0 it is +0 (a sum of opposite zeros rounds to +0), so a
//   float `add(x, 0.0)` stays, and so does `sub(x, -0.0)`. Integer x+0 and x-0 go.
// - The neutral constant must not widen the result: every dim of it is 1 or equal to x's
//   dim there, and it has no more dims than x (x*ones([2, 3]) with x: f32[3] is f32[2, 3]).
// - cast(cast(x, T1), T2) is cast(x, T2) when the inner cast is exact (every value of x's
//   dtype is a value of T1: a widening), since the outer then converts the same number.
// - An op that keeps x's elements in row-major order (reshape, flatten, squeeze, unsqueeze,
//   identity: `keeps_order` below) and whose result type is x's type, with no `?` dim, is x.
// - reshape(g(x), s) is reshape(x, s) for such an order-keeping g when s means the same for
//   x (a constant without 0, or allowzero) and g cannot fail: x and g(x) provably hold the
//   same number of elements. A failing inner call would otherwise vanish with its error.
// - squeeze and unsqueeze of the same axes undo each other; unsqueeze(squeeze(x)) only
//   where x's squeezed dims are statically 1 (else the squeeze may fail at run time).
// The ops are named only in the table kRows; facts about them come from their registry
// entries (which argument a view reads) and the call's attributes.
#include "opt/SimplifyAlgebra.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "ir/OpRegistry.h"
#include "opt/CallRewriter.h"
#include "opt/Pass.h"

namespace weft {

namespace {

struct OpRow;
using Rule = Expr (*)(CallRewriter& rw, const CallNode* call, const OpRow& row);

// One row per operator the pass rewrites.
struct OpRow {
  const char* op;
  Rule rule;
  double neutral;      // drop_neutral: the operand that leaves the other unchanged
  bool commutes;       // drop_neutral: the neutral operand may stand on either side
  bool keeps_order;    // the result is x's elements in x's row-major order, only dims differ
  const char* undoes;  // the op this one reverses given the same `axes`
};

const OpRow* row_of(const OpDef* def);

// ---- facts about types and constants

const TensorTypeNode* tensor_of(const Expr& e) {
  auto t = as_tensor(type_of(e));
  return t && t->has_rank() ? t : nullptr;
}

bool no_unknown_dims(const TensorTypeNode* t) {
  return std::none_of(t->shape.begin(), t->shape.end(), [](const Dim& d) { return d.is_unknown(); });
}

// The data argument of a view-like op (registry: view_of), else the first.
const Expr& data_arg(const CallNode* call) {
  const int v = called_op(call)->view_of;
  return call->args[size_t(v >= 0 ? v : 0)];
}

// Every element of `t` is `v`; for floats the sign of a zero counts.
bool all_equal(const Tensor& t, double v) {
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (is_float(t.dtype())) {
      const double d = t.as_double(i);
      if (d != v || std::signbit(d) != std::signbit(v)) return false;
    } else if (t.as_int(i) != int64_t(v)) {
      return false;
    }
  }
  return true;
}

// A constant of shape `c` broadcast against x gives x's shape: no more dims, each 1 or x's.
bool fits_into(const std::vector<int64_t>& c, const TensorTypeNode* x) {
  if (c.size() > x->shape.size()) return false;
  const size_t off = x->shape.size() - c.size();
  for (size_t i = 0; i < c.size(); ++i) {
    const Dim& d = x->shape[off + i];
    if (c[i] != 1 && !(d.is_static() && d.value() == c[i])) return false;
  }
  return true;
}

// a and b provably hold the same number of elements.
bool same_numel(const TensorTypeNode* a, const TensorTypeNode* b) {
  if (!a || !b || !no_unknown_dims(a) || !no_unknown_dims(b)) return false;
  Dim na(1), nb(1);
  for (const Dim& d : a->shape) na = na * d;
  for (const Dim& d : b->shape) nb = nb * d;
  return na == nb;
}

// Significand bits of a float dtype (the implicit bit counted), magnitude bits of an int.
int value_bits(DType t) {
  switch (t) {
    case DType::F16: return 11;
    case DType::BF16: return 8;
    case DType::F32: return 24;
    case DType::F64: return 53;
    default: return int(dtype_size(t)) * 8 - (is_signed_int(t) ? 1 : 0);
  }
}

// Every value of `from` is exactly a value of `to`.
bool widening(DType from, DType to) {
  if (from == to || from == DType::Bool) return true;
  if (to == DType::Bool) return false;
  if (is_float(from)) {
    // f16 -> bf16 loses bits and bf16 -> f16 range; every other float widening keeps both.
    return is_float(to) && value_bits(to) >= value_bits(from) && dtype_size(to) > dtype_size(from);
  }
  if (is_float(to)) return value_bits(from) <= value_bits(to);
  if (is_signed_int(from) && is_unsigned_int(to)) return false;
  return value_bits(from) <= value_bits(to);
}

// A transpose's permutation for rank `rank` ([] reverses), or {} when it is malformed.
std::vector<int64_t> perm_of(const CallNode* call, int rank) {
  std::vector<int64_t> p = call->attrs.get_ints("perm");
  if (p.empty())
    for (int i = rank - 1; i >= 0; --i) p.push_back(i);
  if (int(p.size()) != rank) return {};
  for (int64_t& a : p) a = a < 0 ? a + rank : a;
  return p;
}

bool is_identity(const std::vector<int64_t>& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != int64_t(i)) return false;
  return true;
}

std::vector<int64_t> sorted_axes(const CallNode* call, int rank) {
  std::vector<int64_t> a = call->attrs.get_ints("axes");
  for (int64_t& x : a) x = x < 0 ? x + rank : x;
  std::sort(a.begin(), a.end());
  return a;
}

// ---- the rules

// x op neutral (or neutral op x, when the op commutes) -> x.
Expr drop_neutral(CallRewriter& rw, const CallNode* call, const OpRow& row) {
  if (call->args.size() != 2) return nullptr;
  for (int side : {1, 0}) {
    if (side == 0 && !row.commutes) break;
    const Tensor* c = rw.constant_of(call->args[size_t(side)]);
    const Expr& x = call->args[size_t(1 - side)];
    const TensorTypeNode* xt = tensor_of(x);
    if (!c || !xt || c->dtype() != xt->dtype || !all_equal(*c, row.neutral) || !fits_into(c->shape(), xt)) continue;
    if (type_equal(call->checked_type, type_of(x))) return x;
  }
  return nullptr;
}

// An order-keeping op whose result type is its argument's: the argument.
Expr same_type_is_x(CallRewriter&, const CallNode* call, const OpRow&) {
  const Expr& x = data_arg(call);
  const TensorTypeNode* xt = tensor_of(x);
  if (!xt || !no_unknown_dims(xt) || !type_equal(call->checked_type, type_of(x))) return nullptr;
  return x;
}

// reshape(g(x), s) -> reshape(x, s) for an order-keeping g (see the Note).
Expr reshape_rule(CallRewriter& rw, const CallNode* call, const OpRow& row) {
  if (Expr x = same_type_is_x(rw, call, row)) return x;
  const CallNode* inner = as_op_call(rw.value_of(call->args[0]));
  const OpRow* inner_row = inner ? row_of(called_op(inner)) : nullptr;
  if (!inner_row || !inner_row->keeps_order) return nullptr;
  if (!call->attrs.get_bool("allowzero")) {
    const Tensor* target = rw.constant_of(call->args[1]);
    if (!target) return nullptr;
    for (int64_t v : target->to_int_vector())
      if (v == 0) return nullptr;
  }
  const Expr& x = data_arg(inner);
  if (!same_numel(tensor_of(x), tensor_of(Expr(inner)))) return nullptr;
  return make_op_call(called_op(call)->name, {x, call->args[1]}, call->attrs, call->span);
}

// squeeze(unsqueeze(x, a), a) -> x; unsqueeze(squeeze(x, a), a) -> x where x's dims at a are 1.
Expr undo_rule(CallRewriter& rw, const CallNode* call, const OpRow& row) {
  if (Expr x = same_type_is_x(rw, call, row)) return x;
  const CallNode* inner = as_op_call(rw.value_of(call->args[0]));
  if (!inner || called_op(inner)->name != row.undoes) return nullptr;
  const Expr& x = inner->args[0];
  const TensorTypeNode *xt = tensor_of(x), *mid = tensor_of(Expr(inner));
  if (!xt || !mid) return nullptr;
  const int rank = std::max(xt->rank(), mid->rank());  // of the tensor with the size-1 dims
  std::vector<int64_t> axes = sorted_axes(call, rank);
  if (axes.empty() || axes != sorted_axes(inner, rank)) return nullptr;
  if (mid->rank() < xt->rank())  // the inner call squeezes: x's dims there must be 1
    for (int64_t a : axes)
      if (!(xt->shape[size_t(a)].is_static() && xt->shape[size_t(a)].value() == 1)) return nullptr;
  return x;
}

// transpose of the identity permutation -> x; transpose(transpose(x)) -> one transpose or x.
Expr transpose_rule(CallRewriter& rw, const CallNode* call, const OpRow&) {
  const TensorTypeNode* xt = tensor_of(call->args[0]);
  if (!xt) return nullptr;
  const std::vector<int64_t> outer = perm_of(call, xt->rank());
  if (outer.empty() && xt->rank() > 0) return nullptr;
  if (is_identity(outer)) return call->args[0];
  const CallNode* inner = as_op_call(rw.value_of(call->args[0]));
  if (!inner || called_op(inner) != called_op(call)) return nullptr;
  const std::vector<int64_t> first = perm_of(inner, xt->rank());
  if (first.size() != outer.size()) return nullptr;
  // out dim k = mid dim outer[k] = x dim first[outer[k]]
  std::vector<int64_t> composed;
  for (int64_t k : outer) composed.push_back(first[size_t(k)]);
  if (is_identity(composed)) return inner->args[0];
  return make_op_call(called_op(call)->name, {inner->args[0]}, Attrs{{"perm", composed}}, call->span);
}

// cast to x's dtype -> x; cast(cast(x, T1), T2) -> cast(x, T2) when x -> T1 is exact.
Expr cast_rule(CallRewriter& rw, const CallNode* call, const OpRow&) {
  const TensorTypeNode* xt = tensor_of(call->args[0]);
  const DType to = call->attrs.get_dtype("to");
  if (!xt) return nullptr;
  if (xt->dtype == to) return call->args[0];
  const CallNode* inner = as_op_call(rw.value_of(call->args[0]));
  if (!inner || called_op(inner) != called_op(call)) return nullptr;
  const Expr& y = inner->args[0];
  const TensorTypeNode* yt = tensor_of(y);
  if (!yt || !widening(yt->dtype, inner->attrs.get_dtype("to"))) return nullptr;
  if (yt->dtype == to) return y;
  return make_op_call(called_op(call)->name, {y}, call->attrs, call->span);
}

// concat of one input -> the input.
Expr single_input(CallRewriter&, const CallNode* call, const OpRow&) { return call->args.size() == 1 ? call->args[0] : nullptr; }

// The patterns, by op name: the only place this pass names operators.
const OpRow kRows[] = {
    // op           rule            neutral commutes keeps_order undoes
    {"mul", drop_neutral, 1.0, true, false, nullptr},
    {"div", drop_neutral, 1.0, false, false, nullptr},
    {"sub", drop_neutral, +0.0, false, false, nullptr},
    {"add", drop_neutral, -0.0, true, false, nullptr},
    {"identity", same_type_is_x, 0, false, true, nullptr},
    {"reshape", reshape_rule, 0, false, true, nullptr},
    {"flatten", same_type_is_x, 0, false, true, nullptr},
    {"squeeze", undo_rule, 0, false, true, "unsqueeze"},
    {"unsqueeze", undo_rule, 0, false, true, "squeeze"},
    {"transpose", transpose_rule, 0, false, false, nullptr},
    {"cast", cast_rule, 0, false, false, nullptr},
    {"concat", single_input, 0, false, false, nullptr},
};

const OpRow* row_of(const OpDef* def) {
  static const std::unordered_map<const OpDef*, const OpRow*> rows = [] {
    std::unordered_map<const OpDef*, const OpRow*> m;
    for (const OpRow& r : kRows) {
      const OpDef* def = OpRegistry::global().find(r.op);
      WEFT_ASSERT(def, "simplify-algebra names an op the registry lacks: " << r.op);
      m[def] = &r;
    }
    return m;
  }();
  auto it = rows.find(def);
  return it == rows.end() ? nullptr : it->second;
}

class AlgebraRewriter : public CallRewriter {
 protected:
  Expr rewrite_call(const CallNode* call) override {
    const OpRow* row = row_of(called_op(call));
    return row ? row->rule(*this, call, *row) : nullptr;
  }
};

class SimplifyAlgebraPass : public Pass {
 public:
  const char* name() const override { return "simplify-algebra"; }
  const char* summary() const override { return "remove exact identities (x*1, x-0, cast to own dtype, ...) and compose transposes, reshapes, casts"; }
  Module run(Module m, const PassContext&) const override { return simplify_algebra(m); }
};

}  // namespace

Module simplify_algebra(const Module& m) {
  AlgebraRewriter rw;
  return rw.rewrite_module(m);
}

const Pass& simplify_algebra_pass() {
  static const SimplifyAlgebraPass pass;
  return pass;
}

}  // namespace weft
