// BindInputs.h - makes named inputs of @main constants (`--bind NAME=VALUE`, flag `bind-inputs`): where partial evaluation starts.
#pragma once

#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft {

// One `--bind NAME=VALUE`: VALUE is a path to an .npy file, or a number for a scalar input
// (read in the input's dtype: `steps=3`, `scale=0.5`, `flag=true`). The name ends at the first
// '=' (a path may hold one).
struct BoundInput {
  std::string name;
  std::string value;
  std::string text;  // as the user wrote it, for messages
};

// CompileError quoting the text when it has no NAME= part or no value.
BoundInput parse_bound_input(const std::string& text);

// The tensor `b` gives for @main's parameter `param` (an .npy file read, a number in the
// parameter's dtype), checked against its declared type as bind_inputs does.
Tensor bound_value(const BoundInput& b, const Var& param);

// Type-checked module in; type-checked module out in which each named @main parameter is
// gone from @main's signature and bound, at the start of its body, to the given value as a
// constant. The value must fit the declared type: the same dtype and rank, every static dim
// equal; a symbolic dim takes the value's size in every type of the module (as
// `--input-shape` does). The passes after it (fold-constants, unroll-loops, dead-code
// elimination) then evaluate what became known. A compiled library's C API no longer takes
// the input. CompileError naming the input for an unknown name, a name bound twice, an input
// that is not a tensor, a value that does not fit, a literal for a non-scalar input, or an
// unreadable file.
Module bind_inputs(const Module& m, const std::vector<BoundInput>& inputs);

}  // namespace weft
