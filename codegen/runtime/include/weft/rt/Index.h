// Index.h - indexed reads and writes: gather, gather_elements, gather_nd, scatter_elements,
// scatter_nd (ONNX semantics; negative indices count from the end, out of range is an Error).
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "weft/rt/Shape.h"

namespace weft_rt {

[[noreturn]] inline void index_error(const char* op, int64_t index, int64_t bound, size_t axis) {
  throw Error(std::string(op) + ": index " + std::to_string(index) + " is out of range for axis " + std::to_string(axis) +
              " of size " + std::to_string(bound) + " (expected " + std::to_string(-bound) + " <= index < " +
              std::to_string(bound) + ")");
}

// Index i of an axis of size d, wrapped if negative.
inline int64_t wrap_index(int64_t i, int64_t d, const char* op, size_t axis) {
  if (i < -d || i >= d) index_error(op, i, d, axis);
  return i < 0 ? i + d : i;
}

// ---- gather --------------------------------------------------------------------------------

// The result dims of each op (its shape function, OpDef::shape_cpu, calls these too); the
// values of the indices are checked by the kernels, their dims here.

// x's slices along `axis` at `idx`: the result is x[:axis] + idx.shape + x[axis+1:].
inline Shape gather_shape(const Shape& s, const Shape& is, int axis) {
  const size_t a = size_t(axis);
  Shape out(s.begin(), s.begin() + long(a));
  out.insert(out.end(), is.begin(), is.end());
  out.insert(out.end(), s.begin() + long(a) + 1, s.end());
  return out;
}
template <typename T, typename I>
Tensor gather(const Tensor& x, const Tensor& idx, int axis) {
  const size_t a = size_t(axis);
  const Shape& s = x.shape();
  Tensor r = Tensor::empty<T>(gather_shape(s, idx.shape(), axis));
  const int64_t outer = product(s, 0, a), d = s[a], row = product(s, a + 1, s.size()), n = idx.size();
  std::vector<int64_t> at(static_cast<size_t>(n));
  const I* ip = idx.data<I>();
  for (int64_t k = 0; k < n; ++k) at[size_t(k)] = wrap_index(int64_t(ip[k]), d, "gather", a);
  if (row == 0) return r;
  const T* src = x.data<T>();
  T* dst = r.data<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k, dst += row) std::memcpy(dst, src + (o * d + at[size_t(k)]) * row, size_t(row) * sizeof(T));
  return r;
}

// gather_elements and scatter_elements: indices of the data's rank, no larger outside the axis.
inline void check_element_indices(const Shape& xs, const Shape& is, size_t a, const char* op) {
  if (xs.size() != is.size())
    throw Error(std::string(op) + ": indices " + shape_str(is) + " must have the rank of the data " + shape_str(xs));
  for (size_t k = 0; k < xs.size(); ++k)
    if (k != a && is[k] > xs[k])
      throw Error(std::string(op) + ": indices " + shape_str(is) + " exceed the data " + shape_str(xs) + " in dim " + std::to_string(k));
}

// For each element of an index tensor of shape `is`, the flat offset into data of shape
// `xs` it addresses: its own coordinates with the axis coordinate replaced by the index.
template <typename I>
std::vector<int64_t> element_offsets(const Shape& xs, const Tensor& idx, size_t a, const char* op) {
  const Shape& is = idx.shape();
  check_element_indices(xs, is, a, op);
  const Shape st = contiguous_strides(xs);
  const int64_t n = idx.size();
  std::vector<int64_t> offs(static_cast<size_t>(n));
  Shape c(is.size(), 0);
  const I* ip = idx.data<I>();
  int64_t base = 0;  // offset of c without the axis term
  for (int64_t m = 0; m < n; ++m) {
    offs[size_t(m)] = base + wrap_index(int64_t(ip[m]), xs[a], op, a) * st[a];
    for (int k = int(is.size()) - 1; k >= 0; --k) {
      const size_t u = size_t(k);
      if (u != a) base += st[u];
      if (++c[u] < is[u]) break;
      if (u != a) base -= st[u] * is[u];
      c[u] = 0;
    }
  }
  return offs;
}

// The result has the indices' shape.
inline Shape gather_elements_shape(const Shape& xs, const Shape& is, int axis) {
  check_element_indices(xs, is, size_t(axis), "gather_elements");
  return is;
}
template <typename T, typename I>
Tensor gather_elements(const Tensor& x, const Tensor& idx, int axis) {
  const std::vector<int64_t> offs = element_offsets<I>(x.shape(), idx, size_t(axis), "gather_elements");
  Tensor r = Tensor::empty<T>(idx.shape());
  const T* s = x.data<T>();
  T* d = r.data<T>();
  for (size_t m = 0; m < offs.size(); ++m) d[m] = s[offs[m]];
  return r;
}

// Flat offsets into data (shape xs) of the slices addressed by the index rows [..., k] of
// idx, whose first `b` dims are batch dims shared with the data.
// gather_nd and scatter_nd: index rows of length k = is.back() fit the data after `b`
// batch dims, which the data shares.
inline void check_nd_indices(const Shape& xs, const Shape& is, size_t b, const char* op) {
  if (is.empty() || b >= is.size() || is.back() < 0 || b + size_t(is.back()) > xs.size())
    throw Error(std::string(op) + ": indices " + shape_str(is) + " do not fit data " + shape_str(xs));
  for (size_t i = 0; i < b; ++i)
    if (xs[i] != is[i])
      throw Error(std::string(op) + ": batch dim " + std::to_string(i) + " of indices " + shape_str(is) + " differs from the data " +
                  shape_str(xs));
}

template <typename I>
std::vector<int64_t> nd_offsets(const Shape& xs, const Tensor& idx, size_t b, const char* op) {
  const Shape& is = idx.shape();
  check_nd_indices(xs, is, b, op);
  const size_t k = size_t(is.back());
  const Shape st = contiguous_strides(xs);
  const int64_t batches = product(is, 0, b), per_batch = product(is, b, is.size() - 1), batch_stride = product(xs, b, xs.size());
  std::vector<int64_t> offs;
  offs.reserve(size_t(batches * per_batch));
  const I* p = idx.data<I>();
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t m = 0; m < per_batch; ++m) {
      int64_t off = bi * batch_stride;
      for (size_t j = 0; j < k; ++j) off += wrap_index(int64_t(*p++), xs[b + j], op, b + j) * st[b + j];
      offs.push_back(off);
    }
  return offs;
}

// indices.shape[:-1] + data.shape[batch_dims + k:].
inline Shape gather_nd_shape(const Shape& xs, const Shape& is, int batch_dims) {
  const size_t b = size_t(batch_dims);
  check_nd_indices(xs, is, b, "gather_nd");
  Shape out(is.begin(), is.end() - 1);
  out.insert(out.end(), xs.begin() + long(b + size_t(is.back())), xs.end());
  return out;
}
template <typename T, typename I>
Tensor gather_nd(const Tensor& x, const Tensor& idx, int batch_dims) {
  const size_t b = size_t(batch_dims);
  const Shape& is = idx.shape();
  const Shape out = gather_nd_shape(x.shape(), is, batch_dims);
  const std::vector<int64_t> offs = nd_offsets<I>(x.shape(), idx, b, "gather_nd");
  const size_t lead = b + size_t(is.back());
  Tensor r = Tensor::empty<T>(out);
  const int64_t len = product(x.shape(), lead, x.shape().size());
  if (len == 0) return r;
  const T* s = x.data<T>();
  T* d = r.data<T>();
  for (size_t m = 0; m < offs.size(); ++m) std::memcpy(d + int64_t(m) * len, s + offs[m], size_t(len) * sizeof(T));
  return r;
}

// ---- scatter -------------------------------------------------------------------------------

// How a scatter combines an update with the element it lands on ('n' replaces).
enum class ScatterReduce : char { None = 'n', Add = 'a', Mul = 'm', Max = 'x', Min = 'i' };

// The interpreter's arithmetic: C-style (promoted, then narrowed), NaN wins max and min.
template <typename T>
T scatter_combine(T a, T b, ScatterReduce r) {
  switch (r) {
    case ScatterReduce::Add: return T(a + b);
    case ScatterReduce::Mul: return T(a * b);
    case ScatterReduce::Max: return max_nan(a, b);
    case ScatterReduce::Min: return min_nan(a, b);
    default: return b;
  }
}

// out = x; then out[offs[n] + j] (r)= upd[n * len + j] for every update row n, in order.
template <typename T>
Tensor scatter_rows(const Tensor& x, const Tensor& upd, const std::vector<int64_t>& offs, int64_t len, ScatterReduce r) {
  Tensor out = x.clone();
  T* d = out.data<T>();
  const T* u = upd.data<T>();
  if (r == ScatterReduce::None) {
    for (size_t m = 0; m < offs.size(); ++m)
      for (int64_t j = 0; j < len; ++j) d[offs[m] + j] = u[int64_t(m) * len + j];
    return out;
  }
  for (size_t m = 0; m < offs.size(); ++m)
    for (int64_t j = 0; j < len; ++j) d[offs[m] + j] = scatter_combine<T>(d[offs[m] + j], u[int64_t(m) * len + j], r);
  return out;
}

// The result has the data's shape; the updates have the indices'.
inline Shape scatter_elements_shape(const Shape& xs, const Shape& is, const Shape& us, int axis) {
  if (us != is) throw Error("scatter_elements: updates " + shape_str(us) + " must match the indices' shape " + shape_str(is));
  check_element_indices(xs, is, size_t(axis), "scatter_elements");
  return xs;
}
template <typename T, typename I>
Tensor scatter_elements(const Tensor& x, const Tensor& idx, const Tensor& upd, int axis, ScatterReduce r) {
  scatter_elements_shape(x.shape(), idx.shape(), upd.shape(), axis);
  const std::vector<int64_t> offs = element_offsets<I>(x.shape(), idx, size_t(axis), "scatter_elements");
  return scatter_rows<T>(x, upd, offs, 1, r);
}

// The result has the data's shape; the updates are indices.shape[:-1] + data.shape[k:].
inline Shape scatter_nd_shape(const Shape& xs, const Shape& is, const Shape& us) {
  check_nd_indices(xs, is, 0, "scatter_nd");
  Shape want(is.begin(), is.end() - 1);
  want.insert(want.end(), xs.begin() + long(is.back()), xs.end());
  if (us != want) throw Error("scatter_nd: updates must have shape " + shape_str(want) + ", found " + shape_str(us));
  return xs;
}
template <typename T, typename I>
Tensor scatter_nd(const Tensor& x, const Tensor& idx, const Tensor& upd, ScatterReduce r) {
  scatter_nd_shape(x.shape(), idx.shape(), upd.shape());
  const std::vector<int64_t> offs = nd_offsets<I>(x.shape(), idx, 0, "scatter_nd");
  const size_t k = size_t(idx.shape().back());
  return scatter_rows<T>(x, upd, offs, product(x.shape(), k, x.shape().size()), r);
}

}  // namespace weft_rt
