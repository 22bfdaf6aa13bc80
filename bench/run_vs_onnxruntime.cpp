// run_vs_onnxruntime.cpp - run_vs_onnxruntime ORT_LIB MODELS_DIR [...]: weft against ONNX Runtime's C API on the ONNX
// models of make_peer_models.py, at 1 and 2 threads; one table of ORT/weft speed ratios (see PeerBench.h).
//
// ONNX Runtime is loaded with dlopen from ORT_LIB (libonnxruntime.so.1, unpacked from ../shared/peers at bench
// time by unpack_onnxruntime.sh); nothing of it is linked, so this program needs neither ORT nor LibTorch to build.
#include <iostream>
#include <memory>

#include "bench/OrtSession.h"
#include "bench/PeerBench.h"

using namespace weft::bench;

namespace {

class OrtPeer : public PeerEngine {
 public:
  OrtPeer(const OrtLibrary& ort, const std::string& model, int threads, const std::vector<FloatTensor>& inputs)
      : session_(ort, model, threads, inputs) {}
  void run(std::vector<FloatTensor>* out) override { session_.run(out); }

 private:
  OrtSession session_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "run_vs_onnxruntime ORT_LIB MODELS_DIR [--threads 1,2] [--rounds 15] [--only NAME,...]\n"
      "  ORT_LIB: libonnxruntime.so.1; MODELS_DIR: written by bench/make_peer_models.py";
  if (argc < 3) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  PeerBenchConfig config;
  config.extension = ".onnx";
  config.pass_shapes = true;
  config.weft_bin = WEFT_BIN;
  if (!parse_peer_args(argc, argv, 2, usage, config)) return 2;
  try {
    OrtLibrary ort(argv[1]);
    config.peer_label = "ORT";
    config.peer_name = "ONNX Runtime " + ort.version() + " (C API, intra-op threads = thr, all graph optimizations)";
    return run_peer_benchmark(config, [&](const std::string& model, int threads, const std::vector<FloatTensor>& inputs) {
      return std::make_unique<OrtPeer>(ort, model, threads, inputs);
    });
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}
