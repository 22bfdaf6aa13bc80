// CheckOracle.h - what `weft check` compares a library against: LibTorch, ONNX Runtime or weft's interpreter, behind one interface.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Tensor.h"
#include "ir/Value.h"
#include "cli/MarkAll.h"

namespace weft::cli {

class Oracle {
 public:
  virtual ~Oracle() = default;
  // "interpreter", "torch" or "onnxruntime", and e.g. "LibTorch 1.13.0" / "ONNX Runtime 1.30.0".
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  // The model on @main's arguments: `outputs`, the result's tensors flattened in order (tuples
  // and lists; an absent optional adds nothing), as the library's outputs are flattened; with
  // --mark-all (`marks` values, @main returning them after its result as expose_intermediates
  // makes it), each mark's value: one tensor, or a loop value's list (the last iteration
  // first); nullopt where the oracle cannot observe it (ONNX Runtime: a let with no ONNX
  // tensor of its own, a value inside a loop).
  struct Result {
    std::vector<Tensor> outputs;
    std::vector<std::optional<std::vector<Tensor>>> marks;
  };
  virtual Result run(const std::vector<Value>& args, size_t marks) = 0;
};

// Flattens a value as every oracle does: tuples and lists to their tensors, Some to its
// contents, None to nothing.
void flatten_tensors(const Value& v, std::vector<Tensor>& out);

// The oracle `which` asks for ("": the model's own framework where weft can run it, else the
// interpreter) for the model file `path`, imported as `m`. ONNX Runtime is looked up as
// host::find_ort_library(ort_lib) says. CompileError saying why an oracle asked for by name
// cannot run (no LibTorch in this build, no ONNX Runtime library, a model of another
// format); `note` says why an automatic choice fell back to the interpreter. `marks` (non-null
// with --mark-all, `m` then returning them as expose_intermediates makes it) are what the
// oracle observes besides the outputs: the interpreter runs `m` itself; ONNX Runtime runs the
// model with every node output marked (onnx_model_with_every_node_output) and gives the marks
// that name an ONNX tensor; LibTorch observes none, so it refuses (CompileError).
std::unique_ptr<Oracle> make_oracle(const std::string& which, const std::string& path, const Module& m, const std::string& ort_lib,
                                    std::string* note, const std::vector<MarkedValue>* marks = nullptr);

}  // namespace weft::cli
