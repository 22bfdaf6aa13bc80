// LoadedLibrary.h - a compiled model library opened with dlopen and run through its C API (weft.h) on weft tensors.
#pragma once

#include <string>
#include <vector>

#include "ir/Tensor.h"
#include "weft/weft.h"

namespace weft::testing {

// The DLPack dtype of a weft dtype (bool as WEFT_DL_BOOL, bf16 as kDLBfloat).
DLDataType dl_dtype(DType t);

// A library and one model handle on it. Errors (dlopen, a missing NAME_api, create)
// are returned by error(), never thrown, so that a harness can report them per case.
class LoadedLibrary {
 public:
  // Opens `path` and creates a model with default options through NAME_api().
  LoadedLibrary(const std::string& path, const std::string& name);
  ~LoadedLibrary();
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  // "" once the model is created, else what went wrong.
  const std::string& error() const { return error_; }
  int num_inputs() const;
  int num_outputs() const;

  // Runs @main on `inputs` (borrowed, not copied) and copies the outputs out. Returns ""
  // or the failure: the library's last_error, or an output dtype weft has no name for.
  std::string run(const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs) const;

 private:
  void* lib_ = nullptr;
  const weft_api* api_ = nullptr;
  weft_model* model_ = nullptr;
  std::string error_;
};

}  // namespace weft::testing
