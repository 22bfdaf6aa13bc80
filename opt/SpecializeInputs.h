// SpecializeInputs.h - fixes the shapes (`--input-shape`) or refines the types (`--input-type`) of @main's inputs.
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

// "x=1,3,224,224" (a scalar: "x="), as `--input-shape` and golden pass tests give it. The
// name ends at the last '=', so it may hold one. CompileError quoting the text when malformed.
InputShape parse_input_shape(const std::string& text);

// One `--input-type NAME=TYPE`. `text` is the type as the user wrote it, for messages.
struct InputType {
  std::string name;
  Type type;
  std::string text;
};

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

// Type-checked module in, type-checked module out, in which each named @main parameter
// has the given type. The given type must refine the declared one: the same structure and
// dtypes, the same rank (a declared `f32[*]` takes any), and every static dim the same; a
// declared symbol or `?` may become a size, another symbol or an expression. A declared
// symbol given a size is bound to it in every annotation of the module, as
// specialize_inputs does; one renamed to another symbol is renamed everywhere it stands
// alone as a dim. CompileError naming the input (and dim) for an unknown name, a type
// that does not refine the declared one, or two inputs binding one symbol differently.
// Type inference then runs again.
Module refine_input_types(const Module& m, const std::vector<InputType>& types);

}  // namespace weft
