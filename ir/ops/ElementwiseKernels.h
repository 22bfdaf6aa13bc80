// ElementwiseKernels.h - private to the elementwise and reduction families: dtype kinds, typed dispatch, map loops.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/OpRegistry.h"
#include "ir/ops/OpHelpers.h"

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
using wrap_t = std::make_unsigned_t<std::common_type_t<C, unsigned>>;

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

// Family-internal registration steps, called by register_elementwise_ops and register_reduction_ops.
void register_elementwise_unary_ops(OpRegistry& reg);
void register_elementwise_binary_ops(OpRegistry& reg);
void register_reduction_axis_ops(OpRegistry& reg);  // ReductionAxisOps.cpp: argmax, softmax, cumsum

}  // namespace weft
