// TorchModel.h - the same TorchScript model run by LibTorch (torch::jit::load + forward, no grad): the peer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/WeftLibrary.h"

namespace weft::bench {

// One loaded module and its inputs (borrowing the FloatTensors' buffers). Throws
// std::runtime_error if the model cannot be loaded or returns something other than f32 tensors.
class TorchModel {
 public:
  TorchModel(const std::string& path, const std::vector<FloatTensor>& inputs);
  ~TorchModel();
  // One forward; the outputs (tensors of a possibly nested tuple, in order) copied out when `out` is given.
  void run(std::vector<FloatTensor>* out = nullptr);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// LibTorch's intra-op threads: the default (before any set) and setting it.
int torch_threads();
void set_torch_threads(int n);
// "LibTorch 1.13.0, BLAS_INFO=generic": the version and the BLAS it was built with (a reference
// BLAS makes it a much slower peer for matrix products than a build with MKL or OpenBLAS).
std::string torch_build_info();

}  // namespace weft::bench
