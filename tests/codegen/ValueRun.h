// ValueRun.h - test helper: interpreter values (tensors, lists, optionals) through a compiled library's run_values.
#pragma once

#include <string>
#include <vector>

#include "CompiledModel.h"
#include "ir/Value.h"

namespace weft::testing {

// The interpreter's result of @main on `inputs`, tuples flattened in order.
std::vector<Value> interpret_values(const Module& m, const std::vector<Value>& inputs);

// Runs `inputs` (tensors, List values of tensors, Option values) through run_values and
// returns the outputs as values; a failed run fails the test with last_error and returns {}.
std::vector<Value> run_values(const Module& m, const CompiledModel& lib, const std::vector<Value>& inputs);

// "" when `got` equals `want` (tensors within rtol = atol = 1e-5, others exactly), else what differs.
std::string compare_values(const std::vector<Value>& want, const std::vector<Value>& got);

// Compiles `m` as lib<name>.so and checks run_values against the interpreter on each input set.
void expect_compiled_matches(const Module& m, const std::string& name, const std::vector<std::vector<Value>>& input_sets);

}  // namespace weft::testing
