// MarkOutputs.cpp - an ONNX model with every node output also a graph output (see MarkOutputs.h).
#include "importers/onnx/MarkOutputs.h"

#include <onnx/onnx_pb.h>

#include <set>

#include "importers/onnx/GraphBuilder.h"
#include "ir/Error.h"

namespace weft {

std::string onnx_model_with_every_node_output(const std::string& path, const std::vector<std::string>& wanted, int* own_outputs) {
  onnx::ModelProto model = onnx_import::load_model(path);
  onnx::GraphProto* graph = model.mutable_graph();
  *own_outputs = graph->output_size();
  const std::set<std::string> marked(wanted.begin(), wanted.end());
  std::set<std::string> taken;
  for (const auto& o : graph->output()) taken.insert(o.name());
  for (const auto& i : graph->input()) taken.insert(i.name());
  for (const auto& node : graph->node())
    for (const std::string& name : node.output())
      if (!name.empty() && marked.count(name) && taken.insert(name).second) graph->add_output()->set_name(name);
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw CompileError(Span{path}, "cannot write the model with every node output marked");
  return bytes;
}

}  // namespace weft
