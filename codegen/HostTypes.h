// HostTypes.h - IR types as the host C++ types of the generated source (a target spells the tensor type).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codegen/Target.h"
#include "ir/Error.h"
#include "ir/Expr.h"
#include "ir/Type.h"

namespace weft::codegen {

// The target's tensor type for a tensor, std::tuple<...> for a tuple (unit is std::tuple<>),
// weft_rt::Adt for any ADT value, weft_rt::Fn<R(A...)> for a function, weft_rt::Cell<T>
// for a reference. CompileError at `where` for type variables (a polymorphic function is
// emitted per instance, with its type parameters substituted) and polymorphic function
// values.
std::string cpp_type(const Type& t, const Span& where, const Target& target);

// The types of constructor `c`'s fields in the ADT instance `adt` (List[f32[]] gives Cons the
// fields f32[], List[f32[]]), and their C++ types, comma-separated.
std::vector<Type> ctor_field_types(const ConstructorNode& c, const Type& adt);
std::string ctor_field_cpp_types(const ConstructorNode& c, const Type& adt, const Span& where, const Target& target);

// A C++ string literal for `s` (model strings only ever appear escaped like this).
std::string c_string(const std::string& s);

}  // namespace weft::codegen
