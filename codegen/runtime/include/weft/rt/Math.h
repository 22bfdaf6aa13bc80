// Math.h - scalar functions of the elementwise ops beyond Elementwise.h (activations, mod,
// shifts), and the elementwise kernels with extra operands: clip and prelu.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "weft/rt/Elementwise.h"

namespace weft_rt {

// Each function matches the interpreter's scalar function of the same op
// (ir/ops/ElementwiseOps.cpp, ElementwiseBinaryOps.cpp): NaN and integer wrapping included.

template <typename C> inline C abs_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return x;
  else if constexpr (std::is_integral_v<C>) return x < 0 ? wrap_neg(x) : x;
  else return std::fabs(x);
}
template <typename C> inline C sign_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return C(x != 0);
  else if constexpr (std::is_integral_v<C>) return C((C(0) < x) - (x < C(0)));
  else return std::isnan(x) ? x : C((C(0) < x) - (x < C(0)));
}
template <typename C> inline C clamp01(C x) { return x < C(0) ? C(0) : x > C(1) ? C(1) : x; }  // NaN passes
template <typename C> inline C softplus(C x) { return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
template <typename C> inline C gelu(C x, bool tanh_approx) {
  if (tanh_approx) {
    const C k = C(0.7978845608028654);  // sqrt(2/pi)
    return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
  }
  return C(0.5) * x * (C(1) + std::erf(x * C(0.7071067811865476)));
}

// Remainder with the sign of b (Python, np.mod), or of a when c_fmod (C's fmod). Integer
// division by zero is an Error, as in the interpreter.
template <typename C> inline C mod_of(C a, C b, bool c_fmod) {
  if constexpr (std::is_floating_point_v<C>) {
    const C r = std::fmod(a, b);
    if (c_fmod || b == C(0)) return r;
    if (r != C(0)) return (r < C(0)) != (b < C(0)) ? r + b : r;
    return std::copysign(C(0), b);
  } else {
    if (b == C(0)) throw Error("mod: integer division by zero");
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return C(0);
      const C r = C(a % b);
      return !c_fmod && r != C(0) && ((r < C(0)) != (b < C(0))) ? C(r + b) : r;
    } else {
      return C(a % b);
    }
  }
}

// a << b or a >> b for unsigned integers; shifts past the width give 0.
template <typename C> inline C shift_of(C a, C b, bool left) {
  using W = std::make_unsigned_t<std::common_type_t<C, unsigned>>;
  if (b >= C(sizeof(C) * 8)) return C(0);
  return left ? C(W(a) << b) : C(a >> b);
}

// Wrapping multiply through the unsigned type at least as wide as unsigned int (no signed
// overflow after integer promotion, unlike the short types' own unsigned).
template <typename C> inline C mul_wrapping(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    using W = std::make_unsigned_t<std::common_type_t<C, unsigned>>;
    return C(W(a) * W(b));
  } else {
    return a * b;
  }
}

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
  return binary<T, T, T>(x, slope, [](T v, T s) { return v < T(0) ? mul_wrapping(v, s) : v; }, "prelu");
}

}  // namespace weft_rt
