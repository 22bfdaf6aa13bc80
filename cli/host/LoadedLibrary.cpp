// LoadedLibrary.cpp - dlopen, the C API table, DLPack values in and out (see LoadedLibrary.h).
#include "cli/host/LoadedLibrary.h"

#include "codegen/DlpackTensors.h"

#include <dlfcn.h>

#include <cstring>
#include <optional>

namespace weft::host {

namespace {

// A copy of one output tensor; "" or why it cannot be read.
std::string copy_out(const DLManagedTensor* o, std::vector<Tensor>& into) {
  if (!o) return "an output tensor is NULL";
  const DLTensor& d = o->dl_tensor;
  std::optional<DType> t = codegen::dtype_of_dlpack(d.dtype);
  if (!t)
    return "an output has a DLPack dtype weft does not know (code " + std::to_string(int(d.dtype.code)) + ", " +
           std::to_string(int(d.dtype.bits)) + " bits)";
  Tensor copy(*t, std::vector<int64_t>(d.shape, d.shape + d.ndim));
  if (copy.nbytes()) std::memcpy(copy.raw(), static_cast<const char*>(d.data) + d.byte_offset, copy.nbytes());
  into.push_back(copy);
  return "";
}

}  // namespace

LoadedLibrary::LoadedLibrary(const std::string& path, const std::string& name, const weft_options* options) {
  lib_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib_) {
    const char* e = dlerror();
    error_ = std::string("dlopen: ") + (e ? e : "unknown error");
    return;
  }
  auto get = reinterpret_cast<const weft_api* (*)()>(dlsym(lib_, (name + "_api").c_str()));
  if (!get) {
    error_ = "no " + name + "_api in " + path;
    return;
  }
  api_ = get();
  if (!api_ || api_->version < 1 || api_->version > WEFT_API_VERSION) {
    error_ = "built for weft C API version " + std::to_string(api_ ? api_->version : 0) + ", this weft speaks versions 1 to " +
             std::to_string(WEFT_API_VERSION);
    api_ = nullptr;
    return;
  }
  if (api_->create(options, &model_) != 0) {
    error_ = std::string("create: ") + api_->last_error();
    model_ = nullptr;
  }
}

LoadedLibrary::~LoadedLibrary() {
  if (model_) api_->destroy(model_);
  if (lib_) dlclose(lib_);
}

std::string LoadedLibrary::run(const std::vector<ApiValue>& inputs, std::vector<ApiValue>* outputs) const {
  outputs->clear();
  if (!model_) return error_;
  std::vector<std::vector<DLTensor>> tensors;
  std::vector<weft_value> in;
  for (const ApiValue& v : inputs) {
    std::vector<DLTensor>& ts = tensors.emplace_back();
    for (const Tensor& t : v.tensors) ts.push_back(codegen::dlpack_view(t));
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    in.push_back({inputs[i].kind, inputs[i].none ? 1 : 0, int64_t(tensors[i].size()), tensors[i].data()});
  const int n = api_->num_outputs(model_);
  if (!has_values()) return run_tensors(tensors, outputs);
  std::vector<weft_output_value*> outs(size_t(n > 0 ? n : 0), nullptr);
  if (api_->run_values(model_, in.data(), int(in.size()), outs.data(), n) != 0) return api_->last_error();
  std::string error;
  for (weft_output_value* o : outs) {
    if (!o) {
      error = "run_values succeeded but left an output NULL";
      continue;
    }
    ApiValue v;
    v.kind = o->kind;
    v.none = o->is_none != 0;
    for (int64_t k = 0; k < o->num_tensors && error.empty(); ++k) error = copy_out(o->tensors[k], v.tensors);
    outputs->push_back(std::move(v));
    if (o->deleter) o->deleter(o);
  }
  if (!error.empty()) outputs->clear();
  return error;
}

bool LoadedLibrary::has_values() const { return api_ && api_->version >= 2; }

int LoadedLibrary::input_info(int index, weft_value_info* info) const {
  if (has_values()) return api_->input_value_info(model_, index, info);
  info->kind = WEFT_VALUE_TENSOR;
  return api_->input_info(model_, index, &info->tensor);
}

int LoadedLibrary::output_info(int index, weft_value_info* info) const {
  if (has_values()) return api_->output_value_info(model_, index, info);
  info->kind = WEFT_VALUE_TENSOR;
  return api_->output_info(model_, index, &info->tensor);
}

// A version 1 library: tensors only, through run().
std::string LoadedLibrary::run_tensors(const std::vector<std::vector<DLTensor>>& inputs, std::vector<ApiValue>* outputs) const {
  std::vector<DLTensor> flat;
  for (const auto& ts : inputs) {
    if (ts.size() != 1) return "this library (C API version 1) takes one tensor per input";
    flat.push_back(ts[0]);
  }
  const int n = api_->num_outputs(model_);
  std::vector<DLManagedTensor*> outs(size_t(n > 0 ? n : 0), nullptr);
  if (api_->run(model_, flat.data(), int(flat.size()), outs.data(), n) != 0) return api_->last_error();
  std::string error;
  for (DLManagedTensor* o : outs) {
    ApiValue v;
    if (error.empty()) error = copy_out(o, v.tensors);
    outputs->push_back(std::move(v));
    if (o && o->deleter) o->deleter(o);
  }
  if (!error.empty()) outputs->clear();
  return error;
}

}  // namespace weft::host
