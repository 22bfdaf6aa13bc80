// Shape.h - layout kernels: views (reshape, flatten, squeeze, unsqueeze), strided copies
// (transpose, expand, tile, depth_to_space, space_to_depth), shape and size, and the
// readers of small integer operands (a target shape, starts, pads) the shape ops share.
#pragma once

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "weft/rt/Elementwise.h"

namespace weft_rt {

// ---- operands ------------------------------------------------------------------------------

// The values of a small integer operand (a shape, starts, pads, repeats), i32 or i64. Read
// once per call, so the dtype is checked here rather than instantiated per kernel.
inline Shape int_values(const Tensor& t, const char* op, const char* what) {
  const DLDataType d = t.dtype();
  Shape v(size_t(t.size()));
  if (d.code == kDLInt && d.bits == 64) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.data<int64_t>()[i];
  } else if (d.code == kDLInt && d.bits == 32) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.data<int32_t>()[i];
  } else {
    throw Error(std::string(op) + ": " + what + " must be an i64 or i32 tensor");
  }
  return v;
}

// Element i of a numeric tensor of any dtype as a double (range bounds, one_hot's depth,
// resize's scales and roi): the interpreter's Tensor::as_double.
inline double number_at(const Tensor& t, int64_t i) {
  const DLDataType d = t.dtype();
  const size_t k = size_t(i);
  switch (d.code) {
    case kDLFloat:
      if (d.bits == 16) return double(float(t.data<half>()[k]));  // shape functions see f16 unwidened
      return d.bits == 64 ? t.data<double>()[k] : double(t.data<float>()[k]);
    case kDLBfloat: return double(float(t.data<bfloat16>()[k]));
    case kDLInt:
      switch (d.bits) {
        case 8: return t.data<int8_t>()[k];
        case 16: return t.data<int16_t>()[k];
        case 32: return t.data<int32_t>()[k];
        default: return double(t.data<int64_t>()[k]);
      }
    case kDLUInt:
      switch (d.bits) {
        case 8: return t.data<uint8_t>()[k];
        case 16: return t.data<uint16_t>()[k];
        case 32: return t.data<uint32_t>()[k];
        default: return double(t.data<uint64_t>()[k]);
      }
    default: return t.data<bool>()[k] ? 1.0 : 0.0;
  }
}

// An optional operand is present when given and not a zero-size placeholder (ONNX's "").
inline bool present(const std::optional<Tensor>& t) { return t && t->size() > 0; }

inline int64_t product(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

inline Shape contiguous_strides(const Shape& s) {
  Shape st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

// ---- copies --------------------------------------------------------------------------------

// out[i...] = src.flat[offset + sum_k i_k * strides[k]] over `shape` (strides in elements;
// 0 broadcasts, negative walks backwards). Rows of the innermost dim are a memcpy, a fill
// or a strided gather.
template <typename T>
Tensor strided_copy(const Tensor& src, int64_t offset, const Shape& shape, const Shape& strides) {
  Tensor out = Tensor::empty<T>(shape);
  const int64_t total = out.size();
  if (total == 0) return out;
  const size_t rank = shape.size();
  const int64_t inner = rank ? shape[rank - 1] : 1, istride = rank ? strides[rank - 1] : 0;
  const T* s = src.data<T>();
  T* d = out.data<T>();
  Shape idx(rank, 0);
  int64_t off = offset;
  for (int64_t o = 0; o < total; o += inner) {
    const T* row = s + off;
    if (istride == 1) std::memcpy(d + o, row, size_t(inner) * sizeof(T));
    else if (istride == 0) std::fill(d + o, d + o + inner, row[0]);
    else
      for (int64_t j = 0; j < inner; ++j) d[o + j] = row[j * istride];
    for (int k = int(rank) - 2; k >= 0; --k) {
      const size_t u = size_t(k);
      off += strides[u];
      if (++idx[u] < shape[u]) break;
      off -= strides[u] * shape[u];
      idx[u] = 0;
    }
  }
  return out;
}

// ---- views ---------------------------------------------------------------------------------

// Each view's result dims (its shape function, OpDef::shape_cpu, calls these too).

// ONNX Reshape: 0 copies a dim of `in` (unless allowzero), one -1 is inferred.
inline Shape reshape_shape(const Shape& in, const Shape& target, bool allowzero) {
  const int64_t total = numel(in);
  auto fail = [&](const std::string& why) {
    throw Error("reshape: cannot reshape " + shape_str(in) + " (" + std::to_string(total) + " elements) into " +
                shape_str(target) + ": " + why);
  };
  Shape out(target.size());
  int infer = -1;
  bool has_zero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    const int64_t t = target[i];
    if (t == -1) {
      if (infer >= 0) fail("at most one -1 is allowed");
      infer = int(i);
    } else if (t == 0 && !allowzero) {
      if (i >= in.size()) fail("0 at position " + std::to_string(i) + " copies a dim the input does not have");
      out[i] = in[i];
    } else if (t < 0) {
      fail(std::to_string(t) + " is not a valid size");
    } else {
      has_zero = has_zero || t == 0;
      out[i] = t;
    }
  }
  if (infer >= 0 && has_zero) fail("-1 cannot be inferred when allowzero makes a 0 a size");
  if (infer < 0) {
    if (numel(out) != total) fail("the element counts differ");
    return out;
  }
  int64_t den = 1;
  for (size_t i = 0; i < out.size(); ++i)
    if (int(i) != infer) den *= out[i];
  if (den == 0) fail("-1 cannot be inferred next to a 0 size");
  if (total % den != 0) fail("the element count is not divisible");
  out[size_t(infer)] = total / den;
  return out;
}
inline Tensor reshape(const Tensor& x, const Shape& target, bool allowzero) {
  return x.reshaped(reshape_shape(x.shape(), target, allowzero));
}

// [prod(dims before axis), prod(dims from axis)]; axis normalized to [0, rank].
inline Shape flatten_shape(const Shape& s, int axis) {
  return {product(s, 0, size_t(axis)), product(s, size_t(axis), s.size())};
}
inline Tensor flatten(const Tensor& x, int axis) { return x.reshaped(flatten_shape(x.shape(), axis)); }

// Drops `axes` (each must be 1), or every dim of size 1 when axes is empty.
inline Shape squeeze_shape(const Shape& s, const std::vector<int>& axes) {
  std::vector<bool> drop(s.size(), axes.empty());
  for (int a : axes) {
    if (s[size_t(a)] != 1)
      throw Error("squeeze: dim " + std::to_string(a) + " of " + shape_str(s) + " must be 1 to squeeze it, found " +
                  std::to_string(s[size_t(a)]));
    drop[size_t(a)] = true;
  }
  Shape out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!drop[i] || s[i] != 1) out.push_back(s[i]);
  return out;
}
inline Tensor squeeze(const Tensor& x, const std::vector<int>& axes) { return x.reshaped(squeeze_shape(x.shape(), axes)); }

// Inserts size-1 dims at `axes` (positions in the result, normalized).
inline Shape unsqueeze_shape(const Shape& s, const std::vector<int>& axes) {
  const size_t rank = s.size() + axes.size();
  std::vector<bool> is_new(rank, false);
  for (int a : axes) is_new[size_t(a)] = true;
  Shape out;
  size_t j = 0;
  for (size_t i = 0; i < rank; ++i) out.push_back(is_new[i] ? 1 : s[j++]);
  return out;
}
inline Tensor unsqueeze(const Tensor& x, const std::vector<int>& axes) { return x.reshaped(unsqueeze_shape(x.shape(), axes)); }

// ---- copies of one layout into another -----------------------------------------------------

// Output dim k is x's dim perm[k].
inline Shape transpose_shape(const Shape& s, const std::vector<int>& perm) {
  Shape out;
  for (int k : perm) out.push_back(s[size_t(k)]);
  return out;
}
template <typename T>
Tensor transpose(const Tensor& x, const std::vector<int>& perm) {
  const Shape cs = contiguous_strides(x.shape());
  Shape strides;
  for (int k : perm) strides.push_back(cs[size_t(k)]);
  return strided_copy<T>(x, 0, transpose_shape(x.shape(), perm), strides);
}

// ONNX Expand: x broadcast with `target` (bidirectionally).
inline Shape expand_shape(const Shape& s, const Shape& target) { return broadcast_shape(s, target, "expand"); }
template <typename T>
Tensor expand(const Tensor& x, const Shape& target) {
  const Shape out = expand_shape(x.shape(), target);
  return strided_copy<T>(x, 0, out, broadcast_strides(x.shape(), out));
}

// x repeated repeats[i] times along dim i: [r0 * d0, r1 * d1, ...].
inline Shape tile_shape(const Shape& s, const Shape& reps) {
  if (reps.size() != s.size())
    throw Error("tile: repeats has " + std::to_string(reps.size()) + " entries, expected " + std::to_string(s.size()));
  Shape out;
  for (size_t i = 0; i < reps.size(); ++i) {
    if (reps[i] < 0) throw Error("tile: repeats must be >= 0, found " + std::to_string(reps[i]));
    out.push_back(reps[i] * s[i]);
  }
  return out;
}
// x viewed as [1, d0, 1, d1, ...] broadcast to [r0, d0, r1, d1, ...].
template <typename T>
Tensor tile(const Tensor& x, const Shape& reps) {
  Shape out = tile_shape(x.shape(), reps);
  const Shape cs = contiguous_strides(x.shape());
  Shape walk, strides;
  for (size_t i = 0; i < reps.size(); ++i) {
    walk.insert(walk.end(), {reps[i], x.shape()[i]});
    strides.insert(strides.end(), {0, cs[i]});
  }
  return strided_copy<T>(x, 0, walk, strides).reshaped(std::move(out));
}

// depth_to_space: [N, C/b^2, H*b, W*b]; space_to_depth: [N, C*b^2, H/b, W/b].
inline Shape block_rearrange_shape(const Shape& s, int64_t b, bool d2s) {
  const char* op = d2s ? "depth_to_space" : "space_to_depth";
  const int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  if (d2s) {
    if (c % (b * b)) throw Error(std::string(op) + ": channels " + std::to_string(c) + " are not divisible by blocksize^2 = " + std::to_string(b * b));
    return {n, c / (b * b), h * b, w * b};
  }
  if (h % b || w % b)
    throw Error(std::string(op) + ": height " + std::to_string(h) + " and width " + std::to_string(w) +
                " must be divisible by blocksize " + std::to_string(b));
  return {n, c * b * b, h / b, w / b};
}

// depth_to_space (d2s; DCR or CRD) and space_to_depth on [N, C, H, W]: a reshape, a 6-d
// transpose and a reshape, done as one strided copy. The output is walked as
// [N, C', H, b, W, b] (depth_to_space) or [N, b, b, C, H', W'] (space_to_depth).
template <typename T>
Tensor block_rearrange(const Tensor& x, int64_t b, bool d2s, bool crd) {
  const Shape& s = x.shape();
  Shape out = block_rearrange_shape(s, b, d2s), walk, strides;
  const int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  if (d2s) {
    const int64_t c2 = c / (b * b), hw = h * w;
    walk = {n, c2, h, b, w, b};
    // DCR views x as [N, b1, b2, C', H, W]; CRD as [N, C', b1, b2, H, W].
    const int64_t sb1 = crd ? b * hw : b * c2 * hw, sb2 = crd ? hw : c2 * hw, sc = crd ? b * b * hw : hw;
    strides = {c * hw, sc, w, sb1, 1, sb2};
  } else {
    const int64_t h2 = h / b, w2 = w / b;
    walk = {n, b, b, c, h2, w2};
    strides = {c * h * w, w, 1, h * w, b * w, b};  // x viewed as [N, C, H', b1, W', b2]
  }
  return strided_copy<T>(x, 0, walk, strides).reshaped(std::move(out));
}

// ---- shape queries -------------------------------------------------------------------------

// x's dims [start, end) (normalized and clamped at compile time) as i64[end - start].
inline Shape shape_of_shape(int start, int end) { return {int64_t(end - start)}; }
inline Tensor shape_of(const Tensor& x, int start, int end) {
  Tensor out = Tensor::empty<int64_t>(shape_of_shape(start, end));
  for (int i = start; i < end; ++i) out.data<int64_t>()[i - start] = x.dim(i);
  return out;
}

inline Shape size_of_shape() { return {}; }  // a scalar
inline Tensor size_of(const Tensor& x) { return Tensor::scalar<int64_t>(x.size()); }

// A kernel's list of outputs as the std::tuple an op with several outputs returns.
template <size_t... I>
auto tuple_from(const std::vector<Tensor>& v, std::index_sequence<I...>) {
  return std::make_tuple(v[I]...);
}
template <size_t N>
auto tuple_of(const std::vector<Tensor>& v, const char* op) {
  if (v.size() != N)
    throw Error(std::string(op) + ": produced " + std::to_string(v.size()) + " outputs, expected " + std::to_string(N));
  return tuple_from(v, std::make_index_sequence<N>{});
}

}  // namespace weft_rt
