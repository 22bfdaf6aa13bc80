// MarkOutputs.h - what `weft check --mark-all` needs of an ONNX file to compare intermediates with ONNX Runtime: each let's ONNX tensor, and the model with every node output marked.
#pragma once

#include <string>
#include <vector>

namespace weft {

// Per let of import_onnx(path)'s @main, in chain order: the name of the ONNX tensor that a
// node of the top-level graph defines as that let's variable, or "" for a let that is a step
// inside a node's lowering, a constant, or part of an inlined subgraph. Imports the file again
// (the import is deterministic, so the chain is the same); CompileError as import_onnx.
std::vector<std::string> onnx_tensor_of_each_let(const std::string& path);

// The bytes of the model in `path` with the outputs of its top-level nodes named in `wanted`
// added to the graph's outputs (after the model's own, in node order; each once, and none that
// already is an output or an input), as Polygraphy's `--mark all` does for every one. `wanted`
// is what weft compares (onnx_tensor_of_each_let's names of tensor values): marking a sequence
// or an optional would make ONNX Runtime return a value that is no tensor. The added outputs
// carry a name only: ONNX Runtime takes their types from its own inference. Nodes inside
// subgraphs (If, Loop, Scan bodies) cannot be marked this way. `own_outputs` receives the
// number of the model's own outputs (the first ones). CompileError as import_onnx.
std::string onnx_model_with_every_node_output(const std::string& path, const std::vector<std::string>& wanted, int* own_outputs);

}  // namespace weft
