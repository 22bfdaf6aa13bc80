// onnx_conformance_case.h - one ONNX backend test case: imported, run in the interpreter on its data sets, and prepared for the compiled column.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/CompiledCases.h"

namespace weft::conformance {

struct CaseResult {
  std::string status;  // "pass", "fail", "skip"
  std::string reason;
  // When the interpreter passes and `prepare_compiled` was asked: the same module, inputs
  // and expected outputs as a case for the compiled column (same tolerances).
  std::optional<testing::CompiledCase> compiled;
};

// Imports DIR/model.onnx, runs the -O`opt_level` pass pipeline on it when opt_level >= 0,
// and runs every DIR/test_data_set_*, comparing with its outputs within atol + rtol * |expected|.
CaseResult run_case(const std::filesystem::path& dir, double rtol, double atol, bool prepare_compiled, int opt_level = -1);

}  // namespace weft::conformance
