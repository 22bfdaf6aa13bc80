// Slice.h - kernels that cut, join or grow tensors along axes: concat, split, slice, pad.
#pragma once

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "weft/rt/Shape.h"

namespace weft_rt {

// ---- concat and split ----------------------------------------------------------------------

// The inputs' shapes joined along `axis` (normalized); other dims must agree.
inline Shape concat_shape(const std::vector<Shape>& xs, int axis) {
  const Shape& x0 = xs[0];
  const size_t a = size_t(axis);
  Shape shape = x0;
  shape[a] = 0;
  for (const Shape& t : xs) {
    for (size_t d = 0; d < shape.size(); ++d)
      if (d != a && (t.size() != x0.size() || t[d] != x0[d]))
        throw Error("concat: input shapes " + shape_str(x0) + " and " + shape_str(t) + " differ outside axis " + std::to_string(a));
    shape[a] += t[a];
  }
  return shape;
}

// The inputs joined along `axis` (normalized).
template <typename T>
Tensor concat(const std::vector<Tensor>& xs, int axis) {
  const size_t a = size_t(axis);
  std::vector<Shape> shapes;
  for (const Tensor& t : xs) shapes.push_back(t.shape());
  const Shape shape = concat_shape(shapes, axis);
  Tensor out = Tensor::empty<T>(shape);
  const int64_t outer = product(shape, 0, a), inner = product(shape, a + 1, shape.size());
  T* dst = out.data<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor& t : xs) {
      const int64_t chunk = t.shape()[a] * inner;
      if (chunk) std::memcpy(dst, t.data<T>() + o * chunk, size_t(chunk) * sizeof(T));
      dst += chunk;
    }
  return out;
}

// num_outputs equal parts of an axis of size d: ceil(d / n) each, the last one smaller (ONNX 18).
inline Shape split_even(int64_t d, int64_t n) {
  const int64_t chunk = (d + n - 1) / n;
  if (chunk * (n - 1) > d)
    throw Error("split: an axis of size " + std::to_string(d) + " cannot be split into " + std::to_string(n) + " parts");
  Shape sizes(size_t(n - 1), chunk);
  sizes.push_back(d - chunk * (n - 1));
  return sizes;
}

// The parts' shapes along `axis` (normalized), sized by `sizes` (which must add up to the
// axis); `parts` > 0: the number of outputs the op's type has, which sizes must give.
inline Shapes split_shapes(const Shape& xs, int axis, const Shape& sizes, size_t parts = 0) {
  const size_t a = size_t(axis);
  const int64_t d = xs[a];
  int64_t sum = 0;
  bool negative = false;
  for (int64_t s : sizes) {
    negative = negative || s < 0;
    sum += s;
  }
  if (negative || sum != d)
    throw Error("split: part sizes " + shape_str(sizes) + " do not add up to the axis size " + std::to_string(d));
  if (parts && sizes.size() != parts)
    throw Error("split: produced " + std::to_string(sizes.size()) + " outputs, expected " + std::to_string(parts));
  Shapes out;
  for (int64_t s : sizes) {
    out.push_back(xs);
    out.back()[a] = s;
  }
  return out;
}

// The parts along `axis` (normalized), sized by `sizes`.
template <typename T>
std::vector<Tensor> split(const Tensor& x, int axis, const Shape& sizes) {
  const size_t a = size_t(axis);
  const int64_t d = x.shape()[a];
  const Shapes shapes = split_shapes(x.shape(), axis, sizes);
  const int64_t outer = product(x.shape(), 0, a), inner = product(x.shape(), a + 1, x.shape().size());
  std::vector<Tensor> outs;
  int64_t start = 0;
  for (size_t p = 0; p < sizes.size(); ++p) {
    const int64_t s = sizes[p];
    Tensor t = Tensor::empty<T>(shapes[p]);
    const T* src = x.data<T>();
    T* dst = t.data<T>();
    for (int64_t o = 0; s && inner && o < outer; ++o)
      std::memcpy(dst + o * s * inner, src + (o * d + start) * inner, size_t(s * inner) * sizeof(T));
    start += s;
    outs.push_back(t);
  }
  return outs;
}

// ---- slice ---------------------------------------------------------------------------------

// ONNX Slice on one axis of size d: negative bounds count from the end, then clamp.
struct AxisSlice {
  int64_t start, step, count;
};
inline AxisSlice slice_axis(int64_t start, int64_t end, int64_t step, int64_t d) {
  if (d == 0) return {0, step, 0};
  if (start < 0) start += d;
  if (end < 0) end += d;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, d);
    end = std::clamp<int64_t>(end, 0, d);
    return {start, step, std::max<int64_t>(0, (end - start + step - 1) / step)};
  }
  start = std::clamp<int64_t>(start, 0, d - 1);
  end = std::clamp<int64_t>(end, -1, d - 1);
  return {start, step, std::max<int64_t>(0, (start - end - step - 1) / -step)};
}

// What slice(x, starts, ends, axes?, steps?) reads of x (every operand is read at run time):
// the result's shape, and the offset and strides (in elements) of x that walk it.
struct SliceView {
  Shape shape, strides;
  int64_t offset = 0;
};
inline SliceView slice_view(const Shape& xs, const Tensor& starts_t, const Tensor& ends_t, const std::optional<Tensor>& axes_t,
                            const std::optional<Tensor>& steps_t) {
  const Shape starts = int_values(starts_t, "slice", "starts"), ends = int_values(ends_t, "slice", "ends");
  Shape axes = present(axes_t) ? int_values(*axes_t, "slice", "axes") : Shape{};
  Shape steps = present(steps_t) ? int_values(*steps_t, "slice", "steps") : Shape{};
  const size_t n = starts.size();
  const int rank = int(xs.size());
  if (ends.size() != n)
    throw Error("slice: starts has " + std::to_string(n) + " entries but ends has " + std::to_string(ends.size()));
  if (axes.empty())
    for (size_t i = 0; i < n; ++i) axes.push_back(int64_t(i));
  if (steps.empty()) steps.assign(n, 1);
  if (axes.size() != n || steps.size() != n)
    throw Error("slice: starts, ends, axes and steps must have one length, found " + std::to_string(n) + ", " +
                std::to_string(ends.size()) + ", " + std::to_string(axes.size()) + ", " + std::to_string(steps.size()));
  Shape shape = xs, strides = contiguous_strides(xs);
  std::vector<bool> seen(size_t(rank), false);
  int64_t offset = 0;
  for (size_t i = 0; i < n; ++i) {
    if (axes[i] < -rank || axes[i] >= rank)
      throw Error("slice: axis " + std::to_string(axes[i]) + " is out of range for rank " + std::to_string(rank));
    const size_t a = size_t(axes[i] < 0 ? axes[i] + rank : axes[i]);
    if (seen[a]) throw Error("slice: axis " + std::to_string(a) + " is sliced twice");
    seen[a] = true;
    if (steps[i] == 0) throw Error("slice: steps must not be 0");
    const AxisSlice s = slice_axis(starts[i], ends[i], steps[i], shape[a]);
    shape[a] = s.count;
    if (s.count) offset += s.start * strides[a];
    strides[a] *= s.step;
  }
  return {shape, strides, offset};
}
inline Shape slice_shape(const Shape& xs, const Tensor& starts, const Tensor& ends, const std::optional<Tensor>& axes,
                         const std::optional<Tensor>& steps) {
  return slice_view(xs, starts, ends, axes, steps).shape;
}
template <typename T>
Tensor slice(const Tensor& x, const Tensor& starts, const Tensor& ends, const std::optional<Tensor>& axes,
             const std::optional<Tensor>& steps) {
  const SliceView v = slice_view(x.shape(), starts, ends, axes, steps);
  return strided_copy<T>(x, v.offset, v.shape, v.strides);
}

// ---- pad -----------------------------------------------------------------------------------

// out[i...] = src[maps[0][i_0], maps[1][i_1], ...] (source coordinates per axis, one rank),
// or `fill` where any map entry is -1.
template <typename T>
Tensor axis_map_copy(const Tensor& src, const Shape& out_shape, const std::vector<Shape>& maps, T fill) {
  Tensor out = Tensor::empty<T>(out_shape);
  const int64_t total = out.size();
  if (total == 0) return out;
  const size_t rank = out_shape.size();
  const T* s = src.data<T>();
  T* d = out.data<T>();
  if (rank == 0) {
    d[0] = s[0];
    return out;
  }
  const Shape ss = contiguous_strides(src.shape());
  const Shape& last = maps[rank - 1];
  const int64_t inner = out_shape[rank - 1];
  Shape idx(rank, 0);
  for (int64_t o = 0; o < total; o += inner) {
    int64_t base = 0;
    bool filled = false;
    for (size_t k = 0; k + 1 < rank && !filled; ++k) {
      const int64_t c = maps[k][size_t(idx[k])];
      filled = c < 0;
      base += c * ss[k];
    }
    if (filled)
      std::fill(d + o, d + o + inner, fill);
    else
      for (int64_t j = 0; j < inner; ++j) d[o + j] = last[size_t(j)] < 0 ? fill : s[base + last[size_t(j)]];
    for (int k = int(rank) - 2; k >= 0; --k) {
      if (++idx[size_t(k)] < out_shape[size_t(k)]) break;
      idx[size_t(k)] = 0;
    }
  }
  return out;
}

// Source coordinate of output coordinate o along an axis of size d padded by `begin`
// (mode 'c' constant: -1 outside; 'e' edge; 'r' reflect, repeatedly as NumPy).
inline int64_t pad_source(int64_t o, int64_t begin, int64_t d, char mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < d) return i;
  if (mode == 'c') return -1;
  if (mode == 'e' || d == 1) return i < 0 ? 0 : d - 1;
  const int64_t period = 2 * (d - 1);
  i %= period;
  if (i < 0) i += period;
  return i < d ? i : period - i;
}

// The dims of pad(x of shape xs, pads = [begins..., ends...]) in `mode` ('c', 'e', 'r').
inline Shape pad_shape(const Shape& xs, const Shape& pads, char mode) {
  const size_t rank = xs.size();
  if (pads.size() != 2 * rank)
    throw Error("pad: pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * rank));
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t d = xs[i];
    out[i] = d + pads[i] + pads[i + rank];
    if (out[i] < 0) throw Error("pad: pads " + shape_str(pads) + " crop dim " + std::to_string(i) + " of " + shape_str(xs) + " below zero");
    if (d == 0 && mode != 'c' && out[i] > 0)
      throw Error(std::string("pad: mode ") + (mode == 'e' ? "edge" : "reflect") + " cannot pad the empty dim " + std::to_string(i));
  }
  return out;
}

// pad(x, pads = [begins..., ends...], value?); negative pads crop.
template <typename T>
Tensor pad(const Tensor& x, const Shape& pads, const std::optional<Tensor>& value, char mode) {
  const size_t rank = size_t(x.rank());
  const Shape out = pad_shape(x.shape(), pads, mode);
  std::vector<Shape> maps(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t d = x.shape()[i];
    maps[i].resize(size_t(out[i]));
    for (int64_t o = 0; o < out[i]; ++o) maps[i][size_t(o)] = pad_source(o, pads[i], d, mode);
  }
  T fill = T(0);
  if (present(value)) {
    if (value->size() != 1) throw Error("pad: value must be one element, found shape " + shape_str(value->shape()));
    fill = value->data<T>()[0];
  }
  return axis_map_copy<T>(x, out, maps, fill);
}

}  // namespace weft_rt
