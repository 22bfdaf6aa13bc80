// constructs_onnx_test.cpp - ONNX models with Loop, Scan, sequences and optionals (models/onnx/make_test_models.py)
// compiled to a .so and run through run_values, against the interpreter (rtol = atol = 1e-5).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "ValueRun.h"
#include "importers/onnx/OnnxImporter.h"
#include "ir/NpyIO.h"

namespace weft::testing {
namespace {

using json = nlohmann::json;

const json& find_case(const std::string& name) {
  static const std::map<std::string, json> all = [] {
    const char* env = std::getenv("WEFT_ONNX_TEST_MODELS");
    std::ifstream in(std::string(env ? env : WEFT_ONNX_TEST_MODELS_DEFAULT) + "/cases.json");
    if (!in) throw std::runtime_error("no cases.json: run models/onnx/make_test_models.py (the ctest fixture)");
    std::map<std::string, json> m;
    for (auto& c : json::parse(in)) m[c["name"].get<std::string>()] = c;
    return m;
  }();
  auto it = all.find(name);
  if (it == all.end()) throw std::runtime_error("no test case " + name);
  return it->second;
}

Value to_value(const json& spec, const Module& m) {
  std::string kind = spec["kind"];
  if (kind == "none") return none_value(m);
  std::string file = spec["file"];
  if (kind == "list") {
    std::vector<Value> elems;
    for (auto& t : read_npz(file)) elems.push_back(tensor_value(t));
    return list_value(m, elems);
  }
  Value t = tensor_value(read_npy(file));
  return kind == "some" ? some_value(m, t) : t;
}

// Compiles case `name` and compares every run of it with the interpreter. With
// `skip_missing_ops`, a model using an operator that has no CPU emitter yet is skipped
// (operator emitters are added separately); the constructs themselves must compile.
void check_case(const std::string& name, bool skip_missing_ops) {
  const json& c = find_case(name);
  Module m = import_onnx(c["model"]);
  std::vector<std::vector<Value>> sets;
  for (auto& run : c["runs"]) {
    sets.emplace_back();
    for (auto& in : run["inputs"]) sets.back().push_back(to_value(in, m));
  }
  try {
    expect_compiled_matches(m, name, sets);
  } catch (const CompileError& e) {
    const std::string msg = e.what();
    if (skip_missing_ops && msg.find("has no CPU emitter") != std::string::npos) GTEST_SKIP() << msg;
    FAIL() << msg;
  }
}

TEST(ConstructsOnnx, LoopCarryingASequence) { check_case("loop_sequence", false); }
TEST(ConstructsOnnx, LoopTripCount) { check_case("loop_trip_count", false); }
TEST(ConstructsOnnx, LoopTripCountAndCondition) { check_case("loop_both", false); }
TEST(ConstructsOnnx, Optional) { check_case("optional", true); }
TEST(ConstructsOnnx, SequenceMap) { check_case("sequence_map", true); }
TEST(ConstructsOnnx, SequenceOps) { check_case("sequence_ops", true); }
TEST(ConstructsOnnx, SplitToSequence) { check_case("split_to_sequence", true); }
TEST(ConstructsOnnx, LoopScanOutputs) { check_case("loop_scan", true); }
TEST(ConstructsOnnx, ScanSum) { check_case("scan_sum", true); }
TEST(ConstructsOnnx, NestedLoop) { check_case("loop_nested", true); }

}  // namespace
}  // namespace weft::testing
