// Scalar.h - exact scalar semantics shared by the interpreter (ir/) and the runtime: f16 and bf16
// rounding, integer wrap, division, mod, shifts, NaN-propagating max/min and the activations
// the elementwise ops' scalar expressions name (OpDef::scalar_expr).
//
// The one runtime header ir/ may include (DESIGN.md's dependency table, tests/dependency_table):
// it includes nothing but the standard library, so the interpreter's kernels and the generated
// code compute each element with the same function and cannot drift apart.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace weft_rt {

// Raised by kernels and checks inside a run (the runtime's API boundary turns it into a status);
// here for the scalar functions that fail (an integer division by zero), which the interpreter
// never reaches: its kernels check their divisors first, naming the element.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// IEEE binary16, the interpreter's f16 (ir/DType.h) too. Conversions round to
// nearest even, subnormals kept, NaN stays a quiet NaN. Arithmetic goes through the
// implicit conversion to float, as in the interpreter.
struct half {
  uint16_t bits = 0;
  half() = default;
  half(float f) : bits(from_float(f)) {}
  operator float() const { return to_float(bits); }

  static uint16_t from_float(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u, absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) return uint16_t(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));
    if (absx >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to infinity
    if (absx < 0x38800000u) {                                  // subnormal half (or zero)
      if (absx < 0x33000000u) return uint16_t(sign);
      // value = m * 2^(e-150); the half subnormal unit is 2^-24, so drop (126 - e) bits.
      const uint32_t m = (absx & 0x7fffffu) | 0x800000u;
      const int d = 126 - int(absx >> 23);  // 14..24
      uint32_t q = m >> d;
      const uint32_t rem = m & ((1u << d) - 1u), halfway = 1u << (d - 1);
      if (rem > halfway || (rem == halfway && (q & 1u))) q++;
      return uint16_t(sign | q);
    }
    uint32_t h = (((absx >> 23) - 112u) << 10) | ((absx >> 13) & 0x3ffu);
    const uint32_t rem = absx & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++;
    return uint16_t(sign | h);
  }
  static float to_float(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu, x;
    if (e == 0) {
      if (m == 0) {
        x = sign;
      } else {  // subnormal: normalize
        int shift = 0;
        while (!(m & 0x400u)) { m <<= 1; shift++; }
        x = sign | (uint32_t(113 - shift) << 23) | ((m & 0x3ffu) << 13);
      }
    } else if (e == 31) {
      x = sign | 0x7f800000u | (m << 13);
    } else {
      x = sign | ((e + 112u) << 23) | (m << 13);
    }
    float f;
    std::memcpy(&f, &x, 4);
    return f;
  }
  static half from_bits(uint16_t b) { half h; h.bits = b; return h; }
};

// bfloat16 (the interpreter's bf16 too): the upper half of an IEEE float, rounded to nearest even.
struct bfloat16 {
  uint16_t bits = 0;
  bfloat16() = default;
  bfloat16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) { bits = uint16_t((u >> 16) | 0x40); return; }  // NaN stays NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    bits = uint16_t(u >> 16);
  }
  operator float() const {
    const uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  static bfloat16 from_bits(uint16_t b) { bfloat16 h; h.bits = b; return h; }
};

static_assert(sizeof(half) == 2 && sizeof(bfloat16) == 2, "16-bit storage");

// The type arithmetic on a T is carried out in: float for half/bfloat16, T otherwise.
template <typename T> struct compute_type { using type = T; };
template <> struct compute_type<half> { using type = float; };
template <> struct compute_type<bfloat16> { using type = float; };
template <typename T> using compute_t = typename compute_type<T>::type;

// std::is_floating_point_v that also holds for half and bfloat16 (the standard trait may
// not be specialized for them).
template <typename T> inline constexpr bool is_float_v = std::is_floating_point_v<compute_t<T>>;

template <typename H, uint16_t Max, uint16_t Min, uint16_t Eps, int Digits>
struct half_limits {
  static constexpr bool is_specialized = true, is_signed = true, is_integer = false, is_exact = false;
  static constexpr bool has_infinity = true, has_quiet_NaN = true, has_signaling_NaN = false, is_iec559 = false;
  static constexpr bool is_bounded = true, is_modulo = false, traps = false, tinyness_before = false;
  static constexpr int digits = Digits, radix = 2;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static H min() { return H::from_bits(Min); }
  static H max() { return H::from_bits(Max); }
  static H lowest() { return H::from_bits(uint16_t(Max | 0x8000u)); }
  static H epsilon() { return H::from_bits(Eps); }
  static H round_error() { return H(0.5f); }
  static H infinity() { return H(std::numeric_limits<float>::infinity()); }
  static H quiet_NaN() { return H(std::numeric_limits<float>::quiet_NaN()); }
  static H signaling_NaN() { return quiet_NaN(); }
  static H denorm_min() { return H::from_bits(1); }
};


// ---- integer wrap, division, mod, shifts -------------------------------------------------------

// The unsigned type integer arithmetic on C wraps in: at least as wide as unsigned int, so that
// integer promotion never turns it back into signed arithmetic that could overflow.
template <typename C> using wrap_t = std::make_unsigned_t<std::common_type_t<C, unsigned>>;

// Integers wrap (two's complement) instead of overflowing; floats are plain.
template <typename C> inline C wrap_add(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) + wrap_t<C>(b));
  else return a + b;
}
template <typename C> inline C wrap_sub(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) - wrap_t<C>(b));
  else return a - b;
}
template <typename C> inline C wrap_mul(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) * wrap_t<C>(b));
  else return a * b;
}
template <typename C> inline C wrap_neg(C a) {  // -0.0 for 0.0, as NumPy's negative
  if constexpr (std::is_integral_v<C>) return wrap_sub(C(0), a);
  else return -a;
}

// Integer division truncates toward zero (C, ONNX Runtime), INT_MIN / -1 wraps, and a zero
// divisor is an Error.
template <typename C> inline C divide(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    if (b == C(0)) throw Error("div: integer division by zero");
    if constexpr (std::is_signed_v<C>)
      if (b == C(-1)) return wrap_neg(a);
  }
  return C(a / b);
}

// Remainder with the sign of b (Python, np.mod), or of a when c_fmod (C's fmod). Integer
// division by zero is an Error.
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
  if (b >= C(sizeof(C) * 8)) return C(0);
  return left ? C(wrap_t<C>(a) << b) : C(a >> b);
}

// ---- NaN-aware comparisons and activations -------------------------------------------------------

// NaN propagates, as in NumPy's maximum/minimum.
template <typename C> inline C max_nan(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return a < b ? b : a;
}
template <typename C> inline C min_nan(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return b < a ? b : a;
}
template <typename C> inline C abs_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return x;
  else if constexpr (std::is_integral_v<C>) return x < 0 ? wrap_neg(x) : x;
  else return std::fabs(x);
}
// -1, 0 or 1; NaN stays.
template <typename C> inline C sign_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return C(x != 0);
  else if constexpr (std::is_integral_v<C>) return C((C(0) < x) - (x < C(0)));
  else return std::isnan(x) ? x : C((C(0) < x) - (x < C(0)));
}
template <typename C> inline C relu(C x) {  // NaN stays
  if constexpr (std::is_unsigned_v<C>) return x;
  else return x < C(0) ? C(0) : x;
}
template <typename C> inline C clamp01(C x) { return x < C(0) ? C(0) : x > C(1) ? C(1) : x; }  // NaN passes
template <typename C> inline C sigmoid(C x) {  // no overflow of e^-x for large negative x
  if (x >= C(0)) return C(1) / (C(1) + std::exp(-x));
  const C e = std::exp(x);
  return e / (C(1) + e);
}
// log(1 + e^x) without overflow.
template <typename C> inline C softplus(C x) { return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
// x * Phi(x), Phi the normal CDF, or its tanh approximation.
template <typename C> inline C gelu(C x, bool tanh_approx) {
  if (tanh_approx) {
    const C k = C(0.7978845608028654);  // sqrt(2/pi)
    return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
  }
  return C(0.5) * x * (C(1) + std::erf(x * C(0.7071067811865476)));
}

}  // namespace weft_rt

// numeric_limits for the two types (specializing it for program-defined types is allowed),
// so kernels asking for infinity(), lowest() or max() of T get the right values.
namespace std {
template <> struct numeric_limits<weft_rt::half> : weft_rt::half_limits<weft_rt::half, 0x7bff, 0x0400, 0x1400, 11> {};
template <> struct numeric_limits<weft_rt::bfloat16> : weft_rt::half_limits<weft_rt::bfloat16, 0x7f7f, 0x0080, 0x3c00, 8> {};
}  // namespace std
