// CompiledModel.h - test helper: .weft text to a loaded lib<name>.so, run through its C API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Tensor.h"
#include "codegen/DlpackTensors.h"
#include "weft/weft.h"

namespace weft::host {
class LoadedLibrary;
}

namespace weft::testing {

// Parses, checks and infers types; gtest-friendly (throws CompileError on bad text).
Module parse_checked(const std::string& text);

// The interpreter's result of @main, tuples flattened in order.
std::vector<Tensor> interpret_flat(const Module& m, const std::vector<Tensor>& inputs);

// A tensor as DLPack sees it, borrowing t's buffer.
inline DLTensor as_dl(const Tensor& t) { return codegen::dlpack_view(t); }

// A compiled library, loaded with dlopen, and one model handle on it.
class CompiledModel {
 public:
  // Compiles `m` into DIR/lib<name>.so (a fresh temp dir) and loads it.
  CompiledModel(const Module& m, const std::string& name);
  ~CompiledModel();
  CompiledModel(const CompiledModel&) = delete;
  CompiledModel& operator=(const CompiledModel&) = delete;

  const weft_api* api() const { return api_; }
  weft_model* model() const { return model_; }
  const std::string& path() const { return path_; }
  // Runs and copies the outputs out; a failed run fails the calling test with last_error.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;

 private:
  std::string dir_, path_;
  std::unique_ptr<host::LoadedLibrary> lib_;
  const weft_api* api_ = nullptr;
  weft_model* model_ = nullptr;
};

// Deterministic pseudo-random data: floats in [-2, 2), ints in [0, 5).
Tensor random_tensor(DType t, std::vector<int64_t> shape, unsigned seed);

// Same dtype and shape; floats within rtol (and atol = rtol), others exactly. Describes the first mismatch.
std::string compare(const Tensor& expected, const Tensor& got, double rtol = 1e-5);

}  // namespace weft::testing
