// GoldenInputs.h - generated arguments for @main, so that a golden case can run before and after its passes.
#pragma once

#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::testing {

// One argument per @main parameter of `m` (type-checked), from its type: tensors with
// deterministic pseudo-random elements (floats in [-2, 2), integers in [0, 5), bools
// either), symbolic dims bound to small sizes (the first symbol met 3, the next 4, ...;
// the same symbol the same size everywhere), `?` as 2; tuples field by field; a List of
// two elements; an Option as Some. Throws std::runtime_error naming the parameter for a
// type it cannot fill (a function, a reference, an ADT of the module's own).
std::vector<Value> generate_main_inputs(const Module& m, unsigned seed);

}  // namespace weft::testing
