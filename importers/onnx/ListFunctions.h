// ListFunctions.h - IR functions over List values that ONNX sequences and scan outputs import to.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft::onnx_import {

// Adds the polymorphic list functions to `m` (once; written in the text format):
//   @seq_length[T](List[T]) -> i64[]
//   @seq_position[T](List[T], p: i64[]) -> i64[]     p, or p + length when p < 0
//   @seq_at[T](List[T], i: i64[]) -> T               no such element: a run-time match failure
//   @seq_insert[T](List[T], i: i64[], T) -> List[T]  the element becomes the i-th
//   @seq_erase[T](List[T], i: i64[]) -> List[T]
//   @seq_reverse[T](List[T]) -> List[T]
// All are tail recursive, so long lists run in constant stack.
void ensure_list_library(Module& m);

// A function joining the tensors of a List[dtype[elem_rank dims]] along `axis` (>= 0) —
// each element first given a new size-1 dim at `axis` when `new_axis` — and returns its name.
// `newest_first`: the list holds the elements last to first (an accumulator built with
// Cons), so the result puts them back in order. With `with_empty` the function takes a
// second argument returned for an empty list; without, an empty list fails at run time.
// Made once per distinct signature.
std::string list_concat_function(Module& m, DType dtype, int elem_rank, int axis, bool new_axis, bool newest_first,
                                 bool with_empty);

// A function (x, starts: i64[n], ends: i64[n], k: i64[], acc) -> List: the slices
// x[starts[j]:ends[j]] along `axis` (>= 0) for j = k down to 0, consed onto acc (so
// k = n-1 and acc = Nil give them in order); without `keep_dims` each slice loses `axis`.
std::string list_split_function(Module& m, DType dtype, int rank, int axis, bool keep_dims);

}  // namespace weft::onnx_import
