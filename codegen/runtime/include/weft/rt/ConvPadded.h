// ConvPadded.h - a 2-D stride-1 f32 convolution as a GEMM whose B rows are read straight from the zero-padded image (no im2col).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "weft/rt/Epilogue.h"
#include "weft/rt/Gemm.h"
#include "weft/rt/GemmMicroF32.h"
#include "weft/rt/NnCommon.h"
#include "weft/rt/PackedWeights.h"
#include "weft/rt/ThreadPool.h"

namespace weft_rt {

// Note on the padded-image convolution. With stride 1, copy the image once into a zero-padded
// plane per channel (Hp x Wp) and compute every output at the padded row width: output (oh, ow)
// at flat position q = oh*Wp + ow, for ow < Wp (the columns ow >= OW are computed and dropped).
// Then the im2col matrix's row k = (c, kh, kw) is B[k][q] = padded[c*Hp*Wp + kh*dh*Wp + kw*dw + q]:
// each row is one contiguous stretch of the padded image, at an offset of its own. So the
// microkernel reads its B panel in place, row p at b + offs[p] (one scalar load more per k step
// than a packed panel), and nothing is gathered into panels: im2col's packing was 12-15% of
// resnet18's 3x3 convolutions, and it wrote and read K x N elements where this writes the
// padded image (C x Hp x Wp) and moves the result (M x OH x Wp) once, from a scratch matrix
// of padded width to the output, applying the epilogue there.
namespace conv_padded_detail {

// c[MR x NR] = (add ? c : bias) + sum over p < kc of a[p*MR + i] * b[offs[p] + j].
template <int MR, int NV>
inline void tile(int64_t kc, const float* __restrict a, const float* __restrict b, const int64_t* __restrict offs,
                 float* __restrict c, int64_t ldc, bool add, const float* bias) {
  using namespace simd;
  VF acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = add ? vload(c + i * ldc + v * kLanes) : bias ? vbroadcast(bias + i) : vzero();
#pragma GCC unroll 2
  for (int64_t p = 0; p < kc; ++p) {
    micro_fma_step<MR, NV>(a, b + offs[p], acc);
    a += MR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) vstore(c + i * ldc + v * kLanes, acc[i][v]);
}

// 64-byte-aligned scratch of this thread (slot 0: the padded image, 1: the result at padded
// width, 2: A packed per call); reused from call to call.
inline float* scratch(int slot, int64_t count) {
  thread_local std::vector<float> bufs[3];
  std::vector<float>& v = bufs[slot];
  const size_t want = size_t(count) + 16;
  if (v.size() < want) v.resize(want);
  const auto addr = reinterpret_cast<std::uintptr_t>(v.data());
  return reinterpret_cast<float*>((addr + 63) & ~std::uintptr_t(63));
}

}  // namespace conv_padded_detail

// Whether conv_padded_2d serves a convolution: 2-D, unit strides, a kernel larger than 1x1, and
// output rows wide enough that the dropped columns (Wp - OW of every Wp) cost less than the
// packing saved: at most 1 in 12 (a 3x3 pad-1 conv on rows of 24 or more; on 13x13 and 14x14
// outputs the 15-16% of dropped columns made it 5-8% slower than im2col).
inline bool conv_padded_applies(const Shape& isp, const Shape& ksp, const Shape& osp, const Window& w) {
  if (isp.size() != 2 || w.strides[0] != 1 || w.strides[1] != 1 || ksp[0] * ksp[1] == 1) return false;
  const int64_t wp = w.pads_begin[1] + isp[1] + w.pads_end[1];
  return (wp - osp[1]) * 12 <= osp[1] && osp[0] * wp >= 8 * kF32Nr;
}

// out [m, OH, OW] = conv of x [c, H, W] (one image, one group) with wt [m, c, KH, KW] (row-major,
// `w_constant`: a constant filter, packed once per library), plus bias[m] when given, then the
// epilogue; unit strides (conv_padded_applies).
inline void conv_padded_2d(const float* x, const float* wt, bool w_constant, const float* bias, float* out, int64_t c, int64_t m,
                           const Shape& isp, const Shape& ksp, const Shape& osp, const Window& w, const Epilogue<float>& epi) {
  using G = GemmTile<float>;
  constexpr int64_t MR = kF32Mr, NR = kF32Nr;
  namespace d = conv_padded_detail;
  const int64_t H = isp[0], W = isp[1], KH = ksp[0], KW = ksp[1], OH = osp[0], OW = osp[1];
  const int64_t pt = w.pads_begin[0], pl = w.pads_begin[1], dh = w.dilations[0], dw = w.dilations[1];
  const int64_t Hp = std::max(pt + H + w.pads_end[0], OH + (KH - 1) * dh), Wp = std::max(pl + W + w.pads_end[1], OW + (KW - 1) * dw);
  const int64_t plane = Hp * Wp, n = OH * Wp, npad = (n + NR - 1) / NR * NR, k = c * KH * KW;
  const int64_t mpad = (m + MR - 1) / MR * MR;
  // The padded image, with zeros past its end for the last panel's reads (at most npad - n +
  // (KW-1)*dw past the last plane).
  const int64_t tail = npad - n + (KW - 1) * dw + NR;
  float* const padded = d::scratch(0, c * plane + tail);
  parallel_for(c, std::max<int64_t>(1, 16384 / std::max<int64_t>(plane, 1)), [&](int64_t c0, int64_t c1) {
    for (int64_t ch = c0; ch < c1; ++ch) {
      float* dst = padded + ch * plane;
      const float* src = x + ch * H * W;
      std::memset(dst, 0, size_t(pt * Wp) * sizeof(float));
      for (int64_t r = 0; r < H; ++r) {
        float* row = dst + (pt + r) * Wp;
        for (int64_t j = 0; j < pl; ++j) row[j] = 0;
        std::memcpy(row + pl, src + r * W, size_t(W) * sizeof(float));
        for (int64_t j = pl + W; j < Wp; ++j) row[j] = 0;
      }
      std::memset(dst + (pt + H) * Wp, 0, size_t((Hp - pt - H) * Wp) * sizeof(float));
    }
  });
  std::memset(padded + c * plane, 0, size_t(tail) * sizeof(float));
  thread_local std::vector<int64_t> offs_buf;
  offs_buf.resize(size_t(k));
  for (int64_t ch = 0, p = 0; ch < c; ++ch)
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw) offs_buf[size_t(p++)] = ch * plane + kh * dh * Wp + kw * dw;
  const int64_t* const offs = offs_buf.data();
  const float* apacked;
  if (w_constant) {
    apacked = packed_constant_a(wt, m, k).data;
  } else {
    float* ap = d::scratch(2, gemm_packed_a_size<float>(m, k));
    gemm_pack_a_all(wt, k, 1, m, k, ap);
    apacked = ap;
  }
  float* const res = d::scratch(1, mpad * npad);  // the result at padded width, mpad x npad
  const int64_t panels = npad / NR;
  // Columns are split over the pool by whole panels; each thread runs every K and M block of its own.
  parallel_for(panels, 4, [&](int64_t p0, int64_t p1) {
    alignas(64) float tail_bias[MR];
    for (int64_t jb = p0; jb < p1; jb += G::NC / NR) {
      const int64_t je = std::min(p1, jb + G::NC / NR);
      for (int64_t k0 = 0; k0 < k; k0 += G::KC) {
        const int64_t kc = std::min(G::KC, k - k0);
        const float* ablock = apacked + k0 * mpad;
        for (int64_t i0 = 0; i0 < mpad; i0 += G::MC) {
          const int64_t mc = std::min(G::MC, mpad - i0);
          for (int64_t jp = jb; jp < je; ++jp) {
            const float* b = padded + jp * NR;
            for (int64_t ir = i0; ir < i0 + mc; ir += MR) {
              const float* tb = nullptr;
              if (k0 == 0 && bias) {
                if (ir + MR <= m) {
                  tb = bias + ir;
                } else {
                  for (int64_t i = 0; i < MR; ++i) tail_bias[i] = ir + i < m ? bias[ir + i] : 0.f;
                  tb = tail_bias;
                }
              }
              d::tile<kF32Mr, kF32Vecs>(kc, ablock + (ir / MR) * kc * MR, b, offs + k0, res + ir * npad + jp * NR, npad, k0 > 0, tb);
            }
          }
        }
      }
    }
  });
  // The result's live columns into the output, each channel's epilogue while it is in cache.
  const int64_t os = OH * OW;
  parallel_for(m, std::max<int64_t>(1, 16384 / std::max<int64_t>(os, 1)), [&](int64_t m0, int64_t m1) {
    for (int64_t ch = m0; ch < m1; ++ch) {
      float* o = out + ch * os;
      const float* r = res + ch * npad;
      for (int64_t oh = 0; oh < OH; ++oh) std::memcpy(o + oh * OW, r + oh * Wp, size_t(OW) * sizeof(float));
      if (epi) epi(o, os, 1, os);
    }
  });
}

}  // namespace weft_rt
