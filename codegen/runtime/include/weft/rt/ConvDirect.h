// ConvDirect.h - direct convolution kernels that skip the GEMM: depthwise conv (1-D/2-D), and the per-channel bias pass.
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

// One output row of one depthwise channel: out[ow] = bias + sum over taps, over a 2-D plane
// (a 1-D conv is a plane of height 1). Each tap is one contiguous pass over the row, which
// stays in L1 (fold_tap); the padding is never read (each tap's valid output range is
// computed up front).
template <typename T>
inline void depthwise_row(const T* in, const T* wk, T bias, T* out, int64_t oh, const Shape& isz, const Shape& osz,
                          const Shape& ksz, const Window& w) {
  const int64_t H = isz[0], W = isz[1], OW = osz[1], KH = ksz[0], KW = ksz[1];
  const int64_t sh = w.strides[0], sw = w.strides[1], dh = w.dilations[0], dw = w.dilations[1];
  std::fill(out, out + OW, bias);
  for (int64_t kh = 0; kh < KH; ++kh) {
    const int64_t ih = oh * sh - w.pads_begin[0] + kh * dh;
    if (ih < 0 || ih >= H) continue;
    const T* row = in + ih * W;
    for (int64_t kw = 0; kw < KW; ++kw) {
      const int64_t off = kw * dw - w.pads_begin[1];
      const auto [lo, hi] = tap_valid_range(off, sw, W, OW);
      const T wv = wk[kh * KW + kw];
      if (lo < hi) fold_tap(out + lo, row + lo * sw + off, hi - lo, sw, [wv](auto& a, const auto& v) { a += wv * v; });
    }
  }
}

// Whether conv(x, wt, groups) is depthwise (every group one input channel, any multiplier)
// over 1 or 2 spatial dims, which depthwise_conv computes directly.
inline bool is_depthwise(int64_t cin, int64_t cin_g, int64_t groups, size_t nsp) {
  return groups == cin && cin_g == 1 && (nsp == 1 || nsp == 2);
}

// Depthwise conv: output channel oc reads input channel oc / multiplier with its own
// [k...] filter; bias added as each row starts. 1-D is 2-D with height 1.
template <typename T>
void depthwise_conv(const T* x, const T* wt, const T* bias, T* out, int64_t n, int64_t cin, int64_t cout,
                    const Shape& isp, const Shape& ksp, const Shape& osp, const Window& w) {
  const bool one_d = isp.size() == 1;
  const Shape isz = one_d ? Shape{1, isp[0]} : isp, ksz = one_d ? Shape{1, ksp[0]} : ksp, osz = one_d ? Shape{1, osp[0]} : osp;
  const Window w2 = one_d ? Window{{1, w.strides[0]}, {0, w.pads_begin[0]}, {0, w.pads_end[0]}, {1, w.dilations[0]}} : w;
  const int64_t is = isz[0] * isz[1], os = osz[0] * osz[1], ks = ksz[0] * ksz[1], mult = cout / cin;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < cout; ++oc) {
      const T* in = x + (b * cin + oc / mult) * is;
      const T* wk = wt + oc * ks;
      const T bv = bias ? bias[oc] : T(0);
      T* o = out + (b * cout + oc) * os;
      for (int64_t oh = 0; oh < osz[0]; ++oh, o += osz[1]) depthwise_row(in, wk, bv, o, oh, isz, osz, ksz, w2);
    }
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
