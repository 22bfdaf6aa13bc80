// ApiValues.h - interpreter values (tensors, lists, optionals) as the C API's run_values takes and returns them.
#pragma once

#include <string>

#include "ir/Module.h"
#include "ir/Value.h"
#include "cli/host/LoadedLibrary.h"

namespace weft::host {

// The weft_value_kind of a @main parameter or (flattened) result type: a tensor,
// List[tensor], Option[tensor] or Option[List[tensor]]; -1 for any other type.
int api_kind(const Type& t);

// `v` as a run_values input of `kind`. Throws std::runtime_error when it is not of that kind.
ApiValue to_api(const Value& v, int kind);

// A run_values output as an interpreter value, built with `m`'s prelude constructors.
Value from_api(const ApiValue& v, const Module& m);

}  // namespace weft::host
