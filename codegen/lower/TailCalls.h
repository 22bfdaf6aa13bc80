// TailCalls.h - self tail calls: the calls of a function by itself in tail position, which the emitters turn into loops.
#pragma once

#include <functional>
#include <set>

#include "codegen/lower/Instances.h"

namespace weft::lower {

// The self tail calls of one function instance and of the closure literals in its body. A
// self tail call is a call in tail position (through lets, both branches of an if, every
// clause of a match) of the function whose body it is in: of the global instance itself
// (the same @name at the same instance), or, in a closure literal bound by a let, of the
// let's variable. The emitter assigns the parameters and jumps back to the top of the body.
// A polymorphic let-bound closure loops only where the call is at the instance being
// emitted, which the emitter checks (a call at other type arguments is polymorphic recursion).
struct TailCalls {
  std::set<const ExprNode*> calls;  // the call nodes
  // The bodies that loop: the instance's body expression, or the FunctionNode of a closure.
  std::set<const ExprNode*> loops;
};

// `type_of` gives an expression's type at the instance (its type arguments substituted).
TailCalls find_tail_calls(const Function& fn, const FunctionInstance& inst, const Instances& instances,
                          const std::function<Type(const Expr&)>& type_of);

}  // namespace weft::lower
