// Reduce.h - reductions over a set of axes (sum, mean, max), and softmax / log_softmax along one axis.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "weft/rt/Elementwise.h"
#include "weft/rt/VecMath.h"

namespace weft_rt {

// Sums accumulate floats in double and integers in 64 bits (wrapping), as the interpreter does.
template <typename T>
using sum_acc_t = std::conditional_t<std::is_floating_point_v<T>, double, std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// The shape `x` reduces into over `axes` (normalized, ascending): reduced dims become 1 in
// `acc_shape` (and in `out_shape` with keepdims, else they go); `count` is the number of
// elements each output folds.
struct ReducePlan {
  Shape acc_shape, out_shape;
  int64_t count = 1;
};
inline ReducePlan reduce_plan(const Shape& in, const std::vector<int>& axes, bool keepdims) {
  std::vector<bool> red(in.size(), false);
  for (int a : axes) red[size_t(a)] = true;
  ReducePlan p;
  for (size_t i = 0; i < in.size(); ++i) {
    if (red[i]) p.count *= in[i];
    p.acc_shape.push_back(red[i] ? 1 : in[i]);
    if (!red[i] || keepdims) p.out_shape.push_back(red[i] ? 1 : in[i]);
  }
  return p;
}
// The reductions' shape function.
inline Shape reduce_shape(const Shape& in, const std::vector<int>& axes, bool keepdims) {
  return reduce_plan(in, axes, keepdims).out_shape;
}

// Walks `x` row by row (the innermost dim) in memory order and calls
// f(src_row, acc_offset, len, acc_stride): the row's elements fold into acc[acc_offset +
// i*acc_stride], the stride 0 when the innermost dim is reduced (a row folds into one
// accumulator) and 1 when it is kept (a row adds into a row: the loop vectorizes).
template <typename T, typename F>
void reduce_rows(const Tensor& x, const Shape& acc_shape, F f) {
  const T* src = x.data<T>();
  for_each_row<1>(x.shape(), {&acc_shape}, [&](const std::array<int64_t, 1>& off, int64_t len, const std::array<int64_t, 1>& st) {
    f(src, off[0], len, st[0]);
    src += len;
  });
}

// Reduces `x` over `axes` (normalized, ascending). acc starts at `init`, step(acc, x) folds
// an element in, finish(acc, count) gives the output element. Elements fold in memory
// order, as in the interpreter, so float results agree to the last bit.
template <typename T, typename A, typename Step, typename Finish>
Tensor reduce(const Tensor& x, const std::vector<int>& axes, bool keepdims, A init, Step step, Finish finish) {
  const ReducePlan p = reduce_plan(x.shape(), axes, keepdims);
  std::vector<A> acc(size_t(numel(p.acc_shape)), init);
  reduce_rows<T>(x, p.acc_shape, [&](const T* s, int64_t off, int64_t len, int64_t st) {
    A* a = acc.data() + off;
    if (st == 0) {
      A v = *a;
      for (int64_t i = 0; i < len; ++i) v = step(v, s[i]);
      *a = v;
    } else {
      for (int64_t i = 0; i < len; ++i) a[i] = step(a[i], s[i]);
    }
  });
  Tensor out = Tensor::empty<T>(p.out_shape);
  T* o = out.data<T>();
  for (size_t i = 0; i < acc.size(); ++i) o[i] = T(finish(acc[i], p.count));
  return out;
}

template <typename T>
Tensor reduce_sum(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  using A = sum_acc_t<T>;
  return reduce<T>(x, axes, keepdims, A(0), [](A a, T v) { return wrap_add(a, A(v)); }, [](A a, int64_t) { return a; });
}
template <typename T>
Tensor reduce_mean(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  using A = sum_acc_t<T>;
  return reduce<T>(x, axes, keepdims, A(0), [](A a, T v) { return wrap_add(a, A(v)); }, [](A a, int64_t n) {
    if constexpr (std::is_floating_point_v<T>) return a / double(n);
    else return n ? A(a / A(n)) : A(0);
  });
}
template <typename T>
Tensor reduce_max(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  const T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  return reduce<T>(x, axes, keepdims, lowest, [](T a, T v) { return max_nan(a, v); }, [](T a, int64_t) { return a; });
}

// x seen as [outer, n, inner] around `axis`.
struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
  AxisSplit(const Shape& s, int axis) {
    for (int i = 0; i < int(s.size()); ++i) (i < axis ? outer : i == axis ? n : inner) *= s[size_t(i)];
  }
};

// Lanes of the partial maxima and sums below: independent accumulators, so that the compiler
// vectorizes the reductions without reassociating (16 fills an AVX-512 register).
inline constexpr int kSoftmaxLanes = 16;

// f32 softmax (or log-softmax) of one contiguous row of n values: the last axis, as attention
// and classifier heads have it. In f32 with VecMath's exp and partial sums over lanes, every
// loop vectorizing; this differs from the double-precision path below by a few f32 ulp per
// value (more for rows of many thousands of values, whose sum rounds in f32).
inline void softmax_row_f32(const float* src, float* dst, int64_t n, bool log) {
  constexpr int L = kSoftmaxLanes;
  float lane[L];
  for (int l = 0; l < L; ++l) lane[l] = -std::numeric_limits<float>::infinity();
  int64_t i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; ++l) lane[l] = src[i + l] > lane[l] ? src[i + l] : lane[l];
  float m = -std::numeric_limits<float>::infinity();
  for (int l = 0; l < L; ++l) m = lane[l] > m ? lane[l] : m;
  for (; i < n; ++i) m = src[i] > m ? src[i] : m;  // a NaN is skipped here and poisons the sum below
  for (int64_t j = 0; j < n; ++j) dst[j] = vecmath::exp_f32(src[j] - m);
  for (int l = 0; l < L; ++l) lane[l] = 0.0f;
  for (i = 0; i + L <= n; i += L)
    for (int l = 0; l < L; ++l) lane[l] += dst[i + l];
  float sum = 0.0f;
  for (int l = 0; l < L; ++l) sum += lane[l];
  for (; i < n; ++i) sum += dst[i];
  if (log) {
    const float log_sum = std::log(sum);
    for (int64_t j = 0; j < n; ++j) dst[j] = (src[j] - m) - log_sum;
  } else {
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < n; ++j) dst[j] *= inv;
  }
}

// e^(x - max) / sum, or with `log` (x - max) - log(sum), along `axis` (normalized),
// summing in double like the interpreter (f32 along a contiguous axis: softmax_row_f32). Each
// pass runs over the `inner` positions of one slice at a time, so its inner loop is contiguous.
template <typename T>
Tensor softmax_along(const Tensor& x, int axis, bool log) {
  const AxisSplit v(x.shape(), axis);
  Tensor out = Tensor::empty<T>(x.shape());
  if constexpr (std::is_same_v<T, float>) {
    if (v.inner == 1) {
      for (int64_t o = 0; o < v.outer; ++o) softmax_row_f32(x.data<float>() + o * v.n, out.data<float>() + o * v.n, v.n, log);
      return out;
    }
  }
  std::vector<double> m(size_t(v.inner)), s(size_t(v.inner));
  for (int64_t o = 0; o < v.outer; ++o) {
    const T* src = x.data<T>() + o * v.n * v.inner;
    T* dst = out.data<T>() + o * v.n * v.inner;
    std::fill(m.begin(), m.end(), -std::numeric_limits<double>::infinity());
    std::fill(s.begin(), s.end(), 0.0);
    for (int64_t k = 0; k < v.n; ++k)
      for (int64_t j = 0; j < v.inner; ++j) m[size_t(j)] = std::fmax(m[size_t(j)], double(src[k * v.inner + j]));
    for (int64_t k = 0; k < v.n; ++k)
      for (int64_t j = 0; j < v.inner; ++j) s[size_t(j)] += std::exp(double(src[k * v.inner + j]) - m[size_t(j)]);
    if (log)
      for (int64_t j = 0; j < v.inner; ++j) s[size_t(j)] = std::log(s[size_t(j)]);
    for (int64_t k = 0; k < v.n; ++k)
      for (int64_t j = 0; j < v.inner; ++j) {
        const double d = double(src[k * v.inner + j]) - m[size_t(j)];
        dst[k * v.inner + j] = T(log ? d - s[size_t(j)] : std::exp(d) / s[size_t(j)]);
      }
  }
  return out;
}
template <typename T> Tensor softmax(const Tensor& x, int axis) { return softmax_along<T>(x, axis, false); }
template <typename T> Tensor log_softmax(const Tensor& x, int axis) { return softmax_along<T>(x, axis, true); }

}  // namespace weft_rt
