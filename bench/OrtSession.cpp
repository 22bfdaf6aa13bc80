// OrtSession.cpp - an ONNX Runtime session through its C API by slot index, f32 tensors in and out (see OrtSession.h).
#include "bench/OrtSession.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace weft::bench {

namespace {

// The OrtApi slots and constants of host/OrtRuntime.h.
using namespace host;

using Status = void*;

}  // namespace

OrtSession::OrtSession(const OrtLibrary& ort, const std::string& model, int intra_op_threads,
                       const std::vector<FloatTensor>& inputs)
    : ort_(ort), model_(model) {
  void* options = nullptr;
  ort.check(ort.fn<Status (*)(void**)>(kOrtCreateSessionOptions)(&options), "CreateSessionOptions");
  try {
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetIntraOpNumThreads)(options, intra_op_threads), "SetIntraOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetInterOpNumThreads)(options, 1), "SetInterOpNumThreads");
    ort.check(ort.fn<Status (*)(void*, int)>(kOrtSetSessionGraphOptimizationLevel)(options, kOrtOptimizeAll),
              "SetSessionGraphOptimizationLevel");
    ort.check(ort.fn<Status (*)(void*, const char*, void*, void**)>(kOrtCreateSession)(ort.env(), model.c_str(), options,
                                                                                     &session_),
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
        ort.check(ort.fn<Status (*)(void*, size_t, void*, char**)>(name_slot)(session_, i, allocator, &name),
                  "SessionGet*Name");
        out.emplace_back(name);
        ort.check(ort.fn<Status (*)(void*, void*)>(kOrtAllocatorFree)(allocator, name), "AllocatorFree");
      }
    };
    names(kOrtSessionGetInputCount, kOrtSessionGetInputName, input_names_);
    names(kOrtSessionGetOutputCount, kOrtSessionGetOutputName, output_names_);
    if (input_names_.size() != inputs.size())
      throw std::runtime_error(model + " takes " + std::to_string(input_names_.size()) + " inputs in ONNX Runtime, " +
                               std::to_string(inputs.size()) + " given");
    for (const auto& n : input_names_) input_cnames_.push_back(n.c_str());
    for (const auto& n : output_names_) output_cnames_.push_back(n.c_str());

    ort.check(ort.fn<Status (*)(int, int, void**)>(kOrtCreateCpuMemoryInfo)(kOrtArenaAllocator, kOrtMemTypeDefault, &memory_info_),
              "CreateCpuMemoryInfo");
    for (const FloatTensor& t : inputs) {
      void* value = nullptr;
      ort.check(ort.fn<Status (*)(void*, void*, size_t, const int64_t*, size_t, int, void**)>(
                    kOrtCreateTensorWithDataAsOrtValue)(memory_info_, const_cast<float*>(t.data.data()),
                                                     t.data.size() * sizeof(float), t.shape.data(), t.shape.size(),
                                                     kOrtFloat, &value),
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
  for (void* v : input_values_) ort_.fn<void (*)(void*)>(kOrtReleaseValue)(v);
  input_values_.clear();
  if (memory_info_) ort_.fn<void (*)(void*)>(kOrtReleaseMemoryInfo)(memory_info_);
  memory_info_ = nullptr;
  if (session_) ort_.fn<void (*)(void*)>(kOrtReleaseSession)(session_);
  session_ = nullptr;
}

void OrtSession::run(std::vector<FloatTensor>* out) {
  std::vector<void*> outputs(output_names_.size(), nullptr);
  ort_.check(ort_.fn<Status (*)(void*, void*, const char* const*, void* const*, size_t, const char* const*, size_t,
                                void**)>(kOrtRun)(session_, nullptr, input_cnames_.data(), input_values_.data(),
                                               input_values_.size(), output_cnames_.data(), output_cnames_.size(),
                                               outputs.data()),
             "Run(" + model_ + ")");
  if (out) out->clear();
  auto release = ort_.fn<void (*)(void*)>(kOrtReleaseValue);
  try {
    for (size_t i = 0; out && i < outputs.size(); ++i) {
      void* info = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kOrtGetTensorTypeAndShape)(outputs[i], &info), "GetTensorTypeAndShape");
      int type = 0;
      size_t rank = 0;
      FloatTensor t;
      ort_.check(ort_.fn<Status (*)(void*, int*)>(kOrtGetTensorElementType)(info, &type), "GetTensorElementType");
      ort_.check(ort_.fn<Status (*)(void*, size_t*)>(kOrtGetDimensionsCount)(info, &rank), "GetDimensionsCount");
      t.shape.resize(rank);
      ort_.check(ort_.fn<Status (*)(void*, int64_t*, size_t)>(kOrtGetDimensions)(info, t.shape.data(), rank), "GetDimensions");
      ort_.fn<void (*)(void*)>(kOrtReleaseTensorTypeAndShapeInfo)(info);
      if (type != kOrtFloat) throw std::runtime_error(model_ + ": output '" + output_names_[i] + "' is not f32");
      int64_t count = 1;
      for (int64_t d : t.shape) count *= d;
      void* data = nullptr;
      ort_.check(ort_.fn<Status (*)(void*, void**)>(kOrtGetTensorMutableData)(outputs[i], &data), "GetTensorMutableData");
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
