// OrtSession.cpp - dlopen ONNX Runtime, call its C API by slot index, f32 tensors in and out (see OrtSession.h).
#include "bench/OrtSession.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace weft::bench {

namespace {

// OrtApi slots: the order of onnxruntime_c_api.h's struct OrtApi, which ORT keeps stable across
// releases (new functions only go at the end), so no ORT header is needed here.
enum Slot : int {
  kGetErrorMessage = 2,
  kCreateEnv = 3,
  kCreateSession = 7,
  kRun = 9,
  kCreateSessionOptions = 10,
  kSetSessionGraphOptimizationLevel = 23,
  kSetIntraOpNumThreads = 24,
  kSetInterOpNumThreads = 25,
  kSessionGetInputCount = 30,
  kSessionGetOutputCount = 31,
  kSessionGetInputName = 36,
  kSessionGetOutputName = 37,
  kCreateTensorWithDataAsOrtValue = 49,
  kGetTensorMutableData = 51,
  kGetTensorElementType = 60,
  kGetDimensionsCount = 61,
  kGetDimensions = 62,
  kGetTensorTypeAndShape = 65,
  kCreateCpuMemoryInfo = 69,
  kAllocatorFree = 76,
  kGetAllocatorWithDefaultOptions = 78,
  kReleaseEnv = 92,
  kReleaseStatus = 93,
  kReleaseMemoryInfo = 94,
  kReleaseSession = 95,
  kReleaseValue = 96,
  kReleaseTensorTypeAndShapeInfo = 99,
  kReleaseSessionOptions = 100,
};

constexpr uint32_t kApiVersion = 13;  // what ort_capi_bench.c asks for; every slot above is in it
constexpr int kLogError = 3;          // ORT_LOGGING_LEVEL_ERROR
constexpr int kOptimizeAll = 99;      // ORT_ENABLE_ALL
constexpr int kArenaAllocator = 1, kMemTypeDefault = 0;
constexpr int kFloat = 1;  // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

struct OrtApiBase {
  const void* (*GetApi)(uint32_t version);
  const char* (*GetVersionString)();
};

using Status = void*;

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
  check(fn<Status (*)(int, const char*, void**)>(kCreateEnv)(kLogError, "weft-bench", &env_), "CreateEnv");
}

OrtLibrary::~OrtLibrary() {
  if (env_) fn<void (*)(void*)>(kReleaseEnv)(env_);
  // Not dlclose'd: ORT's global thread state must outlive every session's threads.
}

void OrtLibrary::check(void* status, const std::string& what) const {
  if (!status) return;
  std::string message = fn<const char* (*)(Status)>(kGetErrorMessage)(status);
  fn<void (*)(Status)>(kReleaseStatus)(status);
  throw std::runtime_error("ONNX Runtime " + what + ": " + message);
}

OrtSession::OrtSession(const OrtLibrary& ort, const std::string& model, int intra_op_threads,
                       const std::vector<FloatTensor>& inputs)
    : ort_(ort), model_(model) {
  void* options = nullptr;
  ort.check(ort.fn<Status (*)(void**)>(kCreateSessionOptions)(&options), "CreateSessionOptions");
  try {
    ort.check(ort.fn<Status (*)(void*, int)>(kSetIntraOpNumThreads)(options, intra_op_threads), "SetIntraOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kSetInterOpNumThreads)(options, 1), "SetInterOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kSetSessionGraphOptimizationLevel)(options, kOptimizeAll),
              "SetSessionGraphOptimizationLevel");
    ort.check(ort.fn<Status (*)(void*, const char*, void*, void**)>(kCreateSession)(ort.env(), model.c_str(), options,
                                                                                     &session_),
              "CreateSession(" + model + ")");
  } catch (...) {
    ort.fn<void (*)(void*)>(kReleaseSessionOptions)(options);
    throw;
  }
  ort.fn<void (*)(void*)>(kReleaseSessionOptions)(options);

  try {
    void* allocator = nullptr;
    ort.check(ort.fn<Status (*)(void**)>(kGetAllocatorWithDefaultOptions)(&allocator), "GetAllocatorWithDefaultOptions");
    auto names = [&](int count_slot, int name_slot, std::vector<std::string>& out) {
      size_t n = 0;
      ort.check(ort.fn<Status (*)(void*, size_t*)>(count_slot)(session_, &n), "SessionGet*Count");
      for (size_t i = 0; i < n; ++i) {
        char* name = nullptr;
        ort.check(ort.fn<Status (*)(void*, size_t, void*, char**)>(name_slot)(session_, i, allocator, &name),
                  "SessionGet*Name");
        out.emplace_back(name);
        ort.check(ort.fn<Status (*)(void*, void*)>(kAllocatorFree)(allocator, name), "AllocatorFree");
      }
    };
    names(kSessionGetInputCount, kSessionGetInputName, input_names_);
    names(kSessionGetOutputCount, kSessionGetOutputName, output_names_);
    if (input_names_.size() != inputs.size())
      throw std::runtime_error(model + " takes " + std::to_string(input_names_.size()) + " inputs in ONNX Runtime, " +
                               std::to_string(inputs.size()) + " given");
    for (const auto& n : input_names_) input_cnames_.push_back(n.c_str());
    for (const auto& n : output_names_) output_cnames_.push_back(n.c_str());

    ort.check(ort.fn<Status (*)(int, int, void**)>(kCreateCpuMemoryInfo)(kArenaAllocator, kMemTypeDefault, &memory_info_),
              "CreateCpuMemoryInfo");
    for (const FloatTensor& t : inputs) {
      void* value = nullptr;
      ort.check(ort.fn<Status (*)(void*, void*, size_t, const int64_t*, size_t, int, void**)>(
                    kCreateTensorWithDataAsOrtValue)(memory_info_, const_cast<float*>(t.data.data()),
                                                     t.data.size() * sizeof(float), t.shape.data(), t.shape.size(),
                                                     kFloat, &value),
                "CreateTensorWithDataAsOrtValue");
      input_values_.push_back(value);
    }
  } catch (...) {
    release();
    throw;
  }
}

OrtSession::~OrtSession() { release(); }

void OrtSession::release() {
  for (void* v : input_values_) ort_.fn<void (*)(void*)>(kReleaseValue)(v);
  input_values_.clear();
  if (memory_info_) ort_.fn<void (*)(void*)>(kReleaseMemoryInfo)(memory_info_);
  memory_info_ = nullptr;
  if (session_) ort_.fn<void (*)(void*)>(kReleaseSession)(session_);
  session_ = nullptr;
}

void OrtSession::run(std::vector<FloatTensor>* out) {
  std::vector<void*> outputs(output_names_.size(), nullptr);
  ort_.check(ort_.fn<Status (*)(void*, void*, const char* const*, void* const*, size_t, const char* const*, size_t,
                                void**)>(kRun)(session_, nullptr, input_cnames_.data(), input_values_.data(),
                                               input_values_.size(), output_cnames_.data(), output_cnames_.size(),
                                               outputs.data()),
             "Run(" + model_ + ")");
  if (out) out->clear();
  auto release = ort_.fn<void (*)(void*)>(kReleaseValue);
  try {
    for (size_t i = 0; out && i < outputs.size(); ++i) {
      void* info = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kGetTensorTypeAndShape)(outputs[i], &info), "GetTensorTypeAndShape");
      int type = 0;
      size_t rank = 0;
      FloatTensor t;
      ort_.check(ort_.fn<Status (*)(void*, int*)>(kGetTensorElementType)(info, &type), "GetTensorElementType");
      ort_.check(ort_.fn<Status (*)(void*, size_t*)>(kGetDimensionsCount)(info, &rank), "GetDimensionsCount");
      t.shape.resize(rank);
      ort_.check(ort_.fn<Status (*)(void*, int64_t*, size_t)>(kGetDimensions)(info, t.shape.data(), rank), "GetDimensions");
      ort_.fn<void (*)(void*)>(kReleaseTensorTypeAndShapeInfo)(info);
      if (type != kFloat) throw std::runtime_error(model_ + ": output '" + output_names_[i] + "' is not f32");
      int64_t count = 1;
      for (int64_t d : t.shape) count *= d;
      void* data = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kGetTensorMutableData)(outputs[i], &data), "GetTensorMutableData");
      t.data.resize(size_t(count));
      std::memcpy(t.data.data(), data, t.data.size() * sizeof(float));
      out->push_back(std::move(t));
    }
  } catch (...) {
    for (void* v : outputs) release(v);
    throw;
  }
  for (void* v : outputs) release(v);
}

}  // namespace weft::bench
