// PoolRows.h - 1-D/2-D max and average pooling row by row (each window tap one contiguous pass over an output row).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "weft/rt/ConvDirect.h"

namespace weft_rt {

// The pooled planes as 2-D: a 1-D pool is a plane of height 1.
struct PoolPlane {
  Shape in, out, kernel;
  Window w;
};

inline PoolPlane pool_plane(const Shape& in, const Shape& out, const Shape& kernel, const Window& w) {
  if (in.size() == 2) return {in, out, kernel, w};
  return {{1, in[0]}, {1, out[0]}, {1, kernel[0]}, {{1, w.strides[0]}, {0, w.pads_begin[0]}, {0, w.pads_end[0]}, {1, w.dilations[0]}}};
}

// m = max(m, v) where padding never wins and a NaN does (the reference's rule), in a form
// the compiler turns into a compare and a blend.
template <typename T>
inline T max_keep_nan(T m, T v) {
  return (v > m || v != v) ? v : m;
}
// The same on GCC vectors (fold_tap's op).
inline constexpr auto max_keep_nan_op = [](auto& m, const auto& v) { m = ((v > m) | (v != v)) ? v : m; };

// For each output row oh of every plane: tap(acc, src, n, stride) folds one window tap
// (acc[o] with src[o * stride], o < n, all in bounds) into the row; init fills the row
// first and finish(row, oh) runs after its last tap. Taps in the padding are skipped.
template <typename T, typename Init, typename Tap, typename Finish>
void pool_rows(const T* x, T* y, int64_t planes, const PoolPlane& pp, Init init, Tap tap, Finish finish) {
  const int64_t H = pp.in[0], W = pp.in[1], OH = pp.out[0], OW = pp.out[1], KH = pp.kernel[0], KW = pp.kernel[1];
  const Window& w = pp.w;
  const int64_t sw = w.strides[1];
  // Per column tap kw: its valid output range and where its first read lies in the row (the
  // same for every row, so computed once: no division in the loop).
  const size_t kws = static_cast<size_t>(KW);
  std::vector<int64_t> lo(kws), hi(kws), start(kws);
  for (int64_t kw = 0; kw < KW; ++kw) {
    const int64_t off = kw * w.dilations[1] - w.pads_begin[1];
    const auto r = tap_valid_range(off, sw, W, OW);
    lo[size_t(kw)] = r.first;
    hi[size_t(kw)] = r.second;
    start[size_t(kw)] = r.first * sw + off;
  }
  for (int64_t p = 0; p < planes; ++p, x += H * W)
    for (int64_t oh = 0; oh < OH; ++oh, y += OW) {
      init(y, OW);
      for (int64_t kh = 0; kh < KH; ++kh) {
        const int64_t ih = oh * w.strides[0] - w.pads_begin[0] + kh * w.dilations[0];
        if (ih < 0 || ih >= H) continue;
        for (size_t kw = 0; kw < size_t(KW); ++kw)
          if (lo[kw] < hi[kw]) tap(y + lo[kw], x + ih * W + start[kw], hi[kw] - lo[kw], sw);
      }
      finish(y, oh);
    }
}

template <typename T>
void max_pool_rows(const T* x, T* y, int64_t planes, const PoolPlane& pp) {
  pool_rows<T>(
      x, y, planes, pp, [](T* row, int64_t n) { std::fill(row, row + n, -std::numeric_limits<T>::infinity()); },
      [](T* acc, const T* src, int64_t n, int64_t s) { fold_tap(acc, src, n, s, max_keep_nan_op); }, [](T*, int64_t) {});
}

// Taps of window o along one dim of length `in` (o*s - pb + j*d, j < k): those inside the
// input, or with count_include_pad those inside the padded extent [-pb, in + pe).
inline std::vector<int64_t> pool_tap_counts(int64_t in, int64_t out, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d,
                                            bool padded) {
  std::vector<int64_t> c(size_t(out), 0);
  for (int64_t o = 0; o < out; ++o)
    for (int64_t j = 0; j < k; ++j) {
      const int64_t t = o * s - pb + j * d;
      c[size_t(o)] += padded ? t < in + pe : t >= 0 && t < in;
    }
  return c;
}

// Sums the taps in the reference's order (row by row, left to right), then divides by the
// window's tap count (separable: its row count times its column count).
template <typename T>
void avg_pool_rows(const T* x, T* y, int64_t planes, const PoolPlane& pp, bool count_include_pad) {
  const Window& w = pp.w;
  const auto rows = pool_tap_counts(pp.in[0], pp.out[0], pp.kernel[0], w.strides[0], w.pads_begin[0], w.pads_end[0],
                                    w.dilations[0], count_include_pad);
  const auto cols = pool_tap_counts(pp.in[1], pp.out[1], pp.kernel[1], w.strides[1], w.pads_begin[1], w.pads_end[1],
                                    w.dilations[1], count_include_pad);
  const int64_t OW = pp.out[1];
  pool_rows<T>(
      x, y, planes, pp, [](T* row, int64_t n) { std::fill(row, row + n, T(0)); },
      [](T* acc, const T* src, int64_t n, int64_t s) { fold_tap(acc, src, n, s, [](auto& a, const auto& v) { a += v; }); },
      [&](T* row, int64_t oh) {
        const int64_t r = rows[size_t(oh)];
        for (int64_t o = 0; o < OW; ++o) row[o] /= T(r * cols[size_t(o)]);
      });
}

}  // namespace weft_rt
