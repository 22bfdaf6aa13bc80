// Math.h - the elementwise kernels with extra operands: clip and prelu.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "weft/rt/Elementwise.h"

namespace weft_rt {

// The scalar functions (abs_of, sign_of, softplus, gelu, mod_of, shift_of, wrap_mul, ...) are
// in weft/rt/scalar/Scalar.h, shared with the interpreter.

// min(max(x, lo), hi); a missing or empty bound is no bound, NaN stays.
template <typename T>
Tensor clip(const Tensor& x, const std::optional<Tensor>& lo_t, const std::optional<Tensor>& hi_t) {
  auto bound = [](const std::optional<Tensor>& b, int i) -> std::optional<T> {
    if (!b || b->size() == 0) return std::nullopt;
    if (b->size() > 1)
      throw Error("clip: bound " + std::to_string(i) + " must be a scalar, found shape " + shape_str(b->shape()));
    return b->data<T>()[0];
  };
  const std::optional<T> lo = bound(lo_t, 1), hi = bound(hi_t, 2);
  const T l = lo ? *lo : std::numeric_limits<T>::lowest(), h = hi ? *hi : std::numeric_limits<T>::max();
  const bool has_lo = bool(lo), has_hi = bool(hi);
  return unary<T, T>(x, [=](T v) {
    if (has_lo && v < l) v = l;
    if (has_hi && v > h) v = h;
    return v;
  });
}

// x if x >= 0 else slope * x; slope must broadcast to x without growing it.
template <typename T>
Tensor prelu(const Tensor& x, const Tensor& slope) {
  if (broadcast_shape(x.shape(), slope.shape(), "prelu") != x.shape())
    throw Error("prelu: slope of shape " + shape_str(slope.shape()) + " must broadcast to x's shape " + shape_str(x.shape()));
  return binary<T, T, T>(x, slope, [](T v, T s) { return v < T(0) ? wrap_mul(v, s) : v; }, "prelu");
}

}  // namespace weft_rt
