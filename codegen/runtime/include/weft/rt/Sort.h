// Sort.h - topk and sort along an axis: (values, i64 indices), ties to the lower index.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "weft/rt/Shape.h"

namespace weft_rt {

// NaN orders above every number (as torch does), so comparisons stay a strict weak order.
template <typename T>
bool less_nan_last(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

// Sorts every lane of x along `axis` (equal values keep index order) and keeps the first k.
template <typename T>
std::tuple<Tensor, Tensor> sort_lanes(const Tensor& x, int axis, int64_t k, bool descending) {
  const Shape& s = x.shape();
  const size_t a = size_t(axis);
  const int64_t outer = product(s, 0, a), d = s[a], inner = product(s, a + 1, s.size());
  Shape os = s;
  os[a] = k;
  Tensor values = Tensor::empty<T>(os), indices = Tensor::empty<int64_t>(os);
  const T* src = x.data<T>();
  T* ov = values.data<T>();
  int64_t* oi = indices.data<int64_t>();
  std::vector<T> lane(static_cast<size_t>(d));
  std::vector<int64_t> order(static_cast<size_t>(d));
  auto before = [&](int64_t p, int64_t q) {
    const T vp = lane[size_t(p)], vq = lane[size_t(q)];
    const bool lt = descending ? less_nan_last(vq, vp) : less_nan_last(vp, vq);
    const bool gt = descending ? less_nan_last(vp, vq) : less_nan_last(vq, vp);
    return lt || (!gt && p < q);
  };
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * d * inner + i;
      for (int64_t j = 0; j < d; ++j) lane[size_t(j)] = src[base + j * inner];
      std::iota(order.begin(), order.end(), int64_t(0));
      if (k < d) std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      else std::sort(order.begin(), order.end(), before);
      const int64_t obase = o * k * inner + i;
      for (int64_t j = 0; j < k; ++j) {
        ov[obase + j * inner] = lane[size_t(order[size_t(j)])];
        oi[obase + j * inner] = order[size_t(j)];
      }
    }
  return {values, indices};
}

// topk's shape function: x's shape with k (read at run time) along `axis` (normalized),
// for the values and the indices.
inline Shapes topk_shapes(const Tensor& x, const Tensor& k_t, int axis) {
  const Shape k = int_values(k_t, "topk", "k");
  if (k.size() != 1) throw Error("topk: k must hold one element");
  const int64_t d = x.dim(axis);
  if (k[0] < 0 || k[0] > d)
    throw Error("topk: k = " + std::to_string(k[0]) + " is out of range for axis " + std::to_string(axis) + " of size " +
                std::to_string(d));
  Shape s = x.shape();
  s[size_t(axis)] = k[0];
  return {s, s};
}

// The k largest (or smallest) along `axis` (normalized), in order.
template <typename T>
std::tuple<Tensor, Tensor> topk(const Tensor& x, const Tensor& k_t, int axis, bool largest) {
  return sort_lanes<T>(x, axis, topk_shapes(x, k_t, axis)[0][size_t(axis)], largest);
}

template <typename T>
std::tuple<Tensor, Tensor> sort(const Tensor& x, int axis, bool descending) {
  return sort_lanes<T>(x, axis, x.dim(axis), descending);
}

}  // namespace weft_rt
