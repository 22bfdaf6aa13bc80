// TestSupport.h - what many test suites share: tensor and output comparison with tolerances,
// @main's result flattened, running a command, reading a file.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/Tensor.h"
#include "ir/Value.h"

namespace weft::testing {

// NumPy allclose with equal_nan: same dtype and shape; floats within atol + rtol * |want|
// (NaN matches NaN, an infinity only itself); integers and bools exactly. On failure the
// message counts the differing elements and shows the worst one.
::testing::AssertionResult tensors_close(const Tensor& got, const Tensor& want, double rtol, double atol);

// Compares interpreter values of the same structure: tensors as tensors_close; lists
// element by element; options by constructor, then contents; anything else exactly.
// Returns "" when they agree, else what differs, starting with `where` (e.g. "output y").
std::string values_close(const Value& got, const Value& want, const std::string& where, double rtol, double atol);

// @main's result flattened in order (tuples only), as the C API returns it.
std::vector<Value> flatten_result(const Value& v);

// values_close over a run's outputs in order: "" when they agree, else, on one line, the count
// that differs (`oracle` names where `want` came from, e.g. "LibTorch") or the first difference.
// The environment variable `var` when set (a test run pointing at other data), else `fallback`.
std::string env_or(const char* var, const std::string& fallback);

std::string outputs_close(const std::vector<Value>& got, const std::vector<Value>& want, double rtol, double atol,
                          const std::string& oracle = "expected");

struct CommandResult {
  int status;          // exit code, or 128 + signal
  std::string output;  // stdout and stderr together
};
// Runs `command` through the shell with stderr folded into stdout.
CommandResult run_command(const std::string& command);

// The whole file; fails the current test (and returns "") when it cannot be read.
std::string read_text_file(const std::string& path);

// How many times `what` occurs in `text` (overlaps counted), e.g. a kernel call in generated source.
inline size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace weft::testing
