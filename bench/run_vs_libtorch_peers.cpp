// run_vs_libtorch_peers.cpp - run_vs_libtorch_peers MODELS_DIR [...]: weft against LibTorch on the TorchScript forms of
// make_peer_models.py's models (the ones run_vs_onnxruntime times as ONNX), at 1 and 2 threads; one table of
// LibTorch/weft speed ratios (see PeerBench.h). run_vs_libtorch times make_models.py's models, with memory.
#include <iostream>
#include <memory>

#include "bench/PeerBench.h"
#include "bench/TorchModel.h"

using namespace weft::bench;

namespace {

// LibTorch's thread count is global to the process: set for each model and thread count, before
// its runs, and weft's own threads are its handle's, so alternating the two leaves each its count.
class TorchPeer : public PeerEngine {
 public:
  TorchPeer(const std::string& model, int threads, const std::vector<FloatTensor>& inputs) : model_(model, inputs) {
    set_torch_threads(threads);
  }
  void run(std::vector<FloatTensor>* out) override { model_.run(out); }

 private:
  TorchModel model_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "run_vs_libtorch_peers MODELS_DIR [--threads 1,2] [--rounds 15] [--only NAME,...]\n"
      "  MODELS_DIR: written by bench/make_peer_models.py";
  PeerBenchConfig config;
  config.extension = ".pt";
  config.pass_shapes = false;  // each .pt declares its shapes in its weft_inputs extra file
  config.weft_bin = WEFT_BIN;
  if (!parse_peer_args(argc, argv, 1, usage, config)) return 2;
  config.peer_label = "LibTorch";
  config.peer_name = torch_build_info() + " (torch::set_num_threads(thr), TorchScript, no grad)";
  return run_peer_benchmark(config, [](const std::string& model, int threads, const std::vector<FloatTensor>& inputs) {
    return std::make_unique<TorchPeer>(model, threads, inputs);
  });
}
