// Misc.h - generators and masks: range, one_hot, non_zero, trilu.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/Shape.h"

namespace weft_rt {

inline void check_one_element(const Tensor& t, const char* op, const char* what) {
  if (t.size() != 1) throw Error(std::string(op) + ": " + what + " must hold one element, found shape " + shape_str(t.shape()));
}

// range's shape function: [ceil((limit - start) / delta)], at least 0; floats step in
// double, integers in 64 bits. T is the operands' element type (half/bfloat16 included).
template <typename T>
Shape range_shape(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  check_one_element(start, "range", "each operand");
  check_one_element(limit, "range", "each operand");
  check_one_element(delta, "range", "each operand");
  if constexpr (is_float_v<T>) {
    const double s = double(start.data<T>()[0]), l = double(limit.data<T>()[0]), d = double(delta.data<T>()[0]);
    if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d))
      throw Error("range: start, limit and delta must be finite, delta != 0");
    return {std::max<int64_t>(0, int64_t(std::ceil((l - s) / d)))};
  } else {
    const int64_t s = int64_t(start.data<T>()[0]), l = int64_t(limit.data<T>()[0]), d = int64_t(delta.data<T>()[0]);
    if (d == 0) throw Error("range: delta must not be 0");
    const int64_t diff = l - s;
    return {d > 0 ? (diff > 0 ? (diff + d - 1) / d : 0) : (diff < 0 ? (diff + d + 1) / d : 0)};
  }
}

// start + i*delta for i < range_shape's length.
template <typename T>
Tensor range(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  const Shape shape = range_shape<T>(start, limit, delta);
  const int64_t n = shape[0];
  Tensor out = Tensor::empty<T>(shape);
  T* o = out.data<T>();
  if constexpr (is_float_v<T>) {
    const double s = double(start.data<T>()[0]), d = double(delta.data<T>()[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = T(s + double(i) * d);
  } else {
    const int64_t s = int64_t(start.data<T>()[0]), d = int64_t(delta.data<T>()[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = T(s + i * d);
  }
  return out;
}

// one_hot's shape function: idx's shape with depth inserted at `axis` (normalized).
inline Shape one_hot_shape(const Tensor& idx, const Tensor& depth_t, const Tensor& values, int axis) {
  check_one_element(depth_t, "one_hot", "depth");
  if (values.size() != 2) throw Error("one_hot: values must hold 2 elements [off, on]");
  const int64_t depth = int64_t(number_at(depth_t, 0));
  if (depth < 1) throw Error("one_hot: depth must be >= 1, found " + std::to_string(depth));
  Shape shape = idx.shape();
  shape.insert(shape.begin() + long(axis), depth);
  return shape;
}

// values[1] where the new axis (at `axis`, normalized) equals the index, values[0]
// elsewhere; negative indices count from depth, others out of range leave the row off.
template <typename V, typename I>
Tensor one_hot(const Tensor& idx, const Tensor& depth_t, const Tensor& values, int axis) {
  const Shape shape = one_hot_shape(idx, depth_t, values, axis);
  const size_t a = size_t(axis);
  const int64_t depth = shape[a];
  const int64_t outer = product(idx.shape(), 0, a), inner = product(idx.shape(), a, idx.shape().size());
  Tensor out = Tensor::empty<V>(shape);
  const V* v = values.data<V>();
  const I* ip = idx.data<I>();
  V* d = out.data<V>();
  std::fill(d, d + out.size(), v[0]);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t k = int64_t(double(ip[o * inner + i]));
      if (k < 0) k += depth;
      if (k >= 0 && k < depth) d[(o * depth + k) * inner + i] = v[1];
    }
  return out;
}

// non_zero's shape function: i64[rank, n] for x's n nonzero elements (a scalar counts as
// rank 1); the kernel and count_nonzero test elements alike.
inline Shape non_zero_shape(const Tensor& x, int64_t n) { return {x.rank() ? int64_t(x.rank()) : 1, n}; }
template <typename T>
int64_t count_nonzero(const Tensor& x) {
  const T* p = x.data<T>();
  int64_t n = 0;
  for (int64_t i = 0, total = x.size(); i < total; ++i) n += p[i] != T(0);
  return n;
}

// The coordinates of x's nonzero elements in row-major order.
template <typename T>
Tensor non_zero(const Tensor& x) {
  std::vector<int64_t> hits;
  const T* p = x.data<T>();
  const int64_t total = x.size();
  for (int64_t i = 0; i < total; ++i)
    if (p[i] != T(0)) hits.push_back(i);
  const Shape shape = x.rank() ? x.shape() : Shape{1};
  const Shape out_shape = non_zero_shape(x, int64_t(hits.size()));
  const int64_t r = out_shape[0], n = out_shape[1];
  Tensor out = Tensor::empty<int64_t>(out_shape);
  int64_t* o = out.data<int64_t>();
  const Shape st = contiguous_strides(shape);
  for (int64_t k = 0; k < r; ++k)
    for (int64_t j = 0; j < n; ++j) o[k * n + j] = (hits[size_t(j)] / st[size_t(k)]) % shape[size_t(k)];
  return out;
}

// The upper (j >= i+k) or lower (j <= i+k) triangle of the last two dims, 0 elsewhere.
template <typename T>
Tensor trilu(const Tensor& x, const std::optional<Tensor>& k_t, bool upper) {
  int64_t k = 0;
  if (k_t) {
    check_one_element(*k_t, "trilu", "k");
    k = int_values(*k_t, "trilu", "k")[0];
  }
  Tensor out = x.clone();
  const int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1);
  const int64_t mats = rows * cols != 0 ? x.size() / (rows * cols) : 0;
  T* p = out.data<T>();
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t lo = upper ? 0 : std::clamp<int64_t>(i + k + 1, 0, cols);
      const int64_t hi = upper ? std::clamp<int64_t>(i + k, 0, cols) : cols;
      if (hi > lo) std::fill(p + (m * rows + i) * cols + lo, p + (m * rows + i) * cols + hi, T(0));
    }
  return out;
}

}  // namespace weft_rt
