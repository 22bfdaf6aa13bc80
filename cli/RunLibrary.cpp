// RunLibrary.cpp - `weft run libNAME.so`: dlopen a compiled model and run it through its C API.
#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/CompileCommand.h"
#include "ir/NpyIO.h"
#include "weft/weft.h"

namespace weft::cli {

namespace {

DLDataType dl_of(DType t) {
  switch (t) {
    case DType::F32: return {kDLFloat, 32, 1};
    case DType::F64: return {kDLFloat, 64, 1};
    case DType::F16: return {kDLFloat, 16, 1};
    case DType::BF16: return {kDLBfloat, 16, 1};
    case DType::I8: return {kDLInt, 8, 1};
    case DType::I16: return {kDLInt, 16, 1};
    case DType::I32: return {kDLInt, 32, 1};
    case DType::I64: return {kDLInt, 64, 1};
    case DType::U8: return {kDLUInt, 8, 1};
    case DType::U16: return {kDLUInt, 16, 1};
    case DType::U32: return {kDLUInt, 32, 1};
    case DType::U64: return {kDLUInt, 64, 1};
    case DType::Bool: return {WEFT_DL_BOOL, 8, 1};
  }
  return {kDLFloat, 32, 1};
}

DType dtype_of_dl(DLDataType d) {
  for (DType t : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I8, DType::I16, DType::I32, DType::I64, DType::U8,
                  DType::U16, DType::U32, DType::U64, DType::Bool}) {
    DLDataType x = dl_of(t);
    if (x.code == d.code && x.bits == d.bits && x.lanes == d.lanes) return t;
  }
  throw RuntimeError("the library returned a tensor of an unknown DLPack dtype");
}

// The library handle and model, released in order.
struct Loaded {
  void* lib = nullptr;
  const weft_api* api = nullptr;
  weft_model* model = nullptr;
  ~Loaded() {
    if (model) api->destroy(model);
    if (lib) dlclose(lib);
  }
};

}  // namespace

bool is_compiled_library(const std::string& file) { return std::filesystem::path(file).extension() == ".so"; }

int run_library(const std::string& file, const std::vector<NamedInput>& inputs, const std::string& out_dir) {
  Loaded l;
  const std::string path = std::filesystem::absolute(file).string();
  if (!std::filesystem::exists(path)) throw CompileError(Span{file, 0, 0}, "no such file");
  l.lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!l.lib) throw CompileError(Span{file, 0, 0}, std::string("cannot load library: ") + dlerror());
  auto get_api = reinterpret_cast<const weft_api* (*)()>(dlsym(l.lib, "weft_model_api"));
  if (!get_api) throw CompileError(Span{file, 0, 0}, "not a weft library (no weft_model_api)");
  l.api = get_api();
  if (!l.api || l.api->version != WEFT_API_VERSION)
    throw CompileError(Span{file, 0, 0}, "built for weft C API version " + std::to_string(l.api ? l.api->version : 0) +
                                             ", this weft speaks " + std::to_string(WEFT_API_VERSION));
  if (l.api->create(nullptr, &l.model) != 0) throw RuntimeError(std::string("create: ") + l.api->last_error());

  const int n_in = l.api->num_inputs(l.model), n_out = l.api->num_outputs(l.model);
  std::vector<Tensor> held;
  std::vector<DLTensor> dl(static_cast<size_t>(n_in));
  held.reserve(static_cast<size_t>(n_in));  // dl points into these tensors' shapes
  for (int i = 0; i < n_in; ++i) {
    weft_tensor_info info;
    l.api->input_info(l.model, i, &info);
    const NamedInput* given = nullptr;
    for (auto& in : inputs)
      if (in.name == info.name) given = &in;
    if (!given) throw CompileError(Msg() << "missing --input " << info.name << "=PATH.npy (input " << i << " of " << file << ")");
    held.push_back(read_npy(given->path));
    const Tensor& t = held.back();
    dl[size_t(i)] = DLTensor{t.raw(), {kDLCPU, 0}, t.rank(), dl_of(t.dtype()), const_cast<int64_t*>(t.shape().data()), nullptr, 0};
  }
  for (auto& in : inputs) {
    bool known = false;
    for (int i = 0; i < n_in; ++i) {
      weft_tensor_info info;
      l.api->input_info(l.model, i, &info);
      known = known || in.name == info.name;
    }
    if (!known) throw CompileError(Msg() << "--input " << in.name << ": " << file << " has no input of that name");
  }
  std::vector<DLManagedTensor*> outs(size_t(n_out), nullptr);
  if (l.api->run(l.model, dl.data(), n_in, outs.data(), n_out) != 0) throw RuntimeError(l.api->last_error());
  std::vector<Value> values;
  for (DLManagedTensor* m : outs) {
    const DLTensor& o = m->dl_tensor;
    Tensor t(dtype_of_dl(o.dtype), std::vector<int64_t>(o.shape, o.shape + o.ndim));
    if (t.nbytes()) std::memcpy(t.raw(), static_cast<const char*>(o.data) + o.byte_offset, t.nbytes());
    m->deleter(m);
    values.push_back(tensor_value(t));
  }
  write_outputs(values.size() == 1 ? values[0] : tuple_value(values), out_dir, std::cout);
  return 0;
}

}  // namespace weft::cli
