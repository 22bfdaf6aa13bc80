// PoolRows.h - 1-D/2-D max and average pooling over stride-phase planes (each window tap one contiguous stream).
#pragma once

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <limits>
#include <vector>

#include "weft/rt/ConvDirect.h"
#include "weft/rt/PhasePlanes.h"
#include "weft/rt/PoolSeparable.h"
#include "weft/rt/ThreadPool.h"

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
// The same in place, on scalars and GCC vectors alike (pool_phases' op).
inline constexpr auto max_keep_nan_op = [](auto& m, const auto& v) { m = ((v > m) | (v != v)) ? v : m; };

// Folds every window over phase planes (PhasePlanes.h): the padding (and any window past the
// end in ceil mode) holds `fill`, which op never lets win, so each tap is one contiguous
// stream folded into register accumulators by op (in place, scalars and GCC vectors alike);
// finish(acc row, oh, out row) writes each output row from its accumulators. The planes are
// split over the run's pool when there are enough taps x outputs to pay for waking a thread;
// each thread has its own phase buffer.
template <typename T, typename Op, typename Finish>
void pool_phases(const T* x, T* y, int64_t planes, const PoolPlane& pp, T fill, Op op, Finish finish) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  const PhaseGeometry g(pp.in, pp.out, pp.kernel, pp.w, 2 * N);
  const std::vector<int64_t> offs = g.tap_offsets();
  const size_t taps = offs.size();
  const int64_t work = int64_t(taps) * g.flat + g.H * g.W;  // per plane: the folds and the split
  parallel_for(planes, std::max<int64_t>(1, 100'000 / std::max<int64_t>(work, 1)), [&](int64_t p0, int64_t p1) {
    thread_local std::vector<T> phases, acc;
    phases.assign(size_t(g.buffer()), fill);
    acc.resize(size_t(g.flat));
    for (int64_t p = p0; p < p1; ++p) {
      g.split(x + p * g.H * g.W, phases.data());
      for (int64_t i = 0; i < g.flat; i += 2 * N) {
        V a0 = V{} + fill, a1 = a0;
        for (size_t t = 0; t < taps; ++t) {
          V v0, v1;
          std::memcpy(&v0, phases.data() + offs[t] + i, sizeof v0);
          std::memcpy(&v1, phases.data() + offs[t] + i + N, sizeof v1);
          op(a0, v0);
          op(a1, v1);
        }
        std::memcpy(acc.data() + i, &a0, sizeof a0);
        std::memcpy(acc.data() + i + N, &a1, sizeof a1);
      }
      for (int64_t oh = 0; oh < g.OH; ++oh) finish(acc.data() + oh * g.Wq, oh, y + (p * g.OH + oh) * g.OW);
    }
  });
}

// One row of a tiled 1-D max pool with a window of K (a constant, so the compiler vectorizes
// the loop over outputs with K-way interleaved loads; a run-time K left a serial chain of
// compares per window, slower than the phase split).
template <int K, typename T>
void max_pool_tiled_row(const T* src, T* dst, int64_t outs) {
  for (int64_t o = 0; o < outs; ++o) {
    T m = src[o * K];
    for (int j = 1; j < K; ++j) {
      const T v = src[o * K + j];
      m = ((v > m) | (v != v)) ? v : m;
    }
    dst[o] = m;
  }
}

// A 1-D max pool whose windows tile the row (kernel == stride of 2, 3 or 4, no padding at
// the start, every window inside the input: an audio front end's MaxPool1d(4)): each output
// is the max of K contiguous inputs, read once in place, without the phase split (a scatter
// at stride K). False, doing nothing, for any other pool.
template <typename T>
bool max_pool_tiled_1d(const T* x, T* y, int64_t planes, const PoolPlane& pp) {
  const Window& w = pp.w;
  const int64_t k = pp.kernel[1], len = pp.in[1], outs = pp.out[1];
  if (pp.in[0] != 1 || pp.kernel[0] != 1 || k < 2 || k > 4 || w.strides[1] != k || w.dilations[1] != 1 ||
      w.pads_begin[1] != 0 || outs * k > len)
    return false;
  parallel_for(planes, std::max<int64_t>(1, 100'000 / std::max<int64_t>(len, 1)), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      if (k == 2) max_pool_tiled_row<2>(x + p * len, y + p * outs, outs);
      else if (k == 3) max_pool_tiled_row<3>(x + p * len, y + p * outs, outs);
      else max_pool_tiled_row<4>(x + p * len, y + p * outs, outs);
    }
  });
  return true;
}

template <typename T>
void max_pool_rows(const T* x, T* y, int64_t planes, const PoolPlane& pp) {
  if (max_pool_tiled_1d(x, y, planes, pp)) return;
  if (max_pool_separable_2d(x, y, planes, pp.in, pp.out, pp.kernel, pp.w)) return;
  const int64_t OW = pp.out[1];
  pool_phases<T>(x, y, planes, pp, -std::numeric_limits<T>::infinity(), max_keep_nan_op,
                 [OW](const T* acc, int64_t, T* out) { std::copy(acc, acc + OW, out); });
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

// Sums the taps in the reference's order (row by row, left to right; the padding adds exact
// zeros), then divides by the window's tap count (separable: its row count times its column count).
template <typename T>
void avg_pool_rows(const T* x, T* y, int64_t planes, const PoolPlane& pp, bool count_include_pad) {
  const Window& w = pp.w;
  const auto rows = pool_tap_counts(pp.in[0], pp.out[0], pp.kernel[0], w.strides[0], w.pads_begin[0], w.pads_end[0],
                                    w.dilations[0], count_include_pad);
  const auto cols = pool_tap_counts(pp.in[1], pp.out[1], pp.kernel[1], w.strides[1], w.pads_begin[1], w.pads_end[1],
                                    w.dilations[1], count_include_pad);
  const int64_t OW = pp.out[1];
  pool_phases<T>(x, y, planes, pp, T(0), [](auto& a, const auto& v) { a += v; }, [&](const T* acc, int64_t oh, T* out) {
    const int64_t r = rows[size_t(oh)];
    for (int64_t o = 0; o < OW; ++o) out[o] = acc[o] / T(r * cols[size_t(o)]);
  });
}

}  // namespace weft_rt
