// ConvDirect.h - the row kernels direct convolution and the pools share (tap ranges, vector folds) and the per-channel bias pass.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "weft/rt/NnCommon.h"

namespace weft_rt {

// [lo, hi): the output positions o < out_len whose tap reads input position o*s + off inside
// [0, in_len). Shared by the depthwise kernel and the row pools (one tap, one output row).
inline std::pair<int64_t, int64_t> tap_valid_range(int64_t off, int64_t s, int64_t in_len, int64_t out_len) {
  const int64_t lo = std::min(out_len, off >= 0 ? 0 : (-off + s - 1) / s);
  const int64_t hi = std::min(out_len, in_len - off <= 0 ? 0 : (in_len - off - 1) / s + 1);
  return {lo, std::max(lo, hi)};
}

// The vector width the row kernels use: one zmm on AVX-512, else one ymm (two xmm without AVX).
#if defined(__AVX512F__)
inline constexpr int64_t kRowVecBytes = 64;
#else
inline constexpr int64_t kRowVecBytes = 32;
#endif

// op(acc[o], src[o * s]) folds src into acc in place for o < n; op works on scalars and on
// GCC vectors alike (by reference: a vector passed or returned by value changes the ABI
// without AVX, which GCC warns about). Stride 1 and 2 run kRowVecBytes vectors (stride 2 loads 2 vectors and keeps the
// even elements; it stops one vector early so it never reads past src[(n-1)*2]); other
// strides and the tails run scalar. Used by the depthwise conv and the pools.
template <typename T, typename Op>
inline void fold_tap(T* __restrict acc, const T* __restrict src, int64_t n, int64_t s, Op op) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  using I = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  typedef I M __attribute__((vector_size(kRowVecBytes)));
  int64_t o = 0;
  if (s == 1) {
    for (; o + N <= n; o += N) {
      V a, v;
      std::memcpy(&a, acc + o, sizeof a);
      std::memcpy(&v, src + o, sizeof v);
      op(a, v);
      std::memcpy(acc + o, &a, sizeof a);
    }
    for (; o < n; ++o) op(acc[o], src[o]);
  } else if (s == 2) {
    M even;
    for (int64_t i = 0; i < N; ++i) even[i] = I(2 * i);
    for (; o + N < n; o += N) {
      V a, lo, hi;
      std::memcpy(&a, acc + o, sizeof a);
      std::memcpy(&lo, src + 2 * o, sizeof lo);
      std::memcpy(&hi, src + 2 * o + N, sizeof hi);
      const V v = __builtin_shuffle(lo, hi, even);
      op(a, v);
      std::memcpy(acc + o, &a, sizeof a);
    }
    for (; o < n; ++o) op(acc[o], src[2 * o]);
  } else {
    for (; o < n; ++o) op(acc[o], src[o * s]);
  }
}

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

// out[c, j] += bias[c] for c < rows, j < plane: one group's block of the output, right after
// its GEMM wrote it (so much of it is still in cache).
template <typename T>
inline void add_bias_rows(const T* bias, int64_t rows, int64_t plane, T* out) {
  for (int64_t c = 0; c < rows; ++c, out += plane) {
    const T v = bias[c];
    for (int64_t j = 0; j < plane; ++j) out[j] += v;
  }
}

}  // namespace weft_rt
