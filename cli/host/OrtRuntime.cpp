// OrtRuntime.cpp - dlopen ONNX Runtime, call its C API by slot index, weft tensors in and out (see OrtRuntime.h).
#include "cli/host/OrtRuntime.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace weft::host {

namespace {

constexpr uint32_t kApiVersion = 13;  // what ../shared/peers/ort_capi_bench.c asks for; every slot used is in it

struct OrtApiBase {
  const void* (*GetApi)(uint32_t version);
  const char* (*GetVersionString)();
};

using Status = void*;

// ONNX_TENSOR_ELEMENT_DATA_TYPE_* of each weft dtype ORT has.
std::optional<int> onnx_element_type(DType t) {
  switch (t) {
    case DType::F32: return 1;
    case DType::U8: return 2;
    case DType::I8: return 3;
    case DType::U16: return 4;
    case DType::I16: return 5;
    case DType::I32: return 6;
    case DType::I64: return 7;
    case DType::Bool: return 9;
    case DType::F16: return 10;
    case DType::F64: return 11;
    case DType::U32: return 12;
    case DType::U64: return 13;
    case DType::BF16: return 16;
    default: return std::nullopt;
  }
}

std::optional<DType> weft_dtype(int onnx) {
  for (DType d : {DType::F32, DType::U8, DType::I8, DType::U16, DType::I16, DType::I32, DType::I64, DType::Bool, DType::F16,
                  DType::F64, DType::U32, DType::U64, DType::BF16})
    if (onnx_element_type(d) == onnx) return d;
  return std::nullopt;
}

}  // namespace

OrtLibrary::OrtLibrary(const std::string& path) {
  lib_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib_) throw std::runtime_error("cannot load ONNX Runtime: " + std::string(dlerror()));
  auto get_base = reinterpret_cast<const OrtApiBase* (*)()>(dlsym(lib_, "OrtGetApiBase"));
  if (!get_base) throw std::runtime_error(path + " has no OrtGetApiBase: not an ONNX Runtime library");
  const OrtApiBase* base = get_base();
  version_ = base->GetVersionString();
  api_ = static_cast<const void* const*>(base->GetApi(kApiVersion));
  if (!api_) throw std::runtime_error(path + " (ONNX Runtime " + version_ + ") does not offer C API version 13");
  check(fn<Status (*)(int, const char*, void**)>(kOrtCreateEnv)(kOrtLogError, "weft", &env_), "CreateEnv");
}

OrtLibrary::~OrtLibrary() {
  if (env_) fn<void (*)(void*)>(kOrtReleaseEnv)(env_);
  // Not dlclose'd: ORT's global thread state must outlive every session's threads.
}

void OrtLibrary::check(void* status, const std::string& what) const {
  if (!status) return;
  std::string message = fn<const char* (*)(Status)>(kOrtGetErrorMessage)(status);
  fn<void (*)(Status)>(kOrtReleaseStatus)(status);
  throw std::runtime_error("ONNX Runtime " + what + ": " + message);
}

std::string find_ort_library(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("WEFT_ORT_LIB"); env && *env) return env;
  for (const char* name : {"libonnxruntime.so.1", "libonnxruntime.so"}) {
    // RTLD_NOLOAD would miss a library not loaded yet; a plain dlopen that is kept open costs nothing here.
    if (dlopen(name, RTLD_LAZY | RTLD_LOCAL)) return name;
  }
  return "";
}

OrtModel::OrtModel(const OrtLibrary& ort, const std::string& model, int intra_op_threads) : ort_(ort), model_(model) {
  void* options = nullptr;
  ort.check(ort.fn<Status (*)(void**)>(kOrtCreateSessionOptions)(&options), "CreateSessionOptions");
  try {
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetIntraOpNumThreads)(options, intra_op_threads), "SetIntraOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetInterOpNumThreads)(options, 1), "SetInterOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetSessionGraphOptimizationLevel)(options, kOrtOptimizeAll),
              "SetSessionGraphOptimizationLevel");
    ort.check(ort.fn<Status (*)(void*, const char*, void*, void**)>(kOrtCreateSession)(ort.env(), model.c_str(), options, &session_),
              "CreateSession(" + model + ")");
  } catch (...) {
    ort.fn<void (*)(void*)>(kOrtReleaseSessionOptions)(options);
    throw;
  }
  ort.fn<void (*)(void*)>(kOrtReleaseSessionOptions)(options);
  try {
    void* allocator = nullptr;
    ort.check(ort.fn<Status (*)(void**)>(kOrtGetAllocatorWithDefaultOptions)(&allocator), "GetAllocatorWithDefaultOptions");
    auto names = [&](int count_slot, int name_slot, std::vector<std::string>& out) {
      size_t n = 0;
      ort.check(ort.fn<Status (*)(void*, size_t*)>(count_slot)(session_, &n), "SessionGet*Count");
      for (size_t i = 0; i < n; ++i) {
        char* name = nullptr;
        ort.check(ort.fn<Status (*)(void*, size_t, void*, char**)>(name_slot)(session_, i, allocator, &name), "SessionGet*Name");
        out.emplace_back(name);
        ort.check(ort.fn<Status (*)(void*, void*)>(kOrtAllocatorFree)(allocator, name), "AllocatorFree");
      }
    };
    names(kOrtSessionGetInputCount, kOrtSessionGetInputName, input_names_);
    names(kOrtSessionGetOutputCount, kOrtSessionGetOutputName, output_names_);
    ort.check(ort.fn<Status (*)(int, int, void**)>(kOrtCreateCpuMemoryInfo)(kOrtArenaAllocator, kOrtMemTypeDefault, &memory_info_),
              "CreateCpuMemoryInfo");
  } catch (...) {
    ort.fn<void (*)(void*)>(kOrtReleaseSession)(session_);
    throw;
  }
}

OrtModel::~OrtModel() {
  if (memory_info_) ort_.fn<void (*)(void*)>(kOrtReleaseMemoryInfo)(memory_info_);
  if (session_) ort_.fn<void (*)(void*)>(kOrtReleaseSession)(session_);
}

std::vector<Tensor> OrtModel::run(const std::vector<std::pair<std::string, Tensor>>& inputs) const {
  auto release = ort_.fn<void (*)(void*)>(kOrtReleaseValue);
  std::vector<void*> in_values, outputs(output_names_.size(), nullptr);
  std::vector<const char*> in_names, out_names;
  std::vector<Tensor> result;
  try {
    for (const std::string& name : input_names_) {
      const Tensor* t = nullptr;
      for (const auto& [n, v] : inputs)
        if (n == name) t = &v;
      if (!t) throw std::runtime_error(model_ + ": ONNX Runtime wants input '" + name + "', which weft's model does not take");
      auto type = onnx_element_type(t->dtype());
      if (!type) throw std::runtime_error(std::string("ONNX Runtime has no dtype ") + dtype_name(t->dtype()));
      void* value = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void*, size_t, const int64_t*, size_t, int, void**)>(kOrtCreateTensorWithDataAsOrtValue)(
                     memory_info_, t->raw(), t->nbytes(), t->shape().data(), t->shape().size(), *type, &value),
                 "CreateTensorWithDataAsOrtValue(" + name + ")");
      in_values.push_back(value);
      in_names.push_back(name.c_str());
    }
    for (const auto& n : output_names_) out_names.push_back(n.c_str());
    ort_.check(ort_.fn<Status (*)(void*, void*, const char* const*, void* const*, size_t, const char* const*, size_t, void**)>(kOrtRun)(
                   session_, nullptr, in_names.data(), in_values.data(), in_values.size(), out_names.data(), out_names.size(),
                   outputs.data()),
               "Run(" + model_ + ")");
    for (size_t i = 0; i < outputs.size(); ++i) {
      void* info = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kOrtGetTensorTypeAndShape)(outputs[i], &info),
                 "GetTensorTypeAndShape(" + output_names_[i] + ")");
      int type = 0;
      size_t rank = 0;
      std::vector<int64_t> shape;
      try {
        ort_.check(ort_.fn<Status (*)(void*, int*)>(kOrtGetTensorElementType)(info, &type), "GetTensorElementType");
        ort_.check(ort_.fn<Status (*)(void*, size_t*)>(kOrtGetDimensionsCount)(info, &rank), "GetDimensionsCount");
        shape.resize(rank);
        ort_.check(ort_.fn<Status (*)(void*, int64_t*, size_t)>(kOrtGetDimensions)(info, shape.data(), rank), "GetDimensions");
      } catch (...) {
        ort_.fn<void (*)(void*)>(kOrtReleaseTensorTypeAndShapeInfo)(info);
        throw;
      }
      ort_.fn<void (*)(void*)>(kOrtReleaseTensorTypeAndShapeInfo)(info);
      auto dtype = weft_dtype(type);
      if (!dtype)
        throw std::runtime_error(model_ + ": ONNX Runtime output '" + output_names_[i] + "' has element type " + std::to_string(type) +
                                 ", which weft has not");
      Tensor t(*dtype, shape);
      void* data = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kOrtGetTensorMutableData)(outputs[i], &data), "GetTensorMutableData");
      if (t.nbytes()) std::memcpy(t.raw(), data, t.nbytes());
      result.push_back(std::move(t));
    }
  } catch (...) {
    for (void* v : in_values) release(v);
    for (void* v : outputs)
      if (v) release(v);
    throw;
  }
  for (void* v : in_values) release(v);
  for (void* v : outputs) release(v);
  return result;
}

}  // namespace weft::host
