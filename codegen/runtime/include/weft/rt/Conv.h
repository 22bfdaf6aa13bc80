// Conv.h - N-d convolution and transposed convolution (NCHW / OIHW) as im2col / col2im around gemm_blocked.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/rt/ConvDepthwise.h"
#include "weft/rt/ConvDirect.h"
#include "weft/rt/ConvPadded.h"
#include "weft/rt/Gemm.h"
#include "weft/rt/Im2col2d.h"
#include "weft/rt/NnCommon.h"
#include "weft/rt/PackedWeights.h"

namespace weft_rt {

// The geometry col2im and pack_im2col share: which image element a (kernel position, output grid
// position) pair reads, and along the last dim the range of grid positions that read no padding.
struct ConvWalk {
  const Shape& image;
  const Window& w;
  size_t last;  // the last spatial dim

  // kidx = the multi-index of kernel position `flat` in `kernel`.
  static void unravel(int64_t flat, const Shape& kernel, Shape& kidx) {
    for (int64_t d = int64_t(kidx.size()) - 1; d >= 0; --d) {
      kidx[size_t(d)] = flat % kernel[size_t(d)];
      flat /= kernel[size_t(d)];
    }
  }
  // The offset along the last image dim of grid position 0 for kernel index kidx.
  int64_t last_offset(const Shape& kidx) const { return kidx[last] * w.dilations[last] - w.pads_begin[last]; }
  // [lo, hi): the last-dim grid positions p < glast with 0 <= p*stride + off < image's last dim.
  std::pair<int64_t, int64_t> valid_last(int64_t off, int64_t glast) const {
    const int64_t s = w.strides[last], n = image[last];
    const int64_t lo = std::min(glast, off >= 0 ? 0 : (-off + s - 1) / s);
    return {lo, std::max(lo, std::min(glast, n - off <= 0 ? 0 : (n - off - 1) / s + 1))};
  }
  // The row (flat index over all but the last image dim) that grid position gidx reads through
  // kernel index kidx, or -1 where that falls in the padding.
  int64_t row_of(const Shape& gidx, const Shape& kidx) const {
    int64_t base = 0;
    for (size_t d = 0; d < last; ++d) {
      const int64_t t = gidx[d] * w.strides[d] - w.pads_begin[d] + kidx[d] * w.dilations[d];
      if (t < 0 || t >= image[d]) return -1;
      base = base * image[d] + t;
    }
    return base;
  }
};

// col2im: adds a column matrix (channels*K rows x prod(grid) columns, K = kernel positions)
// into an image (channels x `image` grid). Column row (c, kidx) at grid position p is image
// position p*stride - pad_begin + kidx*dilation, skipped where that falls in the padding.
// The innermost loop runs along the last grid dim over a valid range computed up front.
// (im2col, the reverse gather, happens inside pack_im2col, with the same geometry.)
template <typename T>
void col2im(const T* col, T* img, int64_t channels, const Shape& grid, const Shape& image, const Shape& kernel,
            const Window& w) {
  const size_t nsp = grid.size(), last = nsp - 1;
  const int64_t ks = numel(kernel), gs = numel(grid), is = numel(image);
  const int64_t glast = grid[last], ilast = image[last], outer = glast ? gs / glast : 0;
  const ConvWalk walk{image, w, last};
  const int64_t s = w.strides[last];
  Shape kidx(nsp), gidx(nsp);
  for (int64_t c = 0; c < channels; ++c) {
    T* im = img + c * is;
    for (int64_t kf = 0; kf < ks; ++kf) {
      ConvWalk::unravel(kf, kernel, kidx);
      const T* row = col + (c * ks + kf) * gs;
      const int64_t off = walk.last_offset(kidx);
      const auto [p_lo, p_hi] = walk.valid_last(off, glast);
      std::fill(gidx.begin(), gidx.end(), 0);
      for (int64_t r = 0; r < outer; ++r, row += glast) {
        const int64_t base = walk.row_of(gidx, kidx);
        const int64_t at = base * ilast + off;  // image index of grid position p is at + p*s
        if (base >= 0)
          for (int64_t p = p_lo; p < p_hi; ++p) im[at + p * s] += row[p];
        for (int64_t d = int64_t(last) - 1; d >= 0; --d) {  // odometer over all but the last grid dim
          if (++gidx[size_t(d)] < grid[size_t(d)]) break;
          gidx[size_t(d)] = 0;
        }
      }
    }
  }
}

// Packs B[k0 : k0+kc, j0 : j0+nc] of one image group's implicit im2col matrix (row
// (channel, kernel position), column output position: col2im's geometry in reverse)
// straight into the GEMM's NR-wide panels, so conv never writes the column matrix out.
// Positions walk the output grid with an odometer; along the last dim the valid range is
// computed once per row.
template <typename T, typename A>
void pack_im2col(const T* img, const Shape& grid, const Shape& image, const Shape& kernel, const Window& w, int64_t k0,
                 int64_t j0, int64_t kc, int64_t nc, A* out) {
  constexpr int64_t NR = GemmTile<A>::NR;
  const size_t nsp = grid.size(), last = nsp - 1;
  const int64_t ks = numel(kernel), is = numel(image), glast = grid[last], ilast = image[last];
  const int64_t npad = (nc + NR - 1) / NR * NR;
  const ConvWalk walk{image, w, last};
  const int64_t s = w.strides[last];
  Shape kidx(nsp), gidx(nsp);
  for (int64_t kk = 0; kk < kc; ++kk) {
    const int64_t row = k0 + kk;
    ConvWalk::unravel(row % ks, kernel, kidx);
    const T* im = img + (row / ks) * is;
    const int64_t off = walk.last_offset(kidx);
    const auto [p_lo, p_hi] = walk.valid_last(off, glast);
    ConvWalk::unravel(j0, grid, gidx);
    A* dst = out + kk * NR;  // column jj of the block lands at dst[(jj / NR) * kc * NR + jj % NR]
    int64_t jj = 0;
    // Writes columns [jj, jj + count): value(i) for the i-th, in runs that stay inside one panel
    // (so each run is a plain contiguous store the compiler vectorizes).
    const auto put = [&](int64_t count, auto value) {
      for (int64_t i = 0; i < count;) {
        const int64_t lane = jj % NR, run = std::min(count - i, NR - lane);
        A* d = dst + (jj / NR) * kc * NR + lane;
        for (int64_t r = 0; r < run; ++r) d[r] = value(i + r);
        i += run;
        jj += run;
      }
    };
    while (jj < nc) {
      const int64_t p0 = gidx[last], len = std::min(glast - p0, nc - jj);
      const int64_t base = walk.row_of(gidx, kidx);
      const bool valid = base >= 0;
      const T* src = valid ? im + base * ilast + off : im;  // image element of last-dim position p is src[p*s]
      const int64_t lo = valid ? std::clamp(p_lo, p0, p0 + len) : p0 + len, hi = valid ? std::clamp(p_hi, lo, p0 + len) : p0 + len;
      put(lo - p0, [](int64_t) { return A(0); });
      if (s == 1) {
        const T* from = src + lo;
        put(hi - lo, [from](int64_t i) { return A(from[i]); });
      } else {
        const T* from = src + lo * s;
        put(hi - lo, [from, s](int64_t i) { return A(from[i * s]); });
      }
      put(p0 + len - hi, [](int64_t) { return A(0); });
      gidx[last] = p0 + len;
      for (int64_t d = int64_t(last); d > 0 && gidx[size_t(d)] == grid[size_t(d)]; --d) {  // carry
        gidx[size_t(d)] = 0;
        ++gidx[size_t(d) - 1];
      }
    }
    for (; jj < npad; ++jj) dst[(jj / NR) * kc * NR + jj % NR] = A(0);
  }
}

// out[n, m, ...] += bias[m] when the optional bias is present.
// (Its size was checked by the op's shape function.)
template <typename T>
void add_channel_bias(const Tensor& bias, int64_t n, int64_t m, int64_t plane, T* out) {
  if (!present(bias)) return;
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

inline void check_channel_bias(const Tensor& bias, int64_t m, const char* op) {
  if (present(bias) && bias.size() != m)
    throw Error(std::string(op) + ": bias must have " + std::to_string(m) + " values (one per output channel), found " +
                shape_str(bias.shape()));
}

// conv's result shape [N, M, out...] (the kernel's and the run-time shape function's), after
// checking x, the weight and the optional bias against each other.
inline Shape conv_output_shape(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w, int64_t groups) {
  const size_t nsp = w.strides.size();
  check_conv_ranks(x, wt, nsp, "conv");
  const int64_t n = x.dim(0), cin = x.dim(1), cout = wt.dim(0), cin_g = wt.dim(1), g = groups;
  if (cin_g * g != cin || cout % g != 0)
    throw Error("conv: weight " + shape_str(wt.shape()) + " does not fit x " + shape_str(x.shape()) + " with groups=" +
                std::to_string(g) + " (x needs " + std::to_string(cin_g * g) + " channels)");
  Shape out = {n, cout};
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t in = x.dim(int(i) + 2), k = wt.dim(int(i) + 2);
    const int64_t span = in + w.pads_begin[i] + w.pads_end[i] - w.dilations[i] * (k - 1) - 1;
    if (span < 0 || k < 1)
      throw Error("conv: spatial dim " + std::to_string(i) + " of x " + shape_str(x.shape()) +
                  " is smaller than the dilated kernel " + shape_str(wt.shape()));
    out.push_back(span / w.strides[i] + 1);
  }
  check_channel_bias(bias, cout, "conv");
  return out;
}

// conv_transpose's result shape [N, M, out...], after the same checks;
// out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pad_begin - pad_end.
inline Shape conv_transpose_output_shape(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w,
                                         const Shape& output_padding, int64_t groups) {
  const size_t nsp = w.strides.size();
  check_conv_ranks(x, wt, nsp, "conv_transpose");
  const int64_t n = x.dim(0), cin = x.dim(1), g = groups, cout = wt.dim(1) * g;
  if (wt.dim(0) != cin || cin % g != 0)
    throw Error("conv_transpose: weight " + shape_str(wt.shape()) + " does not fit x " + shape_str(x.shape()) +
                " with groups=" + std::to_string(g) + " (the weight's first dim must equal x's channels)");
  Shape out = {n, cout};
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t o = w.strides[i] * (x.dim(int(i) + 2) - 1) + output_padding[i] + w.dilations[i] * (wt.dim(int(i) + 2) - 1) +
                      1 - w.pads_begin[i] - w.pads_end[i];
    if (o < 1) throw Error("conv_transpose: output spatial dim " + std::to_string(i) + " would be " + std::to_string(o));
    out.push_back(o);
  }
  check_channel_bias(bias, cout, "conv_transpose");
  return out;
}

// ONNX Conv: x [N, C, spatial...], w [M, C/groups, k...], optional bias [M]. A float
// depthwise conv (1-D/2-D) runs the direct kernel of ConvDirect.h, and a float 2-D stride-1 conv
// the padded-image GEMM of ConvPadded.h. Otherwise each image and group is one GEMM: W_g [M/g, C/g*K] times its implicit im2col matrix [C/g*K, out
// positions], packed panel by panel (a 1x1 kernel with unit strides and no padding
// multiplies the image directly, over one position as a matrix-vector product); the group's
// bias is where the GEMM's accumulators start. A constant float filter is packed into GEMM
// panels on first use and reused by every later run (PackedWeights.h). `epi` (Epilogue.h), when
// given, rewrites the GEMM's output tiles as they are stored (the direct depthwise and
// matrix-vector paths apply it to their result afterwards).
template <typename T>
Tensor conv(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w, int64_t groups,
            const Epilogue<T>& epi = {}) {
  const size_t nsp = w.strides.size();
  const Shape oshape = conv_output_shape(x, wt, bias, w, groups);
  const int64_t n = x.dim(0), cin = x.dim(1), cout = wt.dim(0), cin_g = wt.dim(1), g = groups;
  const Shape isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()),
      osp(oshape.begin() + 2, oshape.end());
  Tensor out = Tensor::empty<T>(oshape);
  epi.begin(out);
  const int64_t is = numel(isp), ks = numel(ksp), os = numel(osp), cout_g = cout / g, kk = cin_g * ks;
  bool pointwise = ks == 1;
  for (size_t i = 0; i < nsp; ++i) pointwise = pointwise && w.strides[i] == 1 && w.pads_begin[i] == 0 && w.pads_end[i] == 0;
  const T* xd = x.data<T>();
  const T* bd = present(bias) ? bias.data<T>() : nullptr;
  T* od = out.data<T>();
  if constexpr (std::is_floating_point_v<T>) {
    if (is_depthwise(cin, cin_g, g, cout, nsp)) {
      depthwise_conv<T>(xd, wt.data<T>(), bd, od, n, cin, cout, isp, ksp, osp, w);
      epilogue_rows(epi, od, os, n * cout, os);
      return out;
    }
  }
  for (int64_t b = 0; b < n; ++b)
    for (int64_t gi = 0; gi < g; ++gi) {
      const T* xg = xd + (b * cin + gi * cin_g) * is;
      const T* wg = wt.data<T>() + gi * cout_g * kk;
      T* og = od + (b * cout + gi * cout_g) * os;
      GemmPackedA<gemm_acc_t<T>> wpacked;
      if constexpr (std::is_floating_point_v<T>) {
        if (pointwise && os == 1) {
          pointwise_gemv(wg, xg, bd ? bd + gi * cout_g : nullptr, cout_g, kk, og);
          epilogue_rows(epi, og, os, cout_g, os);
          continue;
        }
      }
      const T* gbias = bd ? bd + gi * cout_g : nullptr;  // added by the GEMM's tiles as they store
      if constexpr (std::is_same_v<T, float>) {
        if (conv_padded_applies(isp, ksp, osp, w)) {  // stride 1: B read in place from the padded image
          conv_padded_2d(xg, wg, wt.is_constant(), gbias, og, cin_g, cout_g, isp, ksp, osp, w, epi);
          continue;
        }
        if (wt.is_constant() && cout_g > 1) wpacked = packed_constant_a(wg, cout_g, kk);
      }
      if (pointwise) {  // B is the image itself, [C/g, positions] row-major
        gemm_blocked<T>(cout_g, os, kk, wg, kk, 1, xg, os, 1, og, os, false, wpacked, {}, gbias, epi);
      } else {
        gemm_blocked_with<T>(cout_g, os, kk, wg, kk, 1, [&](int64_t k0, int64_t j0, int64_t kc, int64_t nc, gemm_acc_t<T>* panels) {
          if (nsp == 2) pack_im2col_2d(xg, osp, isp, ksp, w, k0, j0, kc, nc, panels);
          else pack_im2col(xg, osp, isp, ksp, w, k0, j0, kc, nc, panels);
        }, og, os, false, wpacked, gbias, epi);
      }
    }
  return out;
}

// ONNX ConvTranspose: x [N, C, spatial...], w [C, M/groups, k...], optional bias [M];
// out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pad_begin - pad_end. Each image
// and group: col = W_g^T x_g (one GEMM), then col2im scatters the columns into the output.
template <typename T>
Tensor conv_transpose(const Tensor& x, const Tensor& wt, const Tensor& bias, const Window& w,
                      const Shape& output_padding, int64_t groups) {
  const Shape oshape = conv_transpose_output_shape(x, wt, bias, w, output_padding, groups);
  const int64_t n = x.dim(0), cin = x.dim(1), g = groups, cout_g = wt.dim(1), cout = cout_g * g, cin_g = cin / g;
  const Shape isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()),
      osp(oshape.begin() + 2, oshape.end());
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
      col2im<T>(col.data(), od + (b * cout + gi * cout_g) * os, cout_g, isp, osp, ksp, w);
    }
  add_channel_bias<T>(bias, n, cout, os, od);
  return out;
}

}  // namespace weft_rt
