// InlineFunctions.h - replaces calls of small or once-called global functions by their bodies (flag `inline-functions`).
#pragma once

#include "ir/Module.h"

namespace weft {

// A function body with at most this many non-atomic nodes (calls, lets, ifs, ...) is small:
// inlining it costs about what the call did, and exposes its body to folding and CSE.
inline constexpr int kInlineMaxNodes = 16;

// Type-checked module in; type-checked module out in which each direct call `@f(args)` of a
// global function f that is
// - not recursive (no cycle through f in the call graph: self or mutual recursion, where a
//   reference as a value counts too), never with type parameters, never @main, and
// - small (kInlineMaxNodes, counted after inlining into f), called once in the module, or
//   marked inline="always"; never when marked inline="never" or primitive=1,
// is replaced by f's body with fresh variables (so nothing is captured or bound twice), its
// parameters bound to the arguments by lets in order (an argument that is a variable or a
// constant of the parameter's type is substituted directly). Nothing is inlined into a
// function or closure marked primitive=1. A function inlined everywhere it was referenced is
// removed. Callees are inlined into before their callers, so chains collapse in one run.
// CompileError for an inline attribute other than "always" or "never".
Module inline_functions(const Module& m);

}  // namespace weft
