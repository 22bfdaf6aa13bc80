// Conv.h - N-d convolution and transposed convolution (NCHW / OIHW) as im2col / col2im around gemm_blocked.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"

namespace weft_rt {

// Moves data between an image (channels x `image` grid) and its column matrix
// (channels*K rows x prod(grid) columns, K = kernel positions): column row (c, kidx) at grid
// position p is image position p*stride - pad_begin + kidx*dilation. Gather (im2col, conv)
// writes 0 in the padding; Scatter (col2im, conv_transpose) adds into the image where the
// position exists. The innermost loop runs along the last grid dim with the valid range
// computed up front, so it is a plain (strided by the stride) copy.
template <typename T, bool Scatter>
void col_image(std::conditional_t<Scatter, const T*, T*> col, std::conditional_t<Scatter, T*, const T*> img,
               int64_t channels, const Shape& grid, const Shape& image, const Shape& kernel, const Window& w) {
  const size_t nsp = grid.size(), last = nsp - 1;
  const int64_t ks = numel(kernel), gs = numel(grid), is = numel(image);
  const int64_t glast = grid[last], ilast = image[last], outer = glast ? gs / glast : 0;
  Shape kidx(nsp), gidx(nsp);
  for (int64_t c = 0; c < channels; ++c) {
    auto* im = img + c * is;
    for (int64_t kf = 0; kf < ks; ++kf) {
      for (int64_t d = int64_t(last), r = kf; d >= 0; --d) {
        kidx[size_t(d)] = r % kernel[size_t(d)];
        r /= kernel[size_t(d)];
      }
      auto* row = col + (c * ks + kf) * gs;
      const int64_t s = w.strides[last], off = kidx[last] * w.dilations[last] - w.pads_begin[last];
      // Valid p along the last dim: 0 <= p*s + off < ilast.
      const int64_t p_lo = std::min(glast, off >= 0 ? 0 : (-off + s - 1) / s);
      const int64_t p_hi = std::max(p_lo, std::min(glast, ilast - off <= 0 ? 0 : (ilast - off - 1) / s + 1));
      std::fill(gidx.begin(), gidx.end(), 0);
      for (int64_t r = 0; r < outer; ++r, row += glast) {
        bool valid = true;
        int64_t base = 0;
        for (size_t d = 0; d < last; ++d) {
          const int64_t t = gidx[d] * w.strides[d] - w.pads_begin[d] + kidx[d] * w.dilations[d];
          valid = valid && t >= 0 && t < image[d];
          base = base * image[d] + t;
        }
        const int64_t at = base * ilast + off;  // image index of grid position p is at + p*s
        if constexpr (!Scatter) {
          if (!valid) {
            std::fill(row, row + glast, T(0));
          } else {
            std::fill(row, row + p_lo, T(0));
            if (s == 1)
              for (int64_t p = p_lo; p < p_hi; ++p) row[p] = im[at + p];
            else
              for (int64_t p = p_lo; p < p_hi; ++p) row[p] = im[at + p * s];
            std::fill(row + p_hi, row + glast, T(0));
          }
        } else if (valid) {
          for (int64_t p = p_lo; p < p_hi; ++p) im[at + p * s] += row[p];
        }
        for (int64_t d = int64_t(last) - 1; d >= 0; --d) {  // odometer over all but the last grid dim
          if (++gidx[size_t(d)] < grid[size_t(d)]) break;
          gidx[size_t(d)] = 0;
        }
      }
    }
  }
}

// out[n, m, ...] += bias[m] when the optional bias is present.
template <typename T>
void add_channel_bias(const Tensor& bias, int64_t n, int64_t m, int64_t plane, T* out, const char* op) {
  if (!present(bias)) return;
  if (bias.size() != m)
    throw Error(std::string(op) + ": bias must have " + std::to_string(m) + " values (one per output channel), found " +
                shape_str(bias.shape()));
  const T* b = bias.data<T>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < m; ++c) {
      T* p = out + (i * m + c) * plane;
      const T v = b[c];
      for (int64_t j = 0; j < plane; ++j) p[j] += v;
    }
}

inline void check_conv_ranks(const Tensor& x, const Tensor& w, size_t nsp, const char* op) {
  if (x.rank() != int(nsp) + 2 || w.rank() != x.rank())
    throw Error(std::string(op) + ": x must be [N, C, spatial...] with " + std::to_string(nsp) +
                " spatial dims and the weight of the same rank, found " + shape_str(x.shape()) + " and " +
                shape_str(w.shape()));
}

// ONNX Conv: x [N, C, spatial...], w [M, C/groups, k...], optional bias [M]. Each image and
// group is one GEMM: W_g [M/g, C/g*K] times its im2col matrix [C/g*K, out positions]
// (a 1x1 kernel with unit strides and no padding multiplies the image directly).
template <typename T>
Tensor conv(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w, int64_t groups) {
  const size_t nsp = w.strides.size();
  check_conv_ranks(x, wt, nsp, "conv");
  const int64_t n = x.dim(0), cin = x.dim(1), cout = wt.dim(0), cin_g = wt.dim(1), g = groups;
  if (cin_g * g != cin || cout % g != 0)
    throw Error("conv: weight " + shape_str(wt.shape()) + " does not fit x " + shape_str(x.shape()) + " with groups=" +
                std::to_string(g) + " (x needs " + std::to_string(cin_g * g) + " channels)");
  Shape isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()), osp;
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t span = isp[i] + w.pads_begin[i] + w.pads_end[i] - w.dilations[i] * (ksp[i] - 1) - 1;
    if (span < 0 || ksp[i] < 1)
      throw Error("conv: spatial dim " + std::to_string(i) + " of x " + shape_str(x.shape()) +
                  " is smaller than the dilated kernel " + shape_str(wt.shape()));
    osp.push_back(span / w.strides[i] + 1);
  }
  Shape oshape = {n, cout};
  oshape.insert(oshape.end(), osp.begin(), osp.end());
  Tensor out = Tensor::empty<T>(oshape);
  const int64_t is = numel(isp), ks = numel(ksp), os = numel(osp), cout_g = cout / g, kk = cin_g * ks;
  bool pointwise = ks == 1;
  for (size_t i = 0; i < nsp; ++i) pointwise = pointwise && w.strides[i] == 1 && w.pads_begin[i] == 0 && w.pads_end[i] == 0;
  std::vector<T> col(pointwise ? 0 : size_t(kk * os));
  const T* xd = x.data<T>();
  T* od = out.data<T>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t gi = 0; gi < g; ++gi) {
      const T* xg = xd + (b * cin + gi * cin_g) * is;
      const T* cols = xg;
      if (!pointwise) {
        col_image<T, false>(col.data(), xg, cin_g, osp, isp, ksp, w);
        cols = col.data();
      }
      gemm_blocked<T>(cout_g, os, kk, wt.data<T>() + gi * cout_g * kk, kk, 1, cols, os, 1, od + (b * cout + gi * cout_g) * os,
                      os, false);
    }
  add_channel_bias<T>(bias, n, cout, os, od, "conv");
  return out;
}

// ONNX ConvTranspose: x [N, C, spatial...], w [C, M/groups, k...], optional bias [M];
// out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pad_begin - pad_end. Each image
// and group: col = W_g^T x_g (one GEMM), then col2im scatters the columns into the output.
template <typename T>
Tensor conv_transpose(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w,
                      const Shape& output_padding, int64_t groups) {
  const size_t nsp = w.strides.size();
  check_conv_ranks(x, wt, nsp, "conv_transpose");
  const int64_t n = x.dim(0), cin = x.dim(1), g = groups, cout_g = wt.dim(1), cout = cout_g * g;
  if (wt.dim(0) != cin || cin % g != 0)
    throw Error("conv_transpose: weight " + shape_str(wt.shape()) + " does not fit x " + shape_str(x.shape()) +
                " with groups=" + std::to_string(g) + " (the weight's first dim must equal x's channels)");
  const int64_t cin_g = cin / g;
  Shape isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()), osp;
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t o = w.strides[i] * (isp[i] - 1) + output_padding[i] + w.dilations[i] * (ksp[i] - 1) + 1 -
                      w.pads_begin[i] - w.pads_end[i];
    if (o < 1) throw Error("conv_transpose: output spatial dim " + std::to_string(i) + " would be " + std::to_string(o));
    osp.push_back(o);
  }
  Shape oshape = {n, cout};
  oshape.insert(oshape.end(), osp.begin(), osp.end());
  Tensor out = Tensor::empty<T>(oshape);
  T* od = out.data<T>();
  std::fill(od, od + out.size(), T(0));
  const int64_t is = numel(isp), ks = numel(ksp), os = numel(osp), rows = cout_g * ks;
  std::vector<T> col(size_t(rows * is));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t gi = 0; gi < g; ++gi) {
      // col [cout_g*K, is] = W_g^T x_g, W_g the [cin_g, cout_g*K] slab of the weight.
      gemm_blocked<T>(rows, is, cin_g, wt.data<T>() + gi * cin_g * rows, 1, rows, x.data<T>() + (b * cin + gi * cin_g) * is,
                      is, 1, col.data(), is, false);
      col_image<T, true>(col.data(), od + (b * cout + gi * cout_g) * os, cout_g, isp, osp, ksp, w);
    }
  add_channel_bias<T>(bias, n, cout, os, od, "conv_transpose");
  return out;
}

}  // namespace weft_rt
