// Elementwise.h - unary, binary and ternary maps with NumPy broadcasting, and cast.
#pragma once

#include <array>
#include <cmath>
#include <type_traits>
#include <utility>

#include "weft/rt/Tensor.h"
#include "weft/rt/ThreadPool.h"

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

// Elements an elementwise map gives each thread at least (a few tens of microseconds of
// memory-bound work): a map is split only from 256K elements at 2 threads. Measured on a
// shared 2-vCPU machine, A/B at 2 threads: 32K split mobilenet_v3_small's maps (up to 200K
// elements) and was slower than not splitting them; 128K was as fast or faster on it and on
// squeezenet, whose largest maps (788K elements) it still splits.
inline constexpr int64_t kElementwiseGrain = 128 * 1024;

// Calls fn(begin, end) over [0, n) elements, split over the run's pool when large.
template <typename F>
void parallel_elements(int64_t n, F&& fn) {
  parallel_for(n, kElementwiseGrain, fn);
}

// The runs of the innermost dim of an output, after merge_dims: `rows` runs of `inner`
// elements, each operand's strides in `st`.
template <size_t N>
struct RowWalk {
  Shape out;
  std::array<Shape, N> st;
  std::array<int64_t, N> inner_st{};
  int64_t inner = 1, rows = 0;

  RowWalk(const Shape& out_shape, const std::array<const Shape*, N>& shapes) {
    for (size_t j = 0; j < N; ++j) st[j] = broadcast_strides(*shapes[j], out_shape);
    out = out_shape;
    merge_dims<N>(out, st);
    const int r = int(out.size());
    inner = r ? out[size_t(r - 1)] : 1;
    rows = numel(out_shape) == 0 ? 0 : (r ? numel(out) / inner : 1);
    for (size_t j = 0; j < N; ++j) inner_st[j] = r ? st[j][size_t(r - 1)] : 0;
  }
  // body(offsets, inner, inner_strides, first_element) for runs [r0, r1): an odometer over
  // the outer dims started at run r0.
  template <typename Body>
  void walk(int64_t r0, int64_t r1, Body& body) const {
    if (r0 >= r1) return;  // nothing (an empty output has a 0 among the dims the start divides by)
    const int r = int(out.size());
    Shape idx(r > 0 ? size_t(r - 1) : 0, 0);
    std::array<int64_t, N> off{};
    for (int64_t d = r - 2, rest = r0; d >= 0; --d) {
      idx[size_t(d)] = rest % out[size_t(d)];
      rest /= out[size_t(d)];
      for (size_t j = 0; j < N; ++j) off[j] += idx[size_t(d)] * st[j][size_t(d)];
    }
    for (int64_t row = r0; row < r1; ++row) {
      body(off, inner, inner_st, row * inner);
      for (int d = r - 2; d >= 0; --d) {
        for (size_t j = 0; j < N; ++j) off[j] += st[j][size_t(d)];
        if (++idx[size_t(d)] < out[size_t(d)]) break;
        for (size_t j = 0; j < N; ++j) off[j] -= st[j][size_t(d)] * out[size_t(d)];
        idx[size_t(d)] = 0;
      }
    }
  }
};

// Calls body(offsets, n, inner_strides) for each run of the innermost dim of `out`, in
// order, with every input's element offset at the start of the run; the inner loop stays
// simple enough for the compiler to vectorize when the strides are 1.
template <size_t N, typename Body>
void for_each_row(const Shape& out_shape, const std::array<const Shape*, N>& shapes, Body body) {
  const RowWalk<N> rw(out_shape, shapes);
  auto serial = [&](const std::array<int64_t, N>& off, int64_t len, const std::array<int64_t, N>& s, int64_t) { body(off, len, s); };
  rw.walk(0, rw.rows, serial);
}

// for_each_row for a map, whose runs are independent: body(offsets, n, inner_strides,
// first_element) also gets the run's first element of the output, and a large output is
// split by runs over the run's pool (body is then called from several threads at once).
template <size_t N, typename Body>
void map_rows(const Shape& out_shape, const std::array<const Shape*, N>& shapes, Body body) {
  const RowWalk<N> rw(out_shape, shapes);
  if (rw.rows == 0) return;  // an empty output (its inner dim may be 0)
  parallel_for(rw.rows, (kElementwiseGrain + rw.inner - 1) / rw.inner, [&](int64_t r0, int64_t r1) { rw.walk(r0, r1, body); });
}

template <typename R, typename A, typename F>
Tensor unary(const Tensor& x, F f) {
  Tensor out = Tensor::empty<R>(x.shape());
  const A* in = x.data<A>();
  R* o = out.data<R>();
  parallel_elements(x.size(), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) o[i] = f(in[i]);
  });
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
    parallel_elements(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) o[i] = f(pa[i], pb[i]);
    });
  } else if (b.size() == 1 && a.size() == n) {
    const B s = pb[0];
    parallel_elements(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) o[i] = f(pa[i], s);
    });
  } else {
    map_rows<2>(out.shape(), {&a.shape(), &b.shape()}, [&](const std::array<int64_t, 2>& off, int64_t len, const std::array<int64_t, 2>& s,
                                                           int64_t first) {
      R* w = o + first;
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
  T* o = out.data<T>();
  map_rows<3>(s, {&c.shape(), &x.shape(), &y.shape()}, [&](const std::array<int64_t, 3>& off, int64_t len, const std::array<int64_t, 3>& st,
                                                           int64_t first) {
    T* w = o + first;
    for (int64_t i = 0; i < len; ++i) w[i] = pc[off[0] + i * st[0]] ? px[off[1] + i * st[1]] : py[off[2] + i * st[2]];
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
