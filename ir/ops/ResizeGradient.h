// ResizeGradient.h - the gradient facet of resize.
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// resize is linear in x and separable by axis. Nearest: a gather, its cotangents summed back
// to the elements picked (the op run on the flat indices). Linear and cubic: per axis, the
// interpolation matrix is the op itself run on an identity (the basis on a new leading axis of
// scale 1, which every coordinate mode keeps as it is), and dy is multiplied by its transpose,
// axis by axis. roi and scales get no cotangent. x's shape must be static.
GradientFn resize_gradient();

}  // namespace weft::vjp
