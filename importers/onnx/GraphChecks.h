// GraphChecks.h - rejects ONNX graphs whose wiring the spec forbids, with one message naming the nodes.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

namespace weft::onnx_import {

// CompileError for: two nodes writing one name, a node writing a graph input's or an
// initializer's name, a node reading a value that only it or a later node defines
// (naming the reader, the value and the writer), and a cycle (naming its nodes).
// Values from enclosing graphs are not this graph's business and pass.
void check_graph_wiring(const onnx::GraphProto& g, const std::string& graph_name);

}  // namespace weft::onnx_import
