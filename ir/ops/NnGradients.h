// NnGradients.h - the gradient facets of the nn and misc families (normalization, global pools, topk, sort, ...).
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// conv (static spatial dims): dx is a conv_transpose of dy, dw a conv of x with dy per group, db a sum.
GradientFn conv_gradient();
GradientFn conv_transpose_gradient();
GradientFn batch_norm_gradient();
GradientFn layer_norm_gradient();
GradientFn instance_norm_gradient();
// global_avg_pool (take_max false) and global_max_pool.
GradientFn global_pool_gradient(bool take_max);
// topk and sort: the values' cotangents go back to the positions their indices name.
GradientFn sorted_values_gradient();
GradientFn trilu_gradient();
GradientFn one_hot_gradient();

}  // namespace weft::vjp
