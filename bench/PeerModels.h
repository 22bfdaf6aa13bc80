// PeerModels.h - the peer benchmark's models (peer_manifest.txt of make_peer_models.py) and their weft libraries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weft::bench {

struct PeerInput {
  std::string name;
  std::vector<int64_t> shape;
};

struct PeerModel {
  std::string name;               // DIR/<name>.onnx and DIR/<name>.pt
  std::vector<PeerInput> inputs;  // in forward's (and the ONNX graph's) order
};

// DIR/peer_manifest.txt, in table order; throws std::runtime_error naming the file and line if it
// is missing or malformed.
std::vector<PeerModel> read_peer_manifest(const std::string& dir);

// The inputs' shapes, for make_inputs.
std::vector<std::vector<int64_t>> input_shapes(const PeerModel& model);

// `weft compile MODEL_PATH -o LIB` with weft's defaults, each input's shape given by --input-shape
// when `pass_shapes` (ONNX; a .pt declares them in its weft_inputs). Always compiles: the runtime
// headers a library is built from may have changed since the last run. weft's stage log goes to
// LIB.log; throws with it if the compile fails. Returns the seconds it took.
double compile_with_weft(const std::string& weft_bin, const PeerModel& model, const std::string& model_path,
                         const std::string& lib, bool pass_shapes);

}  // namespace weft::bench
