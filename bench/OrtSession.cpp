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
    : ort_(ort), model_(model), session_(ort, model, intra_op_threads) {
  const std::vector<std::string>& input_names = session_.input_names();
  try {
    if (input_names.size() != inputs.size())
      throw std::runtime_error(model + " takes " + std::to_string(input_names.size()) + " inputs in ONNX Runtime, " +
                               std::to_string(inputs.size()) + " given");
    for (const auto& n : input_names) input_cnames_.push_back(n.c_str());
    for (const auto& n : session_.output_names()) output_cnames_.push_back(n.c_str());
    for (const FloatTensor& t : inputs) {
      void* value = nullptr;
      ort.check(ort.fn<Status (*)(void*, void*, size_t, const int64_t*, size_t, int, void**)>(
                    kOrtCreateTensorWithDataAsOrtValue)(session_.memory_info(), const_cast<float*>(t.data.data()),
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
}

void OrtSession::run(std::vector<FloatTensor>* out) {
  const std::vector<std::string>& output_names = session_.output_names();
  std::vector<void*> outputs(output_names.size(), nullptr);
  ort_.check(ort_.fn<Status (*)(void*, void*, const char* const*, void* const*, size_t, const char* const*, size_t,
                                void**)>(kOrtRun)(session_.session(), nullptr, input_cnames_.data(), input_values_.data(),
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
      if (type != kOrtFloat) throw std::runtime_error(model_ + ": output '" + output_names[i] + "' is not f32");
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
