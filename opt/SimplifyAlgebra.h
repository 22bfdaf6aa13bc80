// SimplifyAlgebra.h - identities exact in IEEE arithmetic and compositions of shape ops, removed (flag `simplify-algebra`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out computing bit-identical results (NaN
// for NaN) on every input, in which op calls that are identities on their argument are
// replaced by it (x*1, x/1, x-0, x+(-0), a cast to x's own dtype, a transpose by the
// identity permutation, a reshape, flatten or squeeze to x's own type, a concat of one
// input), and pairs of shape ops are composed (transpose∘transpose, reshape∘reshape,
// squeeze∘unsqueeze of the same axes, cast∘cast whose inner cast is exact). No rewrite
// changes the type of an expression. Lets whose only uses were rewritten away are
// removed. See the Note in SimplifyAlgebra.cpp for what is exact and why.
Module simplify_algebra(const Module& m);

}  // namespace weft
