// constructs_onnx_test.cpp - ONNX models with Loop, Scan, sequences and optionals (models/onnx/make_test_models.py)
// compiled to a .so and run through run_values, against the interpreter (rtol = atol = 1e-5).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "ValueRun.h"
#include "importers/onnx/OnnxImporter.h"
#include "ir/NpyIO.h"
#include "tests/importers/OnnxTestModels.h"

namespace weft::testing {
namespace {

using json = nlohmann::json;

// Compiles case `name` and compares every run of it with the interpreter.
void check_case(const std::string& name) {
  const json& c = onnx_test_case(name);
  Module m = import_onnx(c["model"]);
  std::vector<std::vector<Value>> sets;
  for (auto& run : c["runs"]) {
    sets.emplace_back();
    for (auto& in : run["inputs"]) sets.back().push_back(onnx_test_value(in, m));
  }
  expect_compiled_matches(m, name, sets);  // a CompileError fails the test with its message
}

TEST(ConstructsOnnx, LoopCarryingASequence) { check_case("loop_sequence"); }
TEST(ConstructsOnnx, LoopTripCount) { check_case("loop_trip_count"); }
TEST(ConstructsOnnx, LoopTripCountAndCondition) { check_case("loop_both"); }
TEST(ConstructsOnnx, Optional) { check_case("optional"); }
TEST(ConstructsOnnx, SequenceMap) { check_case("sequence_map"); }
TEST(ConstructsOnnx, SequenceOps) { check_case("sequence_ops"); }
TEST(ConstructsOnnx, SplitToSequence) { check_case("split_to_sequence"); }
TEST(ConstructsOnnx, LoopScanOutputs) { check_case("loop_scan"); }
TEST(ConstructsOnnx, ScanSum) { check_case("scan_sum"); }
TEST(ConstructsOnnx, NestedLoop) { check_case("loop_nested"); }

}  // namespace
}  // namespace weft::testing
