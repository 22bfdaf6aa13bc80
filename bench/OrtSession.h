// OrtSession.h - ONNX Runtime reached through dlopen and its C API table alone (no ORT header, nothing linked): the ONNX peer.
#pragma once

#include <string>
#include <vector>

#include "bench/WeftLibrary.h"

namespace weft::bench {

// The library (libonnxruntime.so.1 unpacked from ../shared/peers), its OrtApi table and one OrtEnv.
// Every failure throws std::runtime_error saying what.
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

// One session with `intra_op_threads` threads (inter-op 1, sequential, every graph optimization on:
// what a user gets from the C API with the thread count set) and its inputs, borrowing the
// FloatTensors' buffers in the graph's input order.
class OrtSession {
 public:
  OrtSession(const OrtLibrary& ort, const std::string& model, int intra_op_threads, const std::vector<FloatTensor>& inputs);
  ~OrtSession();
  OrtSession(const OrtSession&) = delete;
  OrtSession& operator=(const OrtSession&) = delete;

  // One Run; every output (f32 only) copied out when `out` is given.
  void run(std::vector<FloatTensor>* out = nullptr);

 private:
  void release();  // the session, its memory info and input values; also when the constructor throws

  const OrtLibrary& ort_;
  std::string model_;
  void* session_ = nullptr;
  void* memory_info_ = nullptr;
  std::vector<std::string> input_names_, output_names_;
  std::vector<const char*> input_cnames_, output_cnames_;
  std::vector<void*> input_values_;
};

}  // namespace weft::bench
