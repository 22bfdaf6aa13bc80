// Pool.h - N-d max / average / Lp pooling (ONNX sizes, ceil mode, count_include_pad) and global pools.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "weft/rt/Conv.h"
#include "weft/rt/PoolRows.h"

namespace weft_rt {

// Pooled length; in ceil mode the last window must start inside the input or its begin padding.
inline int64_t pool_out_len(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode) {
  const int64_t span = in + pb + pe - d * (k - 1) - 1;
  if (span < 0) return 0;
  if (!ceil_mode) return span / s + 1;
  int64_t out = (span + s - 1) / s + 1;
  if ((out - 1) * s >= in + pb) --out;
  return out;
}

// Every window of one plane, computed once and shared by all N*C planes: window o's
// in-bounds taps are offs[start[o] .. start[o+1]) (in-plane offsets), and padded[o] counts
// its taps inside the padded extent [-pad_begin, in + pad_end) (count_include_pad's divisor).
struct PoolWindows {
  Shape out;
  std::vector<int64_t> start, offs, padded;
};

// The pooled shape [N, C, out...] of max_pool, avg_pool and lp_pool (the kernels' and the
// run-time shape function's), after checking x's rank and that every window fits.
inline Shape pool_output_shape(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode, const char* op) {
  const size_t nsp = kernel.size();
  if (x.rank() != int(nsp) + 2)
    throw Error(std::string(op) + ": x must be [N, C, spatial...] with " + std::to_string(nsp) + " spatial dims, found " +
                shape_str(x.shape()));
  Shape out = {x.dim(0), x.dim(1)};
  for (size_t d = 0; d < nsp; ++d) {
    const int64_t o = pool_out_len(x.dim(int(d) + 2), kernel[d], w.strides[d], w.pads_begin[d], w.pads_end[d], w.dilations[d],
                                   ceil_mode);
    if (o < 1)
      throw Error(std::string(op) + ": spatial dim " + std::to_string(d) + " of x " + shape_str(x.shape()) +
                  " is smaller than the window");
    out.push_back(o);
  }
  return out;
}

inline PoolWindows pool_windows(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode, const char* op) {
  const size_t nsp = kernel.size();
  const Shape oshape = pool_output_shape(x, kernel, w, ceil_mode, op);
  const Shape in(x.shape().begin() + 2, x.shape().end());
  PoolWindows pw;
  pw.out.assign(oshape.begin() + 2, oshape.end());
  // Per dim and output index: the in-bounds taps' coordinates, and the padded-extent tap count.
  std::vector<std::vector<std::vector<int64_t>>> taps(nsp);
  std::vector<std::vector<int64_t>> padded(nsp);
  for (size_t d = 0; d < nsp; ++d) {
    const int64_t o = pw.out[d];
    taps[d].resize(size_t(o));
    for (int64_t i = 0; i < o; ++i) {
      int64_t np = 0;
      for (int64_t j = 0; j < kernel[d]; ++j) {
        const int64_t t = i * w.strides[d] - w.pads_begin[d] + j * w.dilations[d];
        if (t < in[d] + w.pads_end[d]) ++np;
        if (t >= 0 && t < in[d]) taps[d][size_t(i)].push_back(t);
      }
      padded[d].push_back(np);
    }
  }
  const int64_t os = numel(pw.out);
  Shape oidx(nsp, 0), widx(nsp, 0);
  pw.start.push_back(0);
  for (int64_t o = 0; o < os; ++o) {
    int64_t total = 1, np = 1;
    for (size_t d = 0; d < nsp; ++d) {
      total *= int64_t(taps[d][size_t(oidx[d])].size());
      np *= padded[d][size_t(oidx[d])];
    }
    std::fill(widx.begin(), widx.end(), 0);
    for (int64_t t = 0; t < total; ++t) {
      int64_t off = 0;
      for (size_t d = 0; d < nsp; ++d) off = off * in[d] + taps[d][size_t(oidx[d])][size_t(widx[d])];
      pw.offs.push_back(off);
      for (int64_t d = int64_t(nsp) - 1; d >= 0; --d) {
        if (++widx[size_t(d)] < int64_t(taps[size_t(d)][size_t(oidx[size_t(d)])].size())) break;
        widx[size_t(d)] = 0;
      }
    }
    pw.start.push_back(int64_t(pw.offs.size()));
    pw.padded.push_back(np);
    for (int64_t d = int64_t(nsp) - 1; d >= 0; --d) {
      if (++oidx[size_t(d)] < pw.out[size_t(d)]) break;
      oidx[size_t(d)] = 0;
    }
  }
  return pw;
}

// y[plane, o] = reduce(plane data, window o's offsets, their count, padded count) for every plane.
template <typename T, typename Reduce>
Tensor pool_with(const Tensor& x, const PoolWindows& pw, Reduce reduce) {
  Shape oshape = {x.dim(0), x.dim(1)};
  oshape.insert(oshape.end(), pw.out.begin(), pw.out.end());
  Tensor out = Tensor::empty<T>(oshape);
  const int64_t planes = x.dim(0) * x.dim(1), os = numel(pw.out), is = numel(Shape(x.shape().begin() + 2, x.shape().end()));
  const T* src = x.data<T>();
  T* dst = out.data<T>();
  for (int64_t p = 0; p < planes; ++p, src += is, dst += os)
    for (int64_t o = 0; o < os; ++o) {
      const int64_t b = pw.start[size_t(o)];
      dst[o] = reduce(src, pw.offs.data() + b, pw.start[size_t(o) + 1] - b, pw.padded[size_t(o)]);
    }
  return out;
}

// Max over the window; padding never wins, a NaN does (an empty window gives -inf).
// Float 1-D/2-D pools run row by row (PoolRows.h); the rest through the window tables.
template <typename T, typename Rows>
bool pool_by_rows(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode, const char* op, Tensor& out, Rows rows) {
  if constexpr (!std::is_floating_point_v<T>) {
    return false;
  } else {
    if (kernel.size() != 1 && kernel.size() != 2) return false;
    const Shape oshape = pool_output_shape(x, kernel, w, ceil_mode, op);
    out = Tensor::empty<T>(oshape);
    const PoolPlane pp = pool_plane(Shape(x.shape().begin() + 2, x.shape().end()), Shape(oshape.begin() + 2, oshape.end()), kernel, w);
    rows(x.data<T>(), out.data<T>(), x.dim(0) * x.dim(1), pp);
    return true;
  }
}

template <typename T>
Tensor max_pool(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode) {
  Tensor out;
  if (pool_by_rows<T>(x, kernel, w, ceil_mode, "max_pool", out,
                      [](const T* src, T* dst, int64_t planes, const PoolPlane& pp) { max_pool_rows(src, dst, planes, pp); }))
    return out;
  const PoolWindows pw = pool_windows(x, kernel, w, ceil_mode, "max_pool");
  return pool_with<T>(x, pw, [](const T* p, const int64_t* offs, int64_t n, int64_t) {
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < n; ++i) {
      const T v = p[offs[i]];
      if (v > m || std::isnan(v)) m = v;
      if (std::isnan(m)) break;
    }
    return m;
  });
}

// Mean over the in-bounds taps, or with count_include_pad over every tap in the padded extent.
template <typename T>
Tensor avg_pool(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode, bool count_include_pad) {
  Tensor out;
  if (pool_by_rows<T>(x, kernel, w, ceil_mode, "avg_pool", out, [count_include_pad](const T* src, T* dst, int64_t planes, const PoolPlane& pp) {
        avg_pool_rows(src, dst, planes, pp, count_include_pad);
      }))
    return out;
  const PoolWindows pw = pool_windows(x, kernel, w, ceil_mode, "avg_pool");
  return pool_with<T>(x, pw, [count_include_pad](const T* p, const int64_t* offs, int64_t n, int64_t np) {
    T s = 0;
    for (int64_t i = 0; i < n; ++i) s += p[offs[i]];
    return s / T(count_include_pad ? np : n);
  });
}

// (sum |x|^p)^(1/p) over the window; padding contributes 0.
template <typename T>
Tensor lp_pool(const Tensor& x, const Shape& kernel, const Window& w, bool ceil_mode, int64_t pexp) {
  const PoolWindows pw = pool_windows(x, kernel, w, ceil_mode, "lp_pool");
  const T pf = T(pexp), inv = T(1) / pf;
  return pool_with<T>(x, pw, [pexp, pf, inv](const T* p, const int64_t* offs, int64_t n, int64_t) {
    T s = 0;
    if (pexp == 2) {
      for (int64_t i = 0; i < n; ++i) s += p[offs[i]] * p[offs[i]];
      return std::sqrt(s);
    }
    for (int64_t i = 0; i < n; ++i) s += std::pow(std::fabs(p[offs[i]]), pf);
    return std::pow(s, inv);
  });
}

// Mean or max over all spatial dims of x [N, C, spatial...], kept as size-1 dims.
// The result shape [N, C, 1...] of the global pools (the kernel's and the shape function's).
inline Shape global_pool_output_shape(const Tensor& x, const char* op) {
  if (x.rank() < 3) throw Error(std::string(op) + ": x must be [N, C, spatial...], found " + shape_str(x.shape()));
  Shape out = {x.dim(0), x.dim(1)};
  out.resize(size_t(x.rank()), 1);
  return out;
}

// A plane's sum or NaN-keeping max with kLanes independent partial results (so the loop
// vectorizes without reassociation flags), combined at the end.
template <typename T, bool IsMax>
inline T plane_reduce(const T* src, int64_t n) {
  constexpr int64_t kLanes = 16;
  const T init = IsMax ? -std::numeric_limits<T>::infinity() : T(0);
  T part[kLanes];
  std::fill(part, part + kLanes, init);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) part[l] = IsMax ? max_keep_nan(part[l], src[i + l]) : part[l] + src[i + l];
  T r = init;
  for (int64_t l = 0; l < kLanes; ++l) r = IsMax ? max_keep_nan(r, part[l]) : r + part[l];
  for (; i < n; ++i) r = IsMax ? max_keep_nan(r, src[i]) : r + src[i];
  return r;
}

template <typename T>
Tensor global_pool(const Tensor& x, bool is_max, const char* op) {
  Tensor out = Tensor::empty<T>(global_pool_output_shape(x, op));
  const int64_t planes = x.dim(0) * x.dim(1), is = numel(Shape(x.shape().begin() + 2, x.shape().end()));
  const T* src = x.data<T>();
  T* dst = out.data<T>();
  for (int64_t p = 0; p < planes; ++p, src += is) dst[p] = is_max ? plane_reduce<T, true>(src, is) : plane_reduce<T, false>(src, is) / T(is);
  return out;
}
template <typename T> Tensor global_avg_pool(const Tensor& x) { return global_pool<T>(x, false, "global_avg_pool"); }
template <typename T> Tensor global_max_pool(const Tensor& x) { return global_pool<T>(x, true, "global_max_pool"); }

}  // namespace weft_rt
