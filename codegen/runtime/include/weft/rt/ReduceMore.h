// ReduceMore.h - the other reductions (prod, min, norms, log-sum(-exp)), argmax/argmin and cumsum.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/Reduce.h"

namespace weft_rt {

// Float reductions accumulate in double; integer ones in uint64_t, wrapping, which
// truncates to the bits the interpreter produces.
template <typename T>
using wide_acc_t = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;

template <typename T>
Tensor reduce_prod(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  using A = wide_acc_t<T>;
  return reduce<T>(x, axes, keepdims, A(1), [](A a, T v) { return A(a * A(v)); }, [](A a, int64_t) { return a; });
}
template <typename T>
Tensor reduce_sum_square(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  using A = wide_acc_t<T>;
  return reduce<T>(x, axes, keepdims, A(0), [](A a, T v) { return A(a + A(v) * A(v)); }, [](A a, int64_t) { return a; });
}
template <typename T>
Tensor reduce_l1(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  using A = wide_acc_t<T>;
  return reduce<T>(x, axes, keepdims, A(0), [](A a, T v) {
    if constexpr (std::is_unsigned_v<T>) return A(a + A(v));
    else return A(a + (v < T(0) ? A(0) - A(v) : A(v)));
  }, [](A a, int64_t) { return a; });
}
template <typename T>
Tensor reduce_l2(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  return reduce<T>(x, axes, keepdims, 0.0, [](double a, T v) { return a + double(v) * double(v); },
                   [](double a, int64_t) { return std::sqrt(a); });
}
template <typename T>
Tensor reduce_log_sum(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  return reduce<T>(x, axes, keepdims, 0.0, [](double a, T v) { return a + double(v); },
                   [](double a, int64_t) { return std::log(a); });
}
// NaN wins; an empty reduction gives +inf (or the type's largest value).
template <typename T>
Tensor reduce_min(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  const T highest = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
  return reduce<T>(x, axes, keepdims, highest, [](T a, T v) { return min_nan(a, v); }, [](T a, int64_t) { return a; });
}

// log(sum(e^x)) as max + log(sum(e^(x - max))), so large inputs do not overflow.
template <typename T>
Tensor reduce_log_sum_exp(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  const ReducePlan p = reduce_plan(x.shape(), axes, keepdims);
  std::vector<double> m(size_t(numel(p.acc_shape)), -std::numeric_limits<double>::infinity()), s(m.size(), 0.0);
  reduce_rows<T>(x, p.acc_shape, [&](const T* src, int64_t off, int64_t len, int64_t st) {
    for (int64_t i = 0; i < len; ++i) m[size_t(off + i * st)] = max_nan(m[size_t(off + i * st)], double(src[i]));
  });
  reduce_rows<T>(x, p.acc_shape, [&](const T* src, int64_t off, int64_t len, int64_t st) {
    for (int64_t i = 0; i < len; ++i) s[size_t(off + i * st)] += std::exp(double(src[i]) - m[size_t(off + i * st)]);
  });
  Tensor out = Tensor::empty<T>(p.out_shape);
  T* o = out.data<T>();
  for (size_t i = 0; i < m.size(); ++i) o[i] = T(std::isfinite(m[i]) ? m[i] + std::log(s[i]) : m[i]);
  return out;
}

template <typename T> inline bool is_nan_of(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

// Index (int64) of the largest (want_max) or smallest element along `axis`; the first NaN
// counts as the extreme, as in NumPy; ties take the first index, or the last with `last`.
// argmax/argmin's shape function: `axis` becomes 1 (keepdims) or goes.
inline Shape arg_extreme_shape(const Shape& in, int axis, bool keepdims, const char* op) {
  const AxisSplit v(in, axis);
  if (v.n == 0 && v.outer * v.inner > 0) throw Error(std::string(op) + ": cannot reduce an axis of size 0");
  Shape s = in;
  if (keepdims) s[size_t(axis)] = 1;
  else s.erase(s.begin() + axis);
  return s;
}

template <typename T>
Tensor arg_extreme(const Tensor& x, int axis, bool keepdims, bool last, bool want_max, const char* op) {
  const AxisSplit v(x.shape(), axis);
  Tensor out = Tensor::empty<int64_t>(arg_extreme_shape(x.shape(), axis, keepdims, op));
  std::vector<T> best(size_t(v.inner));
  for (int64_t o = 0; o < v.outer; ++o) {
    const T* src = x.data<T>() + o * v.n * v.inner;
    int64_t* bi = out.data<int64_t>() + o * v.inner;
    for (int64_t j = 0; j < v.inner; ++j) {
      best[size_t(j)] = src[j];
      bi[j] = 0;
    }
    for (int64_t k = 1; k < v.n; ++k)
      for (int64_t j = 0; j < v.inner; ++j) {
        const T b = best[size_t(j)], c = src[k * v.inner + j];
        bool take;
        if (is_nan_of(b)) take = last && is_nan_of(c);
        else if (is_nan_of(c)) take = true;
        else if (c == b) take = last;
        else take = want_max ? b < c : c < b;
        if (take) {
          best[size_t(j)] = c;
          bi[j] = k;
        }
      }
  }
  return out;
}
template <typename T>
Tensor argmax(const Tensor& x, int axis, bool keepdims, bool last) { return arg_extreme<T>(x, axis, keepdims, last, true, "argmax"); }
template <typename T>
Tensor argmin(const Tensor& x, int axis, bool keepdims, bool last) { return arg_extreme<T>(x, axis, keepdims, last, false, "argmin"); }

// Running sum along `axis` (floats accumulate in double, integers wrap); `exclusive`
// leaves each element out of its own sum, `reverse` sums from the end.
template <typename T>
Tensor cumsum(const Tensor& x, int axis, bool exclusive, bool reverse) {
  using A = wide_acc_t<T>;
  const AxisSplit v(x.shape(), axis);
  Tensor out = Tensor::empty<T>(x.shape());
  std::vector<A> acc(size_t(v.inner));
  for (int64_t o = 0; o < v.outer; ++o) {
    const T* src = x.data<T>() + o * v.n * v.inner;
    T* dst = out.data<T>() + o * v.n * v.inner;
    std::fill(acc.begin(), acc.end(), A(0));
    for (int64_t i = 0; i < v.n; ++i) {
      const int64_t k = (reverse ? v.n - 1 - i : i) * v.inner;
      if (exclusive)
        for (int64_t j = 0; j < v.inner; ++j) {
          dst[k + j] = T(acc[size_t(j)]);
          acc[size_t(j)] = A(acc[size_t(j)] + A(src[k + j]));
        }
      else
        for (int64_t j = 0; j < v.inner; ++j) {
          acc[size_t(j)] = A(acc[size_t(j)] + A(src[k + j]));
          dst[k + j] = T(acc[size_t(j)]);
        }
    }
  }
  return out;
}

}  // namespace weft_rt
