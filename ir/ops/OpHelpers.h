// OpHelpers.h - shared pieces for writing registry entries: type-relation checks,
// symbolic broadcasting, axis normalization and strided iteration for kernels.
#pragma once

#include <string>
#include <vector>

#include "ir/OpRegistry.h"

namespace weft {

// The tensor type of argument i, or TypeRelationError("<op>: argument i must be a tensor, found ...").
const TensorTypeNode& expect_tensor(const std::vector<ArgInfo>& args, size_t i, const std::string& op);
// Throws TypeRelationError unless argument i has one of `allowed` dtypes.
void expect_dtype(const TensorTypeNode& t, std::initializer_list<DType> allowed, const std::string& op, size_t i);
void expect_float(const TensorTypeNode& t, const std::string& op, size_t i);
// All tensor arguments must share one dtype; returns it.
DType expect_same_dtype(const std::vector<ArgInfo>& args, const std::string& op);

// NumPy broadcasting of symbolic shapes. Per dim: equal -> it; static 1 -> the other;
// a static dim != 1 beats a symbol or unknown (the symbol must be 1 or equal at run time);
// two different symbols -> unknown. Throws TypeRelationError on two different static dims != 1.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& op);
// Concrete broadcasting; throws RuntimeError on incompatible shapes.
std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b, const std::string& op);

// axis in [-rank, rank) -> [0, rank); TypeRelationError (type time) / RuntimeError otherwise.
int normalize_axis(int64_t axis, int rank, const std::string& op);
int normalize_axis_runtime(int64_t axis, int rank, const std::string& op);

// Row-major strides of a shape.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape);
// Strides of `in` broadcast to `out` (0 where a dim is broadcast); in is right-aligned.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out);

// Iterates the output of a broadcasting op row by row (a row = the innermost dim).
// Calls f(out_offset, in_offsets, row_len) where in_offsets[k] is the flat offset of the
// row's first element in input k; within the row, input k advances by strides[k].back()
// (0 when broadcast along it). The caller's inner loop over row_len is what vectorizes.
template <typename F>
void for_each_broadcast_row(const std::vector<int64_t>& out_shape, const std::vector<std::vector<int64_t>>& strides, F&& f) {
  const size_t rank = out_shape.size();
  const size_t k = strides.size();
  int64_t total = 1;
  for (auto d : out_shape) total *= d;
  if (total == 0) return;
  std::vector<int64_t> idx(rank, 0), off(k, 0);
  const int64_t inner = rank ? out_shape[rank - 1] : 1;
  for (int64_t o = 0; o < total; o += inner) {
    f(o, static_cast<const std::vector<int64_t>&>(off), inner);
    for (int d = int(rank) - 2; d >= 0; --d) {  // advance every dim but the last
      idx[size_t(d)]++;
      for (size_t j = 0; j < k; ++j) off[j] += strides[j][size_t(d)];
      if (idx[size_t(d)] < out_shape[size_t(d)]) break;
      for (size_t j = 0; j < k; ++j) off[j] -= strides[j][size_t(d)] * out_shape[size_t(d)];
      idx[size_t(d)] = 0;
    }
  }
}

// Shape of a constant shape-tensor argument (e.g. reshape's target), if it is one.
bool const_int_values(const ArgInfo& a, std::vector<int64_t>* out);

}  // namespace weft
