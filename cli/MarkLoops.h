// MarkLoops.h - `--mark-all` inside loops: a loop function's copy that also returns, per marked value of its body, the list of that value at every iteration.
#pragma once

#include <string>
#include <vector>

#include "cli/MarkAll.h"
#include "ir/Module.h"

namespace weft::cli {

// A loop as the importers make it: a global function F whose body reaches its only
// recursive call, `@F(...)`, in tail position through lets and ifs (every other tail position
// returns). One iteration is one call of F; the values F computes with an operator in the lets
// in scope at the recursive call are its marked values.
struct MarkedLoop {
  std::string copy;                 // the global name of F's marked copy
  std::vector<MarkedValue> values;  // one per list the copy returns, with loop set to "@F"
};

// When `callee` (a function of `m`) is such a loop with at least one marked value, adds its
// copy to `m` and returns it; else returns a MarkedLoop with an empty `copy`. The copy takes F's
// parameters and then one list per value (pass Nil), and returns (F's result, list_1, ...,
// list_n); list_j holds value j of every iteration, the LAST iteration first (each iteration
// prepends). Loops inside the loop are not followed.
MarkedLoop mark_loop(Module& m, const std::string& callee);

}  // namespace weft::cli
