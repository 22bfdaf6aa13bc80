// TestSupport.h - what many test suites share: tensor comparison with tolerances,
// running a command, reading a file, and skipping a test when operators are missing.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

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

struct CommandResult {
  int status;          // exit code, or 128 + signal
  std::string output;  // stdout and stderr together
};
// Runs `command` through the shell with stderr folded into stdout.
CommandResult run_command(const std::string& command);

// The whole file; fails the current test (and returns "") when it cannot be read.
std::string read_text_file(const std::string& path);

// The operators among `names` that the registry lacks, comma-separated; "" when all are there.
std::string missing_ops(std::initializer_list<const char*> names);

}  // namespace weft::testing

// Skips the current test, naming the missing operators, unless all are registered.
#define WEFT_REQUIRE_OPS(...)                                                                         \
  do {                                                                                                \
    std::string weft_missing_ops_ = ::weft::testing::missing_ops({__VA_ARGS__});                      \
    if (!weft_missing_ops_.empty()) GTEST_SKIP() << "operator(s) not registered: " << weft_missing_ops_; \
  } while (0)
