// ConvDepthwise.h - depthwise convolution (1-D/2-D, any stride, padding, dilation, multiplier) as a direct vector kernel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "weft/rt/ConvDirect.h"
#include "weft/rt/PhasePlanes.h"
#include "weft/rt/ThreadPool.h"

namespace weft_rt {

// Whether conv(x, wt, groups) is depthwise (every group one input channel, any multiplier)
// over 1 or 2 spatial dims, which depthwise_conv computes directly. One input channel with
// many filters (an audio front end's first Conv1d: 1 -> 64 channels, 80 taps) is not: as one
// GEMM (filters x taps times taps x positions) it fills the register tile, where the direct
// kernel would pass over the image once per filter.
inline bool is_depthwise(int64_t cin, int64_t cin_g, int64_t groups, int64_t cout, size_t nsp) {
  constexpr int64_t kGemmFilters = 8;  // filters of one input channel from which the GEMM wins
  if (groups == 1 && cout >= kGemmFilters) return false;
  return groups == cin && cin_g == 1 && (nsp == 1 || nsp == 2);
}

// out_flat[i] = bias + sum over taps t of w[t] * phases[off[t] + i] for i < g.flat, in
// register accumulators (taps innermost), then the OW valid columns of each row are copied
// out. Four independent FMA chains per two vectors of outputs (even and odd taps apart,
// summed at the end): an FMA's latency is about four times its issue interval, and two
// chains left the loop waiting on it (about half the FMA rate), without computing more
// padded columns than two vectors do.
template <typename T>
void depthwise_plane(const T* phases, const int64_t* offs, const T* wk, int64_t taps, T bias, T* acc, T* out,
                     const PhaseGeometry& g) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  for (int64_t i = 0; i < g.flat; i += 2 * N) {
    V a0 = V{} + bias, a1 = a0, b0 = V{}, b1 = V{};
    int64_t t = 0;
    for (; t + 2 <= taps; t += 2) {
      V v0, v1, u0, u1;
      std::memcpy(&v0, phases + offs[t] + i, sizeof v0);
      std::memcpy(&v1, phases + offs[t] + i + N, sizeof v1);
      std::memcpy(&u0, phases + offs[t + 1] + i, sizeof u0);
      std::memcpy(&u1, phases + offs[t + 1] + i + N, sizeof u1);
      a0 += wk[t] * v0;
      a1 += wk[t] * v1;
      b0 += wk[t + 1] * u0;
      b1 += wk[t + 1] * u1;
    }
    if (t < taps) {
      V v0, v1;
      std::memcpy(&v0, phases + offs[t] + i, sizeof v0);
      std::memcpy(&v1, phases + offs[t] + i + N, sizeof v1);
      a0 += wk[t] * v0;
      a1 += wk[t] * v1;
    }
    a0 += b0;
    a1 += b1;
    std::memcpy(acc + i, &a0, sizeof a0);
    std::memcpy(acc + i + N, &a1, sizeof a1);
  }
  for (int64_t oh = 0; oh < g.OH; ++oh) std::copy(acc + oh * g.Wq, acc + oh * g.Wq + g.OW, out + oh * g.OW);
}

// Depthwise conv: output channel oc reads input channel oc / multiplier with its own
// [k...] filter; bias is the accumulators' start. 1-D is 2-D with height 1. The (image,
// channel) planes are split over the run's pool, in chunks of enough taps x outputs to pay for
// waking a thread. Per-thread scratch (phase planes, one flat output) so concurrent runs and
// pool workers never share it.
template <typename T>
void depthwise_conv(const T* x, const T* wt, const T* bias, T* out, int64_t n, int64_t cin, int64_t cout, const Shape& isp,
                    const Shape& ksp, const Shape& osp, const Window& w) {
  const bool one_d = isp.size() == 1;
  const Shape isz = one_d ? Shape{1, isp[0]} : isp, ksz = one_d ? Shape{1, ksp[0]} : ksp, osz = one_d ? Shape{1, osp[0]} : osp;
  const Window w2 = one_d ? Window{{1, w.strides[0]}, {0, w.pads_begin[0]}, {0, w.pads_end[0]}, {1, w.dilations[0]}} : w;
  const PhaseGeometry g(isz, osz, ksz, w2, 2 * kRowVecBytes / int64_t(sizeof(T)));
  const int64_t is = isz[0] * isz[1], os = osz[0] * osz[1], taps = ksz[0] * ksz[1], mult = cout / cin;
  const std::vector<int64_t> offs = g.tap_offsets();
  const int64_t work = taps * g.flat * mult;  // multiply-adds per input plane
  parallel_for(n * cin, std::max<int64_t>(1, 100'000 / std::max<int64_t>(work, 1)), [&](int64_t p0, int64_t p1) {
    thread_local std::vector<T> phases, acc;
    phases.assign(size_t(g.buffer()), T(0));
    acc.resize(size_t(g.flat));
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t b = p / cin, c = p % cin;
      g.split(x + (b * cin + c) * is, phases.data());  // every channel writes the same in-bounds cells
      for (int64_t j = 0; j < mult; ++j) {
        const int64_t oc = c * mult + j;
        depthwise_plane(phases.data(), offs.data(), wt + oc * taps, taps, bias ? bias[oc] : T(0), acc.data(),
                        out + (b * cout + oc) * os, g);
      }
    }
  });
}

}  // namespace weft_rt
