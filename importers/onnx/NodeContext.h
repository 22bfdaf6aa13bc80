// NodeContext.h - what an ONNX op converter sees of one node, and the converter table.
#pragma once

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/Expr.h"

namespace weft::onnx_import {

class GraphBuilder;

// A tensor type whose rank (and so shape) a converter may read; null for anything else,
// including a tensor of unknown rank (`f32[*]`, an element of a sequence whose elements
// change rank), which converters treat like a type not known at import time.
inline const TensorTypeNode* as_ranked(const Type& t) {
  auto tt = as_tensor(t);
  return tt && tt->has_rank() ? tt : nullptr;
}

// A converter's view of one node: its inputs as IR values (with their types and, when
// known at import time, their constant values), its attributes, and a way to emit
// IR bindings. Errors go through fail(), which names the node.
class NodeContext {
 public:
  NodeContext(const onnx::NodeProto& node, int opset, GraphBuilder& graph, Span span);

  const onnx::NodeProto& node() const { return node_; }
  const std::string& op_type() const { return node_.op_type(); }
  int opset() const { return opset_; }  // version of the node's domain
  const Span& span() const { return span_; }
  GraphBuilder& graph() { return graph_; }

  // Inputs. An optional input may be absent: past the end, or named "".
  size_t num_inputs() const { return size_t(node_.input_size()); }
  bool has_input(size_t i) const;
  Expr input(size_t i) const;                 // fail() if absent
  Type input_type(size_t i) const;            // null when not known at import time
  const Tensor* input_constant(size_t i) const;  // value when known at import time, else null
  int input_rank(size_t i) const;             // fail() when the rank is not known
  DType input_dtype(size_t i) const;          // fail() when not known
  size_t num_outputs() const { return size_t(node_.output_size()); }
  bool has_output(size_t i) const { return i < num_outputs() && !node_.output(int(i)).empty(); }

  // Attributes; `def` is used when the attribute is absent, and fail() when neither.
  bool has_attr(const std::string& name) const;
  int64_t attr_int(const std::string& name, std::optional<int64_t> def = std::nullopt) const;
  double attr_float(const std::string& name, std::optional<double> def = std::nullopt) const;
  std::string attr_string(const std::string& name, std::optional<std::string> def = std::nullopt) const;
  std::vector<int64_t> attr_ints(const std::string& name, std::optional<std::vector<int64_t>> def = std::nullopt) const;
  std::vector<double> attr_floats(const std::string& name, std::optional<std::vector<double>> def = std::nullopt) const;
  std::vector<std::string> attr_strings(const std::string& name, std::optional<std::vector<std::string>> def = std::nullopt) const;
  Tensor attr_tensor(const std::string& name) const;
  const onnx::GraphProto& attr_graph(const std::string& name) const;
  const onnx::AttributeProto* find_attr(const std::string& name) const;

  // Emission: each binds a fresh let variable (named after the node) and returns it.
  Expr op(const std::string& weft_op, std::vector<Expr> args, Attrs attrs = {});
  Expr bind(Expr value);
  Expr constant(Tensor value);
  Expr i64_vector(const std::vector<int64_t>& v);  // constant 1-D i64 tensor
  Expr i64_scalar(int64_t v);

  [[noreturn]] void fail(const std::string& why) const;

 private:
  const onnx::NodeProto& node_;
  int opset_;
  GraphBuilder& graph_;
  Span span_;
};

// Converts one node: returns one Expr per node output (null for an output the
// converter does not produce; using it later is an error).
using Converter = std::function<std::vector<Expr>(NodeContext&)>;

// The table of converters, keyed by (domain, op_type). "" and "ai.onnx" are the default domain.
// Families register from converters/*.cpp: one WEFT_ONNX_CONVERTER_FAMILY line each in converters/Converters.h.
class ConverterTable {
 public:
  static const ConverterTable& global();
  const Converter* find(const std::string& domain, const std::string& op_type) const;
  void add(const std::string& op_type, Converter c, const std::string& domain = "");
  std::vector<std::string> op_types() const;

 private:
  std::map<std::pair<std::string, std::string>, Converter> table_;
};

}  // namespace weft::onnx_import
