// VecMath.h - f32 exp, sigmoid and tanh as branch-free arithmetic, so loops over them vectorize (RNN gates, softmax).
#pragma once

#include <bit>
#include <cstdint>

namespace weft_rt::vecmath {

// Note on accuracy. libm's expf/tanhf are calls the compiler cannot vectorize; in an RNN step
// or a softmax row they cost more than the arithmetic around them. These are Cephes' single
// precision algorithms (range reduction plus a short polynomial), written with selects
// instead of branches so that a loop over an array of them becomes vector code at -O3. Over
// the ranges below they are within a few ulp of the correctly rounded result
// (tests/codegen/vec_math_test.cpp checks against double-precision libm). Limits, which the
// kernels using them accept: exp clamps its argument to [-87.3, 88], so it returns about
// 1.2e-38 where the true value underflows and 1.65e38 where it overflows (sigmoid and tanh
// only ever pass them where that makes no difference); NaN propagates.

// e^x: x = n ln2 + r with |r| <= ln2 / 2, e^r by Cephes expf's polynomial, 2^n put in the exponent.
inline float exp_f32(float x) {
  x = x > 88.0f ? 88.0f : x;
  x = x < -87.3f ? -87.3f : x;
  // Adding 1.5 * 2^23 rounds x log2(e) to an integer n held in the low mantissa bits of t.
  const float magic = 12582912.0f;
  const float t = x * 1.44269504088896341f + magic;
  const float n = t - magic;
  float r = x - n * 0.693359375f;  // ln2 split in two so n * ln2_hi is exact
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * (r * r) + r + 1.0f;
  // n in [-126, 127]: the biased exponent n + 127 is a normal float's. Unsigned arithmetic, so
  // a NaN's garbage bits are not signed overflow (er is NaN then, and so is the product).
  const uint32_t bits = (std::bit_cast<uint32_t>(t) - 0x4B400000u + 127u) << 23;
  return er * std::bit_cast<float>(bits);
}

inline float sigmoid_f32(float x) { return 1.0f / (1.0f + exp_f32(-x)); }

// tanh: Cephes tanhf's odd polynomial below |x| = 0.625 (no cancellation near 0), and
// 1 - 2 / (e^(2|x|) + 1) with the sign of x above.
inline float tanh_f32(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float big = 1.0f - 2.0f / (exp_f32(2.0f * ax) + 1.0f);
  return ax < 0.625f ? small : (x < 0.0f ? -big : big);
}

// In place over n contiguous values: the loops the RNN gates run.
inline void sigmoid_inplace(float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) v[i] = sigmoid_f32(v[i]);
}
inline void tanh_inplace(float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) v[i] = tanh_f32(v[i]);
}

}  // namespace weft_rt::vecmath
