// OrtRuntime.h - ONNX Runtime reached through dlopen and its C API table alone (no ORT header, nothing linked): `weft check`'s oracle for an .onnx and the benchmarks' peer.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/Tensor.h"

namespace weft::host {

// OrtApi slots: the order of onnxruntime_c_api.h's struct OrtApi, which ORT keeps stable
// across releases (new functions only go at the end), so no ORT header is needed.
enum OrtSlot : int {
  kOrtGetErrorMessage = 2,
  kOrtCreateEnv = 3,
  kOrtCreateSession = 7,
  kOrtRun = 9,
  kOrtCreateSessionOptions = 10,
  kOrtSetSessionGraphOptimizationLevel = 23,
  kOrtSetIntraOpNumThreads = 24,
  kOrtSetInterOpNumThreads = 25,
  kOrtSessionGetInputCount = 30,
  kOrtSessionGetOutputCount = 31,
  kOrtSessionGetInputName = 36,
  kOrtSessionGetOutputName = 37,
  kOrtCreateTensorWithDataAsOrtValue = 49,
  kOrtGetTensorMutableData = 51,
  kOrtGetTensorElementType = 60,
  kOrtGetDimensionsCount = 61,
  kOrtGetDimensions = 62,
  kOrtGetTensorTypeAndShape = 65,
  kOrtCreateCpuMemoryInfo = 69,
  kOrtAllocatorFree = 76,
  kOrtGetAllocatorWithDefaultOptions = 78,
  kOrtReleaseEnv = 92,
  kOrtReleaseStatus = 93,
  kOrtReleaseMemoryInfo = 94,
  kOrtReleaseSession = 95,
  kOrtReleaseValue = 96,
  kOrtReleaseTensorTypeAndShapeInfo = 99,
  kOrtReleaseSessionOptions = 100,
};
constexpr int kOrtLogError = 3;      // ORT_LOGGING_LEVEL_ERROR
constexpr int kOrtOptimizeAll = 99;  // ORT_ENABLE_ALL
constexpr int kOrtArenaAllocator = 1, kOrtMemTypeDefault = 0;
constexpr int kOrtFloat = 1;  // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

// The library (e.g. libonnxruntime.so.1 unpacked from ../shared/peers), its OrtApi table and
// one OrtEnv. Every failure throws std::runtime_error saying what.
class OrtLibrary {
 public:
  explicit OrtLibrary(const std::string& path);
  ~OrtLibrary();
  OrtLibrary(const OrtLibrary&) = delete;
  OrtLibrary& operator=(const OrtLibrary&) = delete;

  std::string version() const { return version_; }
  // The function in OrtApi slot `slot`, cast to its signature F.
  template <typename F>
  F fn(int slot) const {
    return reinterpret_cast<F>(api_[slot]);
  }
  // Throws with ORT's message (then releases the status) when `status` is not null.
  void check(void* status, const std::string& what) const;
  void* env() const { return env_; }

 private:
  void* lib_ = nullptr;
  const void* const* api_ = nullptr;
  void* env_ = nullptr;
  std::string version_;
};

// Where `weft check` looks for ONNX Runtime: `flag` (--ort-lib) if given, else $WEFT_ORT_LIB
// if set (either is returned as is: OrtLibrary says what is wrong with it), else
// libonnxruntime.so.1 or libonnxruntime.so when dlopen finds one on the usual library
// paths; empty when there is none.
std::string find_ort_library(const std::string& flag);

// One ONNX model in one single-threaded session (every graph optimization on), run on
// tensors of any dtype both sides have. Throws std::runtime_error saying what failed.
class OrtModel {
 public:
  // `intra_op_threads` for the session (inter-op 1, every graph optimization on: what a user gets
  // from the C API with the thread count set).
  OrtModel(const OrtLibrary& ort, const std::string& model, int intra_op_threads = 1);
  ~OrtModel();
  OrtModel(const OrtModel&) = delete;
  OrtModel& operator=(const OrtModel&) = delete;

  const std::vector<std::string>& input_names() const { return input_names_; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  // The OrtSession* and OrtMemoryInfo* (CPU), for callers that run it with values of their own.
  void* session() const { return session_; }
  void* memory_info() const { return memory_info_; }
  // Runs on `inputs` by name (each of input_names() once); returns every output in order.
  std::vector<Tensor> run(const std::vector<std::pair<std::string, Tensor>>& inputs) const;

 private:
  const OrtLibrary& ort_;
  std::string model_;
  void* session_ = nullptr;
  void* memory_info_ = nullptr;
  std::vector<std::string> input_names_, output_names_;
};

}  // namespace weft::host
