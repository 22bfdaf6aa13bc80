// Reduce.h - reductions over a set of axes, and softmax along one axis.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "weft/rt/Elementwise.h"

namespace weft_rt {

// Sums accumulate floats in double and integers in 64 bits (wrapping), as the interpreter does.
template <typename T>
using sum_acc_t = std::conditional_t<std::is_floating_point_v<T>, double, std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// Reduces `x` over `axes` (normalized, ascending). acc starts at `init`, step(acc, x) folds
// an element in, finish(acc, count) gives the output element.
template <typename T, typename A, typename Step, typename Finish>
Tensor reduce(const Tensor& x, const std::vector<int>& axes, bool keepdims, A init, Step step, Finish finish) {
  const Shape& in = x.shape();
  std::vector<bool> red(in.size(), false);
  for (int a : axes) red[size_t(a)] = true;
  Shape out_shape, acc_shape;
  int64_t count = 1;
  for (size_t i = 0; i < in.size(); ++i) {
    if (red[i]) count *= in[i];
    acc_shape.push_back(red[i] ? 1 : in[i]);
    if (!red[i] || keepdims) out_shape.push_back(red[i] ? 1 : in[i]);
  }
  std::vector<A> acc(size_t(numel(acc_shape)), init);
  const T* src = x.data<T>();
  // The accumulator is read as the input shape, broadcast along the reduced dims.
  const Shape ast = broadcast_strides(acc_shape, in);
  Shape idx(in.size(), 0);
  const int64_t n = x.size();
  int64_t aoff = 0;
  for (int64_t i = 0; i < n; ++i) {
    acc[size_t(aoff)] = step(acc[size_t(aoff)], src[i]);
    for (int d = int(in.size()) - 1; d >= 0; --d) {
      aoff += ast[size_t(d)];
      if (++idx[size_t(d)] < in[size_t(d)]) break;
      aoff -= ast[size_t(d)] * in[size_t(d)];
      idx[size_t(d)] = 0;
    }
  }
  Tensor out = Tensor::empty<T>(out_shape);
  T* o = out.data<T>();
  for (size_t i = 0; i < acc.size(); ++i) o[i] = T(finish(acc[i], count));
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

// e^(x - max) / sum along `axis` (normalized), summing in double like the interpreter.
template <typename T>
Tensor softmax(const Tensor& x, int axis) {
  const Shape& s = x.shape();
  int64_t outer = 1, n = s[size_t(axis)], inner = 1;
  for (int i = 0; i < axis; ++i) outer *= s[size_t(i)];
  for (size_t i = size_t(axis) + 1; i < s.size(); ++i) inner *= s[i];
  Tensor out = Tensor::empty<T>(s);
  const T* src = x.data<T>();
  T* dst = out.data<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t base = o * n * inner + j;
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < n; ++k) m = std::fmax(m, double(src[base + k * inner]));
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(double(src[base + k * inner]) - m);
      for (int64_t k = 0; k < n; ++k) dst[base + k * inner] = T(std::exp(double(src[base + k * inner]) - m) / sum);
    }
  return out;
}

}  // namespace weft_rt
