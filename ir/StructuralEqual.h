// StructuralEqual.h - equality of expressions, types and modules up to renaming.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft {

// True when `a` and `b` are the same program up to renaming: variables are matched by
// where they are bound (let, parameter, pattern) and type parameters by their binder,
// never by name; free ones are matched one-to-one on first sight. Everything else must
// be equal: types and annotations, operator attributes and constants bit for bit (NaNs
// by their bits), constructors and functions by name. Spans and the types inference
// filled in (checked_type) are ignored. When `mismatch` is given and the answer is
// false, it receives a short description of the first difference found.
bool structural_equal(const Expr& a, const Expr& b, std::string* mismatch = nullptr);
bool structural_equal(const Type& a, const Type& b, std::string* mismatch = nullptr);
// Same functions and non-prelude types by name (in any order), each pair equal as above.
bool structural_equal(const Module& a, const Module& b, std::string* mismatch = nullptr);

}  // namespace weft
