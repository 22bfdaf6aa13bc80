// ShapeCommon.h - private helpers of the shape and misc op families: integer operands,
// symbolic dim products and dtype-generic (by element size) data-movement kernels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/OpRegistry.h"
#include "ir/ops/OpHelpers.h"

// Everything here lives in weft::shape_ops so that names stay private to these files.
namespace weft::shape_ops {

// The families registered from ShapeOps.cpp / MiscOps.cpp, split over several files.
void register_shape_slice_ops(OpRegistry& reg);   // ShapeSliceOps.cpp: concat, split, slice, tile, pad
void register_shape_gather_ops(OpRegistry& reg);  // ShapeGatherOps.cpp: gather*, scatter*
void register_misc_sort_ops(OpRegistry& reg);     // MiscSortOps.cpp: topk, sort
void register_misc_resize_ops(OpRegistry& reg);   // MiscResize.cpp: resize

// ---- type relations ----

// Argument i is an integer (i64 or i32) tensor of rank 1 (or rank <= 1 when `allow_scalar`);
// returns its type. `what` names the operand in messages ("shape", "starts").
const TensorTypeNode& expect_int_operand(const std::vector<ArgInfo>& args, size_t i, const std::string& op,
                                         const std::string& what, bool allow_scalar = false);
// The static length of a 1-D operand (1 for a scalar); TypeRelationError when it is symbolic.
int64_t static_length(const TensorTypeNode& t, const std::string& op, const std::string& what);
// The values of argument i when it is a compile-time constant (and present).
bool const_ints(const std::vector<ArgInfo>& args, size_t i, std::vector<int64_t>* out);
// Whether optional argument i is present: passed, and not a zero-size placeholder.
bool arg_present(const std::vector<ArgInfo>& args, size_t i);
// Product of dims [begin, end).
Dim dim_product(const Shape& s, size_t begin, size_t end);
Shape static_shape(const std::vector<int64_t>& s);
Shape unknown_shape(size_t rank);
// "f32[2, 3]" for messages.
std::string tensor_str(const TensorTypeNode& t);
// Two dims that must agree: static beats symbolic beats unknown (a valid program makes them equal).
// TypeRelationError on two different static dims.
Dim unify_dims(const Dim& a, const Dim& b, const std::string& op, const std::string& what);
// The normalized int-list attribute `axes` for a tensor of rank `rank` (duplicates rejected).
std::vector<int> normalize_axes(const std::vector<int64_t>& axes, int rank, const std::string& op);

// ---- kernels ----

// The integer values of a run-time operand; RuntimeError unless it is i32/i64.
std::vector<int64_t> int_operand(const Tensor& t, const std::string& op, const std::string& what);
bool input_present(const std::vector<Tensor>& in, size_t i);
[[noreturn]] void index_error(const std::string& op, int64_t index, int64_t bound, int axis);

// Calls f(type_tag<U>{}) with the unsigned integer type whose size is `esz` bytes: kernels
// that only move elements are written once over U and serve every dtype (f16, bool, ...).
template <typename F>
decltype(auto) dispatch_elem_size(size_t esz, F&& f) {
  switch (esz) {
    case 1: return f(type_tag<uint8_t>{});
    case 2: return f(type_tag<uint16_t>{});
    case 4: return f(type_tag<uint32_t>{});
    default: return f(type_tag<uint64_t>{});
  }
}

// out[i...] = src.flat[offset + sum_k i_k * strides[k]] for every index of `out_shape`
// (strides in elements; 0 broadcasts, negative walks backwards). Returns a new tensor.
Tensor strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& out_shape,
                    const std::vector<int64_t>& strides);
// out[i...] = src[maps[0][i_0], maps[1][i_1], ...] (source coordinates per axis, src and
// out of one rank), or `fill` (one element's bytes) where any map entry is -1.
Tensor axis_map_copy(const Tensor& src, const std::vector<int64_t>& out_shape,
                     const std::vector<std::vector<int64_t>>& maps, const void* fill);

}  // namespace weft::shape_ops
