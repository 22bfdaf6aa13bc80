// FoldBatchNorm.h - an inference batch_norm after a conv, matmul or gemm with constant weights, folded into them (flag `fold-batch-norm`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out in which `batch_norm(p, scale, bias,
// mean, var)` with constant parameters, whose input p is used by it alone and is
//  - conv(x, w, b?) with constant w (and b): becomes conv(x, w', b');
//  - matmul(x, w) with a constant 2-D w and a 2-D result: becomes gemm(x, w', b');
//  - gemm(x, w, c?) with constant w (and c): becomes gemm(x, w', c') with beta 1;
// where w' is w scaled per output channel by scale / sqrt(var + epsilon) and b' (c') folds
// the bias, mean and old bias (and beta). The new constants are computed in double and
// rounded once to the dtype, so results differ from the unfolded program by rounding
// (the arithmetic is reordered). Anything else is left as it is.
Module fold_batch_norm(const Module& m);

}  // namespace weft
