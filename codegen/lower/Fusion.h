// Fusion.h - fusion groups: which operator calls a target may run as one kernel.
#pragma once

#include <map>
#include <vector>

#include "ir/Expr.h"

namespace weft::lower {

// The operator calls of a function body in groups, each group printed (CPU) or launched
// (a GPU target) as one unit. A placeholder for now: every operator call is its own group,
// which is what the CPU target does. A fusing rule (elementwise chains, an injective op into
// its consumer) will change only this grouping; the emitters already ask for groups.
struct FusionGroups {
  std::vector<std::vector<const ExprNode*>> groups;  // in evaluation order
  std::map<const ExprNode*, int> group_of;           // operator call -> index into groups
};

// The groups of `body`'s operator calls, closure bodies included, in evaluation order.
FusionGroups group_operator_calls(const Expr& body);

}  // namespace weft::lower
