// GradientHelpers.h - building blocks of the ops' gradient facets: IR calls, constants, shapes, undoing broadcasting.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/OpRegistry.h"

namespace weft::vjp {

// A rank-0 constant `v` of dtype d.
Expr scalar(double v, DType d);
// An i64[n] constant.
Expr ints(const std::vector<int64_t>& v);
Expr zeros_like(const Expr& x, const Type& x_type);

// A call of registry op `name`.
Expr call(const std::string& name, std::vector<Expr> args, Attrs attrs = {});
Expr add(Expr a, Expr b);
Expr sub(Expr a, Expr b);
Expr mul(Expr a, Expr b);
Expr div(Expr a, Expr b);
Expr neg(Expr a);
Expr where(Expr cond, Expr a, Expr b);

// What a unary elementwise op's derivative row sees: dx from these.
struct UnaryVjp {
  Expr x, y, dy;     // argument, result, cotangent
  Type x_type;
  DType dtype;
  double a = 0, b = 0;  // the row's float attributes (alpha, beta, ...), as its scalar binder reads them
  Expr k(double v) const { return scalar(v, dtype); }
  Expr f(const std::string& op, Expr arg) const { return call(op, {std::move(arg)}); }
  Expr zeros() const { return zeros_like(x, x_type); }
};
using UnaryDx = std::function<Expr(const UnaryVjp&)>;
// A rank-0 constant `v` of dtype d.

const TensorTypeNode& tensor_of(const Type& t);  // InternalError unless a ranked tensor type
DType elem_dtype(const Type& t);
bool is_float_type(const Type& t);

// x's shape as an i64[rank] expression: a constant when every dim of `shape` is static, else
// shape(x).
Expr shape_of(const Expr& x, const Shape& shape);


// Sums dy (of shape `from`, the broadcast of the argument's shape with others) down to the
// argument's shape `to`: leading dims summed away, dims the argument had as 1 summed with
// keepdims. A dim that may or may not be 1 (unknown or symbolic, differing from the result's)
// is summed under a run-time test on the argument `arg`'s own dim.
Expr unbroadcast(const Expr& dy, const Shape& from, const Expr& arg, const Shape& to);
// unbroadcast from the call's result type to argument i's type.
Expr unbroadcast_to_arg(const GradientCall& c, const Expr& dy, size_t i);

// The gradient of an op that only moves or copies x's elements (slice, gather, tile, pad in
// reflect mode, ...): `same_op(iota)` applies the call to an i64 tensor of x's shape holding
// each element's flat index, so it says which element of x each result element came from; the
// cotangents are summed back there (scatter_elements with reduction add).
Expr gather_like(const Expr& x, const Type& x_type, const Expr& dy, const std::function<Expr(Expr)>& same_op);

// A facet for unary elementwise ops from their dx row; `consts` reads the row's attributes.
GradientFn unary_gradient(UnaryDx dx, std::function<std::pair<double, double>(const Attrs&)> consts);

// What a reduce_* op's derivative row sees. yk and dyk are the result and its cotangent with
// the reduced dims kept (as size 1), so they broadcast against x.
struct ReduceVjp {
  Expr x, yk, dyk;
  Type x_type;
  DType dtype;
  std::vector<int64_t> axes;  // the reduced dims, normalized and sorted
  Expr k(double v) const { return scalar(v, dtype); }
  Expr count() const;         // elements per reduced group, a scalar of dtype
};
using ReduceDx = std::function<Expr(const ReduceVjp&)>;
// A facet for reduce_* ops (attributes axes, keepdims, noop_with_empty_axes) from their dx row,
// whose result is broadcast to x's shape.
GradientFn reduce_gradient(ReduceDx dx);

// A facet that computes its cotangents together (a GradientTape) returns fields of one tuple
// expression, which must be evaluated (and its variables bound) once: the bindings of each such
// tuple, in order, with `grads` rewritten to read their variables.
std::vector<std::pair<Var, Expr>> bind_shared_tuples(std::vector<Expr>& grads);

// A facet for ops whose argument 0 is the only one differentiated, computed by `f(call)`.
GradientFn first_arg_only(std::function<Expr(const GradientCall&)> f);

}  // namespace weft::vjp
