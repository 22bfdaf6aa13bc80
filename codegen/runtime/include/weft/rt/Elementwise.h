// Elementwise.h - unary, binary and ternary maps with NumPy broadcasting, and cast.
#pragma once

#include <array>
#include <cmath>
#include <type_traits>
#include <utility>

#include "weft/rt/Tensor.h"

namespace weft_rt {

// NumPy broadcasting of two shapes; an Error names both when they do not fit.
inline Shape broadcast_shape(const Shape& a, const Shape& b, const char* op) {
  size_t r = a.size() > b.size() ? a.size() : b.size();
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Element strides of `s` when read as `out`: right-aligned, 0 along broadcast dims.
inline Shape broadcast_strides(const Shape& s, const Shape& out) {
  Shape st(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < s.size(); ++k) {
    size_t i = s.size() - 1 - k, o = out.size() - 1 - k;
    st[o] = s[i] == 1 ? 0 : stride;
    stride *= s[i];
  }
  return st;
}

// Dims that every operand walks as one (each stride = the inner dim's stride times its
// size: contiguous runs, or broadcast along both) merge, so a per-channel [1, C, 1, 1]
// operand against [N, C, H, W] gives rows of H*W, not of W. Size-1 dims drop out.
template <size_t N>
void merge_dims(Shape& out, std::array<Shape, N>& st) {
  Shape mo;
  std::array<Shape, N> ms;
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;
    bool merge = !mo.empty();
    for (size_t j = 0; j < N && merge; ++j) merge = ms[j].back() == st[j][d] * out[d];
    if (merge) {
      mo.back() *= out[d];
      for (size_t j = 0; j < N; ++j) ms[j].back() = st[j][d];
    } else {
      mo.push_back(out[d]);
      for (size_t j = 0; j < N; ++j) ms[j].push_back(st[j][d]);
    }
  }
  out = std::move(mo);
  st = std::move(ms);
}

// Calls body(offsets, n, inner_strides) for each run of the innermost dim of `out`, with
// every input's element offset at the start of the run; the inner loop stays simple
// enough for the compiler to vectorize when the strides are 1.
template <size_t N, typename Body>
void for_each_row(const Shape& out_shape, const std::array<const Shape*, N>& shapes, Body body) {
  if (numel(out_shape) == 0) return;
  std::array<Shape, N> st;
  for (size_t j = 0; j < N; ++j) st[j] = broadcast_strides(*shapes[j], out_shape);
  Shape out = out_shape;
  merge_dims<N>(out, st);
  const int r = int(out.size());
  const int64_t inner = r ? out[size_t(r - 1)] : 1;
  std::array<int64_t, N> inner_st{}, off{};
  for (size_t j = 0; j < N; ++j) inner_st[j] = r ? st[j][size_t(r - 1)] : 0;
  Shape idx(r > 0 ? size_t(r - 1) : 0, 0);
  for (;;) {
    body(off, inner, inner_st);
    int d = r - 2;
    for (; d >= 0; --d) {
      for (size_t j = 0; j < N; ++j) off[j] += st[j][size_t(d)];
      if (++idx[size_t(d)] < out[size_t(d)]) break;
      for (size_t j = 0; j < N; ++j) off[j] -= st[j][size_t(d)] * out[size_t(d)];
      idx[size_t(d)] = 0;
    }
    if (d < 0) return;
  }
}

template <typename R, typename A, typename F>
Tensor unary(const Tensor& x, F f) {
  Tensor out = Tensor::empty<R>(x.shape());
  const A* in = x.data<A>();
  R* o = out.data<R>();
  const int64_t n = x.size();
  for (int64_t i = 0; i < n; ++i) o[i] = f(in[i]);
  return out;
}

template <typename R, typename A, typename B, typename F>
Tensor binary(const Tensor& a, const Tensor& b, F f, const char* op) {
  Tensor out = Tensor::empty<R>(broadcast_shape(a.shape(), b.shape(), op));
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  R* o = out.data<R>();
  const int64_t n = out.size();
  if (a.shape() == b.shape()) {
    for (int64_t i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
  } else if (b.size() == 1 && a.size() == n) {
    const B s = pb[0];
    for (int64_t i = 0; i < n; ++i) o[i] = f(pa[i], s);
  } else {
    R* w = o;
    for_each_row<2>(out.shape(), {&a.shape(), &b.shape()}, [&](const std::array<int64_t, 2>& off, int64_t len, const std::array<int64_t, 2>& s) {
      const A* ra = pa + off[0];
      const B* rb = pb + off[1];
      if (s[0] == 1 && s[1] == 1) {  // the common strides get loops the compiler vectorizes
        for (int64_t i = 0; i < len; ++i) w[i] = f(ra[i], rb[i]);
      } else if (s[0] == 1 && s[1] == 0) {
        const B v = rb[0];
        for (int64_t i = 0; i < len; ++i) w[i] = f(ra[i], v);
      } else if (s[0] == 0 && s[1] == 1) {
        const A v = ra[0];
        for (int64_t i = 0; i < len; ++i) w[i] = f(v, rb[i]);
      } else {
        for (int64_t i = 0; i < len; ++i) w[i] = f(ra[i * s[0]], rb[i * s[1]]);
      }
      w += len;
    });
  }
  return out;
}

template <typename T>
Tensor where(const Tensor& c, const Tensor& x, const Tensor& y) {
  Shape s = broadcast_shape(broadcast_shape(c.shape(), x.shape(), "where"), y.shape(), "where");
  Tensor out = Tensor::empty<T>(s);
  const bool* pc = c.data<bool>();
  const T* px = x.data<T>();
  const T* py = y.data<T>();
  T* w = out.data<T>();
  for_each_row<3>(s, {&c.shape(), &x.shape(), &y.shape()}, [&](const std::array<int64_t, 3>& off, int64_t len, const std::array<int64_t, 3>& st) {
    for (int64_t i = 0; i < len; ++i) w[i] = pc[off[0] + i * st[0]] ? px[off[1] + i * st[1]] : py[off[2] + i * st[2]];
    w += len;
  });
  return out;
}

// One element converted as the interpreter does (ir/Tensor.cpp): floats truncate toward
// zero, anything to bool is x != 0, and the float-to-integer cases C++ leaves undefined are
// pinned down (NaN, inf and out-of-range values give 0; negatives wrap into unsigned types).
// f16/bf16 reach here as f32 (the generated code widens them, Tensor.h).
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (!std::isfinite(v) || v >= From(18446744073709551616.0) || v <= From(-9223372036854775808.0)) return To(0);
    if (v >= From(9223372036854775808.0)) return static_cast<To>(static_cast<uint64_t>(v));
    return static_cast<To>(static_cast<int64_t>(v));
  } else {
    return static_cast<To>(v);
  }
}

template <typename To, typename From>
Tensor cast(const Tensor& x) {
  return unary<To, From>(x, [](From v) { return convert<To, From>(v); });
}

// The scalar functions of the elementwise ops (wrap_add, divide, max_nan, sigmoid, ...) are in
// weft/rt/scalar/Scalar.h, shared with the interpreter.

}  // namespace weft_rt
