// CpuTypes.h - IR types as C++ types of the generated source.
#pragma once

#include <string>

#include "ir/Error.h"
#include "ir/Type.h"

namespace weft::codegen {

// weft_rt::Tensor for a tensor, std::tuple<...> for a tuple (unit is std::tuple<>).
// CompileError at `where` for closures, ADTs, references and type variables, which the
// CPU code generator does not support yet.
std::string cpp_type(const Type& t, const Span& where);

}  // namespace weft::codegen
