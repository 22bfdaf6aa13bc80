// TorchRunner.h - a TorchScript file's forward run by LibTorch on weft values: the oracle of `weft check` for a .pt (no LibTorch in sight).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/Tensor.h"
#include "ir/Value.h"

namespace weft {

// One module loaded with torch::jit::load, in eval mode. The importer freezes and lowers
// its own copy; this one is what a user's framework runs, so it is left as saved.
class TorchRunner {
 public:
  // Throws CompileError naming the file when LibTorch cannot load it.
  explicit TorchRunner(const std::string& path);
  ~TorchRunner();
  TorchRunner(const TorchRunner&) = delete;
  TorchRunner& operator=(const TorchRunner&) = delete;

  // forward(args) under NoGradGuard. `args` are @main's arguments in order: a tensor, a
  // rank-0 tensor where forward takes an int, float or bool, a List value, an Option (None
  // passed as None). Returns the result's tensors flattened in order (tuples and lists,
  // recursively; a number as a rank-0 tensor; None adds nothing), as `weft run` flattens
  // outputs. Throws RuntimeError with LibTorch's message.
  std::vector<Tensor> run(const std::vector<Value>& args) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string path_;
};

// "LibTorch 1.13.0": what a report names as its oracle.
std::string libtorch_version();

}  // namespace weft
