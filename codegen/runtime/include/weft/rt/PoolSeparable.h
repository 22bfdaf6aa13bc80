// PoolSeparable.h - a 2-D max pool without dilation as a max down the window's rows, then across its columns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "weft/rt/NnCommon.h"
#include "weft/rt/ThreadPool.h"

namespace weft_rt {

// The max that keeps a NaN (pool_phases' op in PoolRows.h) is associative and commutative, so a
// KH x KW window is the max over its KW columns of the max down its KH rows. Per output row, the
// window's input rows inside the image are folded into one row (KH contiguous streams, the loop
// the compiler vectorizes best), written between -inf borders that stand for the left and right
// padding (and ceil mode's windows past the end); each output is then the max of KW neighbours
// of that row at stride sw. Rows of the window in the padding are skipped, since -inf never wins.
// Against the phase split (PoolRows.h), nothing is copied first and every input row is read
// once per output row that needs it from L1: squeezenet1_1's 3x3 stride-2 pools ran 2-4x faster.
namespace pool_separable_detail {

// out[o] = max of row[o*S + j] for j < K: K and S constants, so the loop vectorizes.
template <int K, int S, typename T>
inline void fold_across(const T* __restrict row, T* __restrict out, int64_t n) {
  for (int64_t o = 0; o < n; ++o) {
    T m = row[o * S];
    for (int j = 1; j < K; ++j) {
      const T v = row[o * S + j];
      m = ((v > m) | (v != v)) ? v : m;
    }
    out[o] = m;
  }
}

// fold_across<3, 2> for float, 8 outputs at a time: the even, odd and next-even columns of 16
// inputs deinterleaved by shuffles (the compiler does not vectorize the strided loop by itself).
// Reads up to 17 floats past the last window's start: the row's buffer has that slack.
// Only with AVX: its helpers pass 32-byte vectors by value, which without AVX changes the ABI (a
// -Wpsabi error in the portable builds); there, fold_across<3, 2> does the work.
#if defined(__AVX__)
inline void fold_across_3x2_f32(const float* row, float* out, int64_t n) {
  typedef float V __attribute__((vector_size(32)));
  typedef int I __attribute__((vector_size(32)));
  const auto load = [](const float* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
  };
  const auto keep = [](V m, V v) { return ((v > m) | (v != v)) ? v : m; };
  const I even = {0, 2, 4, 6, 8, 10, 12, 14}, odd = {1, 3, 5, 7, 9, 11, 13, 15};
  int64_t o = 0;
  for (; o + 8 <= n; o += 8) {
    const float* r = row + 2 * o;
    const V a = load(r), b = load(r + 8), a2 = load(r + 2), b2 = load(r + 10);
    const V m = keep(keep(__builtin_shuffle(a, b, even), __builtin_shuffle(a, b, odd)), __builtin_shuffle(a2, b2, even));
    __builtin_memcpy(out + o, &m, sizeof m);
  }
  if (o < n) {  // the last few outputs: the same vectors (the slack is readable), stored in part
    const float* r = row + 2 * o;
    const V a = load(r), b = load(r + 8), a2 = load(r + 2), b2 = load(r + 10);
    const V m = keep(keep(__builtin_shuffle(a, b, even), __builtin_shuffle(a, b, odd)), __builtin_shuffle(a2, b2, even));
    for (int64_t i = 0; i < n - o; ++i) out[o + i] = m[i];
  }
}

#else
inline void fold_across_3x2_f32(const float* row, float* out, int64_t n) { fold_across<3, 2>(row, out, n); }
#endif
// m[j] = the NaN-keeping max of rows[0][j] .. rows[count-1][j] for j < n (count >= 1), in whole
// 32-byte vectors: up to one vector's worth past n is read and written too, so each row must be
// readable that far and m must have room; the caller refills what m held there. (A scalar tail,
// branching on NaN, cost as much as the vectors on rows of 27 to 111.)
template <typename T>
inline void fold_down(const T* const* rows, int64_t count, T* m, int64_t n) {
  constexpr int64_t L = 32 / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(32)));
  for (int64_t j = 0; j < n; j += L) {
    V acc, v;
    __builtin_memcpy(&acc, rows[0] + j, sizeof acc);
    for (int64_t r = 1; r < count; ++r) {
      __builtin_memcpy(&v, rows[r] + j, sizeof v);
      acc = ((v > acc) | (v != v)) ? v : acc;
    }
    __builtin_memcpy(m + j, &acc, sizeof acc);
  }
}

// Slack a folded row needs past its last window for the vector reads and writes above.
inline constexpr int64_t kFoldSlack = 32;

template <typename T>
inline void fold_across_any(const T* row, T* out, int64_t n, int64_t k, int64_t s) {
  if constexpr (std::is_same_v<T, float>)
    if (k == 3 && s == 2) return fold_across_3x2_f32(row, out, n);
  if (k == 3 && s == 2) return fold_across<3, 2>(row, out, n);
  if (k == 2 && s == 2) return fold_across<2, 2>(row, out, n);
  if (k == 3 && s == 1) return fold_across<3, 1>(row, out, n);
  for (int64_t o = 0; o < n; ++o) {
    T m = row[o * s];
    for (int64_t j = 1; j < k; ++j) {
      const T v = row[o * s + j];
      m = ((v > m) | (v != v)) ? v : m;
    }
    out[o] = m;
  }
}

}  // namespace pool_separable_detail

// False (doing nothing) unless the pool is 2-D with unit dilations. in/out/kernel are the plane's
// [H, W], [OH, OW], [KH, KW].
template <typename T>
bool max_pool_separable_2d(const T* x, T* y, int64_t planes, const Shape& in, const Shape& out, const Shape& kernel,
                           const Window& w) {
  if (in.size() != 2 || w.dilations[0] != 1 || w.dilations[1] != 1) return false;
  const int64_t H = in[0], W = in[1], OH = out[0], OW = out[1], KH = kernel[0], KW = kernel[1];
  const int64_t sh = w.strides[0], sw = w.strides[1], pt = w.pads_begin[0], pl = w.pads_begin[1];
  // The folded row covers padded columns [0, wide): the pads, the image, and what the last window reads past it.
  const int64_t wide = std::max(pl + W, (OW - 1) * sw + KW);
  const T lowest = -std::numeric_limits<T>::infinity();
  const int64_t work = OH * (KH * W + KW * OW);
  const int64_t Wv = (W + 7) / 8 * 8;  // W in whole vectors (8 floats or 4 doubles)
  const T* const x_end = x + planes * H * W;
  parallel_for(planes, std::max<int64_t>(1, 100'000 / std::max<int64_t>(work, 1)), [&](int64_t p0, int64_t p1) {
    thread_local std::vector<T> buf;  // the folded row between its borders, per pool thread
    buf.assign(size_t(wide + pool_separable_detail::kFoldSlack), lowest);
    T* const row = buf.data();
    T* const mid = row + pl;  // image column 0
    for (int64_t p = p0; p < p1; ++p) {
      const T* plane = x + p * H * W;
      for (int64_t oh = 0; oh < OH; ++oh) {
        const int64_t r0 = std::max<int64_t>(0, oh * sh - pt), r1 = std::min(H, oh * sh - pt + KH);
        if (r0 >= r1) {
          std::fill(mid, mid + W, lowest);
        } else if (plane + (r1 - 1) * W + Wv <= x_end) {  // whole vectors: rows end before x does
          const T* rows[16];
          int64_t count = 0;
          for (int64_t r = r0; r < r1; ++r) {
            rows[count++] = plane + r * W;
            if (count == 16 || r + 1 == r1) {  // windows taller than 16 rows fold in passes
              pool_separable_detail::fold_down(rows, count, mid, W);
              rows[0] = mid;
              count = 1;
            }
          }
          std::fill(mid + W, mid + Wv, lowest);  // the right border the vectors ran over
        } else {  // the last rows of x: element by element
          std::copy(plane + r0 * W, plane + r0 * W + W, mid);
          for (int64_t r = r0 + 1; r < r1; ++r)
            for (int64_t j = 0; j < W; ++j) {
              const T v = plane[r * W + j];
              mid[j] = ((v > mid[j]) | (v != v)) ? v : mid[j];
            }
        }
        pool_separable_detail::fold_across_any(row, y + (p * OH + oh) * OW, OW, KW, sw);
      }
    }
  });
  return true;
}

}  // namespace weft_rt
