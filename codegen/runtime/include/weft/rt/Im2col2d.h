// Im2col2d.h - the 2-D convolution's implicit im2col block packed into GEMM panels, one contiguous row at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"

namespace weft_rt {

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
  for (int64_t kk = 0; kk < kc; ++kk) {
    const int64_t row = k0 + kk, c = row / (KH * KW), kh = row / KW % KH, kw = row % KW;
    const T* plane = img + c * H * W;
    const int64_t off = kw * dw - pw;  // input column of output column ow: ow*sw + off
    // [lo, hi): the output columns whose input column is inside the image.
    const int64_t lo = std::min(OW, off >= 0 ? 0 : (-off + sw - 1) / sw);
    const int64_t hi = std::max(lo, std::min(OW, W - off <= 0 ? 0 : (W - off - 1) / sw + 1));
    int64_t j = 0;
    while (j < nc) {
      const int64_t pos = j0 + j, oh = pos / OW, ow0 = pos % OW, len = std::min(OW - ow0, nc - j);
      const int64_t ih = oh * sh - ph + kh * dh;
      A* d = buf + j;
      if (ih < 0 || ih >= H) {
        std::fill(d, d + len, A(0));
      } else {
        const int64_t a = std::clamp(lo, ow0, ow0 + len), b = std::clamp(hi, a, ow0 + len);
        std::fill(d, d + (a - ow0), A(0));
        const T* src = plane + ih * W + a * sw + off;
        A* dv = d + (a - ow0);
        const int64_t count = b - a;
        if (sw == 1)
          for (int64_t i = 0; i < count; ++i) dv[i] = A(src[i]);
        else if (sw == 2)
          for (int64_t i = 0; i < count; ++i) dv[i] = A(src[2 * i]);
        else
          for (int64_t i = 0; i < count; ++i) dv[i] = A(src[i * sw]);
        std::fill(d + (b - ow0), d + len, A(0));
      }
      j += len;
    }
    A* dst = out + kk * NR;  // column jj lands at dst[(jj / NR) * kc * NR + jj % NR]
    for (int64_t p = 0; p < npad; p += NR) std::memcpy(dst + (p / NR) * kc * NR, buf + p, NR * sizeof(A));
  }
}

}  // namespace weft_rt
