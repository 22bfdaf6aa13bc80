// PeerBench.h - the peer benchmark's protocol, shared by every peer: compile each model with weft, run both engines
// on the same inputs, check they agree, time them alternately per thread count, print the ratio table.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/WeftLibrary.h"

namespace weft::bench {

// The engine weft is compared with, for one model at one thread count.
class PeerEngine {
 public:
  virtual ~PeerEngine() = default;
  // One inference; every output copied out when `out` is given.
  virtual void run(std::vector<FloatTensor>* out) = 0;
};

// Loads MODEL_PATH for `threads` intra-op threads with these inputs (borrowed; they outlive the engine).
using MakePeer = std::function<std::unique_ptr<PeerEngine>(const std::string& model_path, int threads,
                                                           const std::vector<FloatTensor>& inputs)>;

struct PeerBenchConfig {
  std::string peer_label;  // heads the peer's columns, e.g. "ORT"
  std::string peer_name;   // as printed below the table, e.g. "ONNX Runtime 1.30.0 (C API)"
  std::string extension;   // the models' form: ".onnx" or ".pt"
  bool pass_shapes = true;  // give weft each input's shape with --input-shape (a .pt declares them itself)
  std::string weft_bin;    // the weft command
  std::string models_dir;  // written by bench/make_peer_models.py
  std::vector<int> threads{1, 2};
  int rounds = 15;
  double round_budget_s = 0.1;  // of the slower engine, per round
  std::vector<std::string> only;  // models to run; empty: all
};

// Reads `MODELS_DIR [--threads 1,2] [--rounds 15] [--only NAME,...]` into `config` from argv[first..];
// false (after printing `usage`) if they are malformed.
bool parse_peer_args(int argc, char** argv, int first, const std::string& usage, PeerBenchConfig& config);

// Runs the benchmark and prints the machine (CPU, cores, load before and after) and the table.
// Returns 0 if every model was measured and agreed, 1 otherwise (the table still prints).
int run_peer_benchmark(const PeerBenchConfig& config, const MakePeer& make_peer);

}  // namespace weft::bench
