// FoldConstants.h - computes at compile time what only depends on constants (flag `fold-constants`).
#pragma once

#include <cstdint>

#include "ir/Module.h"

namespace weft {

// Folding stops where a result would hold more than this many elements (all outputs of a
// call together): a constant computed from weights (a transposed or reshaped weight) would
// be a second copy of them in the library, and the run-time op costs little next to that.
// Small results are what folding is for: shape arithmetic, scalars, index tensors.
inline constexpr int64_t kMaxFoldedElements = 4096;

// Type-checked module in; type-checked module out in which
// - an operator call whose arguments are all constants is replaced by its value, computed by
//   the op's reference kernel (OpDef::kernel), when its result type (the op's type relation on
//   those constants) is static and holds at most kMaxFoldedElements elements (a multi-output op becomes a tuple of constants). A
//   kernel or type relation that rejects the values (a zero divisor, an index out of range)
//   leaves the call in place: the error belongs to run time;
// - a projection of a tuple of constants (written, or bound to a variable) is the constant;
// - `if` on a constant condition is the branch taken;
// - a let binding whose value became a constant is substituted into its uses and dropped
//   (unless the variable's type is unranked, where the constant's static type could not
//   stand in for it).
// Each node of the DAG is visited once (memoized), so the cost is linear plus the kernels'.
Module fold_constants(const Module& m);

// The same folding on one expression, for a pass that builds code and folds it before types
// are inferred again (unroll-loops): a let-bound variable without an inferred type is judged
// by its annotation, and one without either takes its constant.
Expr fold_constants_in(const Expr& e);

}  // namespace weft
