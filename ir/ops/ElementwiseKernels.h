// ElementwiseKernels.h - private to the elementwise and reduction families: dtype kinds, typed dispatch, map loops.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/OpRegistry.h"
#include "ir/ops/OpHelpers.h"
#include "weft/rt/scalar/Scalar.h"

namespace weft {

// The dtype families an op accepts, as bit flags (Kinds::Numeric = floats and integers).
namespace Kinds {
constexpr unsigned Float = 1, Signed = 2, Unsigned = 4, Bool = 8;
constexpr unsigned Int = Signed | Unsigned, Numeric = Float | Int, Any = Numeric | Bool;
}  // namespace Kinds

template <typename T>
constexpr unsigned kind_of() {
  if constexpr (std::is_same_v<T, bool>) return Kinds::Bool;
  else if constexpr (std::is_floating_point_v<compute_t<T>>) return Kinds::Float;
  else if constexpr (std::is_signed_v<T>) return Kinds::Signed;
  else return Kinds::Unsigned;
}
unsigned kind_of(DType d);
// "a floating-point", "an integer", "a numeric", ... for messages.
std::string kinds_name(unsigned kinds);

// Throws TypeRelationError("<op>: argument i must be a floating-point tensor, found i32").
void expect_kinds(const TensorTypeNode& t, unsigned kinds, const std::string& op, size_t i);
// Tensor argument i, checked against `kinds`.
const TensorTypeNode& expect_tensor_of(const std::vector<ArgInfo>& args, size_t i, unsigned kinds, const std::string& op);

// Calls f(type_tag<T>{}) for the storage type of `d`; only instantiates f for the dtypes in
// `K`, and throws RuntimeError for any other (the type relation rejects them first).
template <unsigned K, typename F>
void dispatch_kinds(DType d, const std::string& op, F&& f) {
  dispatch_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr ((kind_of<T>() & K) != 0) f(tag);
    else throw RuntimeError(Msg() << op << ": no kernel for dtype " << dtype_name(d) << ", expected " << kinds_name(K) << " tensor");
  });
}

// Stores a computed value (double, float, int) as T, rounding through compute_t<T>.
template <typename T, typename V>
inline T store(V v) {
  return static_cast<T>(static_cast<compute_t<T>>(v));
}

// Unsigned type for wrapping integer arithmetic on C (no signed overflow, no int promotion surprises).
template <typename C>
using wrap_t = weft_rt::wrap_t<C>;

// out[i] = f(in[i]) over a contiguous tensor; In and Out are storage types, f sees compute_t<In>.
template <typename In, typename Out, typename F>
void map_unary(const Tensor& in, Tensor& out, F&& f) {
  const In* src = in.data<In>();
  Out* dst = out.data<Out>();
  const int64_t n = in.numel();
  for (int64_t i = 0; i < n; ++i) dst[i] = store<Out>(f(static_cast<compute_t<In>>(src[i])));
}

// out = f(a, b) with NumPy broadcasting; f sees compute_t<In> values.
template <typename In, typename Out, typename F>
Tensor map_binary(const Tensor& a, const Tensor& b, DType out_dtype, const std::string& op, F&& f) {
  using C = compute_t<In>;
  std::vector<int64_t> shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out(out_dtype, shape);
  const In* pa = a.data<In>();
  const In* pb = b.data<In>();
  Out* po = out.data<Out>();
  if (a.shape() == b.shape()) {
    const int64_t n = out.numel();
    for (int64_t i = 0; i < n; ++i) po[i] = store<Out>(f(static_cast<C>(pa[i]), static_cast<C>(pb[i])));
    return out;
  }
  std::vector<std::vector<int64_t>> strides = {broadcast_strides(a.shape(), shape), broadcast_strides(b.shape(), shape)};
  const int64_t da = shape.empty() ? 0 : strides[0].back(), db = shape.empty() ? 0 : strides[1].back();
  for_each_broadcast_row(shape, strides, [&](int64_t o, const std::vector<int64_t>& off, int64_t len) {
    const In* ra = pa + off[0];
    const In* rb = pb + off[1];
    for (int64_t i = 0; i < len; ++i) po[o + i] = store<Out>(f(static_cast<C>(ra[i * da]), static_cast<C>(rb[i * db])));
  });
  return out;
}

// Float NaN test that compiles (to false) for every storage type.
template <typename C>
inline bool is_nan_value(C x) {
  if constexpr (std::is_floating_point_v<C>) return x != x;
  else return false;
}

// ---- scalar expressions, stated once ------------------------------------------------------------
//
// A table row of an elementwise or broadcast op writes its scalar expression once, as C++ in the
// argument elements (x; or a, b), C (their compute type), and the call's constants: A and B
// (float attributes, as C) and P and Q (bool ones). WEFT_UNARY / WEFT_BINARY turn the one
// expression into both the interpreter's function and its text, OpDef::scalar_expr, which the
// CPU emitter prints (cpu_map_emitter) with the constants bound as literals.

// The constants of one call, bound from its attributes by the row's binder.
struct ScalarConsts {
  double a = 0, b = 0;
  bool p = false, q = false;
};
using ScalarBinder = std::function<ScalarConsts(const Attrs&)>;
inline ScalarConsts no_consts(const Attrs&) { return {}; }

// A row's expression: f(x..., consts) for the interpreter, and the text it was compiled from.
template <typename F>
struct ScalarRow {
  F fn;
  const char* text;
};
template <typename F>
ScalarRow<F> scalar_row(F fn, const char* text) {
  return {fn, text};
}

// C and the call's constants, in a row's function (`first`: its first argument).
#define WEFT_SCALAR_CONSTS_(first)                  \
  using C [[maybe_unused]] = decltype(first);       \
  [[maybe_unused]] const C A = C(k_.a), B = C(k_.b); \
  [[maybe_unused]] const bool P = k_.p, Q = k_.q;
// A unary row: expression in x, result of x's type.
#define WEFT_UNARY(expr) \
  ::weft::scalar_row([](auto x, const ::weft::ScalarConsts& k_) { WEFT_SCALAR_CONSTS_(x) return C(expr); }, #expr)
// A unary row whose result is bool.
#define WEFT_PREDICATE(expr) \
  ::weft::scalar_row([](auto x, const ::weft::ScalarConsts& k_) { WEFT_SCALAR_CONSTS_(x) return bool(expr); }, #expr)
// A binary row: expression in a, b (of one compute type C), result of their type.
#define WEFT_BINARY(expr)                                                                             \
  ::weft::scalar_row([](auto a, auto b, const ::weft::ScalarConsts& k_) { WEFT_SCALAR_CONSTS_(a) return C(expr); }, \
                     #expr)
// A binary row whose result is bool.
#define WEFT_COMPARE(expr)                                                                                   \
  ::weft::scalar_row([](auto a, auto b, const ::weft::ScalarConsts& k_) { WEFT_SCALAR_CONSTS_(a) return bool(expr); }, \
                     #expr)

// The facet of a row: its text with the call's constants bound (A -> C(<alpha>), P -> true, ...).
ScalarExprFn scalar_expr_of(std::vector<std::string> params, std::string text, ScalarBinder bind);

// Family-internal registration steps, called by register_elementwise_ops and register_reduction_ops.
void register_elementwise_unary_ops(OpRegistry& reg);
void register_elementwise_binary_ops(OpRegistry& reg);
void register_reduction_axis_ops(OpRegistry& reg);  // ReductionAxisOps.cpp: argmax, softmax, cumsum

}  // namespace weft
