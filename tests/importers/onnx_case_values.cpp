// onnx_case_values.cpp - .pb tensors, sequences and optionals to interpreter values.
#include "tests/importers/onnx_case_values.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "importers/onnx/OnnxTensors.h"

namespace weft::conformance {
namespace {

template <typename Proto>
Proto parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Proto p;
  if (!in || !p.ParseFromIstream(&in)) throw std::runtime_error("cannot parse " + path);
  return p;
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// onnx 1.12 stores bfloat16 test data as uint16 bit patterns: read them as the graph's bfloat16.
Value tensor_of(const onnx::TensorProto& t, const std::string& path, int graph_elem_type = 0) {
  if (graph_elem_type == onnx::TensorProto::BFLOAT16 && t.data_type() == onnx::TensorProto::UINT16) {
    onnx::TensorProto copy = t;
    copy.set_data_type(onnx::TensorProto::BFLOAT16);
    return tensor_value(onnx_import::to_tensor(copy, dir_of(path), Span{path, 0, 0}));
  }
  return tensor_value(onnx_import::to_tensor(t, dir_of(path), Span{path, 0, 0}));
}

Value sequence_of(const onnx::SequenceProto& s, const onnx::TypeProto& elem, const Module& m, const std::string& path);

Value optional_of(const onnx::OptionalProto& o, const onnx::TypeProto& elem, const Module& m, const std::string& path) {
  if (o.has_tensor_value()) return some_value(m, tensor_of(o.tensor_value(), path));
  if (o.has_sequence_value()) return some_value(m, sequence_of(o.sequence_value(), elem.sequence_type().elem_type(), m, path));
  return none_value(m);
}

Value sequence_of(const onnx::SequenceProto& s, const onnx::TypeProto& elem, const Module& m, const std::string& path) {
  std::vector<Value> items;
  for (const auto& t : s.tensor_values()) items.push_back(tensor_of(t, path));
  for (const auto& q : s.sequence_values()) items.push_back(sequence_of(q, elem.sequence_type().elem_type(), m, path));
  for (const auto& o : s.optional_values()) items.push_back(optional_of(o, elem.optional_type().elem_type(), m, path));
  return list_value(m, items);
}

}  // namespace

bool has_string(const onnx::TypeProto& type) {
  if (type.has_tensor_type()) return type.tensor_type().elem_type() == onnx::TensorProto::STRING;
  if (type.has_sequence_type()) return has_string(type.sequence_type().elem_type());
  if (type.has_optional_type()) return has_string(type.optional_type().elem_type());
  return false;
}

Value read_value(const std::string& path, const onnx::TypeProto& type, const Module& m) {
  if (type.has_sequence_type()) return sequence_of(parse_file<onnx::SequenceProto>(path), type.sequence_type().elem_type(), m, path);
  if (type.has_optional_type()) return optional_of(parse_file<onnx::OptionalProto>(path), type.optional_type().elem_type(), m, path);
  return tensor_of(parse_file<onnx::TensorProto>(path), path, type.tensor_type().elem_type());
}

}  // namespace weft::conformance
