// EliminateDeadCode.h - drops let bindings whose variable is unused and whose value is pure (flag `eliminate-dead-code`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out in which no `let %v = value; body` has a
// %v unused in body and a pure value (opt/Purity.h: references, calls of functions, op calls
// that may raise and refutable matches keep their lets). Dropping a binding can make the ones
// it used dead too; one pass removes them all. Functions, closures and branches are cleaned
// inside; global functions themselves are kept (inline-functions removes those it inlined).
Module eliminate_dead_code(const Module& m);

}  // namespace weft
