// OrtSession.h - an ONNX Runtime session on f32 benchmark tensors (ORT itself through host/OrtRuntime.h: dlopen, nothing linked): the ONNX peer.
#pragma once

#include <string>
#include <vector>

#include "bench/WeftLibrary.h"
#include "cli/host/OrtRuntime.h"

namespace weft::bench {

// The library, its OrtApi table and one OrtEnv: weft's hosting library has them (host/OrtRuntime.h).
using host::OrtLibrary;

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
  void release();  // the input values; also when the constructor throws

  const OrtLibrary& ort_;
  std::string model_;
  host::OrtModel session_;  // the session, its names and CPU memory info
  std::vector<const char*> input_cnames_, output_cnames_;
  std::vector<void*> input_values_;
};

}  // namespace weft::bench
