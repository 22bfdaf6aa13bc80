// ConvDirect.h - the conv kernels beside the GEMM: the row vector width, a pointwise matrix-vector product.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "weft/rt/NnCommon.h"

namespace weft_rt {

// The vector width of the direct kernels (depthwise, pools, dot products): one zmm on
// AVX-512, else one ymm (two xmm without AVX). GCC vectors are passed by reference only:
// one passed or returned by value changes the ABI without AVX, which GCC warns about.
#if defined(__AVX512F__)
inline constexpr int64_t kRowVecBytes = 64;
#else
inline constexpr int64_t kRowVecBytes = 32;
#endif

// sum of a[i] * b[i] for i < n, in kRowVecBytes lanes (two chains) then combined.
template <typename T>
inline T dot_lanes(const T* __restrict a, const T* __restrict b, int64_t n) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  V s0 = V{}, s1 = V{};
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    V a0, a1, b0, b1;
    std::memcpy(&a0, a + i, sizeof a0);
    std::memcpy(&a1, a + i + N, sizeof a1);
    std::memcpy(&b0, b + i, sizeof b0);
    std::memcpy(&b1, b + i + N, sizeof b1);
    s0 += a0 * b0;
    s1 += a1 * b1;
  }
  s0 += s1;
  T r = 0;
  for (int64_t l = 0; l < N; ++l) r += s0[l];
  for (; i < n; ++i) r += a[i] * b[i];
  return r;
}

// A pointwise conv over a single position (squeeze-excite's 1x1 convs on pooled [N, C, 1, 1]):
// out[m] = bias[m] + W[m, :] . x, a matrix-vector product read straight from the weight.
template <typename T>
inline void pointwise_gemv(const T* wt, const T* x, const T* bias, int64_t m, int64_t k, T* out) {
  for (int64_t i = 0; i < m; ++i) out[i] = dot_lanes(wt + i * k, x, k) + (bias ? bias[i] : T(0));
}

}  // namespace weft_rt
