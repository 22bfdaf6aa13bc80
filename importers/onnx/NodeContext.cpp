// NodeContext.cpp - a converter's access to one node's inputs and attributes, and its emission helpers.
#include "importers/onnx/NodeContext.h"

#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/OnnxTensors.h"

namespace weft::onnx_import {

namespace {

using AP = onnx::AttributeProto;

const char* attr_type_name(int t) {
  return AP::AttributeType_IsValid(t) ? AP::AttributeType_Name(AP::AttributeType(t)).c_str() : "UNKNOWN";
}

// Old models may leave `type` unset; the field that holds a value tells it then.
int effective_type(const AP& a) {
  if (a.type() != AP::UNDEFINED) return a.type();
  if (a.has_f()) return AP::FLOAT;
  if (a.has_i()) return AP::INT;
  if (a.has_s()) return AP::STRING;
  if (a.has_t()) return AP::TENSOR;
  if (a.has_g()) return AP::GRAPH;
  if (a.has_tp()) return AP::TYPE_PROTO;
  if (a.floats_size()) return AP::FLOATS;
  if (a.ints_size()) return AP::INTS;
  if (a.strings_size()) return AP::STRINGS;
  return AP::UNDEFINED;
}

// " ('name')" for a message about input i, " (absent)" when the node does not give it.
std::string input_label(const onnx::NodeProto& node, size_t i) {
  return i < size_t(node.input_size()) && !node.input(int(i)).empty() ? " ('" + node.input(int(i)) + "')" : " (absent)";
}

}  // namespace

NodeContext::NodeContext(const onnx::NodeProto& node, int opset, GraphBuilder& graph, Span span)
    : node_(node), opset_(opset), graph_(graph), span_(std::move(span)) {}

void NodeContext::fail(const std::string& why) const { throw CompileError(span_, why); }

// ---- inputs ------------------------------------------------------------------------------------

bool NodeContext::has_input(size_t i) const { return i < num_inputs() && !node_.input(int(i)).empty(); }

Expr NodeContext::input(size_t i) const {
  if (!has_input(i)) fail(Msg() << "input " << i << " is missing; this operator needs it (the node has " << num_inputs() << " inputs)");
  const std::string& name = node_.input(int(i));
  Expr e = graph_.lookup(name);
  if (!e) fail("input '" + name + "' is not defined by a graph input, an initializer or an earlier node");
  return e;
}

Type NodeContext::input_type(size_t i) const { return has_input(i) ? graph_.type_of(input(i)) : nullptr; }

const Tensor* NodeContext::input_constant(size_t i) const { return has_input(i) ? graph_.constant_of(input(i)) : nullptr; }

int NodeContext::input_rank(size_t i) const {
  auto t = as_ranked(input_type(i));
  if (!t) fail(Msg() << "the rank of input " << i << input_label(node_, i) << " is not known at import time");
  return t->rank();
}

DType NodeContext::input_dtype(size_t i) const {
  auto t = as_tensor(input_type(i));
  if (!t) fail(Msg() << "the element type of input " << i << input_label(node_, i) << " is not known at import time");
  return t->dtype;
}

// ---- attributes --------------------------------------------------------------------------------

const onnx::AttributeProto* NodeContext::find_attr(const std::string& name) const {
  for (auto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

bool NodeContext::has_attr(const std::string& name) const { return find_attr(name) != nullptr; }

namespace {

// The attribute `name` of kind `kind`; null when absent (the caller uses its default),
// fail() when present with another kind.
const AP* typed_attr(const NodeContext& ctx, const std::string& name, int kind, bool has_default) {
  const AP* a = ctx.find_attr(name);
  if (!a) {
    if (!has_default) ctx.fail("required attribute '" + name + "' is missing");
    return nullptr;
  }
  int t = effective_type(*a);
  bool ok = t == kind || (kind == AP::FLOAT && t == AP::INT) || (kind == AP::FLOATS && t == AP::INTS);
  if (!ok) ctx.fail(Msg() << "bad attribute '" << name << "': expected " << attr_type_name(kind) << ", got " << attr_type_name(t));
  return a;
}

}  // namespace

int64_t NodeContext::attr_int(const std::string& name, std::optional<int64_t> def) const {
  const AP* a = typed_attr(*this, name, AP::INT, def.has_value());
  return a ? a->i() : *def;
}

double NodeContext::attr_float(const std::string& name, std::optional<double> def) const {
  const AP* a = typed_attr(*this, name, AP::FLOAT, def.has_value());
  if (!a) return *def;
  return effective_type(*a) == AP::INT ? double(a->i()) : double(a->f());
}

std::string NodeContext::attr_string(const std::string& name, std::optional<std::string> def) const {
  const AP* a = typed_attr(*this, name, AP::STRING, def.has_value());
  return a ? a->s() : *def;
}

std::vector<int64_t> NodeContext::attr_ints(const std::string& name, std::optional<std::vector<int64_t>> def) const {
  const AP* a = typed_attr(*this, name, AP::INTS, def.has_value());
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : *def;
}

std::vector<double> NodeContext::attr_floats(const std::string& name, std::optional<std::vector<double>> def) const {
  const AP* a = typed_attr(*this, name, AP::FLOATS, def.has_value());
  if (!a) return *def;
  if (effective_type(*a) == AP::INTS) return std::vector<double>(a->ints().begin(), a->ints().end());
  return std::vector<double>(a->floats().begin(), a->floats().end());
}

std::vector<std::string> NodeContext::attr_strings(const std::string& name, std::optional<std::vector<std::string>> def) const {
  const AP* a = typed_attr(*this, name, AP::STRINGS, def.has_value());
  return a ? std::vector<std::string>(a->strings().begin(), a->strings().end()) : *def;
}

Tensor NodeContext::attr_tensor(const std::string& name) const {
  const AP* a = typed_attr(*this, name, AP::TENSOR, false);
  try {
    return to_tensor(a->t(), graph_.state().model_dir, span_);
  } catch (const std::invalid_argument& e) {
    fail(std::string("bad attribute '") + name + "': malformed external data entry (" + e.what() + ")");
  } catch (const std::out_of_range& e) {
    fail(std::string("bad attribute '") + name + "': external data entry out of range (" + e.what() + ")");
  }
}

const onnx::GraphProto& NodeContext::attr_graph(const std::string& name) const {
  return typed_attr(*this, name, AP::GRAPH, false)->g();
}

// ---- emission ----------------------------------------------------------------------------------

namespace {
std::string hint_of(const onnx::NodeProto& node) {
  if (node.output_size() > 0 && !node.output(0).empty()) return node.output(0);
  return node.name().empty() ? node.op_type() : node.name();
}
}  // namespace

Expr NodeContext::op(const std::string& weft_op, std::vector<Expr> args, Attrs attrs) {
  return graph_.emit_op(weft_op, std::move(args), std::move(attrs), span_, hint_of(node_));
}

Expr NodeContext::bind(Expr value) { return graph_.bind(std::move(value), hint_of(node_), span_); }

Expr NodeContext::constant(Tensor value) { return graph_.bind_constant(std::move(value), hint_of(node_), span_); }

Expr NodeContext::i64_vector(const std::vector<int64_t>& v) {
  return constant(Tensor::from_vector<int64_t>(v, {int64_t(v.size())}));
}

Expr NodeContext::i64_scalar(int64_t v) { return constant(Tensor::scalar<int64_t>(v)); }

}  // namespace weft::onnx_import
