// OnnxTestModels.h - the ONNX models models/onnx/make_test_models.py writes (the ctest fixture):
// their cases.json entries and the values of their runs, for the importer and codegen tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::testing {

// The fixture's directory: $WEFT_ONNX_TEST_MODELS, else the build's default.
std::string onnx_test_models_dir();
// The cases.json entry named `name`; std::runtime_error when there is none (or no cases.json).
const nlohmann::json& onnx_test_case(const std::string& name);
// One input or output of a run ({"kind": "tensor"|"list"|"some"|"none", "file": ...}) as a value of m.
Value onnx_test_value(const nlohmann::json& spec, const Module& m);

}  // namespace weft::testing
