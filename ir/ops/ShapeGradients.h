// ShapeGradients.h - the gradient facets of the shape family (reshape, transpose, concat, slice, gather, ...).
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// dx = dy reshaped to x's shape: reshape, flatten, squeeze, unsqueeze.
GradientFn restore_shape_gradient();
GradientFn transpose_gradient();
GradientFn expand_gradient();
GradientFn concat_gradient();
GradientFn split_gradient();
GradientFn pad_gradient();
// Ops that pick elements of argument 0 by position, the other arguments being indices or sizes
// (slice, tile, gather*, depth_to_space, space_to_depth): see gather_like.
GradientFn pick_gradient(const char* op);
// scatter_elements / scatter_nd with reduction none or add; `gather` is the matching gather op.
GradientFn scatter_gradient(const char* gather);

}  // namespace weft::vjp
