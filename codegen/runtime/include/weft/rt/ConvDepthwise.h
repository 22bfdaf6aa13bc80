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

namespace depthwise_detail {

// acc[0, NV vectors) = bias + sum over taps t of wk[t] * from[offs[t] + ...]: NV independent
// accumulators, taps outer. Each tap's weight is broadcast and its offset read once for NV
// vectors, so a tap costs NV loads and NV FMAs plus two loads; from about eight vectors on the
// loop issues close to two FMAs a cycle and the chains cover the FMA latency.
template <typename T, int NV>
inline void taps_block(const T* __restrict from, const int64_t* offs, const T* wk, int64_t taps, T bias, T* __restrict acc) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  V a[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) a[v] = V{} + bias;
  for (int64_t t = 0; t < taps; ++t) {
    const T* p = from + offs[t];
    const T w = wk[t];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      V x;
      std::memcpy(&x, p + v * N, sizeof x);
      a[v] += w * x;
    }
  }
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) std::memcpy(acc + v * N, &a[v], sizeof a[v]);
}

}  // namespace depthwise_detail

// The most vectors taps_block keeps in registers: 12 accumulators, a broadcast weight and a
// load fit AVX2's 16 registers (without AVX a vector is two of the 16 xmm registers: 6).
#if defined(__AVX__)
inline constexpr int kDepthwiseMaxVecs = 12;
#else
inline constexpr int kDepthwiseMaxVecs = 6;
#endif

// taps_block for nv <= NV vectors, nv known only at run time.
template <typename T, int NV = kDepthwiseMaxVecs>
inline void taps_block_n(int nv, const T* from, const int64_t* offs, const T* wk, int64_t taps, T bias, T* acc) {
  if constexpr (NV > 1)
    if (nv < NV) return taps_block_n<T, NV - 1>(nv, from, offs, wk, taps, bias, acc);
  depthwise_detail::taps_block<T, NV>(from, offs, wk, taps, bias, acc);
}

// out_flat[i] = bias + sum over taps t of w[t] * phases[off[t] + i] for i < g.flat, in
// register accumulators: the flat output's vectors cut into even blocks of at most
// kDepthwiseMaxVecs (a 7x7 output's 10 vectors are one block of 10, not 8 and a latency-bound
// 2), then the OW valid columns of each row are copied out. (The kernel before, two vectors
// with even and odd taps apart, loaded a weight and an offset per two FMAs and ran at half the
// FMA rate: mobilenet_v3_small's depthwise convolutions are 5-25% faster at 1 thread on an
// AVX2 EPYC, bench/conv_bench shapes, A/B alternating in one process.)
template <typename T>
void depthwise_plane(const T* phases, const int64_t* offs, const T* wk, int64_t taps, T bias, T* acc, T* out,
                     const PhaseGeometry& g) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  const int64_t vecs = g.flat / N, blocks = (vecs + kDepthwiseMaxVecs - 1) / kDepthwiseMaxVecs;
  for (int64_t b = 0, v0 = 0; b < blocks; ++b) {
    const int64_t v1 = vecs * (b + 1) / blocks;
    taps_block_n<T>(int(v1 - v0), phases + v0 * N, offs, wk, taps, bias, acc + v0 * N);
    v0 = v1;
  }
  // A loop, not std::copy: rows are a few dozen elements, where a memmove call costs more.
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const T* __restrict src = acc + oh * g.Wq;
    T* __restrict dst = out + oh * g.OW;
    for (int64_t j = 0; j < g.OW; ++j) dst[j] = src[j];
  }
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
