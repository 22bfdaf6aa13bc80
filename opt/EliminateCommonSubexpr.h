// EliminateCommonSubexpr.h - computes identical operator calls once (flag `eliminate-common-subexpr`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out in which an operator call identical to one
// evaluated before it on every path (same op, same attributes, same argument nodes after this
// pass, equal small constants) is replaced by the earlier one, whether or not it may raise
// (operators are deterministic and touch no reference: had the earlier call raised, the later
// one was never reached; function calls and reference reads are never shared): by its let variable when the earlier call is a let's value still in
// scope, else by the same node, shared (to-a-normal-form binds such a node once). A
// `let %b = %a` left behind is dropped and %b replaced by %a. "Before it on every path":
// earlier in the same scope or an enclosing one, where scopes are function bodies, if
// branches and match clauses, so nothing is computed on a path that did not compute it.
Module eliminate_common_subexpr(const Module& m);

}  // namespace weft
