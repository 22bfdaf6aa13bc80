// Norm.h - normalizations: batch_norm (inference), layer_norm, instance_norm, group_norm, lrn.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "weft/rt/Elementwise.h"
#include "weft/rt/NnCommon.h"

namespace weft_rt {

// Statistics are two-pass in double; the per-element work is an affine map in T
// (y = x * a + b with a, b per channel or row), a loop the compiler vectorizes.

// Mean and 1/sqrt(var + eps) of n values. Each sum runs over 8 independent double lanes
// (combined at the end), so that the compiler vectorizes it without reassociating: a single
// running sum is a chain of dependent adds, the whole cost of layer norm over short rows.
template <typename T>
void mean_rstd(const T* p, int64_t n, double eps, double* mean, double* rstd) {
  constexpr int kLanes = 8;
  double lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] += double(p[i + l]);
  double s = 0;
  for (int l = 0; l < kLanes; ++l) s += lane[l];
  for (; i < n; ++i) s += double(p[i]);
  const double m = n ? s / double(n) : 0.0;
  for (int l = 0; l < kLanes; ++l) lane[l] = 0;
  for (i = 0; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] += (double(p[i + l]) - m) * (double(p[i + l]) - m);
  double v = 0;
  for (int l = 0; l < kLanes; ++l) v += lane[l];
  for (; i < n; ++i) v += (double(p[i]) - m) * (double(p[i]) - m);
  *mean = m;
  *rstd = 1.0 / std::sqrt((n ? v / double(n) : 0.0) + eps);
}

inline void check_channel_vector(const Tensor& t, int64_t c, const char* name, const char* op) {
  if (t.size() != c)
    throw Error(std::string(op) + ": " + name + " must have " + std::to_string(c) + " values (one per channel of x), found " +
                shape_str(t.shape()));
}

inline void check_min_rank(const Tensor& x, int rank, const char* layout, const char* op) {
  if (x.rank() < rank) throw Error(std::string(op) + ": x must be " + layout + ", found " + shape_str(x.shape()));
}

// The result shape of each normalization is x's; these functions (the kernels' and the
// run-time shape functions') check the parameters against x first.

inline Shape batch_norm_output_shape(const Tensor& x, const Tensor& scale, const Tensor& bias, const Tensor& mean,
                                     const Tensor& var) {
  check_min_rank(x, 2, "[N, C, ...]", "batch_norm");
  const int64_t c = x.dim(1);
  check_channel_vector(scale, c, "scale", "batch_norm");
  check_channel_vector(bias, c, "bias", "batch_norm");
  check_channel_vector(mean, c, "mean", "batch_norm");
  check_channel_vector(var, c, "var", "batch_norm");
  return x.shape();
}

// (x - mean) / sqrt(var + eps) * scale + bias per channel of x [N, C, ...].
template <typename T>
Tensor batch_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, const Tensor& mean, const Tensor& var, double eps) {
  Tensor out = Tensor::empty<T>(batch_norm_output_shape(x, scale, bias, mean, var));
  const int64_t n = x.dim(0), c = x.dim(1), plane = numel(Shape(x.shape().begin() + 2, x.shape().end()));
  const T *sc = scale.data<T>(), *bi = bias.data<T>(), *mu = mean.data<T>(), *va = var.data<T>();
  for (int64_t ch = 0; ch < c; ++ch) {
    const T a = T(double(sc[ch]) / std::sqrt(double(va[ch]) + eps));
    const T b = T(double(bi[ch]) - double(mu[ch]) * double(a));
    for (int64_t i = 0; i < n; ++i) {
      const T* src = x.data<T>() + (i * c + ch) * plane;
      T* dst = out.data<T>() + (i * c + ch) * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] * a + b;
    }
  }
  return out;
}

inline void check_param_broadcast(const Shape& ps, const Shape& shape, const char* name, const char* op) {
  bool ok = ps.size() <= shape.size();
  for (size_t i = 0; ok && i < ps.size(); ++i) ok = ps[i] == 1 || ps[i] == shape[shape.size() - ps.size() + i];
  if (!ok)
    throw Error(std::string(op) + ": " + name + " of shape " + shape_str(ps) + " does not broadcast to the normalized shape " +
                shape_str(shape));
}

// A parameter broadcast (right-aligned) to `shape`, materialized (layer_norm_output_shape
// checked that it broadcasts).
template <typename T>
std::vector<T> expand_param(const Tensor& p, const Shape& shape) {
  const Shape& ps = p.shape();
  std::vector<T> out(size_t(numel(shape)));
  const T* src = p.data<T>();
  size_t w = 0;
  for_each_row<1>(shape, {&ps}, [&](const std::array<int64_t, 1>& off, int64_t len, const std::array<int64_t, 1>& st) {
    for (int64_t i = 0; i < len; ++i) out[w + size_t(i)] = src[off[0] + i * st[0]];
    w += size_t(len);
  });
  return out;
}

inline Shape layer_norm_output_shape(const Tensor& x, const Tensor& scale, const Tensor& bias, int axis) {
  if (axis < 0 || axis > x.rank())
    throw Error("layer_norm: axis " + std::to_string(axis) + " is out of range for x " + shape_str(x.shape()));
  const Shape norm(x.shape().begin() + axis, x.shape().end());
  check_param_broadcast(scale.shape(), norm, "scale", "layer_norm");
  if (present(bias)) check_param_broadcast(bias.shape(), norm, "bias", "layer_norm");
  return x.shape();
}

// Normalizes x over its dims axis..end, then * scale + bias (which broadcast to those dims).
template <typename T>
Tensor layer_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, int axis, double eps) {
  Tensor out = Tensor::empty<T>(layer_norm_output_shape(x, scale, bias, axis));
  const Shape norm(x.shape().begin() + axis, x.shape().end());
  const int64_t len = numel(norm), rows = len ? x.size() / len : 0;
  // Parameters of exactly the normalized shape (the usual case) are read in place; others are
  // broadcast into a copy.
  std::vector<T> sc_copy, bi_copy;
  const T* sc = scale.shape() == norm ? scale.data<T>() : (sc_copy = expand_param<T>(scale, norm)).data();
  const T* bi = nullptr;
  if (present(bias)) bi = bias.shape() == norm ? bias.data<T>() : (bi_copy = expand_param<T>(bias, norm)).data();
  for (int64_t r = 0; r < rows; ++r) {
    const T* src = x.data<T>() + r * len;
    T* dst = out.data<T>() + r * len;
    double mean, rstd;
    mean_rstd(src, len, eps, &mean, &rstd);
    const T m = T(mean), s = T(rstd);
    if (bi)
      for (int64_t j = 0; j < len; ++j) dst[j] = (src[j] - m) * s * sc[j] + bi[j];
    else
      for (int64_t j = 0; j < len; ++j) dst[j] = (src[j] - m) * s * sc[j];
  }
  return out;
}

// Statistics over each (n, group) slab of x [N, C, spatial...] (groups == 0: one group per
// channel, instance_norm), then per-channel scale and bias.
inline Shape grouped_norm_output_shape(const Tensor& x, const Tensor& scale, const Tensor& bias, int64_t groups,
                                       const char* op) {
  check_min_rank(x, 3, "[N, C, spatial...]", op);
  const int64_t c = x.dim(1);
  if (groups == 0) groups = c;
  if (groups < 1 || c % groups != 0)
    throw Error(std::string(op) + ": x has " + std::to_string(c) + " channels, not a multiple of num_groups=" +
                std::to_string(groups));
  check_channel_vector(scale, c, "scale", op);
  check_channel_vector(bias, c, "bias", op);
  return x.shape();
}
inline Shape instance_norm_output_shape(const Tensor& x, const Tensor& scale, const Tensor& bias) {
  return grouped_norm_output_shape(x, scale, bias, 0, "instance_norm");
}
inline Shape group_norm_output_shape(const Tensor& x, const Tensor& scale, const Tensor& bias, int64_t num_groups) {
  return grouped_norm_output_shape(x, scale, bias, num_groups, "group_norm");
}

template <typename T>
Tensor grouped_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, int64_t groups, double eps, const char* op) {
  Tensor out = Tensor::empty<T>(grouped_norm_output_shape(x, scale, bias, groups, op));
  const int64_t n = x.dim(0), c = x.dim(1);
  const int64_t plane = numel(Shape(x.shape().begin() + 2, x.shape().end()));
  if (groups == 0) groups = c;
  const int64_t cg = c / groups, len = cg * plane;
  const T *sc = scale.data<T>(), *bi = bias.data<T>();
  for (int64_t i = 0; i < n * groups; ++i) {
    double mean, rstd;
    mean_rstd(x.data<T>() + i * len, len, eps, &mean, &rstd);
    for (int64_t k = 0; k < cg; ++k) {
      const int64_t ch = (i % groups) * cg + k;
      const T a = T(rstd * double(sc[ch])), b = T(double(bi[ch]) - mean * rstd * double(sc[ch]));
      const T* src = x.data<T>() + i * len + k * plane;
      T* dst = out.data<T>() + i * len + k * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] * a + b;
    }
  }
  return out;
}
template <typename T>
Tensor instance_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, double eps) {
  return grouped_norm<T>(x, scale, bias, 0, eps, "instance_norm");
}
template <typename T>
Tensor group_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, int64_t num_groups, double eps) {
  return grouped_norm<T>(x, scale, bias, num_groups, eps, "group_norm");
}

// ONNX LRN: x / (bias + alpha/size * sum of x^2 over channels [c - floor((size-1)/2),
// c + ceil((size-1)/2)])^beta, the window sum kept per plane position.
inline Shape lrn_output_shape(const Tensor& x) {
  check_min_rank(x, 2, "[N, C, ...]", "lrn");
  return x.shape();
}

template <typename T>
Tensor lrn(const Tensor& x, int64_t size, double alpha_d, double beta_d, double bias_d) {
  lrn_output_shape(x);
  const int64_t n = x.dim(0), c = x.dim(1), plane = numel(Shape(x.shape().begin() + 2, x.shape().end()));
  const int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  const T alpha = T(alpha_d / double(size)), beta = T(beta_d), bias = T(bias_d);
  Tensor out = Tensor::empty<T>(x.shape());
  std::vector<T> sq(static_cast<size_t>(plane));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch) {
      std::fill(sq.begin(), sq.end(), T(0));
      for (int64_t k = std::max<int64_t>(0, ch - lo); k <= std::min(c - 1, ch + hi); ++k) {
        const T* src = x.data<T>() + (i * c + k) * plane;
        for (int64_t j = 0; j < plane; ++j) sq[size_t(j)] += src[j] * src[j];
      }
      const T* src = x.data<T>() + (i * c + ch) * plane;
      T* dst = out.data<T>() + (i * c + ch) * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] / std::pow(bias + alpha * sq[size_t(j)], beta);
    }
  return out;
}

}  // namespace weft_rt
