// SpecializeInputs.h - fixes the shapes of @main's inputs (`weft compile --input-shape`) before compilation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft {

// One `--input-shape NAME=d0,d1,...`.
struct InputShape {
  std::string name;
  std::vector<int64_t> dims;
};

// Parses "NAME=1,3,224,224" (a scalar: "NAME="); CompileError saying what is wrong.
InputShape parse_input_shape(const std::string& text);

// Type-checked module in, type-checked module out, in which each named @main parameter
// has exactly the given static shape. A `?` dim becomes the given size; a symbol
// (`batch`) is bound to it, and since symbols are global to a module it becomes that size
// in every type annotation of every function (two inputs sharing `batch` must agree). A
// static dim must equal the given size. CompileError naming the input (and dim) when a
// name matches no input, the rank differs, a size conflicts, or a dim is an expression
// (`n*2`) that the given sizes do not determine. Type inference then runs again, so
// operators see the static shapes.
// Limit: an annotation dim that mixes bound and unbound symbols (`batch*seq` with only
// batch given) is kept as written.
Module specialize_inputs(const Module& m, const std::vector<InputShape>& shapes);

}  // namespace weft
