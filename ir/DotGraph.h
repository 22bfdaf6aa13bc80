// DotGraph.h - a module as a Graphviz graph (`weft inspect --dot`): for people who would rather look at a model than read it.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft {

// The module as one `digraph` in DOT: each global function is a cluster (its parameters,
// operator calls labelled with the operator and result type, constants, and a return node);
// an `if` is a diamond on its condition with a cluster per branch; a `match` a cluster per
// clause; a closure literal its own cluster; edges follow data from producer to consumer.
// A call of a global function is a bold box with a dashed edge to that function's cluster,
// marked `loop` when a function calls itself (recursion: a loop imported from ONNX or
// TorchScript, which the compiler turns into a loop in tail position). Shared subexpressions are
// drawn once. Types are shown when type inference has filled them.
std::string module_to_dot(const Module& m);

}  // namespace weft
