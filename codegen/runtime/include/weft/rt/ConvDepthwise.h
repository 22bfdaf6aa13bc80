// ConvDepthwise.h - depthwise convolution (1-D/2-D, any stride, padding, dilation, multiplier) as a direct vector kernel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "weft/rt/ConvDirect.h"

namespace weft_rt {

// Whether conv(x, wt, groups) is depthwise (every group one input channel, any multiplier)
// over 1 or 2 spatial dims, which depthwise_conv computes directly.
inline bool is_depthwise(int64_t cin, int64_t cin_g, int64_t groups, size_t nsp) {
  return groups == cin && cin_g == 1 && (nsp == 1 || nsp == 2);
}

// The layout that makes every tap a contiguous stream, whatever the stride: the zero-padded
// input plane split into s*s phase planes (padded row r, column c goes to plane (r%s, c%s)
// at (r/s, c/s)), each Hq x Wq. Tap (kh, kw) of output (oh, ow) reads padded (oh*s + kh*d,
// ow*s + kw*d), which is phase plane ((kh*d)%s, (kw*d)%s) at (oh + kh*d/s, ow + kw*d/s): so
// over the output computed at row width Wq (flat index oh*Wq + ow), the tap is the plane
// read from a fixed offset. Columns ow >= OW are computed and dropped.
struct DepthwiseGeometry {
  int64_t H, W, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl;
  int64_t Hq, Wq, plane, flat, lanes;  // phase plane dims and size; flat = OH*Wq rounded up to lanes (2 vectors)

  DepthwiseGeometry(const Shape& isz, const Shape& osz, const Shape& ksz, const Window& w, int64_t vec)
      : H(isz[0]), W(isz[1]), OH(osz[0]), OW(osz[1]), KH(ksz[0]), KW(ksz[1]), sh(w.strides[0]), sw(w.strides[1]),
        dh(w.dilations[0]), dw(w.dilations[1]), pt(w.pads_begin[0]), pl(w.pads_begin[1]), lanes(vec) {
    // Rows/columns of the padded plane the output reads (the end padding beyond them never is).
    const int64_t hp = std::max((OH - 1) * sh + (KH - 1) * dh + 1, pt + H), wp = std::max((OW - 1) * sw + (KW - 1) * dw + 1, pl + W);
    Hq = (hp + sh - 1) / sh;
    Wq = (wp + sw - 1) / sw;
    plane = Hq * Wq;
    flat = (OH * Wq + lanes - 1) / lanes * lanes;
  }
  // Elements of the phase buffer: the planes plus slack for the dropped columns' reads.
  int64_t buffer() const { return sh * sw * plane + Wq + flat; }
  // Offset in the phase buffer of tap (kh, kw)'s stream.
  int64_t tap_offset(int64_t kh, int64_t kw) const {
    const int64_t r = kh * dh, c = kw * dw;
    return ((r % sh) * sw + c % sw) * plane + (r / sh) * Wq + c / sw;
  }
  // Scatters one input plane into the (pre-zeroed) phase planes; padding stays zero.
  template <typename T>
  void split(const T* in, T* phases) const {
    for (int64_t i = 0; i < H; ++i) {
      const int64_t r = i + pt;
      T* prow = phases + (r % sh) * sw * plane + (r / sh) * Wq;
      const T* src = in + i * W;
      if (sw == 1) {
        std::copy(src, src + W, prow + pl);
      } else {
        for (int64_t p = 0; p < sw; ++p) {  // phase p takes the columns j with (j + pl) % sw == p
          const int64_t j0 = ((p - pl) % sw + sw) % sw;
          T* d = prow + p * plane + (j0 + pl) / sw;
          for (int64_t j = j0; j < W; j += sw) *d++ = src[j];
        }
      }
    }
  }
};

// out_flat[i] = bias + sum over taps t of w[t] * phases[off[t] + i] for i < g.flat, one
// register accumulator per vector of outputs (taps innermost), then the OW valid columns of
// each row are copied out.
template <typename T>
void depthwise_plane(const T* phases, const int64_t* offs, const T* wk, int64_t taps, T bias, T* acc, T* out,
                     const DepthwiseGeometry& g) {
  constexpr int64_t N = kRowVecBytes / int64_t(sizeof(T));
  typedef T V __attribute__((vector_size(kRowVecBytes)));
  for (int64_t i = 0; i < g.flat; i += 2 * N) {  // two independent FMA chains hide the latency
    V a0 = V{} + bias, a1 = a0;
    for (int64_t t = 0; t < taps; ++t) {
      V v0, v1;
      std::memcpy(&v0, phases + offs[t] + i, sizeof v0);
      std::memcpy(&v1, phases + offs[t] + i + N, sizeof v1);
      a0 += wk[t] * v0;
      a1 += wk[t] * v1;
    }
    std::memcpy(acc + i, &a0, sizeof a0);
    std::memcpy(acc + i + N, &a1, sizeof a1);
  }
  for (int64_t oh = 0; oh < g.OH; ++oh) std::copy(acc + oh * g.Wq, acc + oh * g.Wq + g.OW, out + oh * g.OW);
}

// Depthwise conv: output channel oc reads input channel oc / multiplier with its own
// [k...] filter; bias is the accumulators' start. 1-D is 2-D with height 1. Per-thread
// scratch (phase planes, one flat output) so concurrent runs never share it.
template <typename T>
void depthwise_conv(const T* x, const T* wt, const T* bias, T* out, int64_t n, int64_t cin, int64_t cout, const Shape& isp,
                    const Shape& ksp, const Shape& osp, const Window& w) {
  const bool one_d = isp.size() == 1;
  const Shape isz = one_d ? Shape{1, isp[0]} : isp, ksz = one_d ? Shape{1, ksp[0]} : ksp, osz = one_d ? Shape{1, osp[0]} : osp;
  const Window w2 = one_d ? Window{{1, w.strides[0]}, {0, w.pads_begin[0]}, {0, w.pads_end[0]}, {1, w.dilations[0]}} : w;
  const DepthwiseGeometry g(isz, osz, ksz, w2, 2 * kRowVecBytes / int64_t(sizeof(T)));
  const int64_t is = isz[0] * isz[1], os = osz[0] * osz[1], taps = ksz[0] * ksz[1], mult = cout / cin;
  std::vector<int64_t> offs(static_cast<size_t>(taps));
  for (int64_t kh = 0; kh < g.KH; ++kh)
    for (int64_t kw = 0; kw < g.KW; ++kw) offs[size_t(kh * g.KW + kw)] = g.tap_offset(kh, kw);
  thread_local std::vector<T> phases, acc;
  phases.assign(size_t(g.buffer()), T(0));
  acc.resize(size_t(g.flat));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < cin; ++c) {
      g.split(x + (b * cin + c) * is, phases.data());  // every channel writes the same in-bounds cells
      for (int64_t j = 0; j < mult; ++j) {
        const int64_t oc = c * mult + j;
        depthwise_plane(phases.data(), offs.data(), wt + oc * taps, taps, bias ? bias[oc] : T(0), acc.data(),
                        out + (b * cout + oc) * os, g);
      }
    }
}

}  // namespace weft_rt
