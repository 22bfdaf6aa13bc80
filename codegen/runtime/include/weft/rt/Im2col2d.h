// Im2col2d.h - the 2-D convolution's implicit im2col block packed into GEMM panels, one contiguous row at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"

namespace weft_rt {

namespace im2col_detail {

// dst[i] = src[i*s] for i < n. The pointers are restrict so the loops vectorize without a
// run-time overlap check (which costs more than the copy on the short rows of a 7x7 output).
template <typename T, typename A>
inline void copy_run(const T* __restrict src, int64_t s, A* __restrict dst, int64_t n) {
  if (s == 1)
    for (int64_t i = 0; i < n; ++i) dst[i] = A(src[i]);
  else if (s == 2)
    for (int64_t i = 0; i < n; ++i) dst[i] = A(src[2 * i]);
  else
    for (int64_t i = 0; i < n; ++i) dst[i] = A(src[i * s]);
}

}  // namespace im2col_detail

// pack_im2col (Conv.h) for two spatial dims, where nearly every real convolution is: rows
// [k0, k0+kc) (channel, kh, kw) by columns [j0, j0+nc) (output positions oh*OW + ow) of one
// image group's im2col matrix, into NR-wide panels. Each row is first gathered into a
// contiguous buffer, one output row segment at a time (a plain copy at stride 1, a constant
// stride-2 gather the compiler vectorizes, zeros for padding), then cut into the panels with
// whole-vector copies; the general packer instead walks an odometer element run by element run.
template <typename T, typename A>
void pack_im2col_2d(const T* img, const Shape& grid, const Shape& image, const Shape& kernel, const Window& w, int64_t k0,
                    int64_t j0, int64_t kc, int64_t nc, A* out) {
  constexpr int64_t NR = GemmTile<A>::NR;
  const int64_t OW = grid[1], H = image[0], W = image[1], KH = kernel[0], KW = kernel[1];
  const int64_t sh = w.strides[0], sw = w.strides[1], dh = w.dilations[0], dw = w.dilations[1];
  const int64_t ph = w.pads_begin[0], pw = w.pads_begin[1];
  thread_local std::vector<A> line;  // one row of the block; each pool worker has its own
  const int64_t npad = (nc + NR - 1) / NR * NR;
  if (int64_t(line.size()) < npad) line.resize(size_t(npad));
  A* buf = line.data();
  std::fill(buf + nc, buf + npad, A(0));  // the last panel's columns past nc
  // Row (c, kh, kw) and the first column's (oh, ow) are counted up, not divided out per row and
  // per output-row segment: a 64-bit division costs tens of cycles, and a 7x7 output has seven
  // segments per row of the block (it made packing cost 3 ns an element there).
  int64_t c = k0 / (KH * KW), kh = k0 / KW % KH, kw = k0 % KW;
  const int64_t oh_first = j0 / OW, ow_first = j0 % OW;
  // Per kernel column kw: [lo, hi), the output columns whose input column (ow*sw + kw*dw - pw)
  // is inside the image.
  thread_local std::vector<std::pair<int64_t, int64_t>> valid;
  valid.resize(size_t(KW));
  for (int64_t q = 0; q < KW; ++q) {
    const int64_t off = q * dw - pw;
    const int64_t lo = std::min(OW, off >= 0 ? 0 : (-off + sw - 1) / sw);
    valid[size_t(q)] = {lo, std::max(lo, std::min(OW, W - off <= 0 ? 0 : (W - off - 1) / sw + 1))};
  }
  for (int64_t kk = 0; kk < kc; ++kk) {
    const T* plane = img + c * H * W;
    const int64_t off = kw * dw - pw;  // input column of output column ow: ow*sw + off
    const auto [lo, hi] = valid[size_t(kw)];
    int64_t j = 0, oh = oh_first, ow0 = ow_first;
    while (j < nc) {
      const int64_t len = std::min(OW - ow0, nc - j);
      const int64_t ih = oh * sh - ph + kh * dh;
      A* d = buf + j;
      if (ih < 0 || ih >= H) {
        std::fill(d, d + len, A(0));
      } else {
        const int64_t a = std::clamp(lo, ow0, ow0 + len), b = std::clamp(hi, a, ow0 + len);
        // The padding columns are a few at a row's ends: filled element by element, guarded, since
        // a fill of unknown length is a memset call (most of them would be empty).
        for (int64_t i = 0; i < a - ow0; ++i) d[i] = A(0);
        im2col_detail::copy_run(plane + ih * W + a * sw + off, sw, d + (a - ow0), b - a);
        if (b - ow0 < len)
          for (int64_t i = b - ow0; i < len; ++i) d[i] = A(0);
      }
      j += len;
      ow0 = 0;
      ++oh;
    }
    A* dst = out + kk * NR;  // column jj lands at dst[(jj / NR) * kc * NR + jj % NR]
    for (int64_t p = 0; p < npad; p += NR) std::memcpy(dst + (p / NR) * kc * NR, buf + p, NR * sizeof(A));
    if (++kw == KW) {
      kw = 0;
      if (++kh == KH) kh = 0, ++c;
    }
  }
}

}  // namespace weft_rt
