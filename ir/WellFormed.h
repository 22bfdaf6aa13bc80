// WellFormed.h - structural checks every pass may assume: scoping, binding, global names.
#pragma once

#include "ir/Module.h"

namespace weft {

// Checks that in `m`:
//   - each variable is bound exactly once (by identity) across the module: by a let, a
//     function parameter or a match pattern;
//   - each use of a variable lies in the scope of its binding (the let body; for
//     `let %f = fn ...` also the function itself, so local closures may recurse; the
//     function body; the clause body);
//   - every @global names a function of `m`, every constructor (call, value or pattern)
//     is one of `m`'s, and an operator appears only as the callee of a call.
// Throws CompileError at the offending use (for a variable: the node that uses it).
void check_well_formed(const Module& m);

}  // namespace weft
