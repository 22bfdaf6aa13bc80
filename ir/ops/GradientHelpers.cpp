// GradientHelpers.cpp - building blocks of the ops' gradient facets.
#include "ir/ops/GradientHelpers.h"

#include <map>

#include <algorithm>
#include <tuple>

namespace weft::vjp {

Expr call(const std::string& name, std::vector<Expr> args, Attrs attrs) {
  return make_op_call(name, std::move(args), std::move(attrs));
}
Expr add(Expr a, Expr b) { return call("add", {std::move(a), std::move(b)}); }
Expr sub(Expr a, Expr b) { return call("sub", {std::move(a), std::move(b)}); }
Expr mul(Expr a, Expr b) { return call("mul", {std::move(a), std::move(b)}); }
Expr div(Expr a, Expr b) { return call("div", {std::move(a), std::move(b)}); }
Expr neg(Expr a) { return call("neg", {std::move(a)}); }
Expr where(Expr cond, Expr a, Expr b) { return call("where", {std::move(cond), std::move(a), std::move(b)}); }

Expr scalar(double v, DType d) { return make_constant(Tensor::scalar<double>(v).cast(d)); }
Expr ints(const std::vector<int64_t>& v) { return make_constant(Tensor::from_vector<int64_t>(v, {int64_t(v.size())})); }

const TensorTypeNode& tensor_of(const Type& t) {
  const TensorTypeNode* tt = as_tensor(t);
  WEFT_ASSERT(tt && tt->has_rank(), "gradient: expected a ranked tensor type, found " << type_str(t));
  return *tt;
}
DType elem_dtype(const Type& t) { return tensor_of(t).dtype; }
bool is_float_type(const Type& t) {
  const TensorTypeNode* tt = as_tensor(t);
  return tt && is_float(tt->dtype);
}

Expr shape_of(const Expr& x, const Shape& shape) {
  std::vector<int64_t> dims;
  for (const Dim& d : shape) {
    if (!d.is_static()) return call("shape", {x});
    dims.push_back(d.value());
  }
  return ints(dims);
}

Expr zeros_like(const Expr& x, const Type& x_type) {
  const TensorTypeNode& t = tensor_of(x_type);
  return call("expand", {scalar(0, t.dtype), shape_of(x, t.shape)});
}

namespace {

Attrs axes_attrs(std::vector<int64_t> axes, bool keepdims) {
  Attrs a;
  a.set("axes", std::move(axes));
  a.set("keepdims", keepdims);
  return a;
}

// The argument's dim i as a bool scalar test "== 1", read at run time.
Expr dim_is_one(const Expr& arg, int64_t i) {
  Attrs range;
  range.set("start", i);
  range.set("end", i + 1);
  Expr d = call("shape", {arg}, range);
  Attrs sq;
  sq.set("axes", std::vector<int64_t>{0});
  return call("squeeze", {call("equal", {d, ints({1})})}, sq);
}

}  // namespace

Expr unbroadcast(const Expr& dy, const Shape& from, const Expr& arg, const Shape& to) {
  WEFT_ASSERT(from.size() >= to.size(), "unbroadcast: result rank " << from.size() << " below argument rank " << to.size());
  const size_t lead = from.size() - to.size();
  Expr out = dy;
  if (lead > 0) {
    std::vector<int64_t> axes;
    for (size_t i = 0; i < lead; ++i) axes.push_back(int64_t(i));
    out = call("reduce_sum", {out}, axes_attrs(axes, false));
  }
  std::vector<int64_t> ones;  // dims the argument has as 1 and the result may not
  for (size_t i = 0; i < to.size(); ++i) {
    const Dim &a = to[i], &r = from[lead + i];
    if (a == r && !a.is_unknown()) continue;
    if (a.is_static() && a.value() == 1) {
      ones.push_back(int64_t(i));
      continue;
    }
    if (a.is_static() && r.is_static()) continue;  // equal sizes (a != 1 and broadcasting held)
    // Unknown here: sum when the argument's dim turns out to be 1 at run time. Both branches
    // keep the rank; the else branch leaves the dim as it is.
    out = make_if(dim_is_one(arg, int64_t(i)), call("reduce_sum", {out}, axes_attrs({int64_t(i)}, true)), out);
  }
  if (!ones.empty()) out = call("reduce_sum", {out}, axes_attrs(ones, true));
  return out;
}

Expr unbroadcast_to_arg(const GradientCall& c, const Expr& dy, size_t i) {
  return unbroadcast(dy, tensor_of(c.result_type).shape, c.args[i], tensor_of(c.arg_types[i]).shape);
}

Expr gather_like(const Expr& x, const Type& x_type, const Expr& dy, const std::function<Expr(Expr)>& same_op) {
  const TensorTypeNode& t = tensor_of(x_type);
  Expr n = call("size", {x});
  Expr flat_shape = call("reshape", {n, ints({1})});
  Expr iota = call("reshape", {call("range", {scalar(0, DType::I64), n, scalar(1, DType::I64)}), shape_of(x, t.shape)});
  Expr index = call("reshape", {same_op(iota), ints({-1})});
  Expr zeros = call("expand", {scalar(0, t.dtype), flat_shape});
  Attrs scatter;
  scatter.set("axis", int64_t(0));
  scatter.set("reduction", std::string("add"));
  Expr summed = call("scatter_elements", {zeros, index, call("reshape", {dy, ints({-1})})}, scatter);
  return call("reshape", {summed, shape_of(x, t.shape)});
}

GradientFn unary_gradient(UnaryDx dx, std::function<std::pair<double, double>(const Attrs&)> consts) {
  return [dx = std::move(dx), consts = std::move(consts)](const GradientCall& c) {
    if (!is_float_type(c.arg_types[0])) return std::vector<Expr>{nullptr};
    UnaryVjp u{c.args[0], c.result, c.cotangent, c.arg_types[0], elem_dtype(c.arg_types[0])};
    std::tie(u.a, u.b) = consts(*c.attrs);
    return std::vector<Expr>{dx(u)};
  };
}

Expr ReduceVjp::count() const {
  const TensorTypeNode& t = tensor_of(x_type);
  int64_t n = 1;
  for (int64_t a : axes) {
    if (!t.shape[size_t(a)].is_static()) {
      Expr ratio = call("div", {call("size", {x}), call("size", {yk})});
      return call("cast", {ratio}, Attrs{{"to", dtype}});
    }
    n *= t.shape[size_t(a)].value();
  }
  return k(double(n));
}

GradientFn reduce_gradient(ReduceDx dx) {
  return [dx = std::move(dx)](const GradientCall& c) {
    if (!is_float_type(c.arg_types[0])) return std::vector<Expr>{nullptr};
    const TensorTypeNode& t = tensor_of(c.arg_types[0]);
    const int rank = t.rank();
    std::vector<int64_t> axes = c.attrs->get_ints("axes");
    if (axes.empty() && c.attrs->get_bool("noop_with_empty_axes")) return std::vector<Expr>{c.cotangent};  // the identity
    if (axes.empty())
      for (int i = 0; i < rank; ++i) axes.push_back(i);
    for (int64_t& a : axes) a = a < 0 ? a + rank : a;
    std::sort(axes.begin(), axes.end());
    ReduceVjp u{c.args[0], c.result, c.cotangent, c.arg_types[0], t.dtype, axes};
    if (!c.attrs->get_bool("keepdims") && !axes.empty()) {
      u.yk = call("unsqueeze", {u.yk}, Attrs{{"axes", axes}});
      u.dyk = call("unsqueeze", {u.dyk}, Attrs{{"axes", axes}});
    }
    return std::vector<Expr>{call("expand", {dx(u), shape_of(u.x, t.shape)})};
  };
}

GradientFn first_arg_only(std::function<Expr(const GradientCall&)> f) {
  return [f = std::move(f)](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (is_float_type(c.arg_types[0])) out[0] = f(c);
    return out;
  };
}

std::vector<std::pair<Var, Expr>> bind_shared_tuples(std::vector<Expr>& grads) {
  std::vector<std::pair<Var, Expr>> binds;
  std::map<const ExprNode*, Var> seen;
  for (Expr& g : grads) {
    const TupleGetNode* field = g ? as<TupleGetNode>(g) : nullptr;
    if (!field || as<VarNode>(field->tuple) || as<TupleNode>(field->tuple)) continue;
    Var& whole = seen[field->tuple.get()];
    if (!whole) {
      whole = make_var("grads");
      binds.push_back({whole, field->tuple});
    }
    g = make_tuple_get(whole, field->index);
  }
  return binds;
}

}  // namespace weft::vjp
