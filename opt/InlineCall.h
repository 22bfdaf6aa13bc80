// InlineCall.h - a global function's body copied for one call site, as inlining and loop unrolling need it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft {

// `body` (f's body, or a rewritten version of it) copied for a call of f with `args`: every
// variable fresh and every non-atomic node new (so nothing is bound twice or captured), f's
// parameters bound to the arguments by lets in order; an argument that is a variable or a
// constant of the parameter's type is substituted directly. When f's declared result type is
// wider than its body's (f32[*]), the copy is bound to a variable of the declared type.
Expr inline_call(const FunctionNode* f, const Expr& body, const std::vector<Expr>& args, const Span& span);

// Every reference to a global function in `e` (called or as a value), by name, with its count.
std::map<std::string, int> global_references(const Expr& e);

// `m` without the functions in `drop`, for a pass that replaced every reference to them.
Module without_functions(const Module& m, const std::set<std::string>& drop);

}  // namespace weft
