// CompiledChecks.h - gtest checks shared by the compiled-code tests: a compiled library against the
// interpreter, a bad run failing through the C API, and small integer inputs.
#pragma once

#include <string>
#include <vector>

#include "CompiledModel.h"

namespace weft::testing {

// Relative tolerance per float dtype (atol equal to it, see compare); other dtypes compare exactly.
struct Rtol {
  double f32 = 1e-5, f16 = 1e-5, f64 = 1e-5;
  double of(DType t) const { return t == DType::F16 || t == DType::BF16 ? f16 : t == DType::F64 ? f64 : f32; }
};

// The library's outputs equal the interpreter's on `inputs`; `what` labels a failure.
void expect_same(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& what = "",
                 Rtol rtol = {});

// The interpreter rejects `inputs`, and the library's run returns nonzero with a last_error that
// contains `needle` and is the op's own message, not an internal error.
void expect_run_error(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& needle);

// An i64 vector as a rank-1 tensor.
Tensor ints(std::vector<int64_t> v);
// Random i64 values in [lo, lo + 5).
Tensor int_tensor(std::vector<int64_t> shape, unsigned seed, int64_t lo = 0);

}  // namespace weft::testing
