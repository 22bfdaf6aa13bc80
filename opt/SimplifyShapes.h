// SimplifyShapes.h - shape and size of static dims become constants, and so do the parts of a shape picked out of it (flag `simplify-shapes`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out with the same results, in which
// `shape(x)` and `size(x)` become constants where the dims they read are static in x's
// type, and an op that only moves the elements of a shape (gather, slice, concat,
// squeeze, unsqueeze, reshape, flatten, with constant other operands) becomes a constant
// when every element it picks is a static dim, even where other dims of x are symbolic
// (`gather(shape(x), 1)` with x: f32[n, 3] is 3). Anything that reads a symbolic or unknown
// dim stays. Lets whose only uses were folded are removed.
Module simplify_shapes(const Module& m);

}  // namespace weft
