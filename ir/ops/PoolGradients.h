// PoolGradients.h - the gradient facets of windowed ops: max/avg/lp pooling, and lrn and group_norm.
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// max_pool, avg_pool, lp_pool: through the window's columns (one strided slice of the padded
// input per kernel offset), each element's cotangent summed back to where it came from.
GradientFn max_pool_gradient();
GradientFn avg_pool_gradient();
GradientFn lp_pool_gradient();
GradientFn lrn_gradient();
GradientFn group_norm_gradient();

}  // namespace weft::vjp
