// LoadedLibrary.h - a compiled model library opened with dlopen and run through its C API (weft.h) on weft tensors: `weft check`, `weft run` and the tests host libraries through it.
#pragma once

#include <string>
#include <vector>

#include "ir/Tensor.h"
#include "weft/weft.h"

namespace weft::host {

// One input or output of run_values: a tensor, a list of tensors, an optional tensor or an
// optional list (weft_value_kind), owning its tensors.
struct ApiValue {
  int kind = WEFT_VALUE_TENSOR;
  bool none = false;  // an absent optional
  std::vector<Tensor> tensors;
};

// A library and one model handle on it. Errors (dlopen, a missing NAME_api, create)
// are returned by error(), never thrown, so that a harness can report them per case.
class LoadedLibrary {
 public:
  // Opens `path` and creates a model through NAME_api() with `options` (null: the defaults).
  LoadedLibrary(const std::string& path, const std::string& name, const weft_options* options = nullptr);
  ~LoadedLibrary();
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  // "" once the model is created, else what went wrong.
  const std::string& error() const { return error_; }
  // The library's table and model handle, for callers that use the C API directly; null
  // unless error() is "".
  const weft_api* api() const { return model_ ? api_ : nullptr; }
  weft_model* model() const { return model_; }

  // Runs @main through run_values (run() for a C API version 1 library, tensors only) on
  // `inputs` (borrowed, not copied) and copies the outputs out. Returns "" or the failure:
  // the library's last_error, or an output weft cannot read.
  std::string run(const std::vector<ApiValue>& inputs, std::vector<ApiValue>* outputs) const;

  // Whether the table has version 2's value functions (lists and optionals).
  bool has_values() const;
  // input_value_info / output_value_info, or for a version 1 library input_info /
  // output_info with kind WEFT_VALUE_TENSOR. The C API's status (0 on success).
  int input_info(int index, weft_value_info* info) const;
  int output_info(int index, weft_value_info* info) const;

 private:
  std::string run_tensors(const std::vector<std::vector<DLTensor>>& inputs, std::vector<ApiValue>* outputs) const;

  void* lib_ = nullptr;
  const weft_api* api_ = nullptr;
  weft_model* model_ = nullptr;
  std::string error_;
};

}  // namespace weft::host
